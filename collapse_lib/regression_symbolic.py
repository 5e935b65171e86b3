"""Linear regression trained on its own predictions: the derivations as sympy expressions.

The chapter *Linear regression trained on its own predictions* shows these; the
numeric twins are in :mod:`collapse_lib.regression` and the tests check that the
two agree. Notation as there (the book's): d inputs, M_0 points per generation
(M for a generic sample size; the papers write T), label noise sigma_eps^2, model n
after n fits (model 0 = w_0), test error ||w_n - w_0||_Sigma^2. The Python names
keep the papers' letters; the symbols display the book's: ``T`` shows as M, ``s``
(an eigenvalue) as vartheta, ``t`` as Lambda, ``c`` (ridge drift, mixing increment) as u,
``b`` as wbar^2 (the mean squared true weight).
"""

from __future__ import annotations

import functools

import sympy as sp

from . import validation

d, n, i, k = sp.symbols("d n i k", positive=True, integer=True)
T = sp.Symbol("M", positive=True, integer=True)
"""Dimension, sample size M (named T in the papers), number of generations, summation indices."""

sigma0 = sp.Symbol("sigma_varepsilon", positive=True)
"""Standard deviation of the label noise of every generation."""

x, lam = sp.symbols("x lambda", positive=True)
s = sp.Symbol("vartheta", positive=True)
t = sp.Symbol("Lambda", positive=True)
"""A chi-square variable, the ridge penalty lambda, an eigenvalue vartheta of X^T X, Lambda = M lambda."""

phi = sp.Symbol("varphi", positive=True)
"""The real fraction K / M_0 under mixing."""

rho = sp.Symbol("rho", positive=True)
"""M_0 / d < 1 in the over-parameterised case."""

c = sp.Symbol("u", nonnegative=True)
b = sp.Symbol("wbar^2", nonnegative=True)
"""Ridge: E[(w_n - w_0)(w_n - w_0)^T] = u I (also the mixing increment x_1) and ||w_0||^2 = wbar^2 d."""


_MAX_GENERATIONS = 10_000
"""Largest explicit number of generations of the exact sums (use the symbol n beyond)."""


def _generations(generations):
    return validation.symbolic_integer(generations, "generations", minimum=0, maximum=_MAX_GENERATIONS)


def _nonnegative(value, name: str):
    return validation.symbolic_real(value, name, minimum=0)


def _size_and_dim(size, dim, name: str = "size"):
    """(M, d) checked: symbols, or whole numbers d >= 1 and M >= d + 2 (the inverse-Wishart mean is finite)."""
    dim = validation.symbolic_integer(dim, "dim", minimum=1)
    size = validation.symbolic_integer(size, name, minimum=1, maximum=validation.SYMBOLIC_MAX_SIZE)
    if size.is_number and dim.is_number and size < dim + 2:
        raise ValueError(f"{name} must be at least d + 2 = {dim + 2} in dimension d = {dim}, got {size}: "
                         "E[(X^T X)^-1] is infinite for M <= d + 1.")
    return size, dim


def _fraction(fraction):
    """phi in (0, 1]: the real share of a mixed training set (phi = 0 is replace, without a fixed point)."""
    return validation.symbolic_real(fraction, "fraction", minimum=0, maximum=1, strict=True)


def chi_square_density(dof=k, variable=x):
    """Density of chi^2_k: x^{k/2 - 1} e^{-x/2} / (2^{k/2} Gamma(k/2)), x > 0."""
    dof = validation.symbolic_real(dof, "dof", minimum=0, strict=True)
    variable = validation.symbolic_real(variable, "variable", minimum=0, strict=True)
    return variable ** (dof / 2 - 1) * sp.exp(-variable / 2) / (2 ** (dof / 2) * sp.gamma(dof / 2))


@functools.lru_cache(maxsize=None)
def _inverse_chi_square_mean():
    integral = sp.integrate(chi_square_density(k) / x, (x, 0, sp.oo), conds="none")
    return sp.simplify(sp.gammasimp(integral))


def inverse_chi_square_mean(dof=k):
    """E[1 / chi^2_k] by integrating against the density: 1 / (k - 2), finite for k > 2."""
    dof = validation.symbolic_real(dof, "dof", minimum=2, strict=True)
    return _inverse_chi_square_mean().subs(k, dof)


def inverse_wishart_mean_1d(size=T, variance=None):
    """d = 1: X^T X = sigma_x^2 chi^2_M (sigma_x^2 = Var x), so E[(X^T X)^{-1}] = 1 / (sigma_x^2 (M - 2))."""
    size = validation.symbolic_integer(size, "size", minimum=3, maximum=validation.SYMBOLIC_MAX_SIZE)
    variance = (sp.Symbol("sigma_x^2", positive=True) if variance is None
                else validation.symbolic_real(variance, "variance", minimum=0, strict=True))
    return sp.simplify(inverse_chi_square_mean(size) / variance)


def inverse_wishart_diagonal(size=T, dim=d):
    """A diagonal entry of E[Omega^{-1}], Omega ~ W_d(M, I): 1/(M - d - 1).

    (Omega^{-1})_{dd} = 1 / (Omega_dd - w^T Omega_11^{-1} w) and the Schur complement is
    chi^2_{M - d + 1}, independent of Omega_11 (the Wishart argument in the chapter).
    """
    size, dim = _size_and_dim(size, dim)
    return inverse_chi_square_mean(size - dim + 1)


def one_fit_error(size=T, dim=d, sd=sigma0):
    """E||w_hat - w||_Sigma^2 = sigma_eps^2 tr(Sigma E[(X^T X)^{-1}]) = sigma_eps^2 d / (M - d - 1)."""
    size, dim = _size_and_dim(size, dim)
    sd = _nonnegative(sd, "sd")
    return sd**2 * dim * inverse_wishart_diagonal(size, dim)


def replace_error(generations=n, size=T, dim=d, sd=sigma0):
    """sum_{k<n} E||e_k||_Sigma^2 of n independent OLS noises: n sigma_eps^2 d / (M - d - 1)."""
    generations = _generations(generations)
    return sp.summation(one_fit_error(size, dim, sd), (i, 1, generations))


def accumulate_error(generations=n, size=T, dim=d, sd=sigma0):
    """w_n - w_0 = sum_{i=1}^{n} e_i / i with e_i i.i.d. given X: sigma_eps^2 d / (M - d - 1) sum 1/i^2."""
    generations = _generations(generations)
    return one_fit_error(size, dim, sd) * sp.summation(1 / i**2, (i, 1, generations))


def accumulate_limit(size=T, dim=d, sd=sigma0):
    """lim_n of :func:`accumulate_error`: pi^2/6 times the one-fit error."""
    return sp.limit(accumulate_error(n, size, dim, sd), n, sp.oo)


def mix_increment(real, synthetic, fraction=phi, dim=d, sd=sigma0):
    """x_1 = phi^2 sigma_eps^2 d/(K - d - 1) + (1 - phi)^2 sigma_eps^2 d/(M_0 - K - d - 1): the fresh error per generation."""
    real, _ = _size_and_dim(real, dim, "real")
    synthetic, dim = _size_and_dim(synthetic, dim, "synthetic")
    fraction = _fraction(fraction)
    return fraction**2 * one_fit_error(real, dim, sd) + (1 - fraction) ** 2 * one_fit_error(synthetic, dim, sd)


def mix_error(generations=n, increment=c, fraction=phi):
    """x_n solving x_{k+1} = (1 - phi)^2 x_k + x_1, x_0 = 0 (sympy rsolve; ``increment`` is x_1)."""
    generations, increment, fraction = _generations(generations), _nonnegative(increment, "increment"), _fraction(fraction)
    sequence = sp.Function("x")
    solution = sp.rsolve(sequence(k + 1) - (1 - fraction) ** 2 * sequence(k) - increment, sequence(k),
                         {sequence(0): 0})
    return sp.simplify(solution.subs(k, generations))


def mix_fixed_point(increment=c, fraction=phi):
    """x* = x_1 / (1 - (1 - phi)^2) = x_1 / (phi (2 - phi)), the fixed point of the mix recursion."""
    increment, fraction = _nonnegative(increment, "increment"), _fraction(fraction)
    unknown = sp.Symbol("x^*")
    return sp.factor(sp.solve(sp.Eq(unknown, (1 - fraction) ** 2 * unknown + increment), unknown)[0])


def ridge_eigen_error(eigenvalue=s, shrink=t, drift=c, signal=b, sd=sigma0):
    """The test error carried by one eigen-direction of X^T X with eigenvalue vartheta, Lambda = M lambda:

    (u vartheta^2 + wbar^2 Lambda^2 + sigma^2 vartheta) / (vartheta + Lambda)^2  (variance of the old error, bias, new noise).
    """
    eigenvalue = validation.symbolic_real(eigenvalue, "eigenvalue", minimum=0, strict=True)
    shrink, drift, signal, sd = (_nonnegative(value, name) for value, name in
                                 ((shrink, "shrink"), (drift, "drift"), (signal, "signal"), (sd, "sd")))
    return (drift * eigenvalue**2 + signal * shrink**2 + sd**2 * eigenvalue) / (eigenvalue + shrink) ** 2


def ridge_best_shrink(eigenvalue=s, drift=c, signal=b, sd=sigma0):
    """The Lambda minimising :func:`ridge_eigen_error`: Lambda* = (u vartheta + sigma^2) / wbar^2 (wbar^2 > 0)."""
    signal = validation.symbolic_real(signal, "signal", minimum=0, strict=True)
    error = ridge_eigen_error(eigenvalue, t, drift, signal, sd)
    return sp.solve(sp.diff(error, t), t)[0]


def ridge_best_penalty_limit(size=T, drift=c, signal=b, sd=sigma0):
    """lambda* = Lambda*/M with every vartheta = M (X^T X = M I): (u + sigma^2 / M) / wbar^2."""
    size = validation.symbolic_integer(size, "size", minimum=1)
    return sp.expand(ridge_best_shrink(size, drift, signal, sd) / size)


def interpolation_error(generations=n, ratio=rho):
    """Noise-free minimum-norm interpolation, Sigma = I, ||w_0|| = 1: E||w_n - w_0||^2 = 1 - rho^n.

    With Pi_k the projection on a uniformly random M_0-dimensional subspace,
    E[Pi_k] = rho I and Pi_k^2 = Pi_k, so m_n = E[w_0^T w_n] and q_n = E||w_n||^2
    both follow y_{k+1} = rho y_k from 1; the error is 1 - 2 m_n + q_n.
    """
    generations = _generations(generations)
    ratio = validation.symbolic_real(ratio, "ratio", minimum=0, maximum=1, strict=True)
    sequence = sp.Function("y")
    geometric = sp.rsolve(sequence(k + 1) - ratio * sequence(k), sequence(k), {sequence(0): 1})
    m_n = q_n = geometric.subs(k, generations)
    return sp.simplify(1 - 2 * m_n + q_n)


def memorise_item_error(probability=sp.Symbol("p", positive=True), training=sp.Symbol("q", nonnegative=True),
                        size=T):
    """E[p 1{item unseen in M draws from p~}] = p (1 - p~)^M: one item's share of the memorising model's error."""
    probability = validation.symbolic_real(probability, "probability", minimum=0, maximum=1)
    training = validation.symbolic_real(training, "training", minimum=0, maximum=1)
    size = validation.symbolic_integer(size, "size", minimum=1)
    return probability * (1 - training) ** size

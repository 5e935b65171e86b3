"""Closed forms of the 1D Gaussian recursion as sympy expressions.

This module is where the chapter *The 1D Gaussian model* derives its results;
:mod:`collapse_lib.gaussian_laws` evaluates the same results numerically and the
tests check that the two agree. Notation (the chapter's):

- generation i has M_i points, nu_i = M_i - 1 degrees of freedom, and the
  variance estimator divides by d_i (d_i = M_i - 1 "unbiased", d_i = M_i "mle");
- S_{i+1} = sigma^2_{i+1} / sigma^2_i = chi^2_{nu_i} / d_i, independent of
  Z_i = sqrt(M_i) (mu_{i+1} - mu_i) / sigma_i ~ N(0, 1) (Cochran's theorem);
- the moments E[S^p] = (2/d)^p Gamma(nu/2 + p) / Gamma(nu/2) drive everything.

The squared Wasserstein-2 distance after n generations splits as
W = D + V with D = (mu_n - mu)^2 and V = (sigma_n - sigma)^2.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from . import validation

sigma = sp.Symbol("sigma", positive=True)
mu = sp.Symbol("mu", real=True)
t = sp.Symbol("t", real=True)
M = sp.Symbol("M", positive=True, integer=True)
n = sp.Symbol("n", nonnegative=True, integer=True)
epsilon = sp.Symbol("varepsilon", positive=True)
"""The small parameter 1/M of the large-sample expansions."""

_x = sp.Symbol("x", positive=True)
HALF = sp.Rational(1, 2)


def size_symbols(count: int) -> list[sp.Symbol]:
    """Symbols M_0, ..., M_{count-1} for a general schedule of ``count`` generations."""
    count = validation.integer(count, "count", minimum=0)
    return [sp.Symbol(f"M_{i}", positive=True, integer=True) for i in range(count)]


def _size(size, estimator: str = "unbiased"):
    """A sample size: a sympy symbol or a whole number >= 2 (plain ints become exact sp.Integer)."""
    validation.estimator(estimator)
    return validation.symbolic_integer(size, "size", minimum=2, maximum=validation.SYMBOLIC_MAX_SIZE)


def denominator(size, estimator: str):
    """d = M - 1 for the unbiased estimator, d = M for maximum likelihood.

    ``size`` may be any expression (a pooled size n M, or 1/epsilon in an expansion);
    a number must be at least 2 for the unbiased estimator and 1 for maximum likelihood.
    """
    validation.estimator(estimator)
    size = validation.symbolic_real(size, "size", minimum=2 if estimator == "unbiased" else 1)
    if size.is_number and not size.is_Integer:
        raise ValueError(f"size must be a whole number (or a symbolic expression), got {size}.")
    return size - 1 if estimator == "unbiased" else size


def ratio_moment(p, size, estimator: str):
    """E[S^p] for S = chi^2_{M-1} / d:  (2/d)^p Gamma((M-1)/2 + p) / Gamma((M-1)/2).

    Finite for p > -(M-1)/2; plain Python numbers give exact results (``ratio_moment(1, 5, "unbiased") == 1``).
    """
    size = _size(size, estimator)
    p = validation.symbolic_real(p, "p")
    if not p.is_number:
        raise ValueError(f"p must be a number (the power of S), got {p}.")
    nu = size - 1
    if size.is_number and p <= -nu / 2:
        raise ValueError(f"E[S^p] is infinite for p <= -(M-1)/2; got p = {p} with M = {size}.")
    whole, fraction = sp.floor(p), p - sp.floor(p)
    # Gamma(x + p) / Gamma(x) = (x + f)_(p - f) * Gamma(x + f) / Gamma(x), f the fractional part of p
    rising = sp.factor(sp.expand_func(sp.rf(nu / 2 + fraction, whole)))
    return (2 / denominator(size, estimator)) ** p * rising * sp.gamma(nu / 2 + fraction) / sp.gamma(nu / 2)


@lru_cache(maxsize=None)
def ratio_moment_series(p, estimator: str, order: int = 4):
    """E[S^p] expanded in epsilon = 1/M up to (excluding) epsilon**order.

    Stirling's series of log Gamma(x + p) - log Gamma(x) at x = nu/2 -> oo,
    re-expanded in epsilon. For example E[S^(1/2)] = 1 - epsilon/4 - 7 epsilon^2/32 + ...
    for the unbiased estimator.
    """
    validation.estimator(estimator)
    order = validation.integer(order, "order", minimum=1, maximum=8)
    p = validation.symbolic_real(p, "p")
    if not p.is_number:
        raise ValueError(f"p must be a number (the power of S), got {p}.")
    stirling = sp.series(sp.loggamma(_x + p) - sp.loggamma(_x), _x, sp.oo, order + 1).removeO()
    rest = sp.nsimplify(sp.simplify(sp.expand_log(stirling - p * sp.log(_x), force=True)))
    nu = 1 / epsilon - 1
    log_moment = rest.subs(_x, nu / 2) + p * sp.log(nu / denominator(1 / epsilon, estimator))
    return sp.series(sp.exp(sp.series(log_moment, epsilon, 0, order).removeO()), epsilon, 0, order).removeO()


class _Digamma(sp.Function):
    """psi(x), printed as the book writes it (sympy prints digamma as polygamma(0, x))."""

    def _latex(self, printer, exp=None):
        body = r"\psi\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


class _Trigamma(sp.Function):
    """psi'(x), printed as the book writes it (sympy prints it as polygamma(1, x))."""

    def _latex(self, printer, exp=None):
        body = r"\psi'\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)


def in_book_notation(expression):
    """The same expression with polygamma(0, x) shown as psi(x) and polygamma(1, x) as psi'(x).

    For display only (chapters 3 and 5 use psi and psi' as in the notation page);
    :func:`from_book_notation` undoes it.
    """

    def rewrite(order, argument):
        if order == 0:
            return _Digamma(argument)
        if order == 1:
            return _Trigamma(argument)
        return sp.polygamma(order, argument)

    return validation.symbolic_expression(expression, "expression").replace(sp.polygamma, rewrite)


def from_book_notation(expression):
    """Inverse of :func:`in_book_notation`: psi and psi' back to sympy's polygamma."""
    expression = validation.symbolic_expression(expression, "expression")
    return expression.replace(_Digamma, lambda a: sp.polygamma(0, a)).replace(_Trigamma, lambda a: sp.polygamma(1, a))


def log_ratio_mean(size, estimator: str):
    """E[log S] = psi((M-1)/2) + log(2/d): the drift of log sigma_i^2 per generation."""
    size = _size(size, estimator)
    return sp.digamma((size - 1) / 2) + sp.log(2 / denominator(size, estimator))


def log_ratio_variance(size):
    """Var[log S] = psi'((M-1)/2), the same for both estimators."""
    size = _size(size)
    return sp.polygamma(1, (size - 1) / 2)


def _moments_exact(size, estimator):
    return {p: ratio_moment(p, size, estimator) for p in (HALF, 1, 3 * HALF, 2)}


def _w2_first_two_moments(sizes, estimator, moments):
    """(E[W], E[W^2]) / (sigma^2, sigma^4) for the schedule ``sizes``.

    ``moments(size, estimator)`` returns {p: E[S^p]} for p in 1/2, 1, 3/2, 2.
    With A_i, B_i, G_i, H_i the products of E[S], E[S^2], E[S^(1/2)], E[S^(3/2)]
    over generations k < i (so that E[sigma_i^2] = sigma^2 A_i, ...):

    E[D]   = sum_i A_i / M_i
    E[V]   = A_n - 2 G_n + 1
    E[D^2] = 3 sum_i B_i / M_i^2 + 6 sum_{i<j} B_i (A_j / A_i) / (M_i M_j)
    E[V^2] = B_n - 4 H_n + 6 A_n - 4 G_n + 1
    E[DV]  = sum_i (B_i A_n / A_i - 2 H_i G_n / G_i + A_i) / M_i
    """
    count = len(sizes)
    per_generation = [moments(size, estimator) for size in sizes]

    def prefix(p, upto):
        return sp.Mul(*[per_generation[k][p] for k in range(upto)])

    def between(p, start, stop):
        return sp.Mul(*[per_generation[k][p] for k in range(start, stop)])

    A = [prefix(1, i) for i in range(count + 1)]
    B = [prefix(2, i) for i in range(count + 1)]
    G = [prefix(HALF, i) for i in range(count + 1)]
    H = [prefix(3 * HALF, i) for i in range(count + 1)]
    mean_d = sum((A[i] / sizes[i] for i in range(count)), sp.Integer(0))
    mean_v = A[count] - 2 * G[count] + 1
    mean_d2 = 3 * sum((B[i] / sizes[i] ** 2 for i in range(count)), sp.Integer(0)) + 6 * sum(
        (B[i] * between(1, i, j) / (sizes[i] * sizes[j]) for i in range(count) for j in range(i + 1, count)),
        sp.Integer(0),
    )
    mean_v2 = B[count] - 4 * H[count] + 6 * A[count] - 4 * G[count] + 1
    mean_dv = sum(
        ((B[i] * between(1, i, count) - 2 * H[i] * between(HALF, i, count) + A[i]) / sizes[i] for i in range(count)),
        sp.Integer(0),
    )
    return mean_d + mean_v, mean_d2 + 2 * mean_dv + mean_v2


def expected_w2sq(sizes, estimator: str = "unbiased"):
    """Exact E[W_2^2(N(mu, sigma^2), N(mu_n, sigma_n^2))] for the schedule ``sizes``.

    ``sizes`` is a list of sympy symbols or integers (M_0, ..., M_{n-1}).
    Unbiased estimator: sigma^2 (sum_i 1/M_i + 2 - 2 prod_i E[sqrt(S_i)]).
    """
    validation.estimator(estimator)
    mean, _ = _w2_first_two_moments(validation.symbolic_sizes(sizes), estimator, _moments_exact)
    return sigma**2 * mean


def variance_w2sq(sizes, estimator: str = "unbiased"):
    """Exact Var[W_2^2] for the schedule ``sizes`` (a list of symbols or integers)."""
    validation.estimator(estimator)
    mean, second = _w2_first_two_moments(validation.symbolic_sizes(sizes), estimator, _moments_exact)
    return sigma**4 * (second - mean**2)


def expected_w2sq_constant(size=M, generations=n, estimator: str = "unbiased"):
    """Exact E[W_2^2] after n generations of constant size M, n symbolic.

    Unbiased: sigma^2 (n/M + 2 - 2 g^n); maximum likelihood: 2 sigma^2 (1 - g^n),
    where g = E[S^(1/2)] is the estimator's own ratio moment.
    """
    size = _size(size, estimator)
    generations = validation.symbolic_integer(generations, "generations", minimum=0, maximum=10_000)
    a = ratio_moment(1, size, estimator)
    g = ratio_moment(HALF, size, estimator)
    # E[D] = (sigma^2 / M) sum_{i<n} a^i, a geometric sum (a = 1 for the unbiased estimator)
    mean_d = generations / size if a == 1 else (1 - a**generations) / ((1 - a) * size)
    return sigma**2 * sp.simplify(mean_d + a**generations + 1) - 2 * sigma**2 * g**generations


def sample_variance(sizes, estimator: str = "unbiased"):
    """Var(X^n) of one sample of generation n: sigma^2 (A_n + sum_{i<n} A_i / M_i).

    Unbiased: sigma^2 (1 + sum_i 1/M_i), exactly. Maximum likelihood: sigma^2, exactly.
    """
    validation.estimator(estimator)
    sizes = validation.symbolic_sizes(sizes)
    a = [ratio_moment(1, size, estimator) for size in sizes]
    A = [sp.Mul(*a[:i]) for i in range(len(sizes) + 1)]
    return sp.simplify(sigma**2 * (A[-1] + sum((A[i] / sizes[i] for i in range(len(sizes))), sp.Integer(0))))


def generation_one_cf(size=M, estimator: str = "unbiased"):
    """Characteristic function E[exp(i t X^1)] of one sample of generation 1.

    X^1 = mu_1 + sigma_1 Z with mu_1 ~ N(mu, sigma^2/M) and
    sigma_1^2 ~ sigma^2 chi^2_{M-1}/d independent, so
    phi(t) = exp(i mu t - sigma^2 t^2 / (2M)) (1 + sigma^2 t^2 / d)^(-(M-1)/2).
    """
    size = _size(size, estimator)
    d = denominator(size, estimator)
    return sp.exp(sp.I * mu * t - sigma**2 * t**2 / (2 * size)) * (1 + sigma**2 * t**2 / d) ** (-(size - 1) / 2)


def generation_one_cumulants(size=M, estimator: str = "unbiased", order: int = 4):
    """Cumulants kappa_1..kappa_order of X^1, read off the series of log phi(t)."""
    validation.integer(order, "order", minimum=1, maximum=8)
    log_cf = sp.expand_log(sp.log(generation_one_cf(size, estimator)), force=True)
    series = sp.series(log_cf, t, 0, order + 1).removeO()
    return [sp.simplify(series.coeff(t, k) * sp.factorial(k) / sp.I**k) for k in range(1, order + 1)]


def variance_gamma_cf(shape, alpha, location=0):
    """Characteristic function of the symmetric variance-gamma law VG(lambda, alpha, beta=0, m).

    exp(i m t) (alpha^2 / (alpha^2 + t^2))^lambda {cite}`madan1990variance`.
    """
    shape = validation.symbolic_real(shape, "shape", minimum=0, strict=True)
    alpha = validation.symbolic_real(alpha, "alpha", minimum=0, strict=True)
    location = validation.symbolic_real(location, "location")
    return sp.exp(sp.I * location * t) * (alpha**2 / (alpha**2 + t**2)) ** shape


@lru_cache(maxsize=None)
def series_coefficients(estimator: str = "unbiased") -> dict[str, sp.Rational]:
    """Coefficients of the large-sample expansions of E[W] and Var[W], any schedule.

    With s1 = sum_i 1/M_i, s2 = sum_i 1/M_i^2 and s11 = sum_{i<j} 1/(M_i M_j):

    E[W] / sigma^2   = e1 s1 + (e2 s2 + e11 s11) + O(1/M^3)
    Var[W] / sigma^4 = v2 s2 + v11 s11 + O(1/M^3)

    Derived from the exact three-generation expressions with the ratio
    moments replaced by their Stirling series in epsilon_i = 1/M_i; the
    returned keys are "e1", "e2", "e11", "v2", "v11" and, as a check that the
    expansion is the same for every pair of generations, "pair_spread" (0).
    """
    validation.estimator(estimator)
    scale = sp.Symbol("tau", positive=True)
    eps = [sp.Symbol(f"e{i}", positive=True) for i in range(3)]

    def moments(size, est):
        # size is 1/(tau e_i): each moment's epsilon-series at epsilon = tau e_i
        small = 1 / size
        return {p: ratio_moment_series(p, est).subs(epsilon, small) for p in (HALF, 1, 3 * HALF, 2)}

    sizes = [1 / (scale * e) for e in eps]
    mean, second = _w2_first_two_moments(sizes, estimator, moments)
    mean_series = sp.expand(sp.series(mean, scale, 0, 3).removeO())
    var_series = sp.expand(sp.series(second - mean**2, scale, 0, 3).removeO())
    if sp.expand(var_series.coeff(scale, 0)) != 0 or sp.expand(var_series.coeff(scale, 1)) != 0:
        raise ArithmeticError("the variance of W should start at order 1/M^2")
    first = sp.Poly(mean_series.coeff(scale, 1), *eps)
    second_mean = sp.Poly(mean_series.coeff(scale, 2), *eps)
    second_var = sp.Poly(var_series.coeff(scale, 2), *eps)
    pairs = [(1, 1, 0), (1, 0, 1), (0, 1, 1)]
    spread = max(abs(second_mean.coeff_monomial(p) - second_mean.coeff_monomial(pairs[0])) for p in pairs) + max(
        abs(second_var.coeff_monomial(p) - second_var.coeff_monomial(pairs[0])) for p in pairs
    )
    return {
        "e1": first.coeff_monomial((1, 0, 0)),
        "e2": second_mean.coeff_monomial((2, 0, 0)),
        "e11": second_mean.coeff_monomial(pairs[0]),
        "v2": second_var.coeff_monomial((2, 0, 0)),
        "v11": second_var.coeff_monomial(pairs[0]),
        "pair_spread": spread,
    }


def published_variance_w2sq(sizes):
    """Var[W] as published: (1/2) sigma^4 (3 sum_i 1/M_i^2 + 4 sum_{i != j} 1/(M_i M_j))."""
    sizes = validation.symbolic_sizes(sizes)
    squares = sum((3 / size**2 for size in sizes), sp.Integer(0))
    cross = sum((4 / (a * b) for i, a in enumerate(sizes) for j, b in enumerate(sizes) if i != j), sp.Integer(0))
    return sigma**4 * (squares + cross) / 2

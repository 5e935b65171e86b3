"""Replace, mix or accumulate: the closed forms as sympy expressions.

The chapter *Replace, mix or accumulate* derives these; the numeric twins are in
:mod:`collapse_lib.strategies` and the tests check that the two agree. The
replace strategy is the recursion of the 1D Gaussian chapter, whose closed forms
live in :mod:`collapse_lib.gaussian_symbolic`.

Notation (the chapter's). Each generation draws M points from the current fit;
row n of a simulation is the n-th fitted model (row 0 is the data law
N(mu, sigma^2)). Variances are fitted with the denominator d (points - 1,
``"unbiased"``, or points, ``"mle"``).

Accumulate. Model n is fitted on n blocks of M points: the M real points and
the M synthetic points of each of the models 1, ..., n - 1. With T_n the pooled
sum of squares about the pooled mean, d_n = n M - 1 or n M, sigma_n^2 = T_n / d_n
and, given the past, with Z_n ~ N(0, 1) and C_n ~ chi^2_{M-1} independent,

    mu_{n+1} = mu_n + sigma_n Z_n / ((n + 1) sqrt(M)),
    T_{n+1}  = T_n + sigma_n^2 (C_n + n/(n + 1) Z_n^2).

Mix. Model i + 1 is fitted on K = round(f M) fresh real points and S = M - K
points from model i; phi = K / M is the realised real fraction. With
x_i = E[(mu_i - mu)^2] and v_i = E[sigma_i^2] the pair (x_i, v_i) follows a
linear recursion (:func:`mix_transition`).
"""

from __future__ import annotations

import sympy as sp

from . import gaussian_symbolic, validation
from .gaussian_symbolic import M, n, sigma

k = sp.Symbol("k", positive=True, integer=True)
"""Generation index inside sums and products."""

phi = sp.Symbol("varphi", nonnegative=True)
"""The realised fraction of real data K / M in each generation's training set (printed as the book's varphi)."""

x, v = sp.symbols("x v", nonnegative=True)
"""x = E[(mu_i - mu)^2] and v = E[sigma_i^2] of the mix recursion."""


_MAX_EXPLICIT = 1000
"""Largest explicit number of generations expanded term by term (use a symbol beyond)."""


def _blocks_and_size(blocks, size, estimator: str = "unbiased"):
    """(n, M) checked: symbols, or whole numbers n >= 1 and M >= 2."""
    validation.estimator(estimator)
    return (validation.symbolic_integer(blocks, "blocks", minimum=1),
            validation.symbolic_integer(size, "size", minimum=2))


def _generations(generations, symbol_allowed: bool = True):
    if not symbol_allowed:
        return validation.integer(generations, "generations", minimum=0, maximum=_MAX_EXPLICIT)
    return validation.symbolic_integer(generations, "generations", minimum=0, maximum=_MAX_EXPLICIT)


def pooled_denominator(blocks, size=M, estimator: str = "unbiased"):
    """d_n of the variance fitted on ``blocks`` blocks of ``size`` points: n M - 1 or n M."""
    blocks, size = _blocks_and_size(blocks, size, estimator)
    return gaussian_symbolic.denominator(blocks * size, estimator)


def accumulate_increment(blocks=k, size=M):
    """Q_n / sigma_n^2 in expectation and second moment: (E[Q], E[Q^2]).

    Q_n = C_n + n/(n+1) Z_n^2 with C_n ~ chi^2_{M-1}, Z_n ~ N(0, 1) independent, so
    E[Q] = M - 1 + c, E[Q^2] = (M - 1)(M + 1) + 2 (M - 1) c + 3 c^2, c = n/(n+1).
    """
    blocks, size = _blocks_and_size(blocks, size)
    c = blocks / (blocks + 1)
    first = (size - 1) + c
    second = (size - 1) * (size + 1) + 2 * (size - 1) * c + 3 * c**2
    return first, second


def accumulate_variance_ratio(blocks=k, size=M, estimator: str = "unbiased"):
    """E[sigma_{n+1}^2] / E[sigma_n^2] under accumulation, n = ``blocks`` >= 1.

    From E[T_{n+1}] = E[T_n] (1 + E[Q_n] / d_n): (d_n + M - 1 + n/(n+1)) / d_{n+1}.
    Unbiased: 1 - 1/((n+1)((n+1)M - 1)); maximum likelihood: 1 - 1/((n+1)^2 M).
    """
    blocks, size = _blocks_and_size(blocks, size, estimator)
    first, _ = accumulate_increment(blocks, size)
    d_now = pooled_denominator(blocks, size, estimator)
    d_next = pooled_denominator(blocks + 1, size, estimator)
    return sp.factor(sp.simplify((d_now + first) / d_next))


def accumulate_fourth_ratio(blocks=k, size=M, estimator: str = "unbiased"):
    """E[sigma_{n+1}^4] / E[sigma_n^4] = (d_n^2 + 2 d_n E[Q] + E[Q^2]) / d_{n+1}^2."""
    blocks, size = _blocks_and_size(blocks, size, estimator)
    first, second = accumulate_increment(blocks, size)
    d_now = pooled_denominator(blocks, size, estimator)
    d_next = pooled_denominator(blocks + 1, size, estimator)
    return sp.factor(sp.simplify((d_now**2 + 2 * d_now * first + second) / d_next**2))


def _first_fit(size, estimator, power):
    """E[sigma_1^(2 power)] / sigma^(2 power) for the fit on the M real points (power 1 or 2)."""
    nu = size - 1
    d = gaussian_symbolic.denominator(size, estimator)
    return nu / d if power == 1 else nu * (nu + 2) / d**2


def _product(ratio, generations, size, estimator, power):
    start = _first_fit(size, estimator, power)
    if generations.is_number:
        generations = int(generations)
        if generations == 0:
            return sp.Integer(1)
        return sp.simplify(start * sp.Mul(*[ratio.subs(k, j) for j in range(1, generations)]))
    return start * sp.product(ratio, (k, 1, generations - 1))


def accumulate_expected_variance(generations=n, size=M, estimator: str = "unbiased"):
    """E[sigma_n^2] under accumulation: sigma^2 a_n with a_0 = 1, a_1 = (M - 1)/d_1 and
    a_{n+1} = a_n * :func:`accumulate_variance_ratio` (n). ``generations`` an int or a symbol.
    """
    generations = _generations(generations)
    ratio = accumulate_variance_ratio(k, size, estimator)
    return sigma**2 * _product(ratio, generations, size, estimator, 1)


def accumulate_variance_fourth_moment(generations: int, size=M, estimator: str = "unbiased"):
    """E[sigma_n^4] under accumulation: sigma^4 b_n, b_1 = (M - 1)(M + 1)/d_1^2, product of
    :func:`accumulate_fourth_ratio`."""
    ratio = accumulate_fourth_ratio(k, size, estimator)
    return sigma**4 * _product(ratio, sp.Integer(_generations(generations, False)), size, estimator, 2)


def infinite_product(factor, variable=k, start: int = 1):
    """prod_{k >= start} factor(k) for a rational factor -> 1, through Gamma functions.

    Writing factor = prod (k - a_j) / prod (k - b_j) with sum a_j = sum b_j, the
    partial products are Gamma ratios whose limit is
    prod Gamma(start - b_j) / prod Gamma(start - a_j).
    """
    factor = validation.symbolic_real(factor, "factor")
    if not isinstance(variable, sp.Symbol):
        raise ValueError(f"variable must be a sympy Symbol (the product's index), got {variable!r}.")
    start = validation.integer(start, "start", minimum=-10**6, maximum=10**6)
    numerator, denominator = sp.fraction(sp.together(factor))
    try:
        top, bottom = sp.Poly(numerator, variable), sp.Poly(denominator, variable)
    except sp.PolynomialError as error:
        raise ValueError(f"factor must be a rational function of {variable}, got {factor}.") from error
    if top.degree() != bottom.degree() or sp.simplify(top.LC() - bottom.LC()) != 0:
        raise ValueError("factor must tend to 1: numerator and denominator of the same degree and leading coefficient.")
    zeros, poles = sp.roots(top, variable), sp.roots(bottom, variable)
    if sum(zeros.values()) != top.degree() or sum(poles.values()) != bottom.degree():
        raise ValueError("factor's numerator and denominator must split into linear factors.")
    if sp.simplify(sum(a * m for a, m in zeros.items()) - sum(b * m for b, m in poles.items())) != 0:
        raise ValueError("the product diverges or vanishes: the roots of numerator and denominator differ in sum.")
    value = sp.Mul(*[sp.gamma(start - b) ** m for b, m in poles.items()])
    return value / sp.Mul(*[sp.gamma(start - a) ** m for a, m in zeros.items()])


def accumulate_variance_limit(size=M, estimator: str = "unbiased"):
    """lim E[sigma_n^2] / sigma^2 under accumulation (a_infinity).

    Unbiased: Gamma(2 - 1/M) / (Gamma(2 - r_+) Gamma(2 - r_-)), r_+- = (1 +- sqrt(1 + 4M)) / (2M);
    maximum likelihood: sin(pi / sqrt(M)) / (pi / sqrt(M)) (Euler's product for the sine).
    """
    size = validation.symbolic_integer(size, "size", minimum=2)
    ratio = accumulate_variance_ratio(k, size, estimator)
    limit = _first_fit(size, estimator, 1) * infinite_product(ratio, k, 1)
    closed = sp.simplify(sp.gammasimp(limit))
    if not closed.has(sp.gamma):
        return closed  # the reflection formula turned the Gammas into a sine
    # keep the Gamma form (gammasimp would divide by factors that vanish at M = 2)
    return limit.replace(lambda e: isinstance(e, sp.gamma), lambda e: sp.gamma(sp.simplify(e.args[0])))


def accumulate_mean_error(generations: int, size=M, estimator: str = "unbiased"):
    """E[(mu_n - mu)^2] under accumulation: (sigma^2 / M) sum_{k<n} a_k / (k + 1)^2.

    mu_n - mu = sum_{k<n} sigma_k Z_k / ((k + 1) sqrt(M)) is a martingale whose
    increments are uncorrelated; a_k = E[sigma_k^2] / sigma^2 (a_0 = 1: the real data).
    """
    generations = _generations(generations, False)
    size = validation.symbolic_integer(size, "size", minimum=2)
    terms = [accumulate_expected_variance(j, size, estimator) / (j + 1) ** 2 for j in range(generations)]
    return sp.simplify(sum(terms, sp.Integer(0)) / size)


def accumulate_mean_error_bound(size=M):
    """(pi^2 / 6) sigma^2 / M: the bound sum_k 1/k^2 of the mean error when every a_k <= 1."""
    size = validation.symbolic_integer(size, "size", minimum=2)
    return sp.summation(1 / k**2, (k, 1, sp.oo)) * sigma**2 / size


def mix_transition(fraction=phi, size=M, estimator: str = "unbiased"):
    """(A, h) with (x_{i+1}, v_{i+1}) = A (x_i, v_i) + h sigma^2 under mixing.

    Derived from the pooled fit on K = phi M real and S = (1 - phi) M synthetic points:
      x' = (1 - phi)^2 x + (phi sigma^2 + (1 - phi) v) / M,
      v' = ((M - 1)/d) (phi sigma^2 + (1 - phi) v) + (M/d) phi (1 - phi) x,
    the last term from the between-block sum of squares (K S / M) (xbar_R - xbar_S)^2.
    """
    fraction = validation.symbolic_real(fraction, "fraction", minimum=0, maximum=1)
    size = validation.symbolic_integer(size, "size", minimum=2)
    d = gaussian_symbolic.denominator(size, estimator)
    matrix = sp.Matrix(
        [
            [(1 - fraction) ** 2, (1 - fraction) / size],
            [size * fraction * (1 - fraction) / d, (size - 1) * (1 - fraction) / d],
        ]
    )
    constant = sp.Matrix([fraction / size, (size - 1) * fraction / d])
    return matrix, constant


def mix_moments(generations: int, fraction=phi, size=M, estimator: str = "unbiased"):
    """(x_n, v_n) = (E[(mu_n - mu)^2], E[sigma_n^2]) after n generations of mixing, from (0, sigma^2)."""
    generations = _generations(generations, False)
    matrix, constant = mix_transition(fraction, size, estimator)
    state = sp.Matrix([0, sigma**2])
    for _ in range(generations):
        state = (matrix * state + constant * sigma**2).applyfunc(sp.simplify)
    return state[0], state[1]


def mix_stationary(fraction=phi, size=M, estimator: str = "unbiased"):
    """The fixed point (x*, v*) of the mix recursion, for phi > 0.

    Unbiased: x* = sigma^2 / (M (phi (2 - phi) - (1 - phi)^2 / (M - 1))) and
    v* = sigma^2 + (1 - phi) M x* / (M - 1).
    """
    matrix, constant = mix_transition(fraction, size, estimator)
    if fraction == 0:
        raise ValueError("fraction must be positive: without fresh data (phi = 0) there is no stationary state.")
    solution = (sp.eye(2) - matrix).LUsolve(constant * sigma**2)
    return sp.factor(sp.simplify(solution[0])), sp.factor(sp.simplify(solution[1]))


def mix_stability_margin(fraction=phi, size=M, estimator: str = "unbiased"):
    """det(I - A) of the mix recursion; the recursion is stable (spectral radius < 1) iff it is > 0."""
    matrix, _ = mix_transition(fraction, size, estimator)
    return sp.factor(sp.simplify((sp.eye(2) - matrix).det()))


def mix_log_variance_floor(real=sp.Symbol("K", positive=True, integer=True), size=M, estimator: str = "unbiased"):
    """A lower bound of E[log(sigma_{i+1}^2 / sigma^2)] under mixing with K >= 2 real points.

    sigma_{i+1}^2 >= SS_R / d with SS_R ~ sigma^2 chi^2_{K-1}, hence
    E[log(sigma_{i+1}^2 / sigma^2)] >= psi((K - 1)/2) + log(2/d) at every generation.
    """
    real = validation.symbolic_integer(real, "real", minimum=2)
    size = validation.symbolic_integer(size, "size", minimum=2)
    if real.is_number and size.is_number and real > size:
        raise ValueError(f"real must be at most size = {size} (K real points among M), got {real}.")
    return sp.digamma((real - 1) / 2) + sp.log(2 / gaussian_symbolic.denominator(size, estimator))

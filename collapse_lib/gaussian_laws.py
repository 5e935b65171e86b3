"""Closed forms of the 1D Gaussian recursion, evaluated numerically.

Every function here has a sympy twin in :mod:`collapse_lib.gaussian_symbolic`
(the derivation the chapter shows) and the tests check that the two agree.
Functions of a schedule ``sizes = (M_0, ..., M_{N-1})`` return an array of
length N + 1 whose entry n is the quantity after n generations.

Notation: S_i = sigma_i^2 / sigma_{i-1}^2 = chi^2_{nu}/d with nu = M - 1 and
d = M - 1 (unbiased) or M (mle); A_n, B_n, G_n, H_n are the products of
E[S], E[S^2], E[S^(1/2)], E[S^(3/2)] over the first n generations.
Chapter: *The 1D Gaussian model*.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from . import validation


def ratio_moment(p: float, sizes, estimator: str = "unbiased") -> np.ndarray:
    """E[S^p] = (2/d)^p Gamma(nu/2 + p) / Gamma(nu/2) for each sample size, p > -(M-1)/2."""
    sizes = validation.sample_sizes(sizes)
    p = validation.finite_real(p, "p")
    nu = sizes - 1.0
    if np.any(nu / 2 + p <= 0):
        raise ValueError(f"E[S^p] is infinite for p <= -(M-1)/2; got p = {p} with M = {int(sizes.min())}.")
    d = validation.variance_denominator(sizes, estimator)
    # poch(x, p) = Gamma(x + p) / Gamma(x) without the cancellation of a difference of log-gammas
    return (2.0 / d) ** p * special.poch(nu / 2, p)


def _vector(values, name: str) -> np.ndarray:
    """A one-dimensional array of finite numbers (one per generation)."""
    values = validation.finite_array(values, name)
    if values.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional array (one entry per generation), got shape {values.shape}.")
    return values


def prefix_products(factors: np.ndarray) -> np.ndarray:
    """(1, f_0, f_0 f_1, ...): products over the first n generations, n = 0..N."""
    factors = _vector(factors, "factors")
    return np.concatenate(([1.0], np.cumprod(factors)))


def _moment_products(sizes, estimator):
    sizes = validation.sample_sizes(sizes)
    validation.estimator(estimator)
    return sizes, {p: prefix_products(ratio_moment(p, sizes, estimator)) for p in (0.5, 1.0, 1.5, 2.0)}


def cumulative_sums(terms: np.ndarray) -> np.ndarray:
    """(0, t_0, t_0 + t_1, ...): sums over generations i < n, n = 0..N."""
    terms = _vector(terms, "terms")
    return np.concatenate(([0.0], np.cumsum(terms)))


def expected_fitted_variance(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """E[sigma_n^2] = sigma^2 A_n: sigma^2 (unbiased), sigma^2 prod (1 - 1/M_i) (mle)."""
    sigma2 = validation.positive_real(sigma2, "sigma2")
    _, products = _moment_products(sizes, estimator)
    return sigma2 * products[1.0]


def mean_squared_drift(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """E[(mu_n - mu)^2] = sigma^2 sum_{i<n} A_i / M_i (the mean's random walk)."""
    sigma2 = validation.positive_real(sigma2, "sigma2")
    sizes, products = _moment_products(sizes, estimator)
    return sigma2 * cumulative_sums(products[1.0][:-1] / sizes)


def sample_variance(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Var(X^n) = sigma^2 (A_n + sum_{i<n} A_i / M_i) for one sample of generation n.

    Exactly sigma^2 (1 + sum_{i<n} 1/M_i) for the unbiased estimator and
    exactly sigma^2 for maximum likelihood.
    """
    return expected_fitted_variance(sizes, sigma2, estimator) + mean_squared_drift(sizes, sigma2, estimator)


def _w2_moments(sizes, sigma2, estimator):
    """(E[W], E[W^2]) for n = 0..N, W = D + V (see gaussian_symbolic._w2_first_two_moments)."""
    sigma2 = validation.variance_scale(sigma2)
    sizes, products = _moment_products(sizes, estimator)
    A, B, G, H = (products[p] for p in (1.0, 2.0, 0.5, 1.5))
    inverse = 1.0 / sizes
    mean_d = cumulative_sums(A[:-1] * inverse)
    mean_v = A - 2 * G + 1
    # sum_{i<j<n} B_i A_j / (A_i M_i M_j) = sum_{j<n} (A_j / M_j) sum_{i<j} B_i / (A_i M_i)
    inner = cumulative_sums(B[:-1] / A[:-1] * inverse)[:-1]
    mean_d2 = 3 * cumulative_sums(B[:-1] * inverse**2) + 6 * cumulative_sums(A[:-1] * inverse * inner)
    mean_v2 = B - 4 * H + 6 * A - 4 * G + 1
    # sum_{i<n} (B_i A_n / A_i - 2 H_i G_n / G_i + A_i) / M_i
    mean_dv = (
        A * cumulative_sums(B[:-1] / A[:-1] * inverse)
        - 2 * G * cumulative_sums(H[:-1] / G[:-1] * inverse)
        + cumulative_sums(A[:-1] * inverse)
    )
    mean = sigma2 * (mean_d + mean_v)
    second = sigma2**2 * (mean_d2 + 2 * mean_dv + mean_v2)
    return mean, second


def expected_w2sq(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Exact E[W_2^2] between N(mu, sigma^2) and the generation-n fit, n = 0..N.

    Accurate to about 1e-16 M^2 relative: use the expansion for M beyond 1e6.

    E[W] = sigma^2 (sum_{i<n} A_i/M_i + A_n - 2 G_n + 1); unbiased:
    sigma^2 (sum_{i<n} 1/M_i + 2 - 2 G_n).
    """
    return _w2_moments(sizes, sigma2, estimator)[0]


def variance_w2sq(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Exact Var[W_2^2] = E[D^2] + 2 E[DV] + E[V^2] - E[W]^2, n = 0..N.

    E[V^2] and E[W^2] - E[W]^2 are differences of nearly equal terms, so rounding
    grows with M. Measured relative error for one generation of constant size M
    (against 60-digit mpmath): about 1e-9 at M = 100, 1e-6 at M = 1e3, 1e-4 to 1e-3
    (erratic) for M between 5e3 and 3e6, and 5 % at M = 1e7. Schedules with
    max(sizes) > 1e6 are therefore refused: use :func:`variance_w2sq_series`
    there, whose own relative error is about 0.25 / M (one unbiased generation).
    """
    checked = validation.sample_sizes(sizes)
    if checked.size and checked.max() > 1e6:
        raise ValueError(f"sizes must all be at most 1e6 for the exact Var[W_2^2] (its rounding error grows "
                         f"with M, 5 % at 1e7), got max(sizes) = {int(checked.max())}; use variance_w2sq_series instead.")
    mean, second = _w2_moments(sizes, sigma2, estimator)
    return np.maximum(second - mean**2, 0.0)


def _inverse_sums(sizes):
    """(s1, s2, s11): cumulative sum_i 1/M_i, sum_i 1/M_i^2 and sum_{i<j} 1/(M_i M_j)."""
    inverse = 1.0 / validation.sample_sizes(sizes)
    s1 = cumulative_sums(inverse)
    s2 = cumulative_sums(inverse**2)
    return s1, s2, (s1**2 - s2) / 2


SERIES_COEFFICIENTS = {
    "unbiased": {"e1": 3 / 2, "e2": 7 / 16, "e11": -1 / 8, "v2": 5 / 2, "v11": 5.0},
    "mle": {"e1": 3 / 2, "e2": 7 / 16, "e11": -9 / 8, "v2": 5 / 2, "v11": 5.0},
}
"""The expansion coefficients derived by :func:`collapse_lib.gaussian_symbolic.series_coefficients`, as floats.

Written out rather than derived at the first call: the derivation imports sympy and takes
seconds, which a widget's first update (and every numeric import) must not pay; the test
``test_series_coefficients_match_the_sympy_derivation`` checks that they are the derived ones."""


def _series_coefficients(estimator: str) -> dict[str, float]:
    """The expansion coefficients of ``estimator`` (see :data:`SERIES_COEFFICIENTS`)."""
    return dict(SERIES_COEFFICIENTS[validation.estimator(estimator)])


def expected_w2sq_series(sizes, sigma2: float = 1.0, estimator: str = "unbiased", order: int = 2) -> np.ndarray:
    """Large-sample expansion of E[W_2^2] to first or second order in 1/M_i.

    sigma^2 (e1 s1 + e2 s2 + e11 s11), with the coefficients derived in
    :func:`collapse_lib.gaussian_symbolic.series_coefficients`; unbiased:
    e1 = 3/2, e2 = 7/16, e11 = -1/8.
    """
    sigma2 = validation.positive_real(sigma2, "sigma2")
    order = validation.integer(order, "order", minimum=1, maximum=2)
    c = _series_coefficients(estimator)
    s1, s2, pairs = _inverse_sums(sizes)
    result = c["e1"] * s1
    if order == 2:
        result = result + c["e2"] * s2 + c["e11"] * pairs
    return sigma2 * result


def variance_w2sq_series(sizes, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Leading (second-order) term of Var[W_2^2]: sigma^4 (v2 s2 + v11 s11) = (5/2) sigma^4 s1^2."""
    sigma2 = validation.variance_scale(sigma2)
    c = _series_coefficients(estimator)
    _, s2, pairs = _inverse_sums(sizes)
    return sigma2**2 * (c["v2"] * s2 + c["v11"] * pairs)


def published_variance_w2sq(sizes, sigma2: float = 1.0) -> np.ndarray:
    """Var[W_2^2] as published: (1/2) sigma^4 (3 sum 1/M_i^2 + 4 sum_{i != j} 1/(M_i M_j))."""
    sigma2 = validation.variance_scale(sigma2)
    _, s2, pairs = _inverse_sums(sizes)
    return 0.5 * sigma2**2 * (3 * s2 + 8 * pairs)


def log_chi_square_mean(dof) -> np.ndarray:
    """E[log chi^2_k] = psi(k/2) + log 2, vectorised over the degrees of freedom k > 0."""
    dof = validation.positive_array(dof, "dof")
    return special.digamma(dof / 2) + np.log(2.0)


def log_chi_square_variance(dof) -> np.ndarray:
    """Var[log chi^2_k] = psi'(k/2), vectorised over the degrees of freedom k > 0."""
    dof = validation.positive_array(dof, "dof")
    return special.polygamma(1, dof / 2)


def log_variance_drift(sizes, estimator: str = "unbiased") -> np.ndarray:
    """E[log(sigma_n^2 / sigma^2)] = sum_{i<n} (psi((M_i - 1)/2) + log(2/d_i)), n = 0..N.

    Negative for every M: the log-variance drifts down by about 1/(M-1)
    per generation (unbiased), so sigma_n^2 -> 0 almost surely.
    """
    sizes = validation.sample_sizes(sizes)
    d = validation.variance_denominator(sizes, estimator)
    return cumulative_sums(special.digamma((sizes - 1) / 2) + np.log(2.0 / d))


def log_variance_spread(sizes) -> np.ndarray:
    """Var[log(sigma_n^2 / sigma^2)] = sum_{i<n} psi'((M_i - 1)/2), n = 0..N (either estimator)."""
    sizes = validation.sample_sizes(sizes)
    return cumulative_sums(log_chi_square_variance(sizes - 1))


# --- the law of one sample of generation 1 ------------------------------------------

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(400)
_QUANTILES = (_NODES + 1) / 2
_QUANTILE_WEIGHTS = _WEIGHTS / 2


def _generation_one_mixture(size, sigma2, estimator):
    """Quadrature nodes (variances) and weights of X^1 - mu as a normal variance mixture.

    Var(X^1 | sigma_1^2) = sigma^2/M + sigma_1^2 with sigma_1^2 = sigma^2 (2/d) G,
    G ~ Gamma((M-1)/2); the expectation over G is a Gauss-Legendre rule in the
    quantile of G, exact for smooth integrands as the number of nodes grows.
    """
    size = validation.integer(size, "size", minimum=2)
    sigma2 = validation.positive_real(sigma2, "sigma2")
    d = float(validation.variance_denominator(size, estimator))
    gamma = stats.gamma.ppf(_QUANTILES, (size - 1) / 2)
    return sigma2 / size + sigma2 * (2.0 / d) * gamma, _QUANTILE_WEIGHTS


def generation_one_pdf(x, size: int, mu: float = 0.0, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Density of one sample X^1 of generation 1: E_G[phi(x; mu, sigma^2/M + sigma_1^2)]."""
    x = validation.finite_array(x, "x")
    mu = validation.finite_real(mu, "mu")
    variances, weights = _generation_one_mixture(size, sigma2, estimator)
    z = (x[..., None] - mu) / np.sqrt(variances)
    return (np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi * variances)) @ weights


def generation_one_cdf(x, size: int, mu: float = 0.0, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """Distribution function of X^1: E_G[Phi((x - mu) / sqrt(sigma^2/M + sigma_1^2))]."""
    x = validation.finite_array(x, "x")
    mu = validation.finite_real(mu, "mu")
    variances, weights = _generation_one_mixture(size, sigma2, estimator)
    return special.ndtr((x[..., None] - mu) / np.sqrt(variances)) @ weights


def generation_one_cf(t, size: int, mu: float = 0.0, sigma2: float = 1.0, estimator: str = "unbiased") -> np.ndarray:
    """exp(i mu t - sigma^2 t^2 / (2M)) (1 + sigma^2 t^2 / d)^(-(M-1)/2)."""
    t = validation.finite_array(t, "t")
    size = validation.integer(size, "size", minimum=2)
    mu = validation.finite_real(mu, "mu")
    sigma2 = validation.positive_real(sigma2, "sigma2")
    d = float(validation.variance_denominator(size, estimator))
    return np.exp(1j * mu * t - sigma2 * t**2 / (2 * size)) * (1 + sigma2 * t**2 / d) ** (-(size - 1) / 2)


def generation_one_excess_kurtosis(size: int, estimator: str = "unbiased") -> float:
    """Excess kurtosis kappa_4 / kappa_2^2 of one sample X^1 of generation 1.

    (6 nu / d^2) / (nu/d + 1/M)^2 with nu = M - 1 and d = M - 1 (unbiased) or M (mle);
    about 6 / M. Symbolic: :func:`collapse_lib.gaussian_symbolic.generation_one_cumulants`.
    Chapter: the one-dimensional Gaussian.
    """
    size = validation.integer(size, "size", minimum=2)
    d = float(validation.variance_denominator(size, estimator))
    nu = size - 1.0
    return (6 * nu / d**2) / (nu / d + 1.0 / size) ** 2


def variance_gamma_pdf(x, shape: float, alpha: float, location: float = 0.0) -> np.ndarray:
    """Symmetric variance-gamma density VG(lambda, alpha, beta = 0, m).

    alpha^(2 lambda) |x - m|^(lambda - 1/2) K_{lambda - 1/2}(alpha |x - m|)
    / (sqrt(pi) Gamma(lambda) (2 alpha)^(lambda - 1/2)); it is the law of
    m + sqrt(V) Z with V ~ Gamma(shape lambda, rate alpha^2 / 2).

    Raises ValueError when the scaled Bessel function ``scipy.special.kve``
    overflows at some x != m (large shapes, e.g. lambda = 500, or x very close to m).
    """
    x = validation.finite_array(x, "x")
    shape = validation.positive_real(shape, "shape")
    alpha = validation.positive_real(alpha, "alpha")
    location = validation.finite_real(location, "location")
    r = np.abs(x - location)
    order = shape - 0.5
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        bessel = special.kve(order, alpha * r)
        # scipy's kve returns NaN for very large arguments (about 1e9): there the Hankel expansion
        # e^z K_v(z) = sqrt(pi / 2z) (1 + (4v^2 - 1)/(8z) + (4v^2 - 1)(4v^2 - 9)/(2 (8z)^2) + ...) is accurate
        z = alpha * r
        large = np.isnan(bessel) & (z > 100 * (1 + order**2))
        mu4 = 4 * order**2
        hankel = np.sqrt(np.pi / (2 * np.where(large, z, 1.0))) * (
            1 + (mu4 - 1) / (8 * np.where(large, z, 1.0)) + (mu4 - 1) * (mu4 - 9) / (2 * (8 * np.where(large, z, 1.0)) ** 2))
        bessel = np.where(large, hankel, bessel)
    if np.any(np.isnan(bessel) & (r > 0)):
        raise ValueError(f"variance_gamma_pdf: scipy.special.kve fails for shape = {shape:g}, alpha = {alpha:g} "
                         "at these x; use a smaller alpha * |x - location|.")
    if np.any(np.isinf(bessel) & (r > 0)):
        raise ValueError(f"shape = {shape:g} is too large for these x: scipy.special.kve overflows "
                         "(the variance-gamma density is only available where K_(shape - 1/2) is finite).")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_density = (
            2 * shape * np.log(alpha)
            + order * np.log(r)
            + np.log(bessel)
            - alpha * r
            - 0.5 * np.log(np.pi)
            - special.gammaln(shape)
            - order * np.log(2 * alpha)
        )
    # at x = m the density is alpha Gamma(lambda - 1/2) / (2 sqrt(pi) Gamma(lambda)), finite for lambda > 1/2
    centre = (
        alpha * np.exp(special.gammaln(order) - special.gammaln(shape)) / (2 * np.sqrt(np.pi)) if order > 0 else np.inf
    )
    return np.where(r > 0, np.exp(log_density), centre)

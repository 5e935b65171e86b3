"""Replace, mix or accumulate: four ways to build each generation's training set.

For the 1D Gaussian model (data N(mu, sigma^2); fit the mean and the variance;
draw the next generation from the fit), row n of every simulation is the n-th
fitted model, row 0 the data law, as in :mod:`collapse_lib.gaussian`:

- ``"replace"``: model n + 1 is fitted on M points of model n only
  (the recursion of the 1D Gaussian chapter, :func:`collapse_lib.gaussian.simulate_exact`);
- ``"mix"``: on K = round(f M) fresh real points and M - K points of model n;
- ``"accumulate"``: model n is fitted on all n M points so far: the M real
  points and the M points drawn from each of the models 1, ..., n - 1;
- ``"grow"``: replace with a growing size M_i (a :mod:`collapse_lib.schedules` schedule).

Each simulator comes in two versions: ``method="direct"`` draws the points and
fits them as the papers do, ``method="exact"`` draws the fitted statistics from
their exact conditional laws (a few random numbers per chain and generation,
whatever M). The closed forms here have sympy twins in
:mod:`collapse_lib.strategies_symbolic`. Chapter: *Replace, mix or accumulate*.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import special

from . import gaussian, gaussian_laws, schedules, validation, wasserstein
from .gaussian import Paths

STRATEGIES = ("replace", "mix", "accumulate", "grow")
"""The strategies, in the order the chapter compares them."""

METHODS = ("exact", "direct")
"""``"exact"``: draw the fitted statistics from their laws; ``"direct"``: draw and fit the points."""


class Moments(NamedTuple):
    """E[(mu_n - mu)^2] and E[sigma_n^2] for n = 0..N (arrays of length N + 1)."""

    mean_error: np.ndarray
    variance: np.ndarray


class Limits(NamedTuple):
    """Limits as n -> infinity of E[(mu_n - mu)^2] and E[sigma_n^2]."""

    mean_error: float
    variance: float


# --- arguments ------------------------------------------------------------------------


def real_count(size: int, fraction: float) -> int:
    """K = round(f M), the number of fresh real points in a mixed training set (halves round up)."""
    size = validation.integer(size, "size", minimum=2)
    fraction = validation.probability(fraction, "fraction")
    return int(np.floor(fraction * size + 0.5))


def _method(value) -> str:
    if value not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {value!r}.")
    return value


def _check(size, generations, n_chains, mu, sigma2, estimator, rng, method):
    size = validation.integer(size, "size", minimum=2)
    generations = validation.generations(generations, minimum=0)
    n_chains = validation.chains(n_chains, rows=2 * (generations + 1))
    mu = validation.finite_real(mu, "mu")
    sigma2 = validation.positive_real(sigma2, "sigma2")
    estimator = validation.estimator(estimator)
    return size, generations, n_chains, mu, sigma2, estimator, validation.generator(rng), _method(method)


# --- simulators -----------------------------------------------------------------------


def simulate_replace(size: int, generations: int, n_chains: int, mu: float = 0.0, sigma2: float = 1.0,
                     estimator: str = "unbiased", rng=0, method: str = "exact") -> Paths:
    """Replace: model i + 1 is fitted on M points of model i only (the 1D Gaussian chapter).

    Delegates to :func:`collapse_lib.gaussian.simulate_exact` or ``simulate_direct``
    with the constant schedule; same arguments as :func:`simulate_mix` without ``fraction``.
    """
    sizes = schedules.constant(size, generations)
    simulator = gaussian.simulate_exact if _method(method) == "exact" else gaussian.simulate_direct
    return simulator(sizes, n_chains, mu, sigma2, estimator, rng)


def simulate_grow(size: int, generations: int, n_chains: int, kind: str = "quadratic", mu: float = 0.0,
                  sigma2: float = 1.0, estimator: str = "unbiased", rng=0, method: str = "exact") -> Paths:
    """Replace with a growing sample size M_i = M (i + 1)^p, ``kind`` one of
    :data:`collapse_lib.schedules.KINDS` (p = 0, 1, 2, 3)."""
    sizes = schedules.named(kind, size, generations)
    simulator = gaussian.simulate_exact if _method(method) == "exact" else gaussian.simulate_direct
    return simulator(sizes, n_chains, mu, sigma2, estimator, rng)


def simulate_mix(size: int, fraction: float, generations: int, n_chains: int, mu: float = 0.0,
                 sigma2: float = 1.0, estimator: str = "unbiased", rng=0, method: str = "exact") -> Paths:
    """Mix: model i + 1 is fitted on K = round(f M) fresh points of N(mu, sigma^2) and
    S = M - K points of model i (all M points pooled).

    Exact method: with xbar_R = mu + sigma Z / sqrt(K), xbar_S = mu_i + sigma_i Z' / sqrt(S),
    the pooled mean is (K xbar_R + S xbar_S) / M and the pooled sum of squares
    sigma^2 chi^2_{K-1} + sigma_i^2 chi^2_{S-1} + (K S / M)(xbar_R - xbar_S)^2,
    all four draws independent.

    Parameters
    ----------
    size : int
        M >= 2, the training-set size of every generation.
    fraction : float
        f in [0, 1]; f = 0 is replace, f = 1 refits on fresh data every time.
    generations, n_chains : int
        Number of fits after the data law, and independent chains (vectorised).
    mu, sigma2, estimator, rng
        As in :func:`collapse_lib.gaussian.simulate_exact`.
    method : {"exact", "direct"}

    Returns
    -------
    Paths
        Arrays of shape (generations + 1, n_chains); row 0 is the data law.
    """
    real = real_count(size, fraction)
    size, generations, n_chains, mu, sigma2, estimator, rng, method = _check(
        size, generations, n_chains, mu, sigma2, estimator, rng, method)
    paths = gaussian.start_paths(generations, n_chains, mu, sigma2)
    synthetic = size - real
    denominator = size - 1 if estimator == "unbiased" else size
    if method == "direct":
        is_real = np.arange(size) < real
        for i in range(generations):
            for chains in gaussian.chain_blocks(n_chains, size):
                centre = np.where(is_real, mu, paths.means[i, chains, None])
                scale = np.where(is_real, np.sqrt(sigma2), np.sqrt(paths.variances[i, chains, None]))
                sample = centre + scale * rng.standard_normal((centre.shape[0], size))
                paths.means[i + 1, chains] = sample.mean(axis=1)
                paths.variances[i + 1, chains] = sample.var(axis=1) * size / denominator
        return paths
    for i in range(generations):
        spread = np.sqrt(paths.variances[i])
        real_mean = mu + np.sqrt(sigma2 / max(real, 1)) * rng.standard_normal(n_chains)
        synthetic_mean = paths.means[i] + spread / np.sqrt(max(synthetic, 1)) * rng.standard_normal(n_chains)
        # a part with no points (f = 0 or f = 1) contributes no squares: chi-square with 0 degrees of freedom
        squares = sigma2 * gaussian.chi_square(rng, max(real - 1, 0), n_chains) + paths.variances[i] * (
            gaussian.chi_square(rng, max(synthetic - 1, 0), n_chains))
        squares += (real * synthetic / size) * (real_mean - synthetic_mean) ** 2
        paths.means[i + 1] = (real * real_mean + synthetic * synthetic_mean) / size
        paths.variances[i + 1] = squares / denominator
    return paths


def simulate_accumulate(size: int, generations: int, n_chains: int, mu: float = 0.0, sigma2: float = 1.0,
                        estimator: str = "unbiased", rng=0, method: str = "exact") -> Paths:
    """Accumulate: model n is fitted on all n M points drawn so far (M real, then M from each model).

    Exact method: with T_n the pooled sum of squares, Z_n ~ N(0, 1) and C_n ~ chi^2_{M-1},
    mu_{n+1} = mu_n + sigma_n Z_n / ((n + 1) sqrt(M)) and
    T_{n+1} = T_n + sigma_n^2 (C_n + n / (n + 1) Z_n^2), sigma_n^2 = T_n / d_n with
    d_n = n M - 1 (unbiased) or n M (mle). Direct method: keeps every point and refits
    the whole pool each generation (cost grows like n^2 M).

    Same arguments and return value as :func:`simulate_mix` without ``fraction``.
    """
    size, generations, n_chains, mu, sigma2, estimator, rng, method = _check(
        size, generations, n_chains, mu, sigma2, estimator, rng, method)
    paths = gaussian.start_paths(generations, n_chains, mu, sigma2)
    ddof = 1 if estimator == "unbiased" else 0
    if method == "direct":
        for chains in gaussian.chain_blocks(n_chains, generations * size):
            count = chains.stop - chains.start
            pool = np.empty((count, generations * size))
            for i in range(generations):
                centre = paths.means[i, chains, None]
                scale = np.sqrt(paths.variances[i, chains, None])
                pool[:, i * size:(i + 1) * size] = centre + scale * rng.standard_normal((count, size))
                paths.means[i + 1, chains] = pool[:, :(i + 1) * size].mean(axis=1)
                paths.variances[i + 1, chains] = pool[:, :(i + 1) * size].var(axis=1, ddof=ddof)
        return paths
    squares = np.zeros(n_chains)
    for i in range(generations):
        z = rng.standard_normal(n_chains)
        paths.means[i + 1] = paths.means[i] + np.sqrt(paths.variances[i] / size) * z / (i + 1)
        squares += paths.variances[i] * (gaussian.chi_square(rng, size - 1, n_chains) + i / (i + 1) * z**2)
        paths.variances[i + 1] = squares / ((i + 1) * size - ddof)
    return paths


def simulate(strategy: str, size: int, generations: int, n_chains: int, fraction: float = 0.1,
             kind: str = "quadratic", mu: float = 0.0, sigma2: float = 1.0, estimator: str = "unbiased",
             rng=0, method: str = "exact") -> Paths:
    """Run the simulator of ``strategy`` (one of :data:`STRATEGIES`).

    ``fraction`` is used by ``"mix"`` only and ``kind`` (the schedule) by ``"grow"`` only.
    """
    if kind not in schedules.KINDS:
        raise ValueError(f"kind must be one of {schedules.KINDS}, got {kind!r}.")
    if strategy == "replace":
        return simulate_replace(size, generations, n_chains, mu, sigma2, estimator, rng, method)
    if strategy == "mix":
        return simulate_mix(size, fraction, generations, n_chains, mu, sigma2, estimator, rng, method)
    if strategy == "accumulate":
        return simulate_accumulate(size, generations, n_chains, mu, sigma2, estimator, rng, method)
    if strategy == "grow":
        return simulate_grow(size, generations, n_chains, kind, mu, sigma2, estimator, rng, method)
    raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")


def w2sq_paths(paths: Paths, mu: float = 0.0, sigma2: float = 1.0) -> np.ndarray:
    """W_2^2 between N(mu, sigma^2) and every fitted model of ``paths`` (same shape as its arrays)."""
    if not isinstance(paths, Paths):
        raise ValueError("paths must be the Paths returned by a simulator.")
    mu = validation.finite_real(mu, "mu")
    sigma2 = validation.positive_real(sigma2, "sigma2")
    return wasserstein.w2_squared_normal(paths.means, paths.variances, mu, sigma2)


# --- closed forms: accumulate ---------------------------------------------------------


def _accumulate_factors(size, generations, estimator):
    """(n, d_n, d_{n+1}, E[Q_n], E[Q_n^2]) for n = 1..N-1, the blocks before each refit."""
    size = validation.integer(size, "size", minimum=2)
    generations = validation.generations(generations, minimum=0)
    blocks = np.arange(1, max(generations, 1), dtype=float)
    d_now = validation.variance_denominator(blocks * size, estimator)
    d_next = validation.variance_denominator((blocks + 1) * size, estimator)
    c = blocks / (blocks + 1)
    first = size - 1 + c
    second = (size - 1.0) * (size + 1) + 2 * (size - 1) * c + 3 * c**2
    return size, generations, d_now, d_next, first, second


def _accumulate_products(start, ratios, generations):
    """(1, start, start r_1, start r_1 r_2, ...) truncated to length N + 1."""
    return np.concatenate(([1.0], start * gaussian_laws.prefix_products(ratios)))[: generations + 1]


def accumulate_expected_variance(size: int, generations: int, sigma2: float = 1.0,
                                 estimator: str = "unbiased") -> np.ndarray:
    """E[sigma_n^2] = sigma^2 a_n under accumulation, n = 0..N.

    a_0 = 1, a_1 = (M - 1)/d_1, a_{n+1} = a_n (d_n + M - 1 + n/(n+1)) / d_{n+1}:
    unbiased a_{n+1} = a_n (1 - 1/((n+1)((n+1)M - 1))), mle a_{n+1} = a_n (1 - 1/((n+1)^2 M)).
    """
    sigma2 = validation.positive_real(sigma2, "sigma2")
    size, generations, d_now, d_next, first, _ = _accumulate_factors(size, generations, estimator)
    start = (size - 1) / float(validation.variance_denominator(size, estimator))
    return sigma2 * _accumulate_products(start, (d_now + first) / d_next, generations)


def accumulate_variance_fourth_moment(size: int, generations: int, sigma2: float = 1.0,
                                      estimator: str = "unbiased") -> np.ndarray:
    """E[sigma_n^4] = sigma^4 b_n: b_1 = (M^2 - 1)/d_1^2, b_{n+1} = b_n (d_n^2 + 2 d_n E[Q] + E[Q^2]) / d_{n+1}^2."""
    sigma2 = validation.variance_scale(sigma2)
    size, generations, d_now, d_next, first, second = _accumulate_factors(size, generations, estimator)
    start = (size**2 - 1.0) / float(validation.variance_denominator(size, estimator)) ** 2
    ratios = (d_now**2 + 2 * d_now * first + second) / d_next**2
    return sigma2**2 * _accumulate_products(start, ratios, generations)


def accumulate_mean_squared_error(size: int, generations: int, sigma2: float = 1.0,
                                  estimator: str = "unbiased") -> np.ndarray:
    """E[(mu_n - mu)^2] = (sigma^2 / M) sum_{k<n} a_k / (k + 1)^2 under accumulation, n = 0..N.

    At most (sigma^2 / M) sum_{k<=n} 1/k^2 < (pi^2 / 6) sigma^2 / M, since every a_k <= 1.
    """
    variances = accumulate_expected_variance(size, generations, sigma2, estimator)
    weights = 1.0 / np.arange(1, variances.size) ** 2
    return gaussian_laws.cumulative_sums(variances[:-1] * weights) / size


def accumulate_variance_limit(size: int, estimator: str = "unbiased") -> float:
    """a_inf = lim E[sigma_n^2] / sigma^2 under accumulation.

    Unbiased: Gamma(2 - 1/M) / (Gamma(2 - r_+) Gamma(2 - r_-)), r_+- = (1 +- sqrt(1 + 4M))/(2M);
    maximum likelihood: sin(pi / sqrt(M)) / (pi / sqrt(M)).
    """
    size = validation.integer(size, "size", minimum=2)
    if validation.estimator(estimator) == "mle":
        return float(np.sinc(1.0 / np.sqrt(size)))
    root = np.sqrt(1.0 + 4 * size)
    r_plus, r_minus = (1 + root) / (2 * size), (1 - root) / (2 * size)
    return float(np.exp(special.gammaln(2 - 1.0 / size) - special.gammaln(2 - r_plus) - special.gammaln(2 - r_minus)))


def accumulate_limits(size: int, sigma2: float = 1.0, estimator: str = "unbiased",
                      terms: int = 100_000) -> Limits:
    """lim E[(mu_n - mu)^2] and lim E[sigma_n^2] under accumulation.

    The mean error's series is summed over ``terms`` terms; its tail
    sum_{k >= terms} a_k / (k + 1)^2 lies between a_inf psi'(terms + 1) and a_terms psi'(terms + 1)
    (a_k decreases to a_inf) and is added as their average: the error is below
    (a_terms - a_inf) / terms, about 1e-10 for the default.

    For maximum likelihood E[(mu_n - mu)^2] + E[sigma_n^2] = sigma^2 at every n (the fit
    conserves the mean squared distance to mu), so the first limit is sigma^2 (1 - a_inf).
    """
    sigma2 = validation.positive_real(sigma2, "sigma2")
    terms = validation.integer(terms, "terms", minimum=10)
    variances = accumulate_expected_variance(size, terms, 1.0, estimator)
    limit = accumulate_variance_limit(size, estimator)
    head = accumulate_mean_squared_error(size, terms, 1.0, estimator)[-1]
    tail = 0.5 * (limit + variances[-1]) * special.polygamma(1, terms + 1) / size
    return Limits(sigma2 * (head + tail), sigma2 * limit)


def w2sq_bracket(mean_error, variance, fourth=None, sigma2: float = 1.0):
    """Bounds of E[W_2^2] = E[(mu_n - mu)^2] + E[sigma_n^2] + sigma^2 - 2 sigma E[sigma_n].

    Jensen, E[sigma_n] <= sqrt(E[sigma_n^2]), gives the lower bound
    x + (sqrt(v) - sigma)^2. Hoelder, E[sigma_n] >= E[sigma_n^2]^(3/2) / E[sigma_n^4]^(1/2),
    gives the upper bound when the fourth moment ``fourth`` is known; otherwise
    the upper bound is x + v + sigma^2 (E[sigma_n] >= 0). Returns (lower, upper).
    """
    sigma2 = validation.positive_real(sigma2, "sigma2")
    x = validation.finite_array(mean_error, "mean_error")
    if np.any(x < 0):
        raise ValueError("mean_error must hold non-negative numbers only (it is E[(mu_n - mu)^2]).")
    v = validation.positive_array(variance, "variance")
    lower = x + (np.sqrt(v) - np.sqrt(sigma2)) ** 2
    if fourth is None:
        return lower, x + v + sigma2
    b = validation.positive_array(fourth, "fourth")
    return lower, x + v + sigma2 - 2 * np.sqrt(sigma2) * v**1.5 / np.sqrt(b)


# --- closed forms: mix ----------------------------------------------------------------


def mix_transition(size: int, fraction: float, estimator: str = "unbiased"):
    """(A, c): (x_{i+1}, v_{i+1}) = A (x_i, v_i) + c sigma^2 for x = E[(mu_i - mu)^2], v = E[sigma_i^2].

    With phi = K / M (the realised fraction) and d the estimator's denominator:
    A = [[(1 - phi)^2, (1 - phi)/M], [M phi (1 - phi)/d, (M - 1)(1 - phi)/d]],
    c = (phi / M, (M - 1) phi / d).
    """
    phi = real_count(size, fraction) / size
    d = float(validation.variance_denominator(size, estimator))
    matrix = np.array([[(1 - phi) ** 2, (1 - phi) / size], [size * phi * (1 - phi) / d, (size - 1) * (1 - phi) / d]])
    return matrix, np.array([phi / size, (size - 1) * phi / d])


def mix_moments(size: int, fraction: float, generations: int, sigma2: float = 1.0,
                estimator: str = "unbiased") -> Moments:
    """E[(mu_n - mu)^2] and E[sigma_n^2] after n = 0..N generations of mixing (from x_0 = 0, v_0 = sigma^2)."""
    sigma2 = validation.positive_real(sigma2, "sigma2")
    generations = validation.generations(generations, minimum=0)
    matrix, constant = mix_transition(size, fraction, estimator)
    states = np.empty((generations + 1, 2))
    states[0] = 0.0, sigma2
    for i in range(generations):
        states[i + 1] = matrix @ states[i] + constant * sigma2
    return Moments(states[:, 0], states[:, 1])


def mix_stationary(size: int, fraction: float, sigma2: float = 1.0, estimator: str = "unbiased") -> Limits:
    """The fixed point (x*, v*) = (I - A)^(-1) c sigma^2 of the mix recursion; needs K >= 1.

    Unbiased: x* = sigma^2 (M - 1) / (M (M phi (2 - phi) - 1)), v* = sigma^2 + (1 - phi) M x* / (M - 1);
    maximum likelihood: x* = sigma^2 / (M phi (2 - phi) + 1 - phi), v* = sigma^2 - x*.
    """
    sigma2 = validation.positive_real(sigma2, "sigma2")
    if real_count(size, fraction) == 0:
        raise ValueError(f"fraction must give at least one real point (round(f M) >= 1); got f = {fraction} "
                         f"with M = {size}: without fresh data there is no stationary state.")
    matrix, constant = mix_transition(size, fraction, estimator)
    x_star, v_star = np.linalg.solve(np.eye(2) - matrix, constant * sigma2)
    return Limits(float(x_star), float(v_star))


def mix_log_variance_floor(size: int, fraction: float, estimator: str = "unbiased") -> float:
    """psi((K - 1)/2) + log(2/d): a lower bound of E[log(sigma_i^2 / sigma^2)] at every i >= 1, K >= 2."""
    real = real_count(size, fraction)
    if real < 2:
        raise ValueError(f"the floor needs at least two real points (round(f M) >= 2); got {real}.")
    d = float(validation.variance_denominator(size, estimator))
    return float(special.digamma((real - 1) / 2) + np.log(2 / d))


# --- all strategies ---------------------------------------------------------------------


def moments(strategy: str, size: int, generations: int, fraction: float = 0.1, kind: str = "quadratic",
            sigma2: float = 1.0, estimator: str = "unbiased") -> Moments:
    """E[(mu_n - mu)^2] and E[sigma_n^2], n = 0..N, for ``strategy`` (one of :data:`STRATEGIES`).

    Replace and grow call :func:`collapse_lib.gaussian_laws.mean_squared_drift` and
    :func:`collapse_lib.gaussian_laws.expected_fitted_variance` on their schedules.
    """
    if kind not in schedules.KINDS:
        raise ValueError(f"kind must be one of {schedules.KINDS}, got {kind!r}.")
    if strategy in ("replace", "grow"):
        sizes = schedules.constant(size, generations) if strategy == "replace" else schedules.named(
            kind, size, generations)
        return Moments(gaussian_laws.mean_squared_drift(sizes, sigma2, estimator),
                       gaussian_laws.expected_fitted_variance(sizes, sigma2, estimator))
    if strategy == "mix":
        return mix_moments(size, fraction, generations, sigma2, estimator)
    if strategy == "accumulate":
        return Moments(accumulate_mean_squared_error(size, generations, sigma2, estimator),
                       accumulate_expected_variance(size, generations, sigma2, estimator))
    raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")

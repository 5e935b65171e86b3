"""The multivariate Gaussian recursion, simulated two ways, and its closed forms.

Generation 0 is the data law N(m, Sigma) in R^d. Generation i draws M_i points
X^i_1..X^i_{M_i} from N(mu_i, Sigma_i) and fits

    mu_{i+1}    = (1/M_i) sum_j X^i_j,
    Sigma_{i+1} = (1/c_i) sum_j (X^i_j - mu_{i+1})(X^i_j - mu_{i+1})^T,

with c_i = M_i - 1 (``"unbiased"``) or c_i = M_i (``"mle"``), as in
:mod:`collapse_lib.gaussian`. The scatter matrix is Wishart:
c_i Sigma_{i+1} | past ~ W_d(M_i - 1, Sigma_i), independent of
mu_{i+1} | past ~ N(mu_i, Sigma_i / M_i).

Sample sizes: every M_i must be at least d + 1. With M_i <= d the M_i centred
points span at most M_i - 1 < d dimensions, the fitted covariance is singular,
its log-determinant is -inf and the recursion cannot even draw from it with a
Cholesky factor; the chapter explains why this is no loss (collapse in one
generation onto a subspace).

- :func:`simulate_direct` samples the M_i points, as the papers do.
- :func:`simulate_exact` draws the Cholesky factor of Sigma_{i+1} through the
  Bartlett decomposition, L_{i+1} = L_i A_i / sqrt(c_i), at a cost that does
  not depend on M_i.

Both return :class:`Paths` with ``means`` of shape (n + 1, n_chains, d) and
``covariances`` of shape (n + 1, n_chains, d, d). For d = 1 they are the 1D
simulators of :mod:`collapse_lib.gaussian` (same seed, same numbers).
Chapter: *The multivariate Gaussian model*.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from . import gaussian, gaussian_laws, strategies, validation

SHAPES = ("isotropic", "elongated")
"""Named initial covariances of :func:`initial_covariance`."""


class Paths(NamedTuple):
    """Fitted parameters of every generation.

    ``means``: (n + 1, n_chains, d); ``covariances``: (n + 1, n_chains, d, d);
    ``factors``: their Cholesky factors L_i (lower triangular, positive
    diagonal, L_i L_i^T = Sigma_i), which keep log det and the small eigenvalues
    accurate long after Sigma_i itself is too ill-conditioned for double precision.
    """

    means: np.ndarray
    covariances: np.ndarray
    factors: np.ndarray


# --- argument checks ---------------------------------------------------------------


def covariance_matrix(cov, name: str = "cov", strict: bool = True) -> np.ndarray:
    """Return ``cov`` as a symmetric (..., d, d) float array with d >= 1.

    It must be finite, square, symmetric (to 1e-10 relative) and positive
    definite (``strict``) or positive semi-definite (eigenvalues >= -1e-12
    times the largest one). Stacks of matrices (leading axes) are allowed.
    """
    cov = validation.finite_array(cov, name)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2] or cov.shape[-1] == 0:
        raise ValueError(f"{name} must be a square d x d matrix (d >= 1), got shape {cov.shape}.")
    scale = max(float(np.abs(cov).max()), np.finfo(float).tiny)
    if not np.allclose(cov, np.swapaxes(cov, -1, -2), rtol=0.0, atol=1e-10 * scale):
        raise ValueError(f"{name} must be symmetric.")
    cov = (cov + np.swapaxes(cov, -1, -2)) / 2
    smallest = np.linalg.eigvalsh(cov)[..., 0]
    if strict and np.any(smallest <= 0):
        raise ValueError(f"{name} must be positive definite (all eigenvalues > 0), "
                         f"got smallest eigenvalue {float(np.min(smallest)):.3g}.")
    if not strict and np.any(smallest < -1e-12 * scale):
        raise ValueError(f"{name} must be positive semi-definite (no negative eigenvalue), "
                         f"got smallest eigenvalue {float(np.min(smallest)):.3g}.")
    return cov


def single_covariance(cov, name: str = "cov") -> np.ndarray:
    """Return ``cov`` as one symmetric positive-definite d x d matrix (:func:`covariance_matrix`, no stack)."""
    cov = covariance_matrix(cov, name)
    if cov.ndim != 2:
        raise ValueError(f"{name} must be one d x d matrix, got shape {cov.shape}.")
    return cov


def mean_vector(mean, dim: int, name: str = "mean") -> np.ndarray:
    """Return ``mean`` as a length-``dim`` float vector (None means the zero vector)."""
    dim = validation.integer(dim, "dim", minimum=1)
    if mean is None:
        return np.zeros(dim)
    mean = validation.finite_array(mean, name)
    if mean.shape != (dim,):
        raise ValueError(f"{name} must be a vector of length d = {dim} (the covariance's size), got shape {mean.shape}.")
    return mean


def full_rank_sizes(sizes, dim: int) -> np.ndarray:
    """The schedule as an int array, every M_i >= d + 1 (a full-rank fitted covariance)."""
    dim = validation.integer(dim, "dim", minimum=1)
    sizes = validation.sample_sizes(sizes)
    if sizes.size and sizes.min() < dim + 1:
        raise ValueError(
            f"every sample size must be at least d + 1 = {dim + 1} in dimension d = {dim}, got "
            f"{int(sizes.min())}: with M <= d points the fitted covariance is singular (rank M - 1 < d)."
        )
    return sizes


def _check(sizes, n_chains, mean, cov, estimator, rng):
    cov = single_covariance(cov)
    dim = cov.shape[0]
    sizes = full_rank_sizes(sizes, dim)
    return (sizes, validation.chains(n_chains, rows=3 * (sizes.size + 1), values_per_chain=dim * dim),
            mean_vector(mean, dim), cov, validation.estimator(estimator), validation.generator(rng))


def _start(sizes, n_chains, mean, cov) -> Paths:
    dim = cov.shape[0]
    means = np.empty((sizes.size + 1, n_chains, dim))
    covariances = np.empty((sizes.size + 1, n_chains, dim, dim))
    factors = np.empty((sizes.size + 1, n_chains, dim, dim))
    means[0], covariances[0], factors[0] = mean, cov, np.linalg.cholesky(cov)
    return Paths(means, covariances, factors)


def _store(paths: Paths, generation: int, chains, factor: np.ndarray) -> None:
    paths.factors[generation, chains] = factor
    paths.covariances[generation, chains] = factor @ np.swapaxes(factor, -1, -2)


def initial_covariance(dim: int, shape: str = "isotropic", condition: float = 100.0) -> np.ndarray:
    """A d x d starting covariance with unit largest eigenvalue.

    ``"isotropic"``: the identity. ``"elongated"``: diag(1, ..., condition^-1)
    with log-equally spaced eigenvalues (condition number ``condition``).
    """
    dim = validation.integer(dim, "dim", minimum=1)
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}.")
    condition = validation.positive_real(condition, "condition")
    if shape == "isotropic" or dim == 1:
        return np.eye(dim)
    return np.diag(condition ** (-np.arange(dim) / (dim - 1)))


# --- simulators --------------------------------------------------------------------


def simulate_direct(sizes, n_chains: int, cov, mean=None, estimator: str = "unbiased", rng=0) -> Paths:
    """Recursive fitting as the papers do it: draw M_i points in R^d, fit, repeat.

    Parameters
    ----------
    sizes : sequence of int
        The schedule (M_0, ..., M_{n-1}), each M_i >= d + 1.
    n_chains : int
        Independent chains, simulated together (vectorised over chains).
    cov : array (d, d)
        Sigma, the covariance of the data law; symmetric positive definite.
    mean : array (d,), optional
        m, the mean of the data law (zero by default).
    estimator : {"unbiased", "mle"}
        Covariance estimator: divide the scatter matrix by M - 1 or by M.
    rng : numpy.random.Generator or int
        Randomness source or seed.

    Returns
    -------
    Paths
        ``means[i]`` (n_chains, d) and ``covariances[i]`` (n_chains, d, d).
    """
    sizes, n_chains, mean, cov, estimator, rng = _check(sizes, n_chains, mean, cov, estimator, rng)
    paths = _start(sizes, n_chains, mean, cov)
    dim = cov.shape[0]
    denominators = validation.variance_denominator(sizes, estimator)
    for i, size in enumerate(sizes):
        for chains in gaussian.chain_blocks(n_chains, int(size) * dim):
            factor = paths.factors[i, chains]
            noise = rng.standard_normal((factor.shape[0], int(size), dim))
            sample = paths.means[i, chains, None, :] + noise @ np.swapaxes(factor, -1, -2)
            centre = sample.mean(axis=1)
            paths.means[i + 1, chains] = centre
            _store(paths, i + 1, chains, _scatter_factor(sample - centre[:, None, :]) / np.sqrt(denominators[i]))
    return paths


def _scatter_factor(deviations: np.ndarray) -> np.ndarray:
    """Cholesky factor of the scatter matrix D^T D of centred samples D (..., M, d).

    Factorises D^T D directly (fast); if rounding makes it numerically
    indefinite (condition number near 1e16, late in a collapse), uses the QR
    factorisation D = Q R instead: D^T D = R^T R, so R^T with its signs fixed is
    the factor, computed without squaring the condition number.
    """
    try:
        return np.linalg.cholesky(np.swapaxes(deviations, -1, -2) @ deviations)
    except np.linalg.LinAlgError:
        upper = np.linalg.qr(deviations, mode="r")
        signs = np.sign(np.diagonal(upper, axis1=-2, axis2=-1))
        return np.swapaxes(upper * signs[..., :, None], -1, -2)


def bartlett_factor(degrees_of_freedom: int, n_chains: int, dim: int, rng=0) -> np.ndarray:
    """Bartlett's lower-triangular A with A A^T ~ W_d(nu, I), one per chain: (n_chains, d, d).

    A_jj = sqrt(chi^2_{nu - j + 1}) (j = 1..d) and A_jk ~ N(0, 1) for j > k, all
    independent; zeros above the diagonal. Needs nu >= d.
    """
    dim = validation.integer(dim, "dim", minimum=1)
    nu = validation.integer(degrees_of_freedom, "degrees_of_freedom", minimum=dim)
    n_chains = validation.chains(n_chains, values_per_chain=dim * dim)
    rng = validation.generator(rng)
    factor = np.zeros((n_chains, dim, dim))
    diagonal = np.arange(dim)
    factor[:, diagonal, diagonal] = np.sqrt(gaussian.chi_square(rng, nu - diagonal, (n_chains, dim)))
    below = np.tril_indices(dim, -1)
    factor[:, below[0], below[1]] = rng.standard_normal((n_chains, below[0].size))
    return factor


def simulate_exact(sizes, n_chains: int, cov, mean=None, estimator: str = "unbiased", rng=0) -> Paths:
    """Recursive fitting drawn from the exact one-generation laws (Bartlett decomposition).

    With L_i the Cholesky factor of Sigma_i, Z_i ~ N(0, I_d) and A_i from
    :func:`bartlett_factor` with nu = M_i - 1, independent:

        mu_{i+1} = mu_i + L_i Z_i / sqrt(M_i),
        L_{i+1}  = L_i A_i / sqrt(c_i),   Sigma_{i+1} = L_{i+1} L_{i+1}^T.

    L_i A_i is lower triangular with a positive diagonal, so it is Sigma_{i+1}'s
    own Cholesky factor: no factorisation is needed after generation 0. Same
    arguments and return value as :func:`simulate_direct`, same law, at a cost
    independent of M_i (d + d(d+1)/2 random numbers per chain and generation).
    """
    sizes, n_chains, mean, cov, estimator, rng = _check(sizes, n_chains, mean, cov, estimator, rng)
    paths = _start(sizes, n_chains, mean, cov)
    dim = cov.shape[0]
    denominators = validation.variance_denominator(sizes, estimator)
    for i, size in enumerate(sizes):
        factor = paths.factors[i]
        shift = factor @ rng.standard_normal((n_chains, dim, 1))
        paths.means[i + 1] = paths.means[i] + shift[..., 0] / np.sqrt(size)
        _store(paths, i + 1, slice(None), factor @ bartlett_factor(int(size) - 1, n_chains, dim, rng)
               / np.sqrt(denominators[i]))
    return paths


# --- summaries of simulated paths -----------------------------------------------------


def _paths(paths, name: str = "paths") -> Paths:
    if not isinstance(paths, Paths):
        raise ValueError(f"{name} must be the Paths returned by simulate_direct or simulate_exact, got {type(paths).__name__}.")
    return paths


def log_det(paths: Paths) -> np.ndarray:
    """log det Sigma_i = 2 sum_j log (L_i)_jj for every generation and chain: (n + 1, n_chains)."""
    return 2 * np.log(np.diagonal(_paths(paths).factors, axis1=-2, axis2=-1)).sum(axis=-1)


def eigenvalues(paths: Paths) -> np.ndarray:
    """Eigenvalues of Sigma_i in decreasing order, the squared singular values of L_i: (n + 1, n_chains, d).

    A singular value of L_i is accurate to about 1e-16 times the largest one, so
    the condition number of Sigma_i = cond(L_i)^2 is reliable up to about 1e24:
    the eigenvalues of the matrix Sigma_i itself would stop near 1e13.
    """
    return np.linalg.svd(_paths(paths).factors, compute_uv=False) ** 2


def log_condition(paths: Paths) -> np.ndarray:
    """log of the condition number lambda_max / lambda_min of Sigma_i: (n + 1, n_chains)."""
    values = eigenvalues(paths)
    return np.log(values[..., 0]) - np.log(values[..., -1])


def scalar_statistics(paths: Paths) -> dict[str, np.ndarray]:
    """The scalars the distribution check compares, each (n + 1, n_chains).

    ``"log det"``, ``"trace"`` of Sigma_i and ``"mean[0]"``, the first coordinate of mu_i.
    """
    paths = _paths(paths)
    return {"log det": log_det(paths), "trace": np.trace(paths.covariances, axis1=-2, axis2=-1),
            "mean[0]": paths.means[..., 0]}


class DistributionCheck(NamedTuple):
    """Two-sample KS tests of :func:`compare_in_distribution`, one row per (statistic, generation)."""

    statistics: list
    generations: np.ndarray
    p_values: np.ndarray
    threshold: float        # Bonferroni: alpha / number of tests
    passed: bool            # no p-value below the threshold


def compare_in_distribution(paths_a: Paths, paths_b: Paths, generations, alpha: float = 1e-3) -> DistributionCheck:
    """Two-sample Kolmogorov-Smirnov tests of :func:`scalar_statistics` at the given generations.

    Each of the K = 3 x len(generations) tests is run at level alpha / K
    (Bonferroni), so if the two simulators have the same law the chance that
    any test rejects is at most ``alpha``, whatever the dependence between tests.
    """
    if isinstance(generations, (numbers.Number, str, bytes)) or not isinstance(generations, (Sequence, np.ndarray)):
        raise ValueError(f"generations must be a sequence of generation indices, got {generations!r}; "
                         "wrap a single generation in a list, e.g. [5].")
    paths_a, paths_b = _paths(paths_a, "paths_a"), _paths(paths_b, "paths_b")
    stats_a, stats_b = scalar_statistics(paths_a), scalar_statistics(paths_b)
    alpha = validation.open_probability(alpha, "alpha")
    last = min(paths_a.means.shape[0], paths_b.means.shape[0]) - 1
    generations = [validation.integer(g, "generations", minimum=1, maximum=last) for g in generations]
    names, rows, p_values = [], [], []
    for name in stats_a:
        for g in generations:
            names.append(name)
            rows.append(g)
            p_values.append(scipy_stats.ks_2samp(stats_a[name][g], stats_b[name][g]).pvalue)
    threshold = alpha / max(len(p_values), 1)
    p_values = np.array(p_values)
    return DistributionCheck(names, np.array(rows), p_values, threshold, bool(np.all(p_values >= threshold)))


# --- the Wasserstein-2 distance -----------------------------------------------------


def sqrtm_psd(cov) -> np.ndarray:
    """Symmetric square root of a (stack of) positive semi-definite matrices, through eigh.

    ``cov`` must pass :func:`covariance_matrix` (square, symmetric, positive
    semi-definite). Eigenvalues that rounding made slightly negative are set to zero.
    """
    cov = covariance_matrix(cov, "cov", strict=False)
    values, vectors = np.linalg.eigh(cov)
    return (vectors * np.sqrt(np.maximum(values, 0.0))[..., None, :]) @ np.swapaxes(vectors, -1, -2)


def w2_squared_normal(mean_a, cov_a, mean_b, cov_b) -> np.ndarray:
    """Squared Wasserstein-2 distance between N(mean_a, cov_a) and N(mean_b, cov_b) in R^d.

    ||m_a - m_b||^2 + tr(S_a + S_b - 2 (S_a^{1/2} S_b S_a^{1/2})^{1/2})
    {cite}`givens1984wasserstein`. Means (..., d), covariances (..., d, d)
    positive semi-definite; leading axes broadcast. For d = 1 it is
    :func:`collapse_lib.wasserstein.w2_squared_normal`.
    """
    mean_a = validation.finite_array(mean_a, "mean_a")
    mean_b = validation.finite_array(mean_b, "mean_b")
    cov_a = covariance_matrix(cov_a, "cov_a", strict=False)
    cov_b = covariance_matrix(cov_b, "cov_b", strict=False)
    dim = cov_a.shape[-1]
    if cov_b.shape[-1] != dim or mean_a.shape[-1:] != (dim,) or mean_b.shape[-1:] != (dim,):
        raise ValueError(f"means must end in d = {dim} and covariances in d x d, got shapes "
                         f"{mean_a.shape}, {cov_a.shape}, {mean_b.shape}, {cov_b.shape}.")
    root_a = sqrtm_psd(cov_a)
    cross = sqrtm_psd(root_a @ cov_b @ root_a)
    trace = np.trace(cov_a + cov_b - 2 * cross, axis1=-2, axis2=-1)
    return np.sum((mean_a - mean_b) ** 2, axis=-1) + np.maximum(trace, 0.0)


def w2_to_start(paths: Paths) -> np.ndarray:
    """W_2^2 between the data law (generation 0) and every fitted normal: (n + 1, n_chains)."""
    paths = _paths(paths)
    return w2_squared_normal(paths.means[0, 0], paths.covariances[0, 0], paths.means, paths.covariances)


# --- closed forms --------------------------------------------------------------------


def lyapunov_exponents(size: int, dim: int, estimator: str = "unbiased") -> np.ndarray:
    """gamma_j = psi((M - j)/2) + log(2 / c), j = 1..d: E[log (A_jj^2 / c)] per generation.

    gamma_1 > gamma_2 > ... > gamma_d. Their sum is the drift of log det Sigma_i;
    gamma_j is the almost-sure growth rate (1/n) log lambda_j(Sigma_n) of the
    j-th largest eigenvalue (see the chapter). For d = 1, gamma_1 is the 1D drift
    :func:`collapse_lib.gaussian_laws.log_variance_drift` of one generation.
    """
    dim = validation.integer(dim, "dim", minimum=1)
    size = int(full_rank_sizes([validation.integer(size, "size", minimum=2)], dim)[0])
    c = float(validation.variance_denominator(size, estimator))
    return special.digamma((size - np.arange(1, dim + 1)) / 2) + np.log(2.0 / c)


def representable_generations(size: int, cov, estimator: str = "unbiased", limit: float = 1e24,
                              horizon: int = 100_000) -> int:
    """Generations of constant size M before cond(Sigma_n) may pass ``limit`` in some chain.

    log cond(Sigma_n) grows like log cond(Sigma) + n (gamma_1 - gamma_d)
    (:func:`lyapunov_exponents`) with fluctuations of standard deviation about
    sqrt(n (psi'((M-1)/2) + psi'((M-d)/2))). Past cond(Sigma_n) = 1e24 even the
    squared singular values of the Cholesky factor (:func:`eigenvalues`) lose the
    small eigenvalues to rounding, so plots of the spectrum stop at the last n
    whose trend plus 4 standard deviations stays below log ``limit``. Returns at
    most ``horizon``.
    """
    cov = covariance_matrix(cov)
    limit = validation.positive_real(limit, "limit")
    horizon = validation.integer(horizon, "horizon", minimum=0)
    values = np.linalg.eigvalsh(cov)
    dim = cov.shape[-1]
    rates = lyapunov_exponents(size, dim, estimator)
    spread = (gaussian_laws.log_chi_square_variance(size - 1) + gaussian_laws.log_chi_square_variance(size - dim)
              if dim > 1 else 0.0)
    n = np.arange(horizon + 1)
    reach = np.log(values[-1] / values[0]) + n * (rates[0] - rates[-1]) + 4 * np.sqrt(n * spread)
    over = np.flatnonzero(reach > np.log(limit))
    if over.size and over[0] == 0:
        raise ValueError(f"cov already has condition number {values[-1] / values[0]:.3g}, above limit = {limit:.3g}; "
                         "no generation is representable.")
    return int(over[0] - 1) if over.size else horizon


def log_det_drift(sizes, dim: int, estimator: str = "unbiased") -> np.ndarray:
    """E[log det Sigma_n - log det Sigma], n = 0..N: sum over i < n of the per-generation drift

    sum_{j=1}^{d} [psi((M_i - j)/2) + log 2] - d log c_i  (c_i = M_i - 1 or M_i),

    about -d(d+1)/(2 M_i) per generation (unbiased). Exact for every schedule.
    """
    dim = validation.integer(dim, "dim", minimum=1)
    sizes = full_rank_sizes(sizes, dim)
    c = validation.variance_denominator(sizes, estimator)
    return gaussian_laws.cumulative_sums(_log_det_wishart_mean(sizes, dim) - dim * np.log(c))


def _log_det_wishart_mean(sizes: np.ndarray, dim: int) -> np.ndarray:
    """E[log det W] for W ~ W_d(M - 1, I), one per M in ``sizes``: sum_{j=1}^{d} [psi((M - j)/2) + log 2]."""
    j = np.arange(1, dim + 1)
    return gaussian_laws.log_chi_square_mean(np.asarray(sizes)[:, None] - j).sum(axis=1)


def log_det_spread(sizes, dim: int) -> np.ndarray:
    """Var[log det Sigma_n], n = 0..N: sum over i < n of sum_{j=1}^{d} psi'((M_i - j)/2) (either estimator)."""
    dim = validation.integer(dim, "dim", minimum=1)
    sizes = full_rank_sizes(sizes, dim)
    j = np.arange(1, dim + 1)
    return gaussian_laws.cumulative_sums(gaussian_laws.log_chi_square_variance(sizes[:, None] - j).sum(axis=1))


def log_det_drift_series(sizes, dim: int, estimator: str = "unbiased", order: int = 2) -> np.ndarray:
    """Large-M expansion of :func:`log_det_drift` to first or second order in 1/M_i.

    Per generation a_1(d) / M + a_2(d) / M^2 with the polynomials derived in
    :func:`collapse_lib.multivariate_symbolic.log_det_drift_series`; unbiased:
    a_1 = -d(d+1)/2.
    """
    from . import multivariate_symbolic as symbolic

    dim = validation.integer(dim, "dim", minimum=1)
    order = validation.integer(order, "order", minimum=1, maximum=2)
    inverse = 1.0 / full_rank_sizes(sizes, dim)
    coefficients = symbolic.log_det_drift_coefficients(validation.estimator(estimator), dim)
    per_generation = sum(float(coefficients[k]) * inverse**k for k in range(1, order + 1))
    return gaussian_laws.cumulative_sums(per_generation)


def expected_trace(sizes, cov, estimator: str = "unbiased") -> np.ndarray:
    """E[tr Sigma_n] = tr(Sigma) prod_{i<n} (M_i - 1)/c_i: tr(Sigma) (unbiased), n = 0..N.

    E[Sigma_{i+1} | Sigma_i] = ((M_i - 1)/c_i) Sigma_i, the 1D factor, so this is
    the 1D :func:`collapse_lib.gaussian_laws.expected_fitted_variance` with sigma^2 = tr Sigma.
    """
    cov = covariance_matrix(cov)
    return gaussian_laws.expected_fitted_variance(full_rank_sizes(sizes, cov.shape[-1]), np.trace(cov), estimator)


def expected_mean_drift(sizes, cov, estimator: str = "unbiased") -> np.ndarray:
    """E||mu_n - m||^2 = tr(Sigma) sum_{i<n} A_i / M_i, exactly (A_i = prod_{k<i} (M_k - 1)/c_k).

    Unbiased: tr(Sigma) sum_{i<n} 1/M_i, the mean part of E[W_2^2]. It is the 1D
    :func:`collapse_lib.gaussian_laws.mean_squared_drift` with sigma^2 = tr Sigma,
    because E[||mu_{i+1} - mu_i||^2 | past] = tr(Sigma_i) / M_i.
    """
    cov = covariance_matrix(cov)
    return gaussian_laws.mean_squared_drift(full_rank_sizes(sizes, cov.shape[-1]), np.trace(cov), estimator)


def covariance_w2_coefficient(cov) -> float:
    """b(Sigma) = (1/2) [tr Sigma + sum_{k != l} lambda_k lambda_l / (lambda_k + lambda_l)].

    The first-order growth rate of the covariance part of E[W_2^2] per unit of
    sum 1/M_i (lambda_k the eigenvalues of Sigma); sigma^2 d (d + 1) / 4 for
    Sigma = sigma^2 I and sigma^2 / 2 in 1D.
    """
    values = np.linalg.eigvalsh(covariance_matrix(cov))
    pairs = np.outer(values, values) / np.add.outer(values, values)
    return 0.5 * (values.sum() + pairs.sum() - np.trace(pairs))


def expected_w2sq_first_order(sizes, cov, estimator: str = "unbiased") -> np.ndarray:
    """E[W_2^2] after n generations to first order in 1/M: (tr Sigma + b(Sigma)) sum_{i<n} 1/M_i.

    The mean part contributes tr(Sigma) sum 1/M_i, the covariance part
    b(Sigma) sum 1/M_i (:func:`covariance_w2_coefficient`); the neglected terms
    are O(sum 1/M_i^2 + (sum 1/M_i)^2). The same for both estimators. For d = 1,
    (3/2) sigma^2 sum 1/M_i, the 1D first-order result.
    """
    cov = covariance_matrix(cov)
    validation.estimator(estimator)
    inverse = 1.0 / full_rank_sizes(sizes, cov.shape[-1])
    return (np.trace(cov) + covariance_w2_coefficient(cov)) * gaussian_laws.cumulative_sums(inverse)


# --- fresh data in every generation (mixing) -----------------------------------------


def simulate_mix(size: int, fraction: float, generations: int, n_chains: int, cov, mean=None,
                 estimator: str = "unbiased", rng=0) -> Paths:
    """Mixing in d dimensions: fit i + 1 pools K = round(f M) fresh points of N(m, Sigma)
    with S = M - K points drawn from fit i, and fits mean and covariance to all M.

    The points are drawn and fitted (the direct method), so this simulator checks
    the closed forms :func:`mix_expected_covariance` and :func:`mix_log_det_floor`
    independently of their derivation. K is :func:`collapse_lib.strategies.real_count`
    (f = 0 is the replace recursion of :func:`simulate_direct`). Needs M >= d + 1.
    Returns :class:`Paths` of ``generations`` + 1 rows; row 0 is the data law.
    """
    real = strategies.real_count(size, fraction)
    generations = validation.generations(generations, minimum=0)
    sizes, n_chains, mean, cov, estimator, rng = _check([size] * generations or [size], n_chains, mean, cov,
                                                        estimator, rng)
    size = int(sizes[0])
    paths = _start(sizes[:generations], n_chains, mean, cov)
    dim = cov.shape[0]
    real_factor = np.linalg.cholesky(cov)
    denominator = float(validation.variance_denominator(size, estimator))
    for i in range(generations):
        for chains in gaussian.chain_blocks(n_chains, size * dim):
            count = paths.factors[i, chains].shape[0]
            fresh = mean + rng.standard_normal((count, real, dim)) @ real_factor.T
            synthetic = paths.means[i, chains, None, :] + rng.standard_normal(
                (count, size - real, dim)) @ np.swapaxes(paths.factors[i, chains], -1, -2)
            sample = np.concatenate([fresh, synthetic], axis=1)
            centre = sample.mean(axis=1)
            paths.means[i + 1, chains] = centre
            _store(paths, i + 1, chains, _scatter_factor(sample - centre[:, None, :]) / np.sqrt(denominator))
    return paths


def mix_expected_covariance(size: int, fraction: float, generations: int, cov,
                            estimator: str = "unbiased") -> np.ndarray:
    """E[Sigma_n] = v_n Sigma under mixing, n = 0..N: shape (N + 1, d, d).

    Given the past, the pooled scatter matrix has mean
    ((M - 1)/M)(K Sigma + S Sigma_i) + (K S / M) e_i e_i^T (e_i = mu_i - m), and
    e_{i+1} = (1 - phi) e_i + noise; so (E[e_i e_i^T], E[Sigma_i]) = (x_i, v_i) Sigma
    where (x_i, v_i) is the 1D mix recursion with sigma^2 = 1
    (:func:`collapse_lib.strategies.mix_moments`), matrix entry by matrix entry.
    """
    cov = covariance_matrix(cov)
    full_rank_sizes([size], cov.shape[-1])
    factors = strategies.mix_moments(size, fraction, generations, 1.0, estimator).variance
    return factors[:, None, None] * cov


def mix_expected_mean_error(size: int, fraction: float, generations: int, cov,
                            estimator: str = "unbiased") -> np.ndarray:
    """E||mu_n - m||^2 = x_n tr(Sigma) under mixing, n = 0..N (x_n as in :func:`mix_expected_covariance`)."""
    cov = covariance_matrix(cov)
    full_rank_sizes([size], cov.shape[-1])
    return strategies.mix_moments(size, fraction, generations, 1.0, estimator).mean_error * np.trace(cov)


def mix_log_det_floor(size: int, fraction: float, dim: int, estimator: str = "unbiased") -> float:
    """sum_{j=1}^{d} [psi((K - j)/2) + log 2] - d log c: a lower bound of E[log det Sigma_i - log det Sigma], i >= 1.

    The pooled scatter matrix is at least (in the positive semi-definite order)
    the fresh block's own scatter matrix, which is W_d(K - 1, Sigma) whatever
    the past, so det(c Sigma_{i+1}) >= det W. Needs K = round(f M) >= d + 1.
    """
    dim = validation.integer(dim, "dim", minimum=1)
    size = int(full_rank_sizes([size], dim)[0])
    real = strategies.real_count(size, fraction)
    if real < dim + 1:
        raise ValueError(f"the floor needs at least d + 1 = {dim + 1} fresh points (round(f M) >= d + 1); "
                         f"got {real}: fewer fresh points have a singular scatter matrix of their own.")
    c = float(validation.variance_denominator(size, estimator))
    return float(_log_det_wishart_mean([real], dim)[0] - dim * np.log(c))

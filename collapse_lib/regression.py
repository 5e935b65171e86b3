"""Linear regression trained on its own predictions: simulators and closed forms.

Data: x ~ N(0, Sigma) in R^d, y = x^T w_0 + noise. Model 0 is the truth w_0.
Generation k (k = 0, 1, ...) draws inputs X_k (M_0 x d), labels them with the
current model plus noise of variance sigma_eps^2, y = X_k w_k + sigma_eps eps, and
fits model k + 1 by ordinary least squares (OLS). So model 1 is the fit on real
labels and row n of every simulated array is model n. The **test error** of a
model w is its excess risk on a fresh real point,

    E(w) = E_x[(x^T w - x^T w_0)^2] = (w - w_0)^T Sigma (w - w_0) = ||w - w_0||_Sigma^2,

(the irreducible label noise of the test point is not included).

Strategies (``STRATEGIES``):

- ``"replace"``: fresh inputs every generation, labels from the latest model only;
- ``"accumulate"``: one fixed design X (M_0 x d) per chain; model n is the OLS
  fit on all n labelled copies (real labels, then the labels of models 1..n-1),
  as in Gerstgrasser et al.;
- ``"mix"``: fresh inputs every generation; K = round(f M_0) points get real
  labels, S = M_0 - K get labels from the latest model; each block is fitted by
  OLS and the two fits are averaged with weights phi = K / M_0 and 1 - phi.
  (:func:`simulate_mix_pooled` fits the pooled block instead: no closed form.)

Two simulators with the same law:

- :func:`simulate_direct` draws the inputs and the labels and solves the normal
  equations (cost O(M_0 d^2) per chain and generation);
- :func:`simulate_exact` draws the fit from its conditional law given the
  previous one: given X, (X^T X)^{-1} X^T eps ~ N(0, (X^T X)^{-1}), and
  X^T X = L A A^T L^T with L L^T = Sigma and A Bartlett's factor of W_d(M_0, I),
  so the step is sigma_eps L^{-T} A^{-T} z with z ~ N(0, I_d): cost O(d^3),
  independent of M_0.

Chapter: *Linear regression trained on its own predictions*.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import discrete, gaussian, gaussian_laws, multivariate, strategies, validation

_EXACT_BLOCK_VALUES = 4_000_000
"""Bartlett factors drawn at once by :func:`simulate_exact` (about 32 MB of doubles)."""

STRATEGIES = ("replace", "accumulate", "mix")
"""How each generation builds its training set (see the module docstring)."""


class Paths(NamedTuple):
    """Fitted weights and their test errors, row n = model n (row 0 is w_0).

    ``weights``: (n + 1, n_chains, d); ``errors``: (n + 1, n_chains), the test
    error ||w_n - w_0||_Sigma^2.
    """

    weights: np.ndarray
    errors: np.ndarray


# --- argument checks ---------------------------------------------------------------


def full_rank_size(size, dim: int, name: str = "size", margin: int = 2) -> int:
    """A sample size M >= d + margin (margin 2: the inverse-Wishart mean exists; 0: X^T X invertible)."""
    dim = validation.integer(dim, "dim", minimum=1)
    size = validation.integer(size, name, minimum=1)
    margin = validation.integer(margin, "margin", minimum=0)
    if size < dim + margin:
        reason = ("E[(X^T X)^-1] is infinite for M <= d + 1" if margin == 2
                  else "X^T X is singular for M < d")
        raise ValueError(f"{name} must be at least d + {margin} = {dim + margin} in dimension d = {dim}, "
                         f"got {size}: {reason}.")
    return size


def noise_variance(value, name: str = "noise") -> float:
    """A label-noise variance: finite and >= 0."""
    value = validation.finite_real(value, name)
    if value < 0:
        raise ValueError(f"{name} is a variance and must be non-negative, got {value!r}.")
    return value


def truth(w0, dim: int) -> np.ndarray:
    """w_0 as a length-d vector (None: the first basis vector e_1, ||w_0|| = 1)."""
    if w0 is None:
        return np.eye(dim)[0]
    return multivariate.mean_vector(w0, dim, "w0")


def strategy(name) -> str:
    """Return ``name`` if it is one of :data:`STRATEGIES`."""
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}.")
    return name


def _check(strategy_name, generations, n_chains, size, cov, noise, w0, fraction, rng):
    cov = multivariate.single_covariance(cov)
    dim = cov.shape[0]
    strategy_name = strategy(strategy_name)
    real = mix_counts(size, fraction, dim)[0] if strategy_name == "mix" else 0
    margin = 0 if strategy_name == "mix" else 2
    generations = validation.generations(generations)
    return (strategy_name, generations, validation.chains(n_chains, rows=generations + 1, values_per_chain=dim),
            full_rank_size(size, dim, margin=margin), cov,
            noise_variance(noise), truth(w0, dim), real, validation.generator(rng))


def mix_counts(size, fraction, dim: int) -> tuple[int, int]:
    """(K, S) = (round(f M_0), M_0 - K) for mixing; each block needs at least d + 2 points."""
    dim = validation.integer(dim, "dim", minimum=1)
    size = validation.integer(size, "size", minimum=1)
    real = strategies.real_count(size, fraction)
    if min(real, size - real) < dim + 2:
        raise ValueError(f"mixing fits the K = {real} real and S = {size - real} synthetic points separately; "
                         f"each block needs at least d + 2 = {dim + 2} points (choose size and fraction so).")
    return real, size - real


def _paths(generations, n_chains, w0) -> np.ndarray:
    weights = np.empty((generations + 1, n_chains, w0.size))
    weights[0] = w0
    return weights


def test_errors(weights, cov, w0) -> np.ndarray:
    """||w - w_0||_Sigma^2 over the last axis of ``weights`` (..., d), for Sigma ``cov`` (d, d) and w_0 (d,)."""
    cov = multivariate.single_covariance(cov)
    weights = validation.finite_array(weights, "weights")
    if weights.ndim < 1 or weights.shape[-1] != cov.shape[0]:
        raise ValueError(f"weights must have last axis d = {cov.shape[0]} (the covariance's size), "
                         f"got shape {weights.shape}.")
    delta = weights - multivariate.mean_vector(w0, cov.shape[0], "w0")
    errors = np.einsum("...i,ij,...j->...", delta, cov, delta)
    if not np.all(np.isfinite(errors)):
        raise ValueError("weights and w0 are too large: their test error overflows a float.")
    return errors


# --- the direct simulator ---------------------------------------------------------------


def _ols(inputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """OLS fits of a stack of problems: inputs (c, M, d), labels (c, M) -> (c, d), via the normal equations."""
    gram = np.swapaxes(inputs, -1, -2) @ inputs
    return np.linalg.solve(gram, (np.swapaxes(inputs, -1, -2) @ labels[..., None]))[..., 0]


def _inputs(rng, count, size, factor) -> np.ndarray:
    return rng.standard_normal((count, size, factor.shape[0])) @ factor.T


def simulate_direct(strategy_name: str, generations: int, n_chains: int, size: int, cov, noise: float,
                    w0=None, fraction: float = 0.5, rng=0) -> Paths:
    """Recursive OLS as the papers do it: draw inputs, label with the last fit plus noise, refit.

    Parameters
    ----------
    strategy_name : {"replace", "accumulate", "mix"}
        See the module docstring.
    generations : int
        n, the number of fits after model 0 (= w_0).
    n_chains : int
        Independent chains, simulated together (batched linear algebra).
    size : int
        M_0, the inputs per generation (>= d + 2; mix: each block >= d + 2).
    cov : array (d, d)
        Sigma, the covariance of the inputs; symmetric positive definite.
    noise : float
        sigma_eps^2 >= 0, the label-noise variance of every generation.
    w0 : array (d,), optional
        The true weights (default e_1).
    fraction : float
        f, the real fraction of ``"mix"`` (ignored otherwise).
    rng : numpy.random.Generator or int

    Returns
    -------
    Paths
    """
    name, generations, n_chains, size, cov, noise, w0, real, rng = _check(
        strategy_name, generations, n_chains, size, cov, noise, w0, fraction, rng)
    factor = np.linalg.cholesky(cov)
    weights = _paths(generations, n_chains, w0)
    sd = np.sqrt(noise)
    for chains in gaussian.chain_blocks(n_chains, size * w0.size):
        count = weights[0, chains].shape[0]
        design = _inputs(rng, count, size, factor) if name == "accumulate" else None
        labels_sum = np.zeros((count, w0.size))  # X^T (y_1 + ... + y_n): the stacked normal equations
        for k in range(generations):
            current = weights[k, chains]
            if name == "replace":
                inputs = _inputs(rng, count, size, factor)
                labels = np.einsum("ctd,cd->ct", inputs, current) + sd * rng.standard_normal((count, size))
                weights[k + 1, chains] = _ols(inputs, labels)
            elif name == "accumulate":
                labels = np.einsum("ctd,cd->ct", design, current) + sd * rng.standard_normal((count, size))
                labels_sum += np.einsum("ctd,ct->cd", design, labels)
                gram = (k + 1) * (np.swapaxes(design, -1, -2) @ design)  # n copies of X stacked
                weights[k + 1, chains] = np.linalg.solve(gram, labels_sum[..., None])[..., 0]
            else:
                phi = real / size
                fresh = _inputs(rng, count, real, factor)
                fresh_labels = fresh @ w0 + sd * rng.standard_normal((count, real))
                synthetic = _inputs(rng, count, size - real, factor)
                synthetic_labels = (np.einsum("ctd,cd->ct", synthetic, current)
                                    + sd * rng.standard_normal((count, size - real)))
                weights[k + 1, chains] = (phi * _ols(fresh, fresh_labels)
                                          + (1 - phi) * _ols(synthetic, synthetic_labels))
    return Paths(weights, test_errors(weights, cov, w0))


def simulate_mix_pooled(generations: int, n_chains: int, size: int, cov, noise: float, w0=None,
                        fraction: float = 0.5, rng=0) -> Paths:
    """Mixing with one OLS fit on the pooled K real and S synthetic points (no closed form; simulation only).

    The pooled fit is (Omega_R + Omega_S)^{-1} (Omega_R w_R + Omega_S w_S) with Omega = X^T X of each
    block: a matrix-weighted average of the two block fits, which the
    ``"mix"`` strategy replaces by the scalar weights phi and 1 - phi.
    """
    _, generations, n_chains, size, cov, noise, w0, real, rng = _check(
        "mix", generations, n_chains, size, cov, noise, w0, fraction, rng)
    factor = np.linalg.cholesky(cov)
    weights = _paths(generations, n_chains, w0)
    sd = np.sqrt(noise)
    for k in range(generations):
        inputs = _inputs(rng, n_chains, size, factor)
        targets = np.concatenate([inputs[:, :real] @ w0,
                                  np.einsum("ctd,cd->ct", inputs[:, real:], weights[k])], axis=1)
        weights[k + 1] = _ols(inputs, targets + sd * rng.standard_normal((n_chains, size)))
    return Paths(weights, test_errors(weights, cov, w0))


# --- the exact simulator ----------------------------------------------------------------


def _upper_solve(lower: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve L^T u = z for a stack of lower-triangular L (c, d, d) and z (c, d, m), by back substitution.

    d vectorised steps over the stack: far faster than a batched general solve for many small systems.
    """
    dim = lower.shape[-1]
    solution = np.zeros_like(rhs, dtype=float)
    for row in range(dim - 1, -1, -1):
        known = np.einsum("cj,cjm->cm", lower[:, row + 1:, row], solution[:, row + 1:])
        solution[:, row] = (rhs[:, row] - known) / lower[:, row, row, None]
    return solution


def _ols_noise(rng, n_chains: int, size: int, inverse_factor: np.ndarray, sd: float) -> np.ndarray:
    """sigma_eps (X^T X)^{-1} X^T eps in law: sigma_eps L^{-T} A^{-T} z, A Bartlett's factor of W_d(M, I).

    Cost O(d^3) per chain whatever M. ``inverse_factor`` is L^{-T} for L L^T = Sigma.
    """
    dim = inverse_factor.shape[0]
    bartlett = multivariate.bartlett_factor(size, n_chains, dim, rng)
    z = rng.standard_normal((n_chains, dim, 1))
    # einsum, not `@`: a (chains, d) @ (d, d) product goes to a multithreaded BLAS whose threads cost
    # ten times the arithmetic on a busy machine (8 ms instead of 0.5 ms of a widget update)
    return sd * np.einsum("cj,kj->ck", _upper_solve(bartlett, z)[..., 0], inverse_factor)


def simulate_exact(strategy_name: str, generations: int, n_chains: int, size: int, cov, noise: float,
                   w0=None, fraction: float = 0.5, rng=0) -> Paths:
    """Recursive OLS drawn from the exact conditional law of each fit given the previous one.

    With e ~ N(0, sigma_eps^2 (X^T X)^{-1}) drawn by :func:`_ols_noise`:

    - replace:    w_{k+1} = w_k + e_k (fresh X_k);
    - accumulate: w_{k+1} = w_k + e_{k+1} / (k + 1), all e_k with the same X
      (the stacked OLS fit is the running average of the block fits);
    - mix:        w_{k+1} = phi (w_0 + e^R_k) + (1 - phi)(w_k + e^S_k).

    Same arguments and return value as :func:`simulate_direct`, same law, at a
    cost independent of M_0.
    """
    name, generations, n_chains, size, cov, noise, w0, real, rng = _check(
        strategy_name, generations, n_chains, size, cov, noise, w0, fraction, rng)
    inverse_factor = np.linalg.inv(np.linalg.cholesky(cov)).T
    weights = _paths(generations, n_chains, w0)
    sd = np.sqrt(noise)
    dim = w0.size
    if name == "accumulate":
        # one design per chain: solve A^T u = z for all generations' z at once (right-hand sides in columns)
        bartlett = multivariate.bartlett_factor(size, n_chains, dim, rng)
        z = rng.standard_normal((n_chains, dim, generations))
        steps = sd * np.einsum("cjg,kj->gck", _upper_solve(bartlett, z), inverse_factor)  # einsum: see _ols_noise
        weights[1:] = w0 + np.cumsum(steps / np.arange(1, generations + 1)[:, None, None], axis=0)
        return Paths(weights, test_errors(weights, cov, w0))
    # the OLS noises do not depend on the past: draw them for blocks of generations at once
    block = max(1, _EXACT_BLOCK_VALUES // (n_chains * dim * dim))
    for first in range(0, generations, block):
        count = min(block, generations - first)
        if name == "replace":
            steps = _ols_noise(rng, count * n_chains, size, inverse_factor, sd).reshape(count, n_chains, dim)
            weights[first + 1:first + count + 1] = weights[first] + np.cumsum(steps, axis=0)
        else:
            phi = real / size
            fresh = _ols_noise(rng, count * n_chains, real, inverse_factor, sd).reshape(count, n_chains, dim)
            synthetic = _ols_noise(rng, count * n_chains, size - real, inverse_factor, sd).reshape(
                count, n_chains, dim)
            for j in range(count):
                k = first + j
                weights[k + 1] = phi * (w0 + fresh[j]) + (1 - phi) * (weights[k] + synthetic[j])
    return Paths(weights, test_errors(weights, cov, w0))


# --- closed forms -----------------------------------------------------------------------


def inverse_wishart_mean(size: int, cov) -> np.ndarray:
    """E[(X^T X)^{-1}] = Sigma^{-1} / (M - d - 1) for X with M rows ~ N(0, Sigma), M >= d + 2."""
    cov = multivariate.covariance_matrix(cov)
    size = full_rank_size(size, cov.shape[-1])
    return np.linalg.inv(cov) / (size - cov.shape[-1] - 1)


def one_fit_error(dim: int, size: int, noise: float) -> float:
    """E||w_hat - w||_Sigma^2 = sigma_eps^2 d / (M - d - 1) for one OLS fit on M points (any Sigma)."""
    size = full_rank_size(size, dim)
    return noise_variance(noise) * dim / (size - dim - 1)


def replace_error(generations: int, dim: int, size: int, noise: float) -> np.ndarray:
    """E||w_n - w_0||_Sigma^2 = n sigma_eps^2 d / (M_0 - d - 1) under replace, n = 0..N (independent of Sigma)."""
    generations = validation.generations(generations)
    return np.arange(generations + 1) * one_fit_error(dim, size, noise)


def accumulate_error(generations: int, dim: int, size: int, noise: float) -> np.ndarray:
    """E||w_n - w_0||_Sigma^2 = sigma_eps^2 d / (M - d - 1) sum_{i=1}^{n} 1/i^2 under accumulate, n = 0..N.

    Bounded by pi^2/6 times the one-fit error; the same partial sum as the
    Gaussian mean under accumulation (chapter *Replace, mix or accumulate*).
    """
    generations = validation.generations(generations)
    return one_fit_error(dim, size, noise) * gaussian_laws.cumulative_sums(
        1.0 / np.arange(1, generations + 1) ** 2)


def mix_error(generations: int, dim: int, size: int, fraction: float, noise: float) -> np.ndarray:
    """E||w_n - w_0||_Sigma^2 under mixing, n = 0..N, from the linear recursion

        x_{k+1} = (1 - phi)^2 x_k + x_1,  x_1 = phi^2 sigma_eps^2 d/(K - d - 1) + (1 - phi)^2 sigma_eps^2 d/(S - d - 1),

    so x_n = x_1 (1 - (1 - phi)^{2n}) / (1 - (1 - phi)^2), converging to :func:`mix_fixed_point`.
    """
    generations = validation.generations(generations)
    real, synthetic = mix_counts(size, fraction, dim)
    phi = real / size
    contraction = (1 - phi) ** 2
    return mix_fixed_point(dim, size, fraction, noise) * (1 - contraction ** np.arange(generations + 1))


def mix_fixed_point(dim: int, size: int, fraction: float, noise: float) -> float:
    """x* = x_1 / (phi (2 - phi)), the limit of :func:`mix_error` (x_1 as there)."""
    real, synthetic = mix_counts(size, fraction, dim)
    phi = real / size
    c = phi**2 * one_fit_error(dim, real, noise) + (1 - phi) ** 2 * one_fit_error(dim, synthetic, noise)
    return c / (phi * (2 - phi))


def interpolation_error(generations: int, dim: int, size: int, signal: float = 1.0) -> np.ndarray:
    """Noise-free, over-parameterised (M_0 < d), Sigma = I, minimum-norm interpolation:

        E||w_n - w_0||^2 = ||w_0||^2 (1 - (M_0/d)^n),  E||w_n||^2 = ||w_0||^2 (M_0/d)^n,

    n = 0..N: the fit decays geometrically, at rate M_0/d, to the useless zero predictor.
    """
    dim = validation.integer(dim, "dim", minimum=2)
    size = validation.integer(size, "size", minimum=1, maximum=dim - 1)
    generations = validation.generations(generations)
    signal = validation.positive_real(signal, "signal")
    return signal * (1 - (size / dim) ** np.arange(generations + 1))


def simulate_interpolation(generations: int, n_chains: int, size: int, dim: int, w0=None, rng=0) -> Paths:
    """Minimum-norm interpolation of noise-free labels, Sigma = I, M_0 < d: w_{k+1} = X_k^+ X_k w_k.

    X^+ X is the orthogonal projection on the row space of X_k, computed as
    X^T (X X^T)^{-1} X (X X^T is M_0 x M_0, invertible almost surely).
    """
    dim = validation.integer(dim, "dim", minimum=2)
    size = validation.integer(size, "size", minimum=1, maximum=dim - 1)
    generations = validation.generations(generations)
    n_chains = validation.chains(n_chains, rows=generations + 1, values_per_chain=dim)
    rng = validation.generator(rng)
    w0 = truth(w0, dim)
    weights = _paths(generations, n_chains, w0)
    for k in range(generations):
        inputs = rng.standard_normal((n_chains, size, dim))
        labels = np.einsum("ctd,cd->ct", inputs, weights[k])
        coefficients = np.linalg.solve(inputs @ np.swapaxes(inputs, -1, -2), labels[..., None])
        weights[k + 1] = (np.swapaxes(inputs, -1, -2) @ coefficients)[..., 0]
    return Paths(weights, test_errors(weights, np.eye(dim), w0))


# --- ridge regression on the last generation's labels ----------------------------------------


def ridge_error_given_spectrum(penalty, eigenvalues, size: int, drift: float, signal: float,
                               noise: float) -> np.ndarray:
    """Exact conditional test error of the final ridge fit given the eigenvalues vartheta_j of X^T X (Sigma = I).

    The final model fits w = (X^T X + M lambda I)^{-1} X^T y on M points labelled
    y = X w_n + sigma^2-noise, where E[(w_n - w_0)(w_n - w_0)^T] = u I (``drift`` u)
    and w_0 has ||w_0||^2 = wbar^2 d (``signal`` wbar^2, averaged over its direction):

        E[error | vartheta] = sum_j (u vartheta_j^2 + wbar^2 (M lambda)^2 + sigma^2 vartheta_j) / (vartheta_j + M lambda)^2.

    ``penalty``: array of lambda >= 0; ``eigenvalues``: (..., d). Returns shape
    penalty.shape + eigenvalues.shape[:-1].
    """
    penalty = validation.finite_array(penalty, "penalty")
    if np.any(penalty < 0):
        raise ValueError("penalty must hold non-negative ridge penalties lambda >= 0.")
    eigenvalues = validation.positive_array(eigenvalues, "eigenvalues")
    size = validation.integer(size, "size", minimum=1)
    drift, noise = noise_variance(drift, "drift"), noise_variance(noise)
    signal = noise_variance(signal, "signal")
    t = (size * penalty)[(...,) + (None,) * eigenvalues.ndim]
    s = eigenvalues
    return ((drift * s**2 + signal * t**2 + noise * s) / (s + t) ** 2).sum(axis=-1)


def ridge_drift(generations: int, dim: int, size: int, noise: float) -> float:
    """u = n sigma_eps^2 / (M_0 - d - 1): E[(w_n - w_0)(w_n - w_0)^T] = u Sigma^{-1} under replace."""
    return replace_error(generations, dim, size, noise)[-1] / dim


def ridge_error(penalty, generations: int, dim: int, size: int, final_size: int, noise: float,
                final_noise: float, signal: float = 1.0, n_spectra: int = 2000, rng=0) -> np.ndarray:
    """E[test error] of the final ridge fit after n replace generations (Sigma = I), for each lambda.

    :func:`ridge_error_given_spectrum` averaged over ``n_spectra`` Wishart
    spectra W_d(M, I) drawn through Bartlett's factor (the only part without a
    closed form). ``signal`` b = ||w_0||^2 / d.
    """
    final_size = full_rank_size(final_size, dim, "final_size", margin=0)
    n_spectra = validation.integer(n_spectra, "n_spectra", minimum=2)
    spectra = wishart_spectra(n_spectra, dim, final_size, rng)
    drift = ridge_drift(generations, dim, size, noise)
    return ridge_error_given_spectrum(penalty, spectra, final_size, drift, signal, final_noise).mean(axis=-1)


def wishart_spectra(count: int, dim: int, size: int, rng=0) -> np.ndarray:
    """Eigenvalues of ``count`` draws of W_d(M, I) = A A^T (Bartlett), each (d,): shape (count, d)."""
    dim = validation.integer(dim, "dim", minimum=1)
    size = full_rank_size(size, dim, margin=0)
    count = validation.chains(count, values_per_chain=dim * dim, name="count")
    factor = multivariate.bartlett_factor(size, count, dim, rng)
    return np.linalg.svd(factor, compute_uv=False) ** 2


def ridge_error_limit(penalty, drift: float, signal: float, noise: float, dim: int, size: int) -> np.ndarray:
    """The ridge error when every vartheta_j equals M (X^T X = M I, the large-M limit):

        d (u + wbar^2 lambda^2 + sigma^2 / M) / (1 + lambda)^2.
    """
    dim = validation.integer(dim, "dim", minimum=1)
    size = validation.integer(size, "size", minimum=1)
    return ridge_error_given_spectrum(penalty, np.full(dim, float(size)), size, drift, signal, noise)


def ridge_best_penalty_limit(drift: float, signal: float, noise: float, size: int) -> float:
    """lambda* = (u + sigma^2 / M) / wbar^2, the minimiser of :func:`ridge_error_limit`.

    Under replace u = n sigma_eps^2 / (M_0 - d - 1): the best penalty grows linearly in n.
    """
    signal = validation.positive_real(signal, "signal")
    size = validation.integer(size, "size", minimum=1)
    return (noise_variance(drift, "drift") + noise_variance(noise) / size) / signal


def simulate_ridge(penalty, generations: int, n_chains: int, dim: int, size: int, final_size: int, noise: float,
                   final_noise: float, w0=None, rng=0) -> np.ndarray:
    """Direct simulation: n replace generations by OLS, then a ridge fit on M points, for each lambda.

    Sigma = I. Returns the test errors, shape (len(penalty), n_chains).
    """
    penalty = validation.finite_array(penalty, "penalty")
    if penalty.ndim != 1 or np.any(penalty < 0):
        raise ValueError("penalty must be a 1D array of non-negative ridge penalties.")
    final_size = full_rank_size(final_size, dim, "final_size", margin=0)
    rng = validation.generator(rng)
    cov = np.eye(dim)
    paths = simulate_direct("replace", generations, n_chains, size, cov, noise, w0, rng=rng)
    w0 = paths.weights[0, 0]
    inputs = rng.standard_normal((n_chains, final_size, dim))
    labels = (np.einsum("ctd,cd->ct", inputs, paths.weights[-1])
              + np.sqrt(noise_variance(final_noise, "final_noise")) * rng.standard_normal((n_chains, final_size)))
    gram = np.swapaxes(inputs, -1, -2) @ inputs
    moment = np.swapaxes(inputs, -1, -2) @ labels[..., None]
    fits = np.linalg.solve(gram + (final_size * penalty)[:, None, None, None] * np.eye(dim), moment)[..., 0]
    return test_errors(fits, cov, w0)


# --- scaling laws: a Zipf tail cut by a finite synthetic sample ---------------------------------


def zipf_probabilities(vocab: int, beta: float) -> np.ndarray:
    """p_i = i^{-s} / sum_j j^{-s} (``beta`` is the Zipf exponent s), i = 1..V."""
    vocab = validation.integer(vocab, "vocab", minimum=2)
    beta = validation.positive_real(beta, "beta")
    weights = np.arange(1, vocab + 1, dtype=float) ** (-beta)
    return weights / weights.sum()


def _law(probabilities) -> np.ndarray:
    """The real law p over the items: strictly positive (every item can be met) and a categorical law."""
    array = validation.positive_array(probabilities, "probabilities")
    discrete.categorical(array, "probabilities")
    return array


def memorise_error(sizes, probabilities, truncation: int | None = None) -> np.ndarray:
    """Expected test error of a model that memorises the items it saw, trained on M samples.

    The test error is the real probability of the items never seen:
    E[error] = sum_i p_i (1 - p~_i)^M, where p~ is the training law. ``truncation``
    k: the training law is p cut at rank k and renormalised (a generator that
    never produces the tail), so the error never falls below sum_{i>k} p_i.
    """
    probabilities = _law(probabilities)
    sizes = validation.sample_sizes(sizes, "sizes", minimum=1)
    training = probabilities.copy()
    if truncation is not None:
        truncation = validation.integer(truncation, "truncation", minimum=1, maximum=probabilities.size)
        training[truncation:] = 0.0
    training /= training.sum()
    return (probabilities * (1 - training) ** sizes[:, None].astype(float)).sum(axis=1)


def simulate_memorise(sizes, probabilities, n_chains: int, synthetic_size: int | None = None,
                      generations: int = 1, rng=0) -> np.ndarray:
    """Simulated test error of the memorising model trained on M samples, for each M in ``sizes``.

    Without ``synthetic_size`` the training samples are real (drawn from p). With
    it, each of ``generations`` generations fits the empirical law of
    ``synthetic_size`` samples from the previous law (the finite sample cuts the
    tail), and the final model is trained on M samples of the last law.
    Returns (len(sizes), n_chains).
    """
    probabilities = _law(probabilities)
    sizes = validation.sample_sizes(sizes, "sizes", minimum=1)
    n_chains = validation.chains(n_chains, rows=max(sizes.size, 1))
    generations = validation.generations(generations, minimum=1)
    rng = validation.generator(rng)
    errors = np.empty((sizes.size, n_chains))
    for chain in range(n_chains):
        law = probabilities
        if synthetic_size is not None:
            synthetic_size = validation.integer(synthetic_size, "synthetic_size", minimum=1)
            for _ in range(generations):
                law = rng.multinomial(synthetic_size, law) / synthetic_size
        for row, size in enumerate(sizes):
            seen = rng.multinomial(int(size), law) > 0
            errors[row, chain] = probabilities[~seen].sum()
    return errors

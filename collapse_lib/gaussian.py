"""The 1D Gaussian recursion of Shumailov et al., simulated two ways.

Generation 0 is the data law N(mu, sigma^2). Generation i draws M_i points
X^i_1..X^i_{M_i} from N(mu_i, sigma_i^2) and fits

    mu_{i+1}      = (1/M_i) sum_j X^i_j,
    sigma^2_{i+1} = (1/d_i) sum_j (X^i_j - mu_{i+1})^2,

with d_i = M_i - 1 (``"unbiased"``) or d_i = M_i (``"mle"``).

- :func:`simulate_direct` does exactly that, with M_i points per generation.
- :func:`simulate_exact` draws (mu_{i+1}, sigma^2_{i+1}) from their exact
  conditional law (Cochran's theorem):

      mu_{i+1} | past      ~ N(mu_i, sigma_i^2 / M_i),
      sigma^2_{i+1} | past ~ sigma_i^2 * chi^2_{M_i - 1} / d_i,   independent,

  so a generation costs two random numbers per chain whatever M_i is.

Both return arrays of shape (n + 1, n_chains): row i holds generation i's
fitted parameters, row 0 the data law. Chapter: *The 1D Gaussian model*.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

from . import validation

_BLOCK_VALUES = 1 << 22
"""Direct simulation draws at most this many normals at once (32 MiB), chains in blocks."""


def chain_blocks(n_chains: int, values_per_chain: int) -> Iterator[slice]:
    """Slices of consecutive chains, each block holding at most :data:`_BLOCK_VALUES` values.

    A block has max(1, _BLOCK_VALUES // values_per_chain) chains (the last one
    fewer), so a simulator that draws ``values_per_chain`` normals per chain never
    allocates more than about 32 MiB at once (unless one chain alone needs more).
    """
    n_chains = validation.chains(n_chains)
    values_per_chain = validation.integer(values_per_chain, "values_per_chain", minimum=1)
    block = max(1, _BLOCK_VALUES // values_per_chain)
    for start in range(0, n_chains, block):
        yield slice(start, min(start + block, n_chains))


def chi_square(rng: np.random.Generator, dof, size) -> np.ndarray:
    """Chi-square draws chi^2_dof = 2 G, G ~ Gamma(shape dof / 2, scale 1), of shape ``size``.

    ``dof`` is a non-negative number or an array broadcasting to ``size`` (one
    degree of freedom per column, as in Bartlett's factor). A scalar ``dof = 0``
    gives zeros without drawing: a block of one point has no spread.
    """
    rng = validation.generator(rng)
    dof = validation.finite_array(dof, "dof")
    size = _shape(size)
    if np.any(dof < 0):
        raise ValueError(f"dof must be non-negative degrees of freedom, got {dof.tolist()}.")
    if dof.ndim == 0 and dof == 0:
        return np.zeros(size)
    return 2.0 * rng.standard_gamma(dof / 2.0, size)


def _shape(size) -> tuple:
    """An array shape: a whole number or a tuple of whole numbers, at most :data:`validation.MAX_VALUES` values."""
    shape = (size,) if not isinstance(size, (tuple, list)) else tuple(size)
    shape = tuple(validation.integer(extent, "size", minimum=1) for extent in shape)
    if int(np.prod(shape, dtype=float)) > validation.MAX_VALUES:
        raise ValueError(f"size {shape} asks for more than {validation.MAX_VALUES} values.")
    return shape


class Paths(NamedTuple):
    """Fitted parameters of every generation: arrays of shape (n + 1, n_chains)."""

    means: np.ndarray
    variances: np.ndarray


def _check(sizes, n_chains, mu, sigma2, estimator, rng):
    sizes = validation.sample_sizes(sizes)
    n_chains = validation.chains(n_chains, rows=2 * (sizes.size + 1))
    mu = validation.finite_real(mu, "mu")
    sigma2 = validation.positive_real(sigma2, "sigma2")
    estimator = validation.estimator(estimator)
    return sizes, n_chains, mu, sigma2, estimator, validation.generator(rng)


def start_paths(generations: int, n_chains: int, mu: float, sigma2: float) -> Paths:
    """Empty (generations + 1, n_chains) arrays whose row 0 holds the data law (mu, sigma2)."""
    generations = validation.generations(generations)
    n_chains = validation.chains(n_chains, rows=2 * (generations + 1))
    mu = validation.finite_real(mu, "mu")
    sigma2 = validation.positive_real(sigma2, "sigma2")
    means = np.empty((generations + 1, n_chains))
    variances = np.empty((generations + 1, n_chains))
    means[0], variances[0] = mu, sigma2
    return Paths(means, variances)


def simulate_direct(sizes, n_chains: int, mu: float = 0.0, sigma2: float = 1.0,
                    estimator: str = "unbiased", rng=0) -> Paths:
    """Recursive fitting as the papers do it: draw M_i points, fit, repeat.

    Parameters
    ----------
    sizes : sequence of int
        The schedule (M_0, ..., M_{n-1}), each M_i >= 2.
    n_chains : int
        Independent chains, simulated together (vectorised over chains).
    mu, sigma2 : float
        The data law N(mu, sigma2) of generation 0; sigma2 > 0.
    estimator : {"unbiased", "mle"}
        Variance estimator: divide by M - 1 or by M.
    rng : numpy.random.Generator or int
        Randomness source or seed.

    Returns
    -------
    Paths
        ``means[i]`` and ``variances[i]`` are (mu_i, sigma_i^2) of every chain.
    """
    sizes, n_chains, mu, sigma2, estimator, rng = _check(sizes, n_chains, mu, sigma2, estimator, rng)
    paths = start_paths(sizes.size, n_chains, mu, sigma2)
    ddof = 1 if estimator == "unbiased" else 0
    for i, size in enumerate(sizes):
        for chains in chain_blocks(n_chains, int(size)):
            centre = paths.means[i, chains, None]
            scale = np.sqrt(paths.variances[i, chains, None])
            sample = centre + scale * rng.standard_normal((centre.shape[0], int(size)))
            paths.means[i + 1, chains] = sample.mean(axis=1)
            paths.variances[i + 1, chains] = sample.var(axis=1, ddof=ddof)
    return paths


def simulate_exact(sizes, n_chains: int, mu: float = 0.0, sigma2: float = 1.0,
                   estimator: str = "unbiased", rng=0) -> Paths:
    """Recursive fitting drawn from the exact one-generation laws (Cochran's theorem).

    mu_{i+1} = mu_i + sigma_i Z_i / sqrt(M_i) and
    sigma^2_{i+1} = sigma_i^2 (2 / d_i) G_i with Z_i ~ N(0, 1) and
    G_i ~ Gamma(shape (M_i - 1)/2, scale 1) independent, d_i as in
    :func:`simulate_direct`. Same arguments and return value as
    :func:`simulate_direct`, same law, at a cost independent of M_i.
    """
    sizes, n_chains, mu, sigma2, estimator, rng = _check(sizes, n_chains, mu, sigma2, estimator, rng)
    paths = start_paths(sizes.size, n_chains, mu, sigma2)
    denominators = validation.variance_denominator(sizes, estimator)
    for i, size in enumerate(sizes):
        scale = np.sqrt(paths.variances[i] / size)
        paths.means[i + 1] = paths.means[i] + scale * rng.standard_normal(n_chains)
        gamma = rng.standard_gamma((size - 1) / 2.0, n_chains)   # G_i = chi^2_{M_i - 1} / 2
        paths.variances[i + 1] = paths.variances[i] * (2.0 / denominators[i]) * gamma
    return paths


def sample_generation(paths: Paths, generation: int, rng=0) -> np.ndarray:
    """One fresh point X^n ~ N(mu_n, sigma_n^2) from each chain's generation-n model.

    Over chains these are draws from the marginal law of one sample of
    generation n, the law the chapter derives (a normal variance mixture).
    """
    if not isinstance(paths, Paths):
        raise ValueError("paths must be the Paths returned by simulate_direct or simulate_exact.")
    generation = validation.integer(generation, "generation", minimum=0, maximum=paths.means.shape[0] - 1)
    rng = validation.generator(rng)
    n_chains = paths.means.shape[1]
    return paths.means[generation] + np.sqrt(paths.variances[generation]) * rng.standard_normal(n_chains)

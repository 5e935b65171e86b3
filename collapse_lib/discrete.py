"""Refitting a categorical distribution to its own sample: the Wright-Fisher chain.

Generation 0 is a categorical law p = (p_1, ..., p_K). Generation i draws
M_i points from the current law and refits it by the empirical frequencies:

    X^(i) | p^(i) ~ Multinomial(M_i, p^(i)),    p^(i+1) = X^(i) / M_i.

This is the neutral Wright-Fisher model of population genetics
{cite}`ewens2004population`; its absorbing states are the point masses.

- :func:`simulate` returns every generation's frequencies (small K);
- :func:`simulate_summaries` returns per-generation summaries (any K);
- :func:`absorption_times` runs chains until each is a point mass;
- the remaining functions are the chapter's closed forms, evaluated
  numerically; their sympy twins live in :mod:`collapse_lib.discrete_symbolic`.

Simulations are vectorised over chains: one call of
``Generator.multinomial`` with a 2D array of probabilities per generation.
Chapter: *Discrete distributions*.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from scipy import special

from . import gaussian_laws, validation

_MAX_VALUES = 1 << 25
"""Largest (generations + 1) * n_chains * K array :func:`simulate` returns (256 MiB)."""

_MAX_STATES = 3000
"""Largest number of count vectors :func:`absorption_time` enumerates."""


# ---------------------------------------------------------------- arguments


def categorical(probabilities, name: str = "probabilities") -> np.ndarray:
    """Return a categorical law as a 1D float array of K >= 2 non-negative numbers summing to 1."""
    array = validation.finite_array(probabilities, name)
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must be a one-dimensional array of at least 2 probabilities, got shape {array.shape}.")
    if np.any(array < 0):
        raise ValueError(f"{name} must hold non-negative numbers only.")
    if abs(array.sum() - 1.0) > 1e-9:
        raise ValueError(f"{name} must sum to 1, got {array.sum()!r}.")
    return array / array.sum()


def _masses(q, name: str = "q") -> np.ndarray:
    """Initial masses: a float array of numbers in [0, 1]."""
    array = validation.finite_array(q, name)
    if np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must hold numbers in [0, 1] only.")
    return array


def zipf(vocabulary: int, exponent: float) -> np.ndarray:
    """Zipf law p_k = k^(-s) / sum_j j^(-s), k = 1..V, in decreasing order."""
    vocabulary = validation.integer(vocabulary, "vocabulary", minimum=2)
    exponent = validation.finite_real(exponent, "exponent")
    if exponent < 0:
        raise ValueError(f"exponent must be non-negative, got {exponent}.")
    weights = np.arange(1, vocabulary + 1, dtype=float) ** -exponent
    return weights / weights.sum()


# ---------------------------------------------------------------- simulation


def _generations(probabilities, sizes, n_chains, rng):
    """Yield the counts X^(i) of every chain, shape (n_chains, K), for i = 0..n-1."""
    rng = validation.generator(rng)
    counts = rng.multinomial(sizes[0], probabilities, size=n_chains) if sizes.size else None
    for i in range(sizes.size):
        if i:
            # Draw only over the categories alive in some chain, plus the last one: with a long Zipf
            # tail most columns are dead after a few generations, so this is much faster. It is the
            # same draw, random number for random number: numpy's multinomial uses none for a zero
            # probability, and keeping the last column keeps its "remainder goes last" rule intact.
            alive = np.flatnonzero(counts.any(axis=0) | (np.arange(counts.shape[1]) == counts.shape[1] - 1))
            drawn = rng.multinomial(sizes[i], counts[:, alive] / sizes[i - 1])
            counts = np.zeros_like(counts)
            counts[:, alive] = drawn
        yield counts


def _check(probabilities, sizes, n_chains):
    probabilities = categorical(probabilities)
    sizes = validation.sample_sizes(sizes, minimum=1)
    n_chains = validation.chains(n_chains, rows=6 * (sizes.size + 1), values_per_chain=1)
    if n_chains * probabilities.size > validation.MAX_VALUES:
        raise ValueError(f"n_chains * K = {n_chains * probabilities.size} frequencies exceed {validation.MAX_VALUES}.")
    return probabilities, sizes, n_chains


def simulate(probabilities, sizes, n_chains: int, rng=0) -> np.ndarray:
    """Frequencies p^(i) of every generation and chain, shape (n + 1, n_chains, K).

    Parameters
    ----------
    probabilities : array of shape (K,)
        The data law p^(0), non-negative, summing to 1.
    sizes : sequence of int
        The schedule (M_0, ..., M_{n-1}), each M_i >= 1.
    n_chains : int
        Independent chains, simulated together.
    rng : numpy.random.Generator or int
        Randomness source or seed.

    Row 0 is p^(0) for every chain. For large K use :func:`simulate_summaries`,
    which keeps one generation in memory at a time.
    """
    probabilities, sizes, n_chains = _check(probabilities, sizes, n_chains)
    if (sizes.size + 1) * n_chains * probabilities.size > _MAX_VALUES:
        raise ValueError(
            f"(generations + 1) * n_chains * K must be at most {_MAX_VALUES}; "
            "use simulate_summaries for large vocabularies."
        )
    paths = np.empty((sizes.size + 1, n_chains, probabilities.size))
    paths[0] = probabilities
    for i, counts in enumerate(_generations(probabilities, sizes, n_chains, rng)):
        paths[i + 1] = counts / sizes[i]
    return paths


class Summaries(NamedTuple):
    """Per-generation summaries of shape (n + 1, n_chains), row 0 the data law; and the last frequencies."""

    survivors: np.ndarray
    """Number of categories with positive frequency."""
    heterozygosity: np.ndarray
    """H = sum_k p_k (1 - p_k) = 1 - sum_k p_k^2."""
    lost_mass: np.ndarray
    """Original mass sum_k p^(0)_k of the categories that have vanished."""
    tail_mass: np.ndarray
    """Current mass of the tail categories (by default those with p^(0)_k < 1/M_0)."""
    largest: np.ndarray
    """Largest frequency max_k p_k (1 at absorption)."""
    final: np.ndarray
    """Frequencies p^(n) of the last generation, shape (n_chains, K)."""


def simulate_summaries(probabilities, sizes, n_chains: int, rng=0, tail=None) -> Summaries:
    """Simulate the chain and keep only :class:`Summaries` of each generation.

    Same arguments as :func:`simulate`; ``tail`` is a boolean mask of length K
    marking the tail categories (default: p^(0)_k < 1/M_0). Memory is
    O(n_chains * K) whatever the number of generations.
    """
    probabilities, sizes, n_chains = _check(probabilities, sizes, n_chains)
    if tail is None:
        tail = probabilities < 1.0 / sizes[0] if sizes.size else np.zeros(probabilities.size, bool)
    tail = np.asarray(tail)
    if tail.dtype != bool or tail.shape != probabilities.shape:
        raise ValueError(f"tail must be a boolean mask of shape {probabilities.shape}.")
    rows = {field: np.empty((sizes.size + 1, n_chains)) for field in Summaries._fields[:-1]}
    out = Summaries(**rows, final=np.tile(probabilities, (n_chains, 1)))

    def record(row, frequencies):
        out.survivors[row] = np.count_nonzero(frequencies, axis=-1)
        out.heterozygosity[row] = 1.0 - np.einsum("...k,...k->...", frequencies, frequencies)
        out.lost_mass[row] = (frequencies == 0) @ probabilities
        out.tail_mass[row] = frequencies @ tail
        out.largest[row] = frequencies.max(axis=-1)

    record(0, probabilities)
    for i, counts in enumerate(_generations(probabilities, sizes, n_chains, rng)):
        out.final[:] = counts / sizes[i]
        record(i + 1, out.final)
    return out


def absorption_times(probabilities, size: int, n_chains: int, rng=0, max_generations: int = 1_000_000) -> np.ndarray:
    """Generations until each chain is a point mass (constant sample size M).

    T = min{n >= 0 : p^(n) is a point mass}. Chains are simulated together and
    dropped once absorbed. Raises ValueError if some chain is still not
    absorbed after ``max_generations`` generations.
    """
    probabilities = categorical(probabilities)
    size = validation.integer(size, "size", minimum=1)
    n_chains = validation.chains(n_chains, values_per_chain=probabilities.size)
    max_generations = validation.integer(max_generations, "max_generations", minimum=1)
    rng = validation.generator(rng)
    times = np.zeros(n_chains, dtype=np.int64)
    if np.count_nonzero(probabilities) == 1:
        return times
    active = np.arange(n_chains)
    counts = rng.multinomial(size, probabilities, size=n_chains)
    for generation in range(1, max_generations + 1):
        done = counts.max(axis=1) == size
        times[active[done]] = generation
        active, counts = active[~done], counts[~done]
        if not active.size:
            return times
        counts = rng.multinomial(size, counts / size)
    raise ValueError(f"{active.size} chains were not absorbed after max_generations = {max_generations}.")


# ---------------------------------------------------------------- closed forms


def expected_heterozygosity(probabilities, sizes) -> np.ndarray:
    """E[H_n] = H_0 prod_{i<n} (1 - 1/M_i), n = 0..N, with H = sum_k p_k (1 - p_k)."""
    probabilities = categorical(probabilities)
    sizes = validation.sample_sizes(sizes, minimum=1)
    start = 1.0 - probabilities @ probabilities
    return start * gaussian_laws.prefix_products(1.0 - 1.0 / sizes)


def survival_one_generation(q, size: int) -> np.ndarray:
    """P(a category of mass q is seen in a sample of size M) = 1 - (1 - q)^M."""
    q = _masses(q)
    size = validation.integer(size, "size", minimum=1)
    with np.errstate(divide="ignore"):
        return -np.expm1(size * np.log1p(-q))


def expected_survivors_one_generation(probabilities, size: int) -> float:
    """E[number of categories surviving one generation] = sum_k 1 - (1 - p_k)^M."""
    return float(survival_one_generation(categorical(probabilities), size).sum())


def expected_lost_mass_one_generation(probabilities, size: int) -> float:
    """E[original mass of the categories lost in one generation] = sum_k p_k (1 - p_k)^M."""
    probabilities = categorical(probabilities)
    return float(probabilities @ (1.0 - survival_one_generation(probabilities, size)))


@lru_cache(maxsize=4)
def _transition_matrix(size: int) -> np.ndarray:
    states = np.arange(size + 1)
    matrix = _binomial_pmf(size, states / size)
    matrix.setflags(write=False)
    return matrix


def transition_matrix(size: int) -> np.ndarray:
    """Transition matrix of the two-category chain on counts i = 0..M.

    P[i, j] = C(M, j) (i/M)^j (1 - i/M)^(M - j): a category with count i in
    generation n has count j in generation n + 1.
    """
    return _transition_matrix(validation.integer(size, "size", minimum=1)).copy()


def _binomial_pmf(size: int, q: np.ndarray) -> np.ndarray:
    """Rows Binomial(M, q_r) pmf over j = 0..M, shape (len(q), M + 1), computed in logs."""
    j = np.arange(size + 1)
    q = np.asarray(q, dtype=float)[:, None]
    log_pmf = special.gammaln(size + 1) - special.gammaln(j + 1) - special.gammaln(size - j + 1)
    return np.exp(log_pmf + special.xlogy(j, q) + special.xlog1py(size - j, -q))


def _loss_by(size: int, generations: int) -> np.ndarray:
    """h[m, j] = P(count 0 within m more generations | count j now), m = 0..n-1."""
    matrix = _transition_matrix(size)
    loss = np.zeros((max(generations, 1), size + 1))
    loss[0, 0] = 1.0
    for m in range(1, generations):
        loss[m] = matrix @ loss[m - 1]
    return loss[:generations]


def survival_probability(q, size: int, generations: int) -> np.ndarray:
    """Exact P(a category of initial mass q is still present after n generations), n = 0..N.

    Its count follows the two-category chain, so with B_q = Binomial(M, q)
    (generation 1) and h_m = P^m e_0 (lost within m more generations):
    S_0 = 1{q > 0} and S_n(q) = 1 - sum_j B_q(j) h_{n-1}(j).
    Returns shape (N + 1,) + q.shape.
    """
    q = _masses(q)
    size = validation.integer(size, "size", minimum=1)
    generations = validation.generations(generations, minimum=0)
    flat = q.ravel()
    survival = np.empty((generations + 1, flat.size))
    survival[0] = flat > 0
    if generations:
        survival[1:] = 1.0 - (_binomial_pmf(size, flat) @ _loss_by(size, generations).T).T
    return np.clip(survival, 0.0, 1.0).reshape((generations + 1,) + q.shape)


def expected_survivors(probabilities, size: int, generations: int) -> np.ndarray:
    """E[number of surviving categories after n generations] = sum_k S_n(p_k), n = 0..N (exact)."""
    return survival_probability(categorical(probabilities), size, generations).sum(axis=1)


def expected_lost_mass(probabilities, size: int, generations: int) -> np.ndarray:
    """E[original mass of the vanished categories] = sum_k p_k (1 - S_n(p_k)), n = 0..N (exact)."""
    probabilities = categorical(probabilities)
    return (1.0 - survival_probability(probabilities, size, generations)) @ probabilities


def branching_extinction(generations: int) -> np.ndarray:
    """f_m(0), m = 0..n: extinction by generation m of a Poisson(1) Galton-Watson tree.

    f_0(0) = 0 and f_m(0) = exp(f_{m-1}(0) - 1); 1 - f_m(0) is about 2/m for large m.
    """
    generations = validation.generations(generations, minimum=0)
    values = np.zeros(generations + 1)
    for m in range(1, generations + 1):
        values[m] = np.exp(values[m - 1] - 1.0)
    return values


def survival_bounds(q, size: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds on S_n(q), n = 1..N, each of shape (N,) + q.shape.

    Lower: max(q, 1 - (1 - q (1 - f_{n-1}(0)))^M). The category survives
    whenever it takes over (probability q), and its count dies out no faster
    than a critical Poisson(1) branching process: the binomial generating
    function (1 - x (1 - s)/M)^M is at most exp(-x (1 - s)).
    Upper: min(1 - (1-q)^M, q + M q (1-q) (1 - 1/M)^(n-1)). A category alive
    but not fixed has p (1 - p) >= (1/M)(1 - 1/M), and
    E[p_n (1 - p_n)] = q (1 - q) (1 - 1/M)^n (Markov's inequality).
    The lower bound is tight for rare categories and n << M, the upper one
    for n >> M; both are exact at n = 1.
    """
    q = _masses(q)
    size = validation.integer(size, "size", minimum=1)
    generations = validation.generations(generations, minimum=1)
    n = np.arange(1, generations + 1).reshape((-1,) + (1,) * q.ndim)
    alive = 1.0 - branching_extinction(generations - 1).reshape(n.shape)
    with np.errstate(divide="ignore"):
        lower = np.maximum(q, -np.expm1(size * np.log1p(-q * alive)))
    upper = q + size * q * (1 - q) * (1 - 1 / size) ** (n - 1)
    return lower, np.minimum(survival_one_generation(q, size), upper)


def fixation_probability(probabilities) -> np.ndarray:
    """P(the chain ends as the point mass on k) = p_k (the frequencies are a martingale)."""
    return categorical(probabilities).copy()


def _compositions(total: int, parts: int) -> np.ndarray:
    """All count vectors of ``parts`` non-negative integers summing to ``total``."""
    if parts == 1:
        return np.array([[total]])
    rows = [np.column_stack((np.full(len(rest), first), rest))
            for first in range(total, -1, -1) for rest in [_compositions(total - first, parts - 1)]]
    return np.vstack(rows)


def _multinomial_pmf(size: int, probabilities: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Multinomial(M, p_r) probabilities of every state, rows r of ``probabilities``."""
    log_coefficient = special.gammaln(size + 1) - special.gammaln(states + 1).sum(axis=1)
    # a zero probability gets log -1e30 so that 0 * log 0 = 0 and any positive count has pmf 0
    log_p = np.where(probabilities > 0, np.log(np.where(probabilities > 0, probabilities, 1.0)), -1e30)
    return np.exp(log_coefficient[None, :] + log_p @ states.T)


def absorption_time(probabilities, size: int) -> float:
    """Exact E[T], T the number of generations until the chain is a point mass.

    The counts X in generation 1 are Multinomial(M, p); from a count vector x
    the expected remaining time t(x) solves (I - Q) t = 1 over the transient
    states (at least two categories present), Q the multinomial transitions,
    and t = 0 on the point masses. Then E[T] = 1 + sum_x P(X = x) t(x).
    Enumerates the C(M + K - 1, K - 1) count vectors: small M and K only.
    """
    probabilities = categorical(probabilities)
    size = validation.integer(size, "size", minimum=1)
    if np.count_nonzero(probabilities) == 1:
        return 0.0
    present = probabilities[probabilities > 0]
    n_states = special.comb(size + present.size - 1, present.size - 1, exact=True)
    if n_states > _MAX_STATES:
        raise ValueError(
            f"the chain has {n_states} count vectors for M = {size} and {present.size} categories present; "
            f"at most {_MAX_STATES} are allowed (use absorption_time_diffusion)."
        )
    states = _compositions(size, present.size)
    transient = np.count_nonzero(states, axis=1) > 1
    moves = _multinomial_pmf(size, states[transient] / size, states)[:, transient]
    remaining = np.zeros(len(states))
    remaining[transient] = np.linalg.solve(np.eye(transient.sum()) - moves, np.ones(transient.sum()))
    return float(1.0 + _multinomial_pmf(size, present[None, :], states)[0] @ remaining)


def absorption_time_diffusion(probabilities, size: int) -> float:
    """Diffusion approximation E[T] ~ -2 M sum_k (1 - p_k) log(1 - p_k).

    For K = 2 this is -2M [p log p + (1-p) log(1-p)]. It solves
    (1/2M) sum_ij p_i (delta_ij - p_j) d^2 t / dp_i dp_j = -1 with t = 0 at the
    point masses. Against :func:`absorption_time` the error grows like log M (about
    0.23 generations per doubling of M for p = (0.3, 0.7), measured in the tests): relative error O(log M / M).
    """
    probabilities = categorical(probabilities)
    size = validation.integer(size, "size", minimum=1)
    return float(-2.0 * size * special.xlogy(1.0 - probabilities, 1.0 - probabilities).sum())


def category_generations_diffusion(probabilities, size: int) -> float:
    """Diffusion approximation -2 M sum_k p_k log p_k of E[sum_{n < T} (K_n - 1)].

    K_n is the number of categories present in generation n: 2M times the
    entropy (in nats) counts category-generations beyond the first until
    absorption. Equal to :func:`absorption_time_diffusion` when K = 2 only.
    """
    probabilities = categorical(probabilities)
    size = validation.integer(size, "size", minimum=1)
    return float(-2.0 * size * special.xlogy(probabilities, probabilities).sum())

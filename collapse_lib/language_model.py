"""A statistical next-token model trained on its own samples (chapter *A statistical language model*).

A vocabulary of V tokens; a context is one of n_contexts values (for a bigram model, the
previous token). The model is a linear softmax classifier on one-hot contexts,
q(. | c) = softmax(W_c), trained by cross-entropy; its minimiser is the
empirical next-token law of every context seen (:func:`fit_counts`,
:func:`fit_softmax`), so the model *is* a count-based n-gram model
{cite}`seddik2024bad`.

Recursive training, one context at a time (p the true next-token law, model 1
fitted to real data, model n >= 2 to samples of model n - 1):

- fully synthetic: model n is the empirical law of M draws from model n - 1,
  the Wright-Fisher chain of :mod:`collapse_lib.discrete`;
- partially synthetic: model n is fitted to the same M_0 real tokens plus M draws
  from model n - 1, so p^(n) = (1 - alpha) Y/M_0 + alpha X/M with alpha = M / (M_0 + M);
- windows (the synthetic samples of the last Xi models) and mixtures (samples
  from all past models), simulated only.

Simulation is vectorised over chains and contexts at once. A model is stored as
its training set, the tokens it was fitted to: drawing from the empirical law
of a training set of size L is drawing a uniform position in it (the sorted
training set is the inverse of the cumulative counts), so one
``Generator.integers`` call per generation samples every chain and context.

Closed forms (derived in the chapter and in :mod:`collapse_lib.language_model_symbolic`):
Cbar_n = E||p^(n)||^2 for both regimes, the collapse probability, bounds on the
expected collapse time, the distance to the real-data fit.

Notation: the book's (chapters/notation.md). n is the generation (generation 0 is the
real data), M the synthetic tokens per generation, M_0 the real tokens, V the vocabulary
size, u a context, C_n = ||p^(n)||^2 the collision probability (calligraphic C in the chapter; 1 - C_n is the
heterozygosity H_n of the discrete chapter) and Cbar_n = E C_n, alpha = M/(M_0 + M).
The argument names keep those of the source paper (Seddik et al. 2024, who write m for
the generation, n, N and s for M, M_0 and V): ``n`` and ``n_synthetic`` are M, ``n_real``
is M_0, ``vocabulary`` is V, ``generations`` is the last generation G.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import special

from . import discrete, validation

_TOLERANCE = 1e-9
"""How far from 1 the sum of a next-token law may be."""


# ---------------------------------------------------------------- arguments


def laws(probabilities, name: str = "probabilities") -> np.ndarray:
    """Next-token laws: an array (V,) or (n_contexts, V) of non-negative rows summing to 1, V >= 1."""
    array = validation.finite_array(probabilities, name)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name} must have shape (s,) or (C, s), got shape {array.shape}.")
    if array.shape[-1] == 0 or array.size == 0:
        raise ValueError(f"{name} must have a non-empty vocabulary (s >= 1) and at least one context.")
    if np.any(array < 0):
        raise ValueError(f"{name} must hold non-negative numbers only.")
    sums = array.sum(axis=-1)
    if np.any(np.abs(sums - 1.0) > _TOLERANCE):
        raise ValueError(f"every row of {name} must sum to 1, got sums {np.atleast_1d(sums)[:5].tolist()}.")
    return array / sums[..., None]


def counts_array(counts, name: str = "counts") -> np.ndarray:
    """Token counts: an array (V,) or (n_contexts, V) of non-negative whole numbers, V >= 1."""
    array = validation.finite_array(counts, name)
    if array.ndim not in (1, 2) or array.shape[-1] == 0 or array.size == 0:
        raise ValueError(f"{name} must have shape (s,) or (C, s) with s >= 1, got shape {array.shape}.")
    if np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold non-negative whole numbers only.")
    return array


def _tokens(values, name: str, vocabulary: int) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a one-dimensional array of integers, got shape {array.shape}, "
                         f"dtype {array.dtype}.")
    if array.size and (array.min() < 0 or array.max() >= vocabulary):
        raise ValueError(f"{name} must hold integers in [0, {vocabulary - 1}].")
    return array.astype(np.int64)


def _observations(contexts, tokens, n_contexts, vocabulary):
    n_contexts = validation.integer(n_contexts, "n_contexts", minimum=1)
    vocabulary = validation.integer(vocabulary, "vocabulary", minimum=1)
    contexts = _tokens(contexts, "contexts", n_contexts)
    tokens = _tokens(tokens, "tokens", vocabulary)
    if contexts.shape != tokens.shape:
        raise ValueError(f"contexts and tokens must have the same shape, got {contexts.shape} and {tokens.shape}.")
    if not tokens.size:
        raise ValueError("tokens must hold at least one observation.")
    return contexts, tokens, n_contexts, vocabulary


# ---------------------------------------------------------------- the model


def collision(probabilities) -> np.ndarray:
    """C = ||p||^2 = sum_k p_k^2 of every row: the probability that two draws agree."""
    p = laws(probabilities)
    return np.einsum("...k,...k->...", p, p)


def fit_counts(contexts, tokens, n_contexts: int, vocabulary: int) -> np.ndarray:
    """Next-token counts J_uk = #{t : context_t = u, token_t = k}, shape (n_contexts, V): the n-gram table."""
    contexts, tokens, n_contexts, vocabulary = _observations(contexts, tokens, n_contexts, vocabulary)
    flat = np.bincount(contexts * vocabulary + tokens, minlength=n_contexts * vocabulary)
    return flat.reshape(n_contexts, vocabulary)


def frequencies(counts) -> np.ndarray:
    """Empirical next-token laws p^_uk = J_uk / J_u; a context never seen gets the uniform law 1/V.

    The uniform law is what the softmax classifier started at Theta = 0 keeps for an
    unseen context: its gradient there is zero.
    """
    counts = counts_array(counts)
    totals = counts.sum(axis=-1, keepdims=True)
    uniform = np.full(counts.shape, 1.0 / counts.shape[-1])
    return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), uniform)


def softmax(logits) -> np.ndarray:
    """softmax(Theta)_k = exp(Theta_k) / sum_j exp(Theta_j) along the last axis (shifted by the maximum)."""
    logits = validation.finite_array(logits, "logits")
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def one_hot(values, size: int) -> np.ndarray:
    """The one-hot matrix of integer ``values`` in [0, size): shape (len(values), size)."""
    size = validation.integer(size, "size", minimum=1)
    values = _tokens(values, "values", size)
    matrix = np.zeros((values.size, size))
    matrix[np.arange(values.size), values] = 1.0
    return matrix


class SoftmaxFit(NamedTuple):
    """Weights Theta of shape (n_contexts, V) after gradient descent and the loss before every step and after the last."""

    weights: np.ndarray
    loss: np.ndarray


def fit_softmax(contexts, tokens, n_contexts: int, vocabulary: int, steps: int = 1000,
                learning_rate: float = 1.0) -> SoftmaxFit:
    """Train the linear softmax classifier q(. | u) = softmax(Theta^T e_u) by plain gradient descent.

    e_u is the one-hot context u, Theta starts at 0, and each step is
    Theta <- Theta - eta grad L with the mean cross-entropy
    L(Theta) = -(1/J) sum_t log softmax(Theta^T e_{u_t})_{y_t}, grad L = E^T (softmax(E Theta) - E') / J
    (E, E' the one-hot contexts and tokens of the J pairs). Its minimiser is :func:`frequencies`
    of :func:`fit_counts` for every context seen.
    """
    contexts, tokens, n_contexts, vocabulary = _observations(contexts, tokens, n_contexts, vocabulary)
    steps = validation.integer(steps, "steps", minimum=0)
    learning_rate = validation.positive_real(learning_rate, "learning_rate")
    x, y = one_hot(contexts, n_contexts), one_hot(tokens, vocabulary)
    weights = np.zeros((n_contexts, vocabulary))
    loss = np.empty(steps + 1)
    for step in range(steps + 1):
        logits = x @ weights
        log_q = logits - special.logsumexp(logits, axis=1, keepdims=True)
        loss[step] = -np.mean(np.sum(y * log_q, axis=1))
        if step < steps:
            weights -= learning_rate * x.T @ (np.exp(log_q) - y) / tokens.size
    return SoftmaxFit(weights, loss)


def cross_entropy(weights, counts) -> float:
    """Mean cross-entropy -(1/J) sum_uk J_uk log softmax(Theta_u)_k of weights Theta (n_contexts, V) on counts (n_contexts, V)."""
    counts = counts_array(counts)
    weights = validation.finite_array(weights, "weights")
    if weights.shape != counts.shape:
        raise ValueError(f"weights must have the shape of counts {counts.shape}, got {weights.shape}.")
    log_q = weights - special.logsumexp(weights, axis=-1, keepdims=True)
    return float(-(counts * log_q).sum() / counts.sum())


# ---------------------------------------------------------------- text


def load_text(path) -> str:
    """Read a UTF-8 text file (one paragraph per line) and return its text; refuse an empty file."""
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path must be a file name (a str or a pathlib.Path), got {path!r}.")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must name an existing text file, got {str(path)!r}.")
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        raise ValueError(f"path {str(path)!r} holds no text.")
    return text


class Encoded(NamedTuple):
    """A text as token ids: ``tokens`` (T,) int, ``vocabulary`` the list of symbols (characters)."""

    tokens: np.ndarray
    vocabulary: list


def encode_characters(text: str, lowercase: bool = True) -> Encoded:
    """Character tokens: whitespace runs become one space; the vocabulary is the sorted set of characters."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string.")
    text = " ".join(text.split())
    if lowercase:
        text = text.lower()
    vocabulary = sorted(set(text))
    index = {symbol: k for k, symbol in enumerate(vocabulary)}
    return Encoded(np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text)), vocabulary)


def bigram_counts(tokens, vocabulary: int) -> np.ndarray:
    """The (V, V) table J_uk = #{t : token_t = u, token_{t+1} = k}: context = previous token."""
    tokens = _tokens(tokens, "tokens", validation.integer(vocabulary, "vocabulary", minimum=1))
    if tokens.size < 2:
        raise ValueError("tokens must hold at least two tokens to form a bigram.")
    return fit_counts(tokens[:-1], tokens[1:], vocabulary, vocabulary)


def generate_text(probabilities, start: int, length: int, rng=0) -> np.ndarray:
    """``length`` tokens of the bigram chain with transition laws (V, V), from token ``start``."""
    p = laws(probabilities)
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise ValueError(f"probabilities must be a square (s, s) table of bigram laws, got shape {p.shape}.")
    start = validation.integer(start, "start", minimum=0, maximum=p.shape[0] - 1)
    length = validation.integer(length, "length", minimum=1)
    rng = validation.generator(rng)
    cumulative = np.cumsum(p, axis=1)
    uniforms = rng.random(length)
    out = np.empty(length, dtype=np.int64)
    token = start
    for t in range(length):
        token = min(int(np.searchsorted(cumulative[token], uniforms[t] * cumulative[token, -1], side="right")),
                    p.shape[1] - 1)
        out[t] = token
    return out


# ---------------------------------------------------------------- simulation


def draw_tokens(probabilities, size: int, n_chains: int, rng=0) -> np.ndarray:
    """``size`` tokens per chain and context drawn from the true laws, shape (n_chains, n_contexts, size).

    Inverse-CDF sampling of all rows at once: context u's cumulative law is shifted by
    2u so that one ``searchsorted`` over the concatenated table serves every context.
    """
    p = laws(probabilities)
    p2 = np.atleast_2d(p)
    size = validation.integer(size, "size", minimum=1)
    n_chains = validation.chains(n_chains, values_per_chain=p2.shape[0] * size)
    rng = validation.generator(rng)
    contexts, vocabulary = p2.shape
    shift = 2.0 * np.arange(contexts)
    cumulative = np.cumsum(p2, axis=1)
    cumulative[:, -1] = 1.0
    flat = (cumulative + shift[:, None]).ravel()
    uniforms = rng.random((n_chains, contexts, size)) + shift[None, :, None]
    tokens = np.searchsorted(flat, uniforms, side="right") - (vocabulary * np.arange(contexts))[None, :, None]
    # a uniform that rounds up to the end of its row may overshoot: give it the last token of positive mass
    last = vocabulary - 1 - np.argmax(p2[:, ::-1] > 0, axis=1)
    return np.minimum(tokens, last[None, :, None]).astype(np.int32)


def _resample(training: np.ndarray, size: int, rng) -> np.ndarray:
    """``size`` draws from the empirical law of each row of ``training``: uniform positions in the row."""
    positions = rng.integers(0, training.shape[1], size=(training.shape[0], size))
    return np.take_along_axis(training, positions, axis=1)


def _table(training: np.ndarray, vocabulary: int) -> np.ndarray:
    """Counts (R, V) of the token lists (R, L)."""
    rows = training.shape[0]
    flat = (np.arange(rows, dtype=np.int64)[:, None] * vocabulary + training).ravel()
    return np.bincount(flat, minlength=rows * vocabulary).reshape(rows, vocabulary)


class Trajectory(NamedTuple):
    """Per-generation summaries of shape (generations + 1, n_chains, n_contexts) (n_contexts dropped for a single law).

    Row 0 is the true law p, row n >= 1 the n-th model.
    """

    collision: np.ndarray
    """C_n = ||p^(n)||^2."""
    survivors: np.ndarray
    """Number of tokens with positive probability."""
    largest: np.ndarray
    """||p^(n)||_inf (1 at total collapse)."""
    l1_to_first: np.ndarray
    """||p^(n) - p^(1)||_1, the distance to the model fitted to real data (0 for n <= 1 by convention at n = 0)."""
    l2sq_to_first: np.ndarray
    """||p^(n) - p^(1)||_2^2."""
    final: np.ndarray
    """The last model's laws p^(generations), shape (n_chains, n_contexts, V) (n_contexts dropped for a single law)."""


def _sizes(n_real, n_synthetic):
    n_real = validation.integer(n_real, "n_real", minimum=0)
    n_synthetic = validation.integer(n_synthetic, "n_synthetic", minimum=0)
    return n_real, n_synthetic


def simulate(probabilities, n_real: int, n_synthetic: int, generations: int, n_chains: int = 1, rng=0,
             keep_real: bool = True, window: int = 1, source: str = "last", distances: bool = False) -> Trajectory:
    """Recursive training of the count model, every chain and context at once.

    Model 1 is fitted to ``n_real`` real tokens per context, Y ~ Mult(M_0, p). Model n >= 2 is
    fitted to Y (if ``keep_real``) plus the synthetic sets D_{n-1}, ..., D_{n-window}
    (those that exist), where D_j holds ``n_synthetic`` draws per context from model j
    (``source="last"``) or from the equal-weight mixture of models 1..j
    (``source="all"``). Fully synthetic training is ``n_real = n``, ``keep_real=False``;
    partially synthetic is ``keep_real=True``, ``window=1``.

    Parameters
    ----------
    probabilities : array (V,) or (n_contexts, V)
        The true next-token law of every context.
    n_real, n_synthetic : int
        M_0 >= 1 real tokens and M synthetic tokens per context and generation.
    generations : int
        Number of models fitted.
    n_chains : int
        Independent repetitions, simulated together.
    rng : numpy.random.Generator or int
    keep_real, window, source
        The training-set recipe, see above.
    distances : bool
        Whether to record the distances to model 1 (NaN otherwise; they cost two passes over (n_contexts, V)).
    """
    p = laws(probabilities)
    n_real, n_synthetic = _sizes(n_real, n_synthetic)
    if n_real < 1:
        raise ValueError(f"n_real must be at least 1 (model 1 is fitted to real data), got {n_real}.")
    generations = validation.generations(generations, minimum=1)
    window = validation.integer(window, "window", minimum=1)
    contexts = np.atleast_2d(p).shape[0]
    n_chains = validation.chains(n_chains, rows=generations + 1, values_per_chain=contexts * 5)
    validation.chains(n_chains, values_per_chain=contexts * (n_real + n_synthetic * min(window, generations)))
    for flag, value in (("keep_real", keep_real), ("distances", distances)):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{flag} must be True or False, got {value!r}.")
    if source not in ("last", "all"):
        raise ValueError(f"source must be 'last' or 'all', got {source!r}.")
    if not keep_real and n_synthetic < 1:
        raise ValueError("n_synthetic must be at least 1 when the real data are not kept.")
    rng = validation.generator(rng)
    p2 = np.atleast_2d(p)
    contexts, vocabulary = p2.shape
    rows = n_chains * contexts

    shape = (generations + 1, rows)
    out = {name: np.empty(shape) for name in Trajectory._fields[:-1]}
    out["collision"][0] = np.tile(np.einsum("ck,ck->c", p2, p2), n_chains)
    out["survivors"][0] = np.tile(np.count_nonzero(p2, axis=1), n_chains)
    out["largest"][0] = np.tile(p2.max(axis=1), n_chains)
    out["l1_to_first"][0] = out["l2sq_to_first"][0] = 0.0

    real = draw_tokens(p, n_real, n_chains, rng).reshape(rows, n_real)
    first = None
    recent: deque = deque(maxlen=window)
    if source == "all":  # training sets of every model, padded to the longest, and their lengths
        longest = max(n_real, n_real * keep_real + n_synthetic * window)
        past = np.zeros((generations, rows, longest), dtype=real.dtype)
        lengths = np.zeros(generations, dtype=np.int64)
    training = real
    for m in range(1, generations + 1):
        if m >= 2:
            if source == "last":
                synthetic = _resample(training, n_synthetic, rng)
            else:
                synthetic = _resample_mixture(past[:m - 1], lengths[:m - 1], n_synthetic, rng)
            recent.append(synthetic)
            training = np.concatenate(([real] if keep_real else []) + list(recent), axis=1)
        if source == "all":
            past[m - 1, :, :training.shape[1]] = training
            lengths[m - 1] = training.shape[1]
        table = _table(training, vocabulary)
        size = training.shape[1]
        out["collision"][m] = np.einsum("rk,rk->r", table, table) / size**2
        out["survivors"][m] = np.count_nonzero(table, axis=1)
        out["largest"][m] = table.max(axis=1) / size
        if distances:
            frequencies_m = table / size
            if first is None:
                first = frequencies_m
            difference = frequencies_m - first
            out["l1_to_first"][m] = np.abs(difference).sum(axis=1)
            out["l2sq_to_first"][m] = np.einsum("rk,rk->r", difference, difference)
        else:
            out["l1_to_first"][m] = out["l2sq_to_first"][m] = np.nan
    final = (table / size).reshape(n_chains, contexts, vocabulary)
    summaries = {name: value.reshape(generations + 1, n_chains, contexts) for name, value in out.items()}
    if p.ndim == 1:
        summaries = {name: value[..., 0] for name, value in summaries.items()}
        final = final[:, 0, :]
    return Trajectory(**summaries, final=final)


def _resample_mixture(past: np.ndarray, lengths: np.ndarray, size: int, rng) -> np.ndarray:
    """``size`` draws per row from the equal-weight mixture of the empirical laws of the past training sets.

    ``past`` (J, R, L) holds them padded, ``lengths`` (J,) their lengths: pick a model j uniformly,
    then a uniform position among its ``lengths[j]`` tokens.
    """
    rows = past.shape[1]
    which = rng.integers(0, past.shape[0], size=(rows, size))
    positions = (rng.random((rows, size)) * lengths[which]).astype(np.int64)
    return past[which, np.arange(rows)[:, None], positions]


def simulate_fully_synthetic(probabilities, n: int, generations: int, n_chains: int = 1, rng=0) -> Trajectory:
    """Model 1 from M real tokens per context, model n >= 2 from M draws of model n - 1 (Wright-Fisher)."""
    n = validation.integer(n, "n", minimum=1)
    return simulate(probabilities, n, n, generations, n_chains, rng, keep_real=False)


def simulate_partially_synthetic(probabilities, n_real: int, n_synthetic: int, generations: int,
                                 n_chains: int = 1, rng=0, distances: bool = True) -> Trajectory:
    """Model 1 from M_0 real tokens, model n >= 2 from the same M_0 real tokens plus M draws of model n - 1."""
    return simulate(probabilities, n_real, n_synthetic, generations, n_chains, rng, keep_real=True,
                    distances=distances)


def context_sizes(counts, total: int) -> np.ndarray:
    """Tokens per context in a text of ``total`` tokens: round(total * J_u / J), J_u the context's count, at least 1; shape (n_contexts,)."""
    counts = counts_array(counts)
    if counts.ndim != 2:
        raise ValueError(f"counts must be a (C, s) table, got shape {counts.shape}.")
    total = validation.integer(total, "total", minimum=1)
    per_context = counts.sum(axis=1)
    return np.maximum(1, np.round(total * per_context / per_context.sum())).astype(np.int64)


def simulate_corpus(probabilities, sizes, generations: int, n_chains: int = 1, rng=0) -> Trajectory:
    """Fully synthetic training with a sample size M_u of its own for every context u.

    Model 1 is the empirical law of M_u draws from row u of ``probabilities`` (n_contexts, V),
    model n >= 2 of M_u draws from model n - 1: the chapter's bigram model on a real
    text, where a generation is a text of about sum_u M_u tokens. Training sets of
    different lengths are stored padded with an extra token V that is never drawn.
    The distance fields are NaN.
    """
    p = laws(probabilities)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be a (C, s) table of laws, got shape {p.shape}.")
    contexts, vocabulary = p.shape
    sizes = validation.sample_sizes(sizes, "sizes", minimum=1)
    if sizes.shape != (contexts,):
        raise ValueError(f"sizes must have one entry per context (per row of probabilities), shape ({contexts},), "
                         f"got {sizes.shape}.")
    generations = validation.generations(generations, minimum=1)
    n_chains = validation.chains(n_chains, rows=generations + 1, values_per_chain=contexts * 5)
    validation.chains(n_chains, values_per_chain=contexts * int(sizes.max()))
    rng = validation.generator(rng)
    longest = int(sizes.max())
    lengths = np.tile(sizes, n_chains)
    rows = n_chains * contexts
    valid = np.arange(longest)[None, :] < lengths[:, None]
    out = {name: np.full((generations + 1, rows), np.nan) for name in Trajectory._fields[:-1]}
    out["collision"][0] = np.tile(np.einsum("ck,ck->c", p, p), n_chains)
    out["survivors"][0] = np.tile(np.count_nonzero(p, axis=1), n_chains)
    out["largest"][0] = np.tile(p.max(axis=1), n_chains)
    training = np.where(valid, draw_tokens(p, longest, n_chains, rng).reshape(rows, longest), vocabulary)
    for m in range(1, generations + 1):
        if m >= 2:
            positions = (rng.random((rows, longest)) * lengths[:, None]).astype(np.int64)
            training = np.where(valid, np.take_along_axis(training, positions, axis=1), vocabulary)
        table = _table(training, vocabulary + 1)[:, :vocabulary]
        out["collision"][m] = np.einsum("rk,rk->r", table, table) / lengths**2
        out["survivors"][m] = np.count_nonzero(table, axis=1)
        out["largest"][m] = table.max(axis=1) / lengths
    final = (table / lengths[:, None]).reshape(n_chains, contexts, vocabulary)
    summaries = {name: value.reshape(generations + 1, n_chains, contexts) for name, value in out.items()}
    return Trajectory(**summaries, final=final)


def loop_generation(counts: list, size: int, random) -> list:
    """One context-generation in plain Python: ``size`` draws from the empirical law of ``counts``.

    The reference for the benchmark: a cumulative-count list built in a loop, one
    linear inverse-CDF scan per drawn token, and the new count list. ``random`` is
    a ``random.Random``.
    """
    array = counts_array(counts)
    if array.ndim != 1 or not array.sum() > 0:
        raise ValueError(f"counts must be one list of token counts (s,) with a positive total, got {counts!r}.")
    size = validation.integer(size, "size", minimum=1)
    if not callable(getattr(random, "random", None)):
        raise ValueError(f"random must be a random.Random (with a random() method), got {random!r}.")
    counts = [int(count) for count in array]
    cumulative, total = [], 0
    for count in counts:
        total += count
        cumulative.append(total)
    new = [0] * len(counts)
    for _ in range(size):
        u = random.random() * total
        k = 0
        while cumulative[k] <= u:
            k += 1
        new[k] += 1
    return new


# ---------------------------------------------------------------- closed forms


def _constant(n: int, generations: int) -> np.ndarray:
    """M = ``n`` tokens in each of ``generations`` generations (schedules.constant asks for n >= 2, a variance's need)."""
    return np.full(generations, n, dtype=np.int64)


def collision_fully_synthetic(probabilities, n: int, generations: int) -> np.ndarray:
    """Cbar_n = E||p^(n)||^2 = 1 - (1 - C_0)(1 - 1/M)^n, n = 0..G, C_0 = ||p||^2.

    1 - Cbar_n is the expected heterozygosity of the discrete chapter,
    :func:`collapse_lib.discrete.expected_heterozygosity`, with every M_i = M. Shape (G + 1,) or (G + 1, n_contexts).
    """
    p = laws(probabilities)
    n = validation.integer(n, "n", minimum=1)
    generations = validation.generations(generations)
    sizes = _constant(n, generations)
    rows = [1.0 - discrete.expected_heterozygosity(row, sizes) if row.size > 1 else np.ones(generations + 1)
            for row in np.atleast_2d(p)]
    return rows[0] if p.ndim == 1 else np.stack(rows, axis=1)


def _partial_parameters(probabilities, n_real, n_synthetic):
    p = laws(probabilities)
    n_real, n_synthetic = _sizes(n_real, n_synthetic)
    if n_real < 1:
        raise ValueError(f"n_real must be at least 1, got {n_real}.")
    s0 = np.einsum("...k,...k->...", p, p)
    start = 1.0 / n_real + (1.0 - 1.0 / n_real) * s0           # C = E||Y/N||^2 = S_1
    alpha = n_synthetic / (n_real + n_synthetic)
    lam = alpha**2 * (1.0 - 1.0 / n_synthetic) if n_synthetic else 0.0
    noise = alpha**2 / n_synthetic if n_synthetic else 0.0      # alpha^2 / n
    return start, alpha, lam, noise


def collision_partially_synthetic(probabilities, n_real: int, n_synthetic: int, generations: int) -> np.ndarray:
    """Cbar_n = E||p^(n)||^2 with M_0 real and M synthetic tokens, n = 0..G (closed form).

    With alpha = M/(M_0 + M), lambda = alpha^2 (1 - 1/M) and Cbar_1 = 1/M_0 + (1 - 1/M_0) C_0:
    1 - Cbar_n = (1 - Cbar_1) [(1 - alpha^2) + (alpha^2/M) lambda^(n-1)] / (1 - lambda), n >= 1.
    Shape (G + 1,) or (G + 1, n_contexts).
    """
    generations = validation.generations(generations)
    start, alpha, lam, noise = _partial_parameters(probabilities, n_real, n_synthetic)
    s0 = np.einsum("...k,...k->...", laws(probabilities), laws(probabilities))
    m = np.arange(1, generations + 1).reshape((-1,) + (1,) * np.ndim(start))
    gap = (1.0 - start) * ((1.0 - alpha**2) + noise * lam ** (m - 1)) / (1.0 - lam)
    return np.concatenate([np.asarray(s0)[None, ...], 1.0 - gap], axis=0)


def collision_partially_synthetic_recursion(probabilities, n_real: int, n_synthetic: int,
                                            generations: int) -> np.ndarray:
    """The same Cbar_n from the recursion Cbar_n = (1 - alpha^2) Cbar_1 + alpha^2/M + alpha^2 (1 - 1/M) Cbar_{n-1}, Cbar_1 = 1/M_0 + (1-1/M_0) C_0."""
    generations = validation.generations(generations)
    start, alpha, lam, noise = _partial_parameters(probabilities, n_real, n_synthetic)
    s0 = np.einsum("...k,...k->...", laws(probabilities), laws(probabilities))
    values = [np.asarray(s0, dtype=float)]
    if generations:
        values.append(np.asarray(start, dtype=float))
    for _ in range(2, generations + 1):
        values.append((1.0 - alpha**2) * start + noise + lam * values[-1])
    return np.stack(values, axis=0)


def collision_limit(probabilities, n_real: int, n_synthetic: int) -> np.ndarray:
    """lim Cbar_n = 1 - (1 - Cbar_1)(1 - alpha^2)/(1 - alpha^2 + alpha^2/M) < 1: no collapse while M_0 >= 2 and C_0 < 1."""
    start, alpha, lam, noise = _partial_parameters(probabilities, n_real, n_synthetic)
    return 1.0 - (1.0 - start) * (1.0 - alpha**2) / (1.0 - lam)


def distance_to_first(probabilities, n_real: int, n_synthetic: int, generations: int) -> np.ndarray:
    """E||p^(n) - p^(1)||_2^2 = M (1 - Cbar_1)(1 - lambda^(n-1)) / (M_0^2 + 2 M_0 M + M), n = 0..G (0 for n <= 1).

    p^(1) = Y/M_0 is the model fitted to the real data alone; Cbar_1 = 1/M_0 + (1 - 1/M_0) C_0.
    """
    generations = validation.generations(generations)
    start, alpha, lam, noise = _partial_parameters(probabilities, n_real, n_synthetic)
    m = np.arange(generations + 1).reshape((-1,) + (1,) * np.ndim(start))
    steady = n_synthetic * (1.0 - start) / (n_real**2 + 2 * n_real * n_synthetic + n_synthetic)
    return np.where(m >= 1, steady * (1.0 - lam ** np.maximum(m - 1, 0)), 0.0)


def l1_bound(probabilities, n_real: int, n_synthetic: int, generations: int) -> np.ndarray:
    """E||p^(n) - p^(1)||_1 <= sqrt(k E||p^(n) - p^(1)||_2^2), k = min(#support of p, M_0), n = 0..G.

    Every model's support lies in that of the real sample Y (at most min(V, M_0) tokens),
    so Cauchy-Schwarz over those k coordinates and Jensen give the bound.
    """
    p = laws(probabilities)
    support = np.minimum(np.count_nonzero(p, axis=-1), validation.integer(n_real, "n_real", minimum=1))
    return np.sqrt(support * distance_to_first(p, n_real, n_synthetic, generations))


def max_synthetic(n_real: int, epsilon: float, vocabulary: int, s0: float = 0.0) -> float:
    """Largest M for which the L1 bound of :func:`l1_bound` stays below epsilon at every generation.

    With k = min(V, M_0) and 1 - Cbar_1 = (1 - 1/M_0)(1 - C_0), the steady state of the bound
    requires k M (1 - Cbar_1) <= epsilon^2 (M_0^2 + (2 M_0 + 1) M):
    M <= epsilon^2 M_0^2 / (k (1 - Cbar_1) - epsilon^2 (2 M_0 + 1)), and every M qualifies
    (returns inf) when k (1 - Cbar_1) <= epsilon^2 (2 M_0 + 1).
    """
    n_real = validation.integer(n_real, "n_real", minimum=1)
    epsilon = validation.positive_real(epsilon, "epsilon")
    vocabulary = validation.integer(vocabulary, "vocabulary", minimum=1)
    s0 = validation.probability(s0, "s0")
    support = min(vocabulary, n_real)
    gap = (1.0 - 1.0 / n_real) * (1.0 - s0)
    denominator = support * gap - epsilon**2 * (2 * n_real + 1)
    return float("inf") if denominator <= 0 else epsilon**2 * n_real**2 / denominator


def collapse_probability(probabilities, n: int, generations: int) -> np.ndarray:
    """Exact P(p^(n) is a point mass), n = 0..G, fully synthetic with M draws per generation.

    Collapse onto token k by generation n is the loss of the other tokens' mass
    1 - p_k, so P = sum_k [1 - S_n(1 - p_k)] with the two-category survival
    probability S_n(q) of :func:`collapse_lib.discrete.survival_probability`. 1D law only.
    """
    p = laws(probabilities)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one law of shape (s,), got shape {p.shape}.")
    n = validation.integer(n, "n", minimum=1)
    generations = validation.generations(generations)
    return fixation_by(p, n, generations).sum(axis=1)


def fixation_by(probabilities, n: int, generations: int) -> np.ndarray:
    """Exact P(p^(n) = delta_k), n = 0..G, k = 1..V: shape (G + 1, V); its limit is p_k."""
    p = laws(probabilities)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one law of shape (s,), got shape {p.shape}.")
    n = validation.integer(n, "n", minimum=1)
    generations = validation.generations(generations)
    return 1.0 - discrete.survival_probability(np.clip(1.0 - p, 0.0, 1.0), n, generations)


def collapse_probability_bounds(probabilities, n: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """Bounds on P(not collapsed by n) = P(T > n), n = 1..G, from E[1 - C_n] = (1 - C_0)(1 - 1/M)^n.

    A non-collapsed model fitted to M tokens has 2(M - 1)/M^2 <= 1 - C <= 1 - 1/k, k = min(V, M):
    (1 - C_0)(1 - 1/M)^n / (1 - 1/k) <= P(T > n) <= min(1, (M/2)(1 - C_0)(1 - 1/M)^(n - 1)).
    Returns (lower, upper), each of shape (G,). 1D law only.
    """
    p = laws(probabilities)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one law of shape (s,), got shape {p.shape}.")
    n = validation.integer(n, "n", minimum=1)
    generations = validation.generations(generations, minimum=1)
    gap = 1.0 - p @ p
    m = np.arange(1, generations + 1)
    if n == 1:
        return np.zeros(generations), np.zeros(generations)
    k = min(np.count_nonzero(p), n)
    lower = gap * (1 - 1 / n) ** m / (1 - 1 / k) if k > 1 else np.zeros(generations)
    upper = np.minimum(1.0, 0.5 * n * gap * (1 - 1 / n) ** (m - 1))
    return lower, upper


def expected_collapse_time_bounds(probabilities, n: int) -> tuple[float, float]:
    """Bounds on E[T], T = first n with p^(n) a point mass, summing those of P(T > n) over n >= 0.

    Lower: 1 + (M - 1)(1 - C_0)/(1 - 1/k), k = min(#support, M). Upper, with kappa = (M/2)(1 - C_0)
    and r = 1 - 1/M: 1 + j0 + M kappa r^j0, j0 = max(0, ceil(log kappa / -log r)).
    For a point mass T = 0; for M = 1, T = 1.
    """
    p = laws(probabilities)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one law of shape (s,), got shape {p.shape}.")
    n = validation.integer(n, "n", minimum=1)
    support = np.count_nonzero(p)
    if support == 1:
        return 0.0, 0.0
    if n == 1:
        return 1.0, 1.0
    gap = 1.0 - p @ p
    k = min(support, n)
    lower = 1.0 + (n - 1) * gap / (1.0 - 1.0 / k)
    a, r = 0.5 * n * gap, 1.0 - 1.0 / n
    j0 = max(0, int(np.ceil(np.log(a) / -np.log(r)))) if a > 1 else 0
    upper = 1.0 + j0 + n * a * r**j0
    return float(lower), float(upper)


def expected_collapse_time_series(probabilities, n: int, tolerance: float = 1e-9) -> float:
    """Exact E[T] = sum_{j >= 0} P(T > j), with P(T > j) = 1 - :func:`collapse_probability` (item 2 of
    the chapter's theorem), for any law and any M = ``n``, to within ``tolerance``.

    The sum stops at the first G where the tail bound of item 3, sum_{j > G} P(T > j)
    <= sum_{j > G} kappa r^(j - 1) = M kappa r^G (kappa = (M/2)(1 - C_0), r = 1 - 1/M), is below ``tolerance``.
    For a point mass T = 0; for M = 1, T = 1.
    """
    p = laws(probabilities)
    if p.ndim != 1:
        raise ValueError(f"probabilities must be one law of shape (s,), got shape {p.shape}.")
    n = validation.integer(n, "n", minimum=1)
    tolerance = validation.positive_real(tolerance, "tolerance")
    if np.count_nonzero(p) == 1:
        return 0.0
    if n == 1:
        return 1.0
    kappa, r = 0.5 * n * (1.0 - p @ p), 1.0 - 1.0 / n
    generations = max(1, int(np.ceil(np.log(tolerance / (n * kappa)) / np.log(r))))
    return float(np.sum(1.0 - collapse_probability(p, n, generations)))


def expected_collapse_time(probabilities, n: int) -> float:
    """Exact E[T] for a small case: :func:`collapse_lib.discrete.absorption_time` with every M_i = M = ``n``."""
    return discrete.absorption_time(laws(probabilities), n)


def collapse_token_probability(probabilities) -> np.ndarray:
    """P(the chain collapses onto token k) = p_k: :func:`collapse_lib.discrete.fixation_probability`."""
    return discrete.fixation_probability(laws(probabilities))

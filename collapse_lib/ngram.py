"""A word-level n-gram language model with Witten-Bell interpolation, and its vectorised sampler.

Chapter: *The decline of lexical diversity, on real text*. The model of order ``n`` predicts
token ``w`` from the ``n - 1`` tokens before it (its context ``h``) by the recursion

    p_1(w) = c(w) / N                                     (maximum likelihood, no smoothing)
    p_k(w | h) = lambda_h c(h, w) / c(h) + (1 - lambda_h) p_(k-1)(w | h')   if c(h) > 0,
    p_k(w | h) = p_(k-1)(w | h')                                            if c(h) = 0,

where ``h'`` drops the oldest token of ``h``, ``c`` counts occurrences in the training stream
and ``lambda_h = c(h) / (c(h) + t(h))`` with ``t(h)`` the number of distinct tokens seen after
``h`` (Witten-Bell). The unigram level is not smoothed: a word absent from the training text
has probability 0, so a word that a generation loses never comes back. That is the point
of the chapter; it is also why the perplexity on real text needs a small floor
(:func:`perplexity`).

Sampling uses **cumulative count arrays**. For every order, the occurrences of the training
stream are sorted by context (stably): the tokens that followed a context ``h`` fill one
contiguous block of ``following``, of length ``c(h)``. Drawing from ``c(h, w) / c(h)`` is then
picking a uniform position in that block. The interpolation is a mixture: with probability
``lambda_h`` use this order's block, otherwise go down one order. Every step of
:func:`sample` does this for all sequences at once (a few numpy calls per step).

Decoding with a temperature ``T`` or top-``k`` (:func:`sample` with ``temperature`` or
``top_k``) acts on the **candidates**: the tokens seen after the longest context of the
history that occurs in the training text, weighted by the model's probability p(w | h).
They keep the ``k`` most probable and sample proportionally to p^(1/T). The smoothing mass
of unseen continuations is dropped, as truncated decoding does; ``top_k=1`` is greedy decoding.
Any ``T != 1`` or ``top_k`` switches to this candidates-only sampler; ``candidates_only=True``
switches to it at ``T = 1`` without truncation, the control that separates the effect of the
switch (no unseen continuation can be drawn) from that of the temperature. ``T > 1`` flattens
the law over the candidates (p^(1/T) moves mass from frequent to rare candidates) but still
never draws an unseen continuation.
"""

from __future__ import annotations

import bisect
import math
from typing import NamedTuple

import numpy as np

from . import validation
from .corpus import ids_array

MAX_ORDER = 3
"""Orders 1 (unigram), 2 (bigram) and 3 (trigram) are supported."""


class Table(NamedTuple):
    """The counts of one order k: contexts of k - 1 tokens and the k-grams (keys in base V)."""

    context_keys: np.ndarray   # sorted distinct contexts h (a single key 0 for k = 1)
    starts: np.ndarray         # start of h's block in ``following``
    counts: np.ndarray         # c(h)
    types: np.ndarray          # t(h), distinct continuations of h
    following: np.ndarray      # the token after each occurrence, grouped by context (cumulative counts)
    ngram_keys: np.ndarray     # sorted distinct k-grams, key h * V + w
    ngram_counts: np.ndarray   # c(h, w)
    weights: np.ndarray        # lambda_h = c(h) / (c(h) + t(h)) (1 for k = 1)
    dense: np.ndarray | None   # for k <= 2: row of each context key 0..V-1 (-1 if unseen), else None
    slots: np.ndarray | None   # for k = 3: open-addressing hash table of the context rows (-1 = empty)


class Model(NamedTuple):
    """An interpolated n-gram model: ``tables[k - 1]`` holds the counts of order k."""

    order: int
    vocabulary_size: int
    tables: tuple


class Candidates(NamedTuple):
    """Decoding table of one order: each context's candidates by decreasing probability."""

    starts: np.ndarray      # start of context j's candidates (aligned with Table.context_keys)
    sizes: np.ndarray       # number of candidates kept (min(t(h), top_k))
    tokens: np.ndarray      # candidate tokens, grouped by context, most probable first
    cumulative: np.ndarray  # cumulative sum of the decoding weights p^(1/T) / max p^(1/T)


# --- fitting --------------------------------------------------------------------------------


def _order(order) -> int:
    return validation.integer(order, "order", minimum=1, maximum=MAX_ORDER)


def _context_keys(contexts: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """Integer keys of contexts: rows (t_1, ..., t_m) -> sum_j t_j V^(m - j); 0 for m = 0."""
    keys = np.zeros(contexts.shape[0], dtype=np.int64)
    for column in range(contexts.shape[1]):
        keys = keys * vocabulary_size + contexts[:, column]
    return keys


def fit(ids, order: int, vocabulary_size: int) -> Model:
    """Count the n-grams of the stream ``ids`` (token ids in [0, V)), orders 1 to ``order``.

    One sort of the k-gram keys per order gives everything: sorted by k-gram, the
    occurrences are grouped by context too, so ``following`` (the cumulative count array),
    the context counts c(h), the k-gram counts c(h, w) and t(h) are run lengths.

    The stream is preceded by ``order - 1`` paragraph marks (id 0), so its first token
    has a full context.
    """
    order = _order(order)
    vocabulary_size = validation.integer(vocabulary_size, "vocabulary_size", minimum=2)
    if vocabulary_size ** MAX_ORDER >= 2**62:
        raise ValueError(f"vocabulary_size must be below 2**20 so that n-gram keys fit in int64, "
                         f"got {vocabulary_size}.")
    ids = ids_array(ids, "ids", vocabulary_size)
    padded = np.concatenate([np.zeros(order - 1, dtype=np.int64), ids])
    tables = []
    for k in range(1, order + 1):
        # the k - 1 tokens before each token of ids
        history = np.stack([padded[order - k + j: order - k + j + ids.size] for j in range(k - 1)], axis=1) \
            if k > 1 else np.zeros((ids.size, 0), dtype=np.int64)
        keys = _context_keys(history, vocabulary_size) * vocabulary_size + ids  # the k-gram keys h V + w
        by_key = _key_order(history, ids, keys, vocabulary_size)  # grouped by k-gram, hence by context
        sorted_keys = keys[by_key]
        contexts = sorted_keys // vocabulary_size
        new_context = np.concatenate([[True], contexts[1:] != contexts[:-1]])
        new_ngram = np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]])
        starts = np.flatnonzero(new_context)
        counts = np.diff(np.append(starts, ids.size))
        distinct = contexts[starts]
        ngram_starts = np.flatnonzero(new_ngram)
        ngram_keys = sorted_keys[ngram_starts]
        ngram_counts = np.diff(np.append(ngram_starts, ids.size))
        types = np.add.reduceat(new_ngram.astype(np.int64), starts)
        weights = counts / (counts + types) if k > 1 else np.ones(1)
        dense = None
        if k <= 2:
            dense = np.full(vocabulary_size if k == 2 else 1, -1, dtype=np.int64)
            dense[distinct] = np.arange(distinct.size)
        tables.append(Table(distinct, starts, counts, types, ids[by_key], ngram_keys, ngram_counts,
                            weights, dense, None if k <= 2 else _hash_slots(distinct)))
    return Model(order, vocabulary_size, tuple(tables))


GOLDEN = np.uint64(0x9E3779B97F4A7C15)
"""Fibonacci hashing: slot = (key * GOLDEN mod 2^64) >> (64 - bits)."""


def _hash(keys: np.ndarray, bits: int) -> np.ndarray:
    return ((keys.astype(np.uint64) * GOLDEN) >> np.uint64(64 - bits)).astype(np.int64)


def _hash_slots(keys: np.ndarray) -> np.ndarray:
    """An open-addressing (linear probing) hash table of ``keys``: slot -> index into keys, -1 if empty.

    Its size is the power of two at least 2 len(keys); built vectorised, one probe round at a time.
    """
    bits = max(int(np.ceil(np.log2(2 * keys.size + 1))), 1)
    mask = (1 << bits) - 1
    slots = np.full(1 << bits, -1, dtype=np.int64)
    pending = np.arange(keys.size)
    slot = _hash(keys, bits)
    while pending.size:
        free = slots[slot] < 0
        # one key per free slot this round (the first in order); the others probe the next slot
        candidates, first = np.unique(slot[free], return_index=True)
        winners = pending[free][first]
        slots[candidates] = winners
        placed = np.zeros(pending.size, dtype=bool)
        placed[np.flatnonzero(free)[first]] = True
        pending, slot = pending[~placed], (slot[~placed] + 1) & mask
    return slots


def _hash_lookup(keys_table: np.ndarray, slots: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each key in ``keys_table`` through its hash table ``slots``, and whether it is there."""
    bits = int(slots.size).bit_length() - 1
    mask = slots.size - 1
    index = np.zeros(keys.size, dtype=np.int64)
    found = np.zeros(keys.size, dtype=bool)
    pending = np.arange(keys.size)
    slot = _hash(keys, bits)
    while pending.size:
        row = slots[slot]
        hit = (row >= 0) & (keys_table[np.maximum(row, 0)] == keys[pending])
        index[pending[hit]] = row[hit]
        found[pending[hit]] = True
        again = (row >= 0) & ~hit
        pending, slot = pending[again], (slot[again] + 1) & mask
    return index, found


def _key_order(history: np.ndarray, ids: np.ndarray, keys: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """The permutation sorting the k-gram ``keys``: a least-significant-digit radix sort over the
    token columns (numpy's stable sort of 16-bit integers is a radix sort) when V <= 2^16."""
    if vocabulary_size > 2**16:
        return np.argsort(keys)
    order = np.argsort(ids.astype(np.uint16), kind="stable")
    for column in range(history.shape[1] - 1, -1, -1):
        order = order[np.argsort(history[order, column].astype(np.uint16), kind="stable")]
    return order


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each key in ``sorted_keys`` (clipped) and whether it is there."""
    index = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return index, sorted_keys[index] == keys


def fitted(model) -> Model:
    """Return ``model`` if it is a :class:`Model` (from :func:`fit`)."""
    if not isinstance(model, Model):
        raise ValueError(f"model must be an ngram.Model (from collapse_lib.ngram.fit), got {type(model).__name__}.")
    return model


def _history(model: Model, history) -> np.ndarray:
    history = np.asarray(history)
    if history.size and not np.issubdtype(history.dtype, np.integer):
        raise ValueError(f"contexts must hold integer token ids, got dtype {history.dtype}.")
    history = history.astype(np.int64)
    if history.ndim != 2 or history.shape[1] != model.order - 1:
        raise ValueError(f"contexts must have shape (n, {model.order - 1}) for a model of order "
                         f"{model.order}, got shape {history.shape}.")
    if history.size and (history.min() < 0 or history.max() >= model.vocabulary_size):
        raise ValueError(f"contexts must hold ids in [0, {model.vocabulary_size}).")
    return history


# --- probabilities --------------------------------------------------------------------------


def probability(model: Model, history, tokens, up_to: int | None = None) -> np.ndarray:
    """p(w | h) of the interpolated model for rows ``history`` (n, order - 1) and ``tokens`` (n,).

    ``up_to`` (default: the model's order) stops the recursion at that order, using only the
    last ``up_to - 1`` tokens of each history.
    """
    model = fitted(model)
    history = _history(model, history)
    tokens = np.asarray(tokens)
    if tokens.size and not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"tokens must hold integer token ids, got dtype {tokens.dtype}.")
    tokens = tokens.astype(np.int64)
    up_to = model.order if up_to is None else validation.integer(up_to, "up_to", minimum=1, maximum=model.order)
    unigram = model.tables[0]
    index, found = _lookup(unigram.ngram_keys, tokens)
    p = np.where(found, unigram.ngram_counts[index], 0) / unigram.counts[0]
    for k in range(2, up_to + 1):
        table = model.tables[k - 1]
        keys = _context_keys(history[:, model.order - k:], model.vocabulary_size)
        j, seen = _lookup(table.context_keys, keys)
        count = table.counts[j]
        weight = np.where(seen, count / (count + table.types[j]), 0.0)
        g, pair = _lookup(table.ngram_keys, keys * model.vocabulary_size + tokens)
        maximum_likelihood = np.where(pair & seen, table.ngram_counts[g], 0) / count
        p = weight * maximum_likelihood + (1.0 - weight) * p
    return p


def stream_histories(model: Model, ids) -> np.ndarray:
    """The (len(ids), order - 1) histories of every token of a stream (paragraph marks before it)."""
    ids = ids_array(ids, "ids", fitted(model).vocabulary_size)
    padded = np.concatenate([np.zeros(model.order - 1, dtype=np.int64), ids])
    return np.stack([padded[j: j + ids.size] for j in range(model.order - 1)], axis=1) \
        if model.order > 1 else np.zeros((ids.size, 0), dtype=np.int64)


def perplexity(model: Model, ids, floor: float = 1e-4) -> float:
    """exp(-mean log q(w_i | h_i)) over the stream ``ids``, with q = (1 - eps) p + eps / V.

    The floor ``eps`` (``floor``) gives every token of the vocabulary of size V a little
    probability, so that a word the model has lost costs log(V / eps) nats instead of
    making the perplexity infinite (a fixed-vocabulary network never assigns exactly 0).
    """
    floor = validation.probability(floor, "floor")
    if floor == 0.0:
        raise ValueError("floor must be strictly positive: a lost word would make the perplexity infinite.")
    ids = ids_array(ids, "ids", fitted(model).vocabulary_size)
    p = probability(model, stream_histories(model, ids), ids)
    q = (1.0 - floor) * p + floor / model.vocabulary_size
    return float(np.exp(-np.mean(np.log(q))))


# --- sampling -------------------------------------------------------------------------------


def candidates(model: Model, temperature: float = 1.0, top_k: int | None = None) -> tuple:
    """Decoding tables (one :class:`Candidates` per order) for temperature T and top-k."""
    model = fitted(model)
    temperature = validation.positive_real(temperature, "temperature")
    top_k = None if top_k is None else validation.integer(top_k, "top_k", minimum=1)
    result = []
    size = model.vocabulary_size
    for k, table in enumerate(model.tables, start=1):
        contexts = table.ngram_keys // size
        tokens = table.ngram_keys % size
        digits = np.stack([(contexts // size ** (k - 2 - j)) % size for j in range(k - 1)], axis=1) \
            if k > 1 else np.zeros((tokens.size, 0), dtype=np.int64)
        history = np.concatenate([np.zeros((tokens.size, model.order - k), dtype=np.int64), digits], axis=1)
        log_p = np.log(probability(model, history, tokens, up_to=k))
        rank = np.lexsort((-log_p, contexts))  # grouped by context (same order as context_keys), most probable first
        tokens, log_p, contexts = tokens[rank], log_p[rank], contexts[rank]
        starts = np.concatenate([[0], np.cumsum(table.types)[:-1]])
        position = np.arange(tokens.size) - np.repeat(starts, table.types)
        sizes = table.types if top_k is None else np.minimum(table.types, top_k)
        weights = np.where(position < np.repeat(sizes, table.types),
                           np.exp((log_p - np.repeat(log_p[starts], table.types)) / temperature), 0.0)
        result.append(Candidates(starts, sizes, tokens, np.cumsum(weights)))
    return tuple(result)


def _rows(table: Table, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each context key in ``table`` (clipped to a valid row) and whether the context was seen."""
    if table.dense is not None:
        rows = table.dense[keys]
        return np.maximum(rows, 0), rows >= 0
    return _hash_lookup(table.context_keys, table.slots, keys)


def _draw_model(model: Model, history: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token per row from p(. | history): the mixture, one order at a time.

    One uniform u per row does everything: at an order whose context was seen, u < lambda_h
    chooses this order and u / lambda_h (uniform on [0, 1) given that) picks the position in the
    context's block; otherwise (u - lambda_h) / (1 - lambda_h) is a fresh uniform for the next order.
    """
    n = history.shape[0]
    result = np.zeros(n, dtype=np.int64)
    rows = None  # None: every row is still open (plain slices, no gathering)
    u = rng.random(n)
    for k in range(model.order, 1, -1):
        table = model.tables[k - 1]
        context = history[:, model.order - k:] if rows is None else history[rows, model.order - k:]
        j, seen = _rows(table, _context_keys(context, model.vocabulary_size))
        weight = np.where(seen, table.weights[j], 0.0)
        chosen = u < weight
        count = table.counts[j[chosen]]
        offset = np.minimum((u[chosen] / weight[chosen] * count).astype(np.int64), count - 1)
        tokens = table.following[table.starts[j[chosen]] + offset]
        if rows is None:
            result[chosen] = tokens
            rows = np.flatnonzero(~chosen)
        else:
            result[rows[chosen]] = tokens
            rows = rows[~chosen]
        rest = ~chosen
        u = (u[rest] - weight[rest]) / (1.0 - weight[rest])
        if rows.size == 0:
            return result
    unigram = model.tables[0]  # one context, lambda = 1: a uniform position in the whole stream
    positions = np.minimum((u * unigram.counts[0]).astype(np.int64), unigram.counts[0] - 1)
    if rows is None:
        return unigram.following[positions]
    result[rows] = unigram.following[positions]
    return result


def _draw_decoded(model: Model, tables: tuple, history: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token per row from the candidates of the longest known context (see the module doc)."""
    n = history.shape[0]
    result = np.zeros(n, dtype=np.int64)
    open_rows = np.ones(n, dtype=bool)
    u = rng.random(n)
    for k in range(model.order, 0, -1):
        table, decoded = model.tables[k - 1], tables[k - 1]
        j, seen = _rows(table, _context_keys(history[:, model.order - k:], model.vocabulary_size))
        chosen = open_rows & seen
        low = decoded.starts[j]
        high = low + decoded.sizes[j] - 1
        base = np.where(low > 0, decoded.cumulative[np.maximum(low - 1, 0)], 0.0)
        target = base + u * (decoded.cumulative[high] - base)
        position = np.clip(np.searchsorted(decoded.cumulative, target, side="right"), low, high)
        result[chosen] = decoded.tokens[position[chosen]]
        open_rows &= ~chosen
    return result


def sample(model: Model, n_sequences: int, length: int, rng=0, contexts=None, temperature: float = 1.0,
           top_k: int | None = None, candidates_only: bool = False) -> np.ndarray:
    """Sample ``n_sequences`` sequences of ``length`` tokens at once, shape (n_sequences, length).

    ``contexts`` (n_sequences, order - 1) start each sequence (default: paragraph marks).
    With ``temperature == 1``, ``top_k is None`` and ``candidates_only`` false the law is the
    model's p(w | h) exactly; otherwise tokens are decoded from the candidates (module doc):
    at ``temperature == 1`` without top-k, p(w | h) restricted to the tokens seen after the
    longest known context and renormalised.
    """
    model = fitted(model)
    n_sequences = validation.integer(n_sequences, "n_sequences", minimum=1)
    length = validation.integer(length, "length", minimum=1)
    rng = validation.generator(rng)
    history = np.zeros((n_sequences, model.order - 1), dtype=np.int64) if contexts is None \
        else _history(model, contexts).copy()
    if history.shape[0] != n_sequences:
        raise ValueError(f"contexts must have one row per sequence ({n_sequences}), got {history.shape[0]}.")
    temperature = validation.positive_real(temperature, "temperature")
    if not isinstance(candidates_only, (bool, np.bool_)):
        raise ValueError(f"candidates_only must be True or False, got {candidates_only!r}.")
    decode = bool(candidates_only) or temperature != 1.0 or top_k is not None
    tables = candidates(model, temperature, top_k) if decode else None
    out = np.empty((length, n_sequences), dtype=np.int64)  # one contiguous row per step
    for step in range(length):
        tokens = _draw_decoded(model, tables, history, rng) if decode else _draw_model(model, history, rng)
        out[step] = tokens
        if model.order > 1:
            history[:, :-1] = history[:, 1:]
            history[:, -1] = tokens
    return np.ascontiguousarray(out.T)


def sample_loop(model: Model, length: int, rng=0, context=None) -> list[int]:
    """The same law as :func:`sample` (T = 1, no top-k), one token at a time in plain Python.

    The reference the vectorised sampler is benchmarked and tested against.
    """
    model = fitted(model)
    length = validation.integer(length, "length", minimum=1)
    rng = validation.generator(rng)
    size = model.vocabulary_size
    tables = [(t.context_keys.tolist(), t.starts.tolist(), t.counts.tolist(), t.types.tolist(), t.following)
              for t in model.tables]
    if context is not None and (np.ndim(context) != 1 or (np.size(context) and not np.issubdtype(
            np.asarray(context).dtype, np.integer))):
        raise ValueError(f"context must be a sequence of {model.order - 1} integer token ids, got {context!r}.")
    history = [0] * (model.order - 1) if context is None else [int(t) for t in context]
    if len(history) != model.order - 1:
        raise ValueError(f"context must hold {model.order - 1} token ids, got {len(history)}.")
    out = []
    for _ in range(length):
        token = None
        for k in range(model.order, 0, -1):
            keys, starts, counts, types, following = tables[k - 1]
            key = 0
            for t in history[model.order - k:]:
                key = key * size + t
            j = bisect.bisect_left(keys, key)
            if j == len(keys) or keys[j] != key:
                continue
            weight = counts[j] / (counts[j] + types[j]) if k > 1 else 1.0
            if rng.random() < weight:
                token = int(following[starts[j] + math.floor(rng.random() * counts[j])])
                break
        out.append(token)
        if model.order > 1:
            history = history[1:] + [token]
    return out


def paragraph_contexts(ids, order: int, n: int, rng) -> np.ndarray:
    """``n`` random paragraph starts of the stream ``ids``: the (n, order - 1) tokens before them."""
    order = _order(order)
    ids = ids_array(ids)
    rng = validation.generator(rng)
    padded = np.concatenate([np.zeros(order - 1, dtype=np.int64), ids])
    starts = np.flatnonzero(padded[order - 1:-1] == 0) + order  # positions in padded after a mark
    starts = np.concatenate([[order - 1], starts])
    chosen = rng.choice(starts, size=validation.integer(n, "n", minimum=1))
    return np.stack([padded[chosen - order + 1 + j] for j in range(order - 1)], axis=1) \
        if order > 1 else np.zeros((chosen.size, 0), dtype=np.int64)

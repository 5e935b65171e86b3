"""Lexical diversity of a text, and the generational experiment on real text.

Chapter: *The decline of lexical diversity, on real text*. A text is a stream of token
ids (:mod:`collapse_lib.corpus`); every metric ignores the paragraph marks (id 0).

Metrics, for a stream of M tokens in which word w occurs #(w) times (the chapter's symbols):

- word types: the number of distinct tokens, the number of w with #(w) > 0 (punctuation marks
  are tokens, so they count as types too);
- distinct-n (distinct-j in the chapter): distinct j-grams / total j-grams (M - j + 1);
- MATTR (moving-average type-token ratio): the mean over every window of M_win consecutive
  tokens (``window``) of (types in the window) / M_win; unlike types / M it does not fall with M;
- unigram entropy: H = -sum_w (#(w) / M) log2 (#(w) / M), in bits;
- rank-frequency: the counts sorted in decreasing order (the Zipf plot);
- self-BLEU: the mean BLEU of each of a set of segments against all the others, with
  nltk's ``sentence_bleu`` (uniform weights up to 4-grams, smoothing method 1).

Only self-BLEU comes from a library (nltk): the others are one or two numpy lines each,
over integer ids, and no maintained library computes MATTR or distinct-n on id arrays
(nltk's ``ngrams`` gives the n-grams, which the tests use as the reference).

Closed forms for one resampling of a text of M tokens, M' i.i.d. draws from its frequencies
p_w: a word survives with probability 1 - (1 - p_w)^M', so the expected number of surviving
types is sum_w [1 - (1 - p_w)^M']; a hapax (#(w) = 1, p_w = 1/M) is lost with probability
(1 - 1/M)^M' -> e^(-1) when M' = M. Sympy twins in :mod:`collapse_lib.lexical_symbolic`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import corpus, discrete, ngram, validation
from .corpus import ids_array

STRATEGIES = ("replace", "mix", "accumulate")
"""How each generation's training text is built (chapter *Replace, mix or accumulate*)."""


# --- metrics --------------------------------------------------------------------------------


def counts(ids) -> np.ndarray:
    """The token counts of a stream (paragraph marks dropped), in decreasing order: the rank-frequency curve."""
    words = corpus.words_only(ids)
    if words.size == 0:
        raise ValueError("the stream holds no token other than paragraph marks.")
    return np.sort(np.bincount(words)[1:])[::-1].copy()


def types(ids) -> int:
    """The number of distinct tokens (word types) of a stream, paragraph marks excluded."""
    return int(np.count_nonzero(np.bincount(corpus.words_only(ids))[1:]))


def distinct_n(ids, n: int) -> float:
    """Distinct-n: the number of distinct n-grams over the number of n-grams, M - n + 1 (M tokens)."""
    n = validation.integer(n, "n", minimum=1, maximum=ngram.MAX_ORDER)
    words = corpus.words_only(ids)
    if words.size < n:
        raise ValueError(f"the stream must hold at least n = {n} tokens, got {words.size}.")
    size = int(words.max()) + 1
    keys = np.zeros(words.size - n + 1, dtype=np.int64)
    for j in range(n):
        keys = keys * size + words[j: words.size - n + 1 + j]
    return np.unique(keys).size / keys.size


def mattr(ids, window: int = 500) -> float:
    """Moving-average type-token ratio over all windows of ``window`` consecutive tokens.

    A token at position i is new in the window starting at s exactly when its previous
    occurrence is before s; counting, for each i, the windows s in (previous(i), i] with
    s > i - window gives every window's number of types in O(M) for M tokens (a difference array).
    """
    words = corpus.words_only(ids)
    window = validation.integer(window, "window", minimum=1)
    if words.size < window:
        raise ValueError(f"the stream must hold at least window = {window} tokens, got {words.size}.")
    order = np.argsort(words.astype(np.uint16) if words.max() < 2**16 else words, kind="stable")  # radix sort
    previous = np.full(words.size, -1, dtype=np.int64)
    same = words[order][1:] == words[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    positions = np.arange(words.size)
    low = np.maximum(previous + 1, positions - window + 1)
    windows = words.size - window + 1
    difference = np.zeros(words.size + 1, dtype=np.int64)
    np.add.at(difference, low, 1)
    np.add.at(difference, positions + 1, -1)
    per_window = np.cumsum(difference)[:windows]
    return float(per_window.mean() / window)


def entropy(ids) -> float:
    """Unigram entropy in bits, H = -sum_w (#(w) / M) log2 (#(w) / M), for M tokens."""
    c = counts(ids)
    c = c[c > 0]
    p = c / c.sum()
    return float(-(p * np.log2(p)).sum())


def segments(ids, length: int, number: int, rng) -> list[list[int]]:
    """``number`` non-overlapping segments of ``length`` consecutive tokens (marks dropped), at random."""
    words = corpus.words_only(ids)
    length = validation.integer(length, "length", minimum=1)
    number = validation.integer(number, "number", minimum=2)
    blocks = words.size // length
    if blocks < number:
        raise ValueError(f"the stream holds only {blocks} segments of {length} tokens, {number} asked.")
    chosen = validation.generator(rng).choice(blocks, size=number, replace=False)
    return [words[b * length:(b + 1) * length].tolist() for b in np.sort(chosen)]


def self_bleu(pieces: list, max_n: int = 4) -> float:
    """Self-BLEU: mean over segments of nltk's BLEU of the segment against all the others.

    Uniform weights over 1- to ``max_n``-grams and Chen and Cherry's smoothing method 1,
    as in the Texygen benchmark. 1 means every segment is made of the others' n-grams.
    """
    return float(np.mean(self_bleu_scores(pieces, max_n)))


def self_bleu_scores(pieces: list, max_n: int = 4) -> np.ndarray:
    """The BLEU of each segment against all the others (their mean is :func:`self_bleu`).

    The scores are not independent (each segment is every other's reference), so their
    standard deviation over sqrt(number) understates the spread of self-BLEU, by a factor of
    about 2 on the real text; :func:`self_bleu_with_error` measures that spread instead.
    """
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu

    max_n = validation.integer(max_n, "max_n", minimum=1, maximum=4)
    if not isinstance(pieces, (list, tuple)) or len(pieces) < 2 or any(len(p) == 0 for p in pieces):
        raise ValueError("pieces must be a list of at least two non-empty token sequences.")
    weights = (1.0 / max_n,) * max_n
    smoothing = SmoothingFunction().method1
    return np.array([sentence_bleu(pieces[:i] + pieces[i + 1:], piece, weights, smoothing)
                     for i, piece in enumerate(pieces)])


def self_bleu_with_error(ids, length: int, number: int, repeats: int, rng) -> tuple[float, float]:
    """Self-BLEU of ``ids`` and its standard error, from ``repeats`` independent draws of
    ``number`` segments of ``length`` tokens: the mean of the ``repeats`` self-BLEU values and
    their standard deviation over sqrt(``repeats``)."""
    repeats = validation.integer(repeats, "repeats", minimum=2)
    rng = validation.generator(rng)
    values = np.array([self_bleu(segments(ids, length, number, rng)) for _ in range(repeats)])
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(repeats))


# --- closed forms for one resampling ---------------------------------------------------------


def _frequencies(token_counts) -> np.ndarray:
    c = validation.finite_array(token_counts, "counts")
    if c.ndim != 1 or c.size == 0 or np.any(c < 0) or np.any(c != np.round(c)) or c.sum() == 0:
        raise ValueError("counts must be a non-empty 1D array of non-negative whole numbers, not all zero.")
    return c[c > 0] / c.sum()


def surviving_types(token_counts, draws: int) -> float:
    """E[types after M' = ``draws`` i.i.d. draws from the frequencies p_w = #(w) / M] = sum_w 1 - (1 - p_w)^M'.

    The formula of the chapter *Discrete distributions*
    (:func:`collapse_lib.discrete.expected_survivors_one_generation`), with the words as categories.
    """
    p = _frequencies(token_counts)
    draws = validation.integer(draws, "draws", minimum=1)
    return float(discrete.survival_one_generation(p, draws).sum())


def surviving_types_variance(token_counts, draws: int) -> float:
    """Var[types after M' draws]: sum_w a_w (1 - a_w) + sum_{w != v} [(1 - p_w - p_v)^M' - a_w a_v],
    a_w = (1 - p_w)^M' the probability that w is lost (``q`` below); summed over frequency classes."""
    p = _frequencies(token_counts)
    draws = validation.integer(draws, "draws", minimum=1)
    values, multiplicity = np.unique(p, return_counts=True)
    q = 1.0 - discrete.survival_one_generation(values, draws)
    pair = values[:, None] + values[None, :]
    both = np.where(pair < 1, np.exp(draws * np.log1p(-np.where(pair < 1, pair, 0.0))), 0.0)
    covariance = both - q[:, None] * q[None, :]
    m = multiplicity.astype(float)
    pairs = m[:, None] * m[None, :] - np.diag(m)  # ordered pairs w != v between classes
    return float(np.sum(m * q * (1 - q)) + np.sum(pairs * covariance))


def loss_probability(count: int, total: int, draws: int) -> float:
    """P(a word seen ``count`` times among ``total`` tokens is absent from ``draws`` draws) = (1 - r/M)^M'
    (r = ``count``, M = ``total``, M' = ``draws``)."""
    count = validation.integer(count, "count", minimum=1)
    total = validation.integer(total, "total", minimum=count)
    draws = validation.integer(draws, "draws", minimum=1)
    return float(1.0 - discrete.survival_one_generation(count / total, draws))


def resample(ids, draws: int, rng) -> np.ndarray:
    """``draws`` tokens drawn i.i.d. from the frequencies of ``ids`` (a bootstrap of the tokens)."""
    ids = ids_array(ids)
    draws = validation.integer(draws, "draws", minimum=1)
    return ids[validation.generator(rng).integers(0, ids.size, size=draws)]


# --- the generational experiment --------------------------------------------------------------


class Measures(NamedTuple):
    """The metrics of one text and one model (one generation)."""

    types: int
    distinct: tuple       # distinct-1, distinct-2, distinct-3
    mattr: float
    entropy: float
    perplexity: float     # of the generation's model on the held-out real text
    hapaxes: int          # types seen exactly once
    self_bleu: float | None
    self_bleu_se: float | None   # its standard error, over independent draws of the segments


class History(NamedTuple):
    """The experiment, generation by generation (row n is generation n; row 0 the real text)."""

    generation: np.ndarray
    types: np.ndarray
    distinct: np.ndarray      # shape (n + 1, 3)
    mattr: np.ndarray
    entropy: np.ndarray
    perplexity: np.ndarray
    hapaxes: np.ndarray
    self_bleu: np.ndarray | None
    rank_counts: tuple        # counts(text_n), one array per generation
    texts: tuple              # the token streams 𝒯_0 (real training text), 𝒯_1, ...
    self_bleu_se: np.ndarray | None = None   # standard error of each self-BLEU (over independent segment draws)


def measure(text, model: ngram.Model, held_out, rng, window: int = 500, bleu_segments: int = 0,
            bleu_length: int = 20, bleu_repeats: int = 5) -> Measures:
    """Every metric of ``text`` and the perplexity of ``model`` on ``held_out``.

    Self-BLEU (and its standard error, from ``bleu_repeats`` independent draws of
    ``bleu_segments`` segments) is computed only when ``bleu_segments`` > 0 (it is the slow
    one); ``rng`` draws only its segments.
    """
    model, rng = ngram.fitted(model), validation.generator(rng)
    bleu_segments = validation.integer(bleu_segments, "bleu_segments", minimum=0)
    c = counts(text)
    bleu = bleu_se = None
    if bleu_segments:
        bleu, bleu_se = self_bleu_with_error(text, bleu_length, bleu_segments, bleu_repeats, rng)
    return Measures(int(np.count_nonzero(c)), tuple(distinct_n(text, n) for n in (1, 2, 3)), mattr(text, window),
                    entropy(text), ngram.perplexity(model, held_out), int(np.sum(c == 1)), bleu, bleu_se)


def synthetic_text(model: ngram.Model, train, size: int, rng, n_sequences: int = 1000, temperature: float = 1.0,
                   top_k: int | None = None, candidates_only: bool = False) -> np.ndarray:
    """A text of about ``size`` tokens from ``model``: ``n_sequences`` sequences started at random
    paragraph starts of its training text ``train``, each closed by a paragraph mark.
    ``temperature``, ``top_k`` and ``candidates_only`` as in :func:`collapse_lib.ngram.sample`."""
    model = ngram.fitted(model)
    n_sequences = validation.integer(n_sequences, "n_sequences", minimum=1)
    size = validation.integer(size, "size", minimum=1)
    length = max(size // n_sequences - 1, 1)
    contexts = ngram.paragraph_contexts(train, model.order, n_sequences, rng)
    tokens = ngram.sample(model, n_sequences, length, rng, contexts, temperature, top_k, candidates_only)
    return np.concatenate([tokens, np.zeros((n_sequences, 1), dtype=np.int64)], axis=1).ravel()


def _real_block(real: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` consecutive real tokens from a random start (cyclically), closed by a paragraph mark."""
    start = rng.integers(real.size)
    block = np.take(real, np.arange(start, start + size), mode="wrap")
    return np.concatenate([block, [0]])


def run(data: corpus.Corpus, order: int = 2, generations: int = 10, strategy: str = "replace",
        fraction: float = 0.1, temperature: float = 1.0, top_k: int | None = None, n_sequences: int = 1000,
        rng=0, bleu_segments: int = 0, candidates_only: bool = False) -> History:
    """The generational experiment on real text.

    Generation 0 is the real training text 𝒯_0 (M tokens) and the model P_1 fitted on it. Generation
    n >= 1 samples a text 𝒯_n of the same size from P_n and fits P_(n+1) on

    - ``"replace"``: 𝒯_n;
    - ``"mix"``: K = round(f M) consecutive tokens of the real training text 𝒯_0, a block
      drawn anew at a random start every generation (no new real text: the same 𝒯_0), and
      the first M - K tokens of 𝒯_n;
    - ``"accumulate"``: 𝒯_0, 𝒯_1, ..., 𝒯_n (the training text grows by M per generation).

    Row n: the diversity metrics of 𝒯_n and the perplexity of P_(n+1) on the held-out text.
    Decoding (``temperature``, ``top_k``, ``candidates_only``) as in :func:`collapse_lib.ngram.sample`.
    Self-BLEU's segments come from a generator of their own (spawned from ``rng``), so asking
    for self-BLEU does not change any other number of the run.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    if not isinstance(data, corpus.Corpus):
        raise ValueError(f"data must be a corpus.Corpus (from collapse_lib.corpus.load), got {type(data).__name__}.")
    order = validation.integer(order, "order", minimum=1, maximum=ngram.MAX_ORDER)
    generations = validation.generations(generations)
    fraction = validation.probability(fraction, "fraction")
    temperature = validation.positive_real(temperature, "temperature")
    top_k = None if top_k is None else validation.integer(top_k, "top_k", minimum=1)
    n_sequences = validation.integer(n_sequences, "n_sequences", minimum=1)
    bleu_segments = validation.integer(bleu_segments, "bleu_segments", minimum=0)
    rng = validation.generator(rng)
    bleu_rng = rng.spawn(1)[0]  # a stream of its own: the experiment's draws do not depend on bleu_segments
    real, held_out, size = data.train, data.held_out, len(data.vocabulary)
    n_real = real.size
    texts, rows = [real], []
    training = real
    model = ngram.fit(training, order, size)
    rows.append(measure(real, model, held_out, bleu_rng, bleu_segments=bleu_segments))
    for _ in range(generations):
        text = synthetic_text(model, training, n_real, rng, n_sequences, temperature, top_k, candidates_only)
        if strategy == "replace":
            training = text
        elif strategy == "mix":
            k = int(np.floor(fraction * n_real + 0.5))
            synthetic = text[: n_real - k]
            training = np.concatenate([_real_block(real, k, rng), synthetic]) if k else synthetic
        else:
            training = np.concatenate([training, text])
        model = ngram.fit(training, order, size)
        texts.append(text)
        rows.append(measure(text, model, held_out, bleu_rng, bleu_segments=bleu_segments))
    bleu = np.array([r.self_bleu for r in rows]) if bleu_segments else None
    bleu_se = np.array([r.self_bleu_se for r in rows]) if bleu_segments else None
    return History(np.arange(generations + 1), np.array([r.types for r in rows]),
                   np.array([r.distinct for r in rows]), np.array([r.mattr for r in rows]),
                   np.array([r.entropy for r in rows]), np.array([r.perplexity for r in rows]),
                   np.array([r.hapaxes for r in rows]), bleu, tuple(counts(t) for t in texts), tuple(texts),
                   bleu_se)


def perplexity_rise_split(before: ngram.Model, after: ngram.Model, held_out, floor: float = 1e-4) -> tuple:
    """The rise of the log-perplexity on ``held_out`` from model ``before`` to model ``after``, split.

    Returns ``(total, lost)`` in nats per held-out token: ``total`` is
    log perplexity(after) - log perplexity(before) = (1/M_out) sum_i [log q_before(w_i) - log q_after(w_i)]
    (q the floored probabilities of :func:`collapse_lib.ngram.perplexity`, M_out tokens), and
    ``lost`` the part of that sum over the held-out tokens whose word ``after`` has lost (unigram
    probability 0 under ``after``, positive under ``before``). ``lost / total`` is the share of the
    rise due to lost words; the rest comes from the words that survive but are predicted worse.
    """
    before, after = ngram.fitted(before), ngram.fitted(after)
    if before.vocabulary_size != after.vocabulary_size:
        raise ValueError("before and after must share one vocabulary (the same vocabulary_size).")
    floor = validation.probability(floor, "floor")
    if floor == 0.0:
        raise ValueError("floor must be strictly positive: a lost word would make the perplexity infinite.")
    ids = ids_array(held_out, "held_out", after.vocabulary_size)

    def log_q(model):
        p = ngram.probability(model, ngram.stream_histories(model, ids), ids)
        return np.log((1.0 - floor) * p + floor / model.vocabulary_size)

    def unigram(model):
        return ngram.probability(model, ngram.stream_histories(model, ids), ids, up_to=1)

    difference = log_q(before) - log_q(after)
    lost = (unigram(after) == 0) & (unigram(before) > 0)
    return float(difference.mean()), float(difference[lost].sum() / ids.size)

"""The real corpus of the chapter *The decline of lexical diversity*: loading, tokens, held-out split.

The book ships Jane Austen's six novels in ``data/austen/`` (one paragraph per line;
provenance and licence in ``data/austen/README.md``). A text becomes tokens in three
steps a reader can redo by hand:

1. lower-case everything and drop the underscores that mark italics (``_You_`` -> ``you``);
2. a *word* is a run of letters or digits, possibly with inner apostrophes (``don't``);
3. every punctuation mark ``. , ; : ! ? " ' ( ) -`` is a token of its own (``--`` is one token).

Each paragraph ends with the paragraph mark :data:`PARAGRAPH` (token id 0), so that a
corpus is one flat stream of integer ids. Every tenth paragraph (those with index
9, 19, 29, ...) is held out for evaluation, so both parts run through the whole novel.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import validation

DATA = Path(__file__).resolve().parent.parent / "data" / "austen"
"""The directory of the shipped novels."""

NOVELS = ("sense_and_sensibility", "pride_and_prejudice", "mansfield_park", "emma", "northanger_abbey",
          "persuasion")
"""The six novels, in publication order (file ``data/austen/<name>.txt``)."""

PARAGRAPH = "<p>"
"""The paragraph mark: ends every paragraph; id 0 in every vocabulary."""

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|--|[.,;:!?\"'()\-]")
"""A word (letters/digits, inner apostrophes allowed), ``--``, or one punctuation mark."""


class Corpus(NamedTuple):
    """A tokenised text split into a training and a held-out stream of ids (both end with 0)."""

    train: np.ndarray       # int64 ids, paragraphs each followed by 0
    held_out: np.ndarray    # int64 ids, every tenth paragraph
    vocabulary: tuple       # id -> token; vocabulary[0] is PARAGRAPH


def read_paragraphs(name: str) -> list[str]:
    """The paragraphs of the shipped novel ``name`` (one of :data:`NOVELS`)."""
    if name not in NOVELS:
        raise ValueError(f"name must be one of {NOVELS}, got {name!r}.")
    return (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def tokenize(text: str) -> list[str]:
    """Tokens of one paragraph: lower-case words and single punctuation marks (see the module doc).

    >>> tokenize("\\"_You_ want to tell me,\\" she said--")
    ['"', 'you', 'want', 'to', 'tell', 'me', ',', '"', 'she', 'said', '--']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}.")
    return TOKEN.findall(text.lower().replace("_", ""))


def load(names=("pride_and_prejudice",), held_out_every: int = 10) -> Corpus:
    """Tokenise the novels ``names`` and hold out every ``held_out_every``-th paragraph.

    The vocabulary is every token of the training and held-out parts, ordered by
    decreasing training frequency (ties by first appearance), after the paragraph mark.
    """
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"names must be a novel's name or a non-empty sequence of them (from {NOVELS}), "
                         f"got {names!r}.")
    held_out_every = validation.integer(held_out_every, "held_out_every", minimum=2)
    paragraphs = [tokenize(p) for name in names for p in read_paragraphs(name)]
    paragraphs = [p for p in paragraphs if p]
    train = [p for i, p in enumerate(paragraphs) if i % held_out_every != held_out_every - 1]
    held = [p for i, p in enumerate(paragraphs) if i % held_out_every == held_out_every - 1]
    counts: dict[str, int] = {}
    for paragraph in train + held:
        for token in paragraph:
            counts.setdefault(token, 0)
    for paragraph in train:
        for token in paragraph:
            counts[token] += 1
    order = sorted(counts, key=lambda token: -counts[token])  # stable: ties keep first appearance
    vocabulary = (PARAGRAPH, *order)
    index = {token: i for i, token in enumerate(vocabulary)}
    return Corpus(_stream(train, index), _stream(held, index), vocabulary)


def _stream(paragraphs: list[list[str]], index: dict) -> np.ndarray:
    ids = []
    for paragraph in paragraphs:
        ids.extend(index[token] for token in paragraph)
        ids.append(0)
    return np.asarray(ids, dtype=np.int64)


def ids_array(ids, name: str = "ids", vocabulary_size: int | None = None) -> np.ndarray:
    """Return ``ids`` as a 1D int64 array of token ids in [0, vocabulary_size)."""
    if vocabulary_size is not None:
        vocabulary_size = validation.integer(vocabulary_size, "vocabulary_size", minimum=1)
    array = np.asarray(ids)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D sequence of token ids, got shape {array.shape}.")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integer token ids, got dtype {array.dtype}.")
    if array.min() < 0 or (vocabulary_size is not None and array.max() >= vocabulary_size):
        raise ValueError(f"{name} must hold ids in [0, {vocabulary_size}), got range "
                         f"[{array.min()}, {array.max()}].")
    return array.astype(np.int64, copy=False)


def words_only(ids) -> np.ndarray:
    """The stream without paragraph marks: what the diversity metrics count."""
    ids = ids_array(ids)
    return ids[ids != 0]


def decode(ids, vocabulary) -> str:
    """Readable text from ids: tokens joined by spaces, one paragraph per line."""
    if not isinstance(vocabulary, (list, tuple)) or not vocabulary or not all(
            isinstance(token, str) for token in vocabulary):
        raise ValueError(f"vocabulary must be a non-empty sequence of tokens (id -> token, as Corpus.vocabulary), "
                         f"got {vocabulary!r}.")
    ids = ids_array(ids, vocabulary_size=len(vocabulary))
    return " ".join(vocabulary[i] for i in ids).replace(f" {PARAGRAPH} ", "\n").replace(PARAGRAPH, "").strip()

"""One switch that re-seeds every statistical test: ``COLLAPSE_TEST_SEED_OFFSET``.

Every statistical test draws its random numbers through :func:`rng`, with a key
that is fixed in the test (``rng(17)``). With the variable unset or ``0`` the key is
the seed itself, so CI always sees the same numbers. With an offset ``s > 0`` the
stream becomes ``SeedSequence([key, s])``: an independent stream for every
``(key, s)``, so that

    COLLAPSE_TEST_SEED_OFFSET=7 python3 tools/book.py test -m statistical

re-runs every statistical test under fresh randomness. A test that is honest (its
tolerance follows from the spread of its statistic) passes for any offset but
with a tiny, stated probability.
"""

from __future__ import annotations

import os

import numpy as np

VARIABLE = "COLLAPSE_TEST_SEED_OFFSET"


def offset() -> int:
    """The seed offset in force (0 unless ``COLLAPSE_TEST_SEED_OFFSET`` says otherwise)."""
    text = os.environ.get(VARIABLE, "0").strip() or "0"
    try:
        value = int(text)
    except ValueError as error:
        raise ValueError(f"{VARIABLE} must be a non-negative integer, got {text!r}.") from error
    if value < 0:
        raise ValueError(f"{VARIABLE} must be a non-negative integer, got {value}.")
    return value


def rng(key: int) -> np.random.Generator:
    """The random generator of a test: seed ``key`` at offset 0, else ``SeedSequence([key, offset])``."""
    shift = offset()
    if shift == 0:
        return np.random.default_rng(key)
    return np.random.default_rng(np.random.SeedSequence([key, shift]))

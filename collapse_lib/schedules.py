"""Sample-size schedules (M_0, M_1, ..., M_{n-1}) for recursive fitting.

Generation i draws M_i points from model i and fits model i + 1 to them.
Chapter: *The 1D Gaussian model*, section on schedules.
"""

from __future__ import annotations

import numpy as np

from . import validation

KINDS = ("constant", "linear", "quadratic", "cubic")
"""Named schedules: M_i = M_0 (i + 1)^p with p = 0, 1, 2, 3."""


def constant(size: int, generations: int) -> np.ndarray:
    """M_i = M for i = 0, ..., n - 1."""
    size = validation.integer(size, "size", minimum=2)
    generations = validation.generations(generations, minimum=0)
    return np.full(generations, size, dtype=np.int64)


def power(size: int, generations: int, exponent: float) -> np.ndarray:
    """M_i = ceil(M_0 (i + 1)^p): p = 0 constant, 1 linear, 2 quadratic growth.

    The sum of 1/M_i converges (bounded Wasserstein distance, see the chapter)
    exactly when p > 1.
    """
    size = validation.integer(size, "size", minimum=2)
    generations = validation.generations(generations, minimum=0)
    exponent = validation.finite_real(exponent, "exponent")
    if exponent < 0:
        raise ValueError(f"exponent must be non-negative (sample sizes may not shrink), got {exponent}.")
    index = np.arange(1, generations + 1, dtype=float)
    sizes = np.ceil(size * index**exponent - 1e-9)
    if np.any(sizes > 2**53):
        raise ValueError("the schedule's sample sizes overflow; use fewer generations or a smaller exponent.")
    return sizes.astype(np.int64)


def named(kind: str, size: int, generations: int) -> np.ndarray:
    """The schedule called ``kind`` (one of :data:`KINDS`) starting at ``size``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    return power(size, generations, KINDS.index(kind))

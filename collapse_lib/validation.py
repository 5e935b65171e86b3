"""Argument checks shared by every module of :mod:`collapse_lib`.

Each check either returns the argument in a normalised form (a numpy array, a
float, a :class:`numpy.random.Generator`) or raises :class:`ValueError` with a
sentence that names the argument, says what was wrong and what is allowed.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

ESTIMATORS = ("unbiased", "mle")
"""Variance estimators: ``"unbiased"`` divides by M - 1, ``"mle"`` (maximum likelihood) by M."""


def finite_real(value, name: str) -> float:
    """Return ``value`` as a float; reject non-numbers, NaN and infinities."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return value


def positive_real(value, name: str) -> float:
    """Return ``value`` as a float; it must be finite and strictly positive."""
    value = finite_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be strictly positive, got {value!r}.")
    return value


def probability(value, name: str) -> float:
    """Return ``value`` as a float in the closed interval [0, 1]."""
    value = finite_real(value, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}.")
    return value


def integer(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int with ``minimum <= value <= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def sample_sizes(sizes, name: str = "sizes", minimum: int = 2) -> np.ndarray:
    """Return a schedule of sample sizes as a 1D int64 array.

    ``sizes`` is a sequence (M_0, ..., M_{n-1}) of whole numbers, each at least
    ``minimum`` (2 by default: a variance needs two points). An empty schedule
    (zero generations) is allowed.
    """
    if isinstance(sizes, (numbers.Number, str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)):
        raise ValueError(
            f"{name} must be a sequence of sample sizes (M_0, ..., M_(n-1)), got {sizes!r}; "
            "use collapse_lib.schedules.constant(M, n) for a constant size."
        )
    array = np.asarray(sizes)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    if array.size and not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}.")
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers, got {array.tolist()}.")
    if array.size and not np.all(array == np.round(array)):
        raise ValueError(f"{name} must hold whole numbers, got {array.tolist()}.")
    if array.size and np.max(np.abs(array)) > 2**53:
        raise ValueError(f"every sample size in {name} must be at most 2**53, got {array.tolist()}.")
    array = array.astype(np.int64)
    if array.size and array.min() < minimum:
        raise ValueError(f"every sample size in {name} must be at least {minimum}, got {int(array.min())}.")
    return array


def estimator(value) -> str:
    """Return the estimator name if it is one of :data:`ESTIMATORS`."""
    if value not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {value!r}.")
    return value


def variance_denominator(sizes: np.ndarray, name: str) -> np.ndarray:
    """Denominator of the variance estimator ``name`` for samples of the given sizes.

    ``"unbiased"``: M - 1; ``"mle"``: M. Takes a size or an array of sizes.
    """
    estimator(name)
    sizes = np.asarray(sizes, dtype=float)
    return sizes - 1.0 if name == "unbiased" else sizes


def generator(rng) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator or an integer seed.

    The global numpy random state is never used: pass a seed (an int) or a Generator.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(f"rng must be a numpy.random.Generator or a non-negative integer seed, got {rng!r}.")


def finite_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a float array; reject NaN and infinities."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {values!r}.") from error
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers only.")
    return array


def positive_array(values, name: str) -> np.ndarray:
    """Return ``values`` as a float array of finite, strictly positive numbers."""
    array = finite_array(values, name)
    if np.any(array <= 0):
        raise ValueError(f"{name} must hold strictly positive numbers only.")
    return array

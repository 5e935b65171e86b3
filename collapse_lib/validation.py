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

MAX_VALUES = 1 << 27
"""Largest number of float64 values (1 GiB) one simulator call may allocate for its result."""

MAX_GENERATIONS = 10**7
"""Largest number of generations any function runs or tabulates."""

MAX_VARIANCE = 1e150
"""Largest variance scale sigma^2: the variance formulas square it, and (1e150)^2 is still finite."""


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


def bounded_real(value, name: str, maximum: float) -> float:
    """Return ``value`` as a float in (0, maximum]: a scale whose powers must stay finite."""
    maximum = _limit(maximum, "maximum")
    value = positive_real(value, name)
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum:g} (its square must stay finite), got {value!r}.")
    return value


def variance_scale(value, name: str = "sigma2") -> float:
    """A variance sigma^2 in (0, :data:`MAX_VARIANCE`]: positive, and small enough to be squared."""
    return bounded_real(value, name, MAX_VARIANCE)


def open_probability(value, name: str) -> float:
    """Return ``value`` as a float strictly between 0 and 1 (a test level, for instance)."""
    value = probability(value, name)
    if value in (0.0, 1.0):
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}.")
    return value


def generations(value, name: str = "generations", minimum: int = 0) -> int:
    """A number of generations, between ``minimum`` and :data:`MAX_GENERATIONS`."""
    return integer(value, name, minimum=minimum, maximum=MAX_GENERATIONS)


def chains(n_chains, rows: int = 1, values_per_chain: int = 1, name: str = "n_chains") -> int:
    """A number of chains whose result, ``rows * n_chains * values_per_chain`` floats, fits in :data:`MAX_VALUES`.

    Checked before anything is allocated, so an absurd request (1e12 chains) is refused
    with a sentence instead of a MemoryError from numpy.
    """
    rows = integer(rows, "rows", minimum=1)
    values_per_chain = integer(values_per_chain, "values_per_chain", minimum=1)
    n_chains = integer(n_chains, name, minimum=1)
    total = int(rows) * n_chains * int(values_per_chain)
    if total > MAX_VALUES:
        raise ValueError(f"{name} = {n_chains} would need {total} values ({rows} rows x {values_per_chain} per chain), "
                         f"more than the limit of {MAX_VALUES} (1 GiB); use fewer chains or generations.")
    return n_chains


def _limit(value, name: str):
    """A bound given to a check: None or a finite real number (a mistake in the caller, not the user)."""
    if value is not None and (isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real)
                              or not np.isfinite(float(value))):
        raise ValueError(f"{name} must be a finite number or None, got {value!r}.")
    return value


def integer(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int with ``minimum <= value <= maximum``."""
    minimum, maximum = _limit(minimum, "minimum"), _limit(maximum, "maximum")
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
    minimum = _limit(minimum, "minimum")
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
    if not isinstance(value, str) or value not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {value!r}.")
    return value


def variance_denominator(sizes: np.ndarray, name: str) -> np.ndarray:
    """Denominator of the variance estimator ``name`` for samples of the given sizes.

    ``"unbiased"``: M - 1; ``"mle"``: M. Takes a size or an array of sizes.
    """
    estimator(name)
    sizes = finite_array(sizes, "sizes")
    if sizes.ndim > 1 or np.any(sizes != np.round(sizes)) or np.any(np.abs(sizes) > 2**53):
        raise ValueError(f"sizes must be a whole number or a one-dimensional array of whole numbers "
                         f"(at most 2**53), got {sizes.tolist()}.")
    smallest = 2 if name == "unbiased" else 1
    if sizes.size and np.min(sizes) < smallest:
        raise ValueError(f"sizes must all be at least {smallest} for the {name!r} estimator "
                         f"(its denominator must be positive), got {np.min(sizes):g}.")
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
    """Return ``values`` as a float array; reject text, booleans, NaN and infinities."""
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError) as error:   # ragged nested sequences
        raise ValueError(f"{name} must be numeric, got {values!r}.") from error
    if raw.dtype.kind in "bUSVMm" or (raw.dtype.kind == "O" and not all(
            isinstance(item, numbers.Real) and not isinstance(item, bool) for item in raw.ravel())):
        raise ValueError(f"{name} must hold real numbers, got {values!r}.")
    try:
        array = np.asarray(raw, dtype=float)
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


# --- arguments of the symbolic (sympy) functions ---------------------------------------
# sympy is imported inside these functions only: importing a numeric module (and every widget)
# must not pay sympy's import (about a second), see tests/test_imports.py.


def _plain_exact(value, name: str):
    """A plain Python/numpy number as an exact sympy number; other values unchanged. Rejects text and bools."""
    import sympy as sp

    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise ValueError(f"{name} must be a number or a sympy expression, got {value!r}.")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, sp.Basic):
        if not np.isfinite(float(value)):
            raise ValueError(f"{name} must be finite, got {value!r}.")
        return sp.nsimplify(float(value), rational=True)
    if not isinstance(value, sp.Basic):
        raise ValueError(f"{name} must be a number or a sympy expression, got {value!r}.")
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{name} must be finite, got {value}.")
    return value


def symbolic_expression(value, name: str):
    """A finite sympy expression (plain numbers made exact, as in :func:`symbolic_real`); no NaN or infinity."""
    return _plain_exact(value, name)


def symbolic_real(value, name: str, minimum=None, maximum=None, strict: bool = False):
    """A sympy real: a symbol or expression (returned as is) or a number, made exact.

    Python ints become ``sp.Integer`` and floats their exact ``sp.Rational`` (0.5 -> 1/2),
    so that symbolic results stay exact. A number must lie in [minimum, maximum]
    (open at ``minimum`` when ``strict``).
    """
    minimum, maximum = _limit(minimum, "minimum"), _limit(maximum, "maximum")
    value = _plain_exact(value, name)
    if value.is_number:
        if value.is_real is False:
            raise ValueError(f"{name} must be real, got {value}.")
        if minimum is not None and (value < minimum or (strict and value == minimum)):
            relation = "greater than" if strict else "at least"
            raise ValueError(f"{name} must be {relation} {minimum}, got {value}.")
        if maximum is not None and value > maximum:
            raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


def symbolic_integer(value, name: str, minimum: int = 1, maximum: int | None = None):
    """A whole number >= ``minimum`` as ``sp.Integer``, or a sympy symbol/expression (returned as is).

    Floats, even whole ones, are refused: a sample size or a count is an integer.
    """
    import sympy as sp

    minimum, maximum = _limit(minimum, "minimum"), _limit(maximum, "maximum")
    if isinstance(value, float) or (isinstance(value, sp.Basic) and value.is_number and not value.is_Integer):
        raise ValueError(f"{name} must be a whole number or a sympy symbol, got {value!r}.")
    value = _plain_exact(value, name)
    if value.is_number:
        if value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value}.")
        if maximum is not None and value > maximum:
            raise ValueError(f"{name} must be at most {maximum}, got {value}.")
    return value


SYMBOLIC_MAX_SIZE = 10_000
"""Largest whole-number sample size the exact sympy forms accept (their Gamma ratios grow with M);
beyond it use the numeric twins in :mod:`collapse_lib.gaussian_laws`."""


def symbolic_sizes(sizes, name: str = "sizes", minimum: int = 2, maximum: int = SYMBOLIC_MAX_SIZE) -> list:
    """A schedule (M_0, ..., M_{n-1}) of symbols or whole numbers in [minimum, maximum], as a list."""
    import sympy as sp

    if isinstance(sizes, (str, bytes, numbers.Number, sp.Basic)) or not isinstance(sizes, (Sequence, np.ndarray)):
        raise ValueError(f"{name} must be a sequence of sample sizes (symbols or whole numbers), got {sizes!r}.")
    if np.ndim(sizes) != 1 and len(sizes):
        raise ValueError(f"{name} must be one-dimensional, got {sizes!r}.")
    return [symbolic_integer(int(size) if isinstance(size, np.integer) else size, f"every entry of {name}",
                             minimum=minimum, maximum=maximum) for size in sizes]

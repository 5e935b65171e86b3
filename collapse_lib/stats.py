"""Monte Carlo summaries with their standard errors.

The book compares each closed form with a simulation; the tolerance of that
comparison is a multiple of the standard error computed here, so that a
check can neither flake nor pass by accident.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import validation


class Estimate(NamedTuple):
    """A Monte Carlo estimate and its standard error."""

    value: np.ndarray
    se: np.ndarray


def mean(samples, axis: int = -1) -> Estimate:
    """Sample mean and its standard error s / sqrt(N) along ``axis``."""
    samples = validation.finite_array(samples, "samples")
    count = samples.shape[axis]
    if count < 2:
        raise ValueError(f"samples needs at least 2 values along axis {axis}, got {count}.")
    return Estimate(samples.mean(axis=axis), samples.std(axis=axis, ddof=1) / np.sqrt(count))


def variance(samples, axis: int = -1) -> Estimate:
    """Unbiased sample variance and its standard error sqrt((m4 - s^4) / N) (delta method)."""
    samples = validation.finite_array(samples, "samples")
    count = samples.shape[axis]
    if count < 4:
        raise ValueError(f"samples needs at least 4 values along axis {axis}, got {count}.")
    centred = samples - samples.mean(axis=axis, keepdims=True)
    value = (centred**2).sum(axis=axis) / (count - 1)
    fourth = (centred**4).mean(axis=axis)
    return Estimate(value, np.sqrt(np.maximum(fourth - value**2, 0.0) / count))


def z_scores(estimate: Estimate, exact) -> np.ndarray:
    """(estimate - exact) / se: how many standard errors separate simulation and theory."""
    exact = validation.finite_array(exact, "exact")
    return (np.asarray(estimate.value) - exact) / np.asarray(estimate.se)

"""Monte Carlo summaries with their standard errors.

The book compares each closed form with a simulation; the tolerance of that
comparison is a multiple of the standard error computed here, so that a
check can neither flake nor pass by accident.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from . import validation


class Estimate(NamedTuple):
    """A Monte Carlo estimate and its standard error."""

    value: np.ndarray
    se: np.ndarray


def _samples(samples, axis, minimum: int) -> tuple[np.ndarray, int, int]:
    """(samples as a finite float array, axis, count along it), with at least ``minimum`` values along ``axis``."""
    samples = validation.finite_array(samples, "samples")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -samples.ndim <= axis < samples.ndim:
        raise ValueError(f"axis must be an integer between {-samples.ndim} and {samples.ndim - 1} "
                         f"for samples of shape {samples.shape}, got {axis!r}.")
    count = samples.shape[axis]
    if count < minimum:
        raise ValueError(f"samples needs at least {minimum} values along axis {axis}, got {count}.")
    return samples, int(axis), count


def mean(samples, axis: int = -1) -> Estimate:
    """Sample mean and its standard error s / sqrt(N) along ``axis``."""
    samples, axis, count = _samples(samples, axis, 2)
    return Estimate(samples.mean(axis=axis), samples.std(axis=axis, ddof=1) / np.sqrt(count))


def variance(samples, axis: int = -1) -> Estimate:
    """Unbiased sample variance and its standard error sqrt((m4 - s^4) / N) (delta method)."""
    samples, axis, count = _samples(samples, axis, 4)
    centred = samples - samples.mean(axis=axis, keepdims=True)
    value = (centred**2).sum(axis=axis) / (count - 1)
    fourth = (centred**4).mean(axis=axis)
    return Estimate(value, np.sqrt(np.maximum(fourth - value**2, 0.0) / count))


def z_scores(estimate: Estimate, exact) -> np.ndarray:
    """(estimate - exact) / se: how many standard errors separate simulation and theory."""
    if not isinstance(estimate, Estimate):
        raise ValueError(f"estimate must be the Estimate returned by stats.mean or stats.variance, got {type(estimate).__name__}.")
    se = validation.finite_array(estimate.se, "estimate.se")
    if np.any(se <= 0):
        raise ValueError("estimate.se must hold strictly positive standard errors only.")
    exact = validation.finite_array(exact, "exact")
    value = np.asarray(estimate.value)
    if np.broadcast_shapes(value.shape, exact.shape, se.shape) != value.shape:
        raise ValueError(f"exact must have the shape of estimate.value {value.shape} (or broadcast to it), "
                         f"got shape {exact.shape}.")
    return (np.asarray(estimate.value) - exact) / np.asarray(estimate.se)

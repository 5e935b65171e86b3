"""The Wasserstein-2 distance between normal laws.

For one-dimensional normals the optimal coupling is monotone, X = m + s Z and
Y = m' + s' Z, so

    W_2(N(m, s^2), N(m', s'^2))^2 = (m - m')^2 + (s - s')^2

(Givens and Shortt, 1984). Chapter: *The 1D Gaussian model*.
"""

from __future__ import annotations

import numpy as np

from . import validation


def w2_squared_normal(mean_a, var_a, mean_b, var_b) -> np.ndarray:
    """Squared Wasserstein-2 distance between N(mean_a, var_a) and N(mean_b, var_b).

    ``(mean_a - mean_b)**2 + (sqrt(var_a) - sqrt(var_b))**2``, elementwise with
    numpy broadcasting. Variances must be non-negative (a zero variance is a
    point mass, which is allowed: it is where collapse ends).
    """
    mean_a = validation.finite_array(mean_a, "mean_a")
    mean_b = validation.finite_array(mean_b, "mean_b")
    var_a = validation.finite_array(var_a, "var_a")
    var_b = validation.finite_array(var_b, "var_b")
    if np.any(var_a < 0) or np.any(var_b < 0):
        raise ValueError("var_a and var_b must be non-negative variances.")
    return (mean_a - mean_b) ** 2 + (np.sqrt(var_a) - np.sqrt(var_b)) ** 2

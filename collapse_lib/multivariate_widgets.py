"""Widget of the chapter *The multivariate Gaussian model*: compute, draw, wire.

:func:`compute_spectrum` simulates the recursion exactly (Bartlett) for a few
hundred chains; :func:`draw_spectrum` shows one chain's eigenvalues, the
log-determinant against its exact drift, and the condition number against its
almost-sure growth rate; :func:`spectrum_widget` wires sliders for d, M, the
number of generations and the initial covariance's shape to them with
:func:`collapse_lib.widgets.interactive_figure`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import multivariate, schedules, stats, validation
from .widgets import interactive_figure

SHOWN_PATHS = 20
CONDITION_POINTS = 50


class SpectrumView(NamedTuple):
    generations: np.ndarray
    eigenvalues: np.ndarray       # (n + 1, d): one chain's eigenvalues, decreasing
    exponents: np.ndarray         # (d,): gamma_j, the a.s. growth rates of log lambda_j
    log_det: np.ndarray           # (n + 1, SHOWN_PATHS): log det Sigma_i - log det Sigma of a few chains
    log_det_mean: stats.Estimate  # Monte Carlo E[log det Sigma_n - log det Sigma] and its standard error
    log_det_exact: np.ndarray     # the exact drift
    condition_generations: np.ndarray  # the generations (at most 51) where the condition number is computed
    log_condition: np.ndarray     # (len, 3): 10 %, 50 %, 90 % quantiles of log cond(Sigma_n) over chains
    log_condition_trend: np.ndarray  # log cond(Sigma) + n (gamma_1 - gamma_d) at those generations
    dim: int
    size: int
    shape: str
    truncated: bool               # generations cut where cond(Sigma_n) may pass 1e24 (double precision)


def compute_spectrum(dim: int = 5, size: int = 20, generations: int = 100, shape: str = "isotropic",
                     estimator: str = "unbiased", n_chains: int = 200, seed: int = 1) -> SpectrumView:
    """Exact-simulator statistics of Sigma_n's spectrum with their closed forms."""
    cov = multivariate.initial_covariance(dim, shape)
    requested = validation.integer(generations, "generations")
    generations = min(requested,
                      multivariate.representable_generations(size, cov, estimator, horizon=requested))
    sizes = schedules.constant(size, generations)
    paths = multivariate.simulate_exact(sizes, n_chains, cov, estimator=estimator, rng=seed)
    first_chain = multivariate.Paths(*(array[:, :1] for array in paths))
    log_det = multivariate.log_det(paths)
    log_det = log_det - log_det[0]
    # the condition number (one SVD per chain and generation, the costly part) on at most 51 generations
    thinned = np.unique(np.linspace(0, generations, min(generations, CONDITION_POINTS) + 1).astype(int))
    log_condition = multivariate.log_condition(multivariate.Paths(*(array[thinned] for array in paths)))
    exponents = multivariate.lyapunov_exponents(size, dim, estimator)
    n = np.arange(generations + 1)
    return SpectrumView(
        generations=n,
        eigenvalues=multivariate.eigenvalues(first_chain)[:, 0, :],
        exponents=exponents,
        log_det=log_det[:, :SHOWN_PATHS],
        log_det_mean=stats.mean(log_det, axis=1),
        log_det_exact=multivariate.log_det_drift(sizes, dim, estimator),
        condition_generations=thinned,
        log_condition=np.quantile(log_condition, [0.1, 0.5, 0.9], axis=1).T,
        log_condition_trend=log_condition[0, 0] + thinned * (exponents[0] - exponents[-1]),
        dim=validation.integer(dim, "dim"),
        size=size,
        shape=shape,
        truncated=bool(requested > generations),
    )


def draw_spectrum(figure, data: SpectrumView) -> None:
    """Three panels: one chain's spectrum, log det against its drift, log condition number."""
    left, middle, right = figure.subplots(1, 3)
    n = data.generations
    left.plot(n, np.log10(data.eigenvalues), lw=1)
    left.set(xlabel="generation $n$", ylabel=r"$\log_{10} \lambda_j(\Sigma_n)$",
             title=f"one chain, d = {data.dim}, M = {data.size}, {data.shape}", xlim=(0, max(n[-1], 1)))
    if data.truncated:
        left.text(0.02, 0.03, f"stopped at n = {n[-1]}: beyond, cond may pass 1e24", transform=left.transAxes, fontsize=8)
    middle.plot(n, data.log_det, color="0.65", lw=0.6)
    middle.plot(n, data.log_det_mean.value, color="C0", lw=2, label="Monte Carlo mean")
    middle.plot(n, data.log_det_exact, "--", color="C1", lw=2, label="exact drift")
    middle.set(xlabel="generation $n$", ylabel=r"$\log\det\Sigma_n - \log\det\Sigma$",
               title="the volume collapses")
    middle.legend(fontsize=8, loc="lower left")
    thinned = data.condition_generations
    right.fill_between(thinned, data.log_condition[:, 0], data.log_condition[:, 2], color="C2", alpha=0.3,
                       label="10-90 % of chains")
    right.plot(thinned, data.log_condition[:, 1], color="C2", lw=2, label="median")
    right.plot(thinned, data.log_condition_trend, "--", color="C3", lw=2,
               label=r"slope $\gamma_1 - \gamma_d$")
    right.set(xlabel="generation $n$", ylabel=r"$\log \operatorname{cond}(\Sigma_n)$",
              title="the spectrum spreads")
    right.legend(fontsize=8, loc="upper left")
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.9, wspace=0.3)


def spectrum_widget():
    """Sliders for d, M, the number of generations and the initial covariance's shape."""
    import ipywidgets as w

    return interactive_figure(compute_spectrum, draw_spectrum, {
        "dim": w.IntSlider(value=5, min=1, max=10, description="d"),
        "size": w.IntSlider(value=20, min=11, max=500, description="M"),
        "generations": w.IntSlider(value=100, min=10, max=400, step=10, description="generations"),
        "shape": w.Dropdown(options=list(multivariate.SHAPES), value="isotropic", description="Σ₀"),
    }, figsize=(13, 4))

"""Widgets of the chapter *The 1D Gaussian model*: compute, draw, wire.

- collapse of the fitted variance: :func:`compute_variance_paths`, :func:`draw_variance_paths`;
- Wasserstein-2 distance under a schedule: :func:`compute_w2`, :func:`draw_w2`;
- the law of one sample of generation 1: :func:`compute_generation_one`, :func:`draw_generation_one`.

Each ``*_widget()`` wires sliders to its pair with :func:`collapse_lib.widgets.interactive_figure`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gaussian, gaussian_laws, schedules, stats, validation, wasserstein
from .widgets import chains_collection, estimator_control, book_widget, light_log_axis

SHOWN_PATHS = 25

FIGSIZE = (8.5, 4)
"""Figure size of the two-panel widgets: shown at the page column's width (about 620 px),
an 8.5-inch frame keeps its 12-point legends at 9 points or more as displayed."""


class VariancePaths(NamedTuple):
    generations: np.ndarray
    paths: np.ndarray          # (n + 1, SHOWN_PATHS): sigma_i^2 / sigma^2 of a few chains
    mean: stats.Estimate       # Monte Carlo E[sigma_i^2] / sigma^2 with its standard error
    median: np.ndarray         # Monte Carlo median of sigma_i^2 / sigma^2
    expected: np.ndarray       # exact E[sigma_i^2] / sigma^2
    typical: np.ndarray        # exp(E[log sigma_i^2 / sigma^2]), the almost-sure trend
    estimator: str
    size: int


def compute_variance_paths(size: int = 20, generations: int = 200, estimator: str = "unbiased",
                           n_chains: int = 1000, seed: int = 1) -> VariancePaths:
    """Exact-simulator paths of sigma_i^2 / sigma^2 with their mean, median and theory."""
    sizes = schedules.constant(size, generations)
    paths = gaussian.simulate_exact(sizes, n_chains, estimator=estimator, rng=seed)
    ratio = paths.variances
    return VariancePaths(
        generations=np.arange(generations + 1),
        paths=ratio[:, :SHOWN_PATHS],
        mean=stats.mean(ratio, axis=1),
        median=np.median(ratio, axis=1),
        expected=gaussian_laws.expected_fitted_variance(sizes, 1.0, estimator),
        typical=np.exp(gaussian_laws.log_variance_drift(sizes, estimator)),
        estimator=estimator,
        size=size,
    )


def draw_variance_paths(figure, data: VariancePaths) -> None:
    """Left: a few chains and the theory on a log scale. Right: where E[sigma_n^2] comes from."""
    left, right = figure.subplots(1, 2)
    n = data.generations
    left.set_yscale("log")
    left.add_collection(chains_collection(n, data.paths, colors="0.6", linewidths=0.6, alpha=0.7))
    left.semilogy(n, data.mean.value, color="C0", lw=2, label="Monte Carlo mean")
    left.semilogy(n, data.expected, "--", color="C1", lw=2, label=r"exact $\mathbb{E}[\sigma_n^2]/\sigma^2$")
    left.semilogy(n, data.median, color="C2", lw=2, label="Monte Carlo median")
    left.semilogy(n, data.typical, ":", color="C3", lw=2, label=r"$\exp \mathbb{E}[\log \sigma_n^2/\sigma^2]$")
    left.set(xlabel="generation $n$", ylabel=r"$\sigma_n^2 / \sigma^2$",
             title=f"$M = {data.size}$, {data.estimator} estimator")
    left.legend(fontsize=12, loc="lower left")
    light_log_axis(left.yaxis)
    low, high = np.percentile(data.paths[-1], [1, 99]) if data.paths.size else (1e-3, 1)
    right.plot(n, data.mean.value, color="C0", lw=2, label="Monte Carlo mean")
    right.fill_between(n, data.mean.value - 2 * data.mean.se, data.mean.value + 2 * data.mean.se,
                       color="C0", alpha=0.25, label="± 2 standard errors")
    right.plot(n, data.expected, "--", color="C1", lw=2, label="exact expectation")
    right.set(xlabel="generation $n$", ylabel=r"$\sigma_n^2 / \sigma^2$ (linear scale)",
              title="the mean misses the rare large chains")
    right.set_ylim(bottom=0)
    right.legend(fontsize=12, loc="upper left")
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.13, top=0.9, wspace=0.3)


def variance_paths_widget():
    """Sliders for M, the number of generations and the estimator."""
    import ipywidgets as w

    return book_widget(compute_variance_paths, draw_variance_paths, {
        "size": w.IntSlider(value=20, min=2, max=500, description="M"),
        "generations": w.IntSlider(value=200, min=10, max=1000, step=10, description="generations"),
        "estimator": estimator_control(),
    }, grid={"size": (2, 5, 10, 20, 50, 100, 200, 500), "estimator": validation.ESTIMATORS}, figsize=FIGSIZE)


class W2Curves(NamedTuple):
    generations: np.ndarray
    sizes: np.ndarray
    exact: np.ndarray
    first_order: np.ndarray
    second_order: np.ndarray
    simulated: stats.Estimate
    kind: str
    estimator: str


def compute_w2(kind: str = "constant", size: int = 20, generations: int = 60, estimator: str = "unbiased",
               n_chains: int = 2000, seed: int = 2) -> W2Curves:
    """E[W_2^2] / sigma^2 under a named schedule: exact, expansions and simulation."""
    sizes = schedules.named(kind, size, generations)
    paths = gaussian.simulate_exact(sizes, n_chains, estimator=estimator, rng=seed)
    distance = wasserstein.w2_squared_normal(0.0, 1.0, paths.means, paths.variances)
    return W2Curves(
        generations=np.arange(generations + 1),
        sizes=sizes,
        exact=gaussian_laws.expected_w2sq(sizes, 1.0, estimator),
        first_order=gaussian_laws.expected_w2sq_series(sizes, 1.0, estimator, order=1),
        second_order=gaussian_laws.expected_w2sq_series(sizes, 1.0, estimator, order=2),
        simulated=stats.mean(distance, axis=1),
        kind=kind,
        estimator=estimator,
    )


def draw_w2(figure, data: W2Curves) -> None:
    """E[W_2^2] against generations: exact, first and second order, simulation ± 2 SE."""
    axes = figure.subplots()
    n = data.generations
    sim = data.simulated
    axes.fill_between(n, sim.value - 2 * sim.se, sim.value + 2 * sim.se, color="C0", alpha=0.25,
                      label="simulated mean ± 2 SE")
    axes.plot(n, sim.value, color="C0", lw=1)
    axes.plot(n, data.exact, color="k", lw=2, label="exact")
    axes.plot(n, data.first_order, "--", color="C1", lw=2, label=r"first order $\frac{3}{2}\sum 1/M_i$")
    axes.plot(n, data.second_order, ":", color="C3", lw=2, label="second order")
    axes.set(xlabel="generation $n$", ylabel=r"$\mathbb{E}[W_2^2] / \sigma^2$",
             title=f"{data.kind} schedule, $M_0 = {data.sizes[0] if data.sizes.size else '-'}$, "
                   f"{data.estimator} estimator")
    # a schedule whose distance levels off early fills the upper left corner: the legend goes lower right
    # then (chosen by hand: loc="best" costs a noticeable part of a frame)
    top = max(np.nanmax(data.first_order), np.nanmax(sim.value + 2 * sim.se), np.nanmax(data.exact))
    early = data.exact[len(n) // 3] if len(n) else 0.0
    axes.legend(fontsize=12, loc="lower right" if early > 0.6 * top else "upper left")
    figure.subplots_adjust(left=0.11, right=0.98, bottom=0.13, top=0.9)


def w2_widget():
    """Sliders for the schedule, M_0, the number of generations and the estimator."""
    import ipywidgets as w

    return book_widget(compute_w2, draw_w2, {
        "kind": w.Dropdown(options=list(schedules.KINDS), value="constant", description="schedule"),
        "size": w.IntSlider(value=20, min=2, max=200, description="M₀"),
        "generations": w.IntSlider(value=60, min=5, max=400, step=5, description="generations"),
        "estimator": estimator_control(),
    }, grid={"kind": schedules.KINDS, "size": (2, 5, 20, 50, 200)}, figsize=(8, 4))


class GenerationOne(NamedTuple):
    x: np.ndarray
    exact: np.ndarray
    normal: np.ndarray
    matched_vg: np.ndarray
    size: int


def compute_generation_one(size: int = 3, estimator: str = "unbiased") -> GenerationOne:
    """Density of X^1 (sigma = 1): exact, the normal of the same variance, the moment-matched VG."""
    x = np.linspace(-8, 8, 801)
    variance = float(gaussian_laws.sample_variance(schedules.constant(size, 1), 1.0, estimator)[1])
    kurtosis = gaussian_laws.generation_one_excess_kurtosis(size, estimator)
    shape = 3.0 / kurtosis                      # VG(lambda, alpha): excess kurtosis 3/lambda
    alpha = np.sqrt(2 * shape / variance)       # and variance 2 lambda / alpha^2
    return GenerationOne(
        x=x,
        exact=gaussian_laws.generation_one_pdf(x, size, 0.0, 1.0, estimator),
        normal=np.exp(-x**2 / (2 * variance)) / np.sqrt(2 * np.pi * variance),
        matched_vg=gaussian_laws.variance_gamma_pdf(x, shape, alpha),
        size=size,
    )


def draw_generation_one(figure, data: GenerationOne) -> None:
    """Left: log-density of X^1, the normal and the moment-matched VG. Right: their ratios to the exact law."""
    left, right = figure.subplots(1, 2)
    left.semilogy(data.x, data.exact, color="k", lw=2.5, label="exact law of $X^1$")
    left.semilogy(data.x, data.matched_vg, "--", color="C1", lw=2, label="variance-gamma, same\nvariance and kurtosis")
    left.semilogy(data.x, data.normal, ":", color="C0", lw=2, label="normal, same variance")
    left.set_ylim(1e-7, 1)
    light_log_axis(left.yaxis)
    left.set(xlabel="$x$ (in units of $\\sigma$)", ylabel="density (log scale)", title=f"$M_0 = {data.size}$")
    left.legend(fontsize=12, loc="lower center")
    with np.errstate(divide="ignore", invalid="ignore"):
        right.plot(data.x, data.matched_vg / data.exact, "--", color="C1", lw=2, label="variance-gamma / exact")
        right.plot(data.x, data.normal / data.exact, ":", color="C0", lw=2, label="normal / exact")
    right.axhline(1.0, color="k", lw=1)
    right.set_ylim(0, 1.6)
    right.set(xlabel="$x$ (in units of $\\sigma$)", ylabel="ratio to the exact density", title="relative error")
    right.legend(fontsize=12, loc="lower center")
    figure.subplots_adjust(left=0.1, right=0.98, bottom=0.13, top=0.9, wspace=0.3)


def generation_one_widget():
    """A slider for M_0 and the estimator."""
    import ipywidgets as w

    return book_widget(compute_generation_one, draw_generation_one, {
        "size": w.IntSlider(value=3, min=2, max=100, description="M₀"),
        "estimator": estimator_control(),
    }, grid={"size": (2, 3, 4, 5, 10, 20, 50, 100), "estimator": validation.ESTIMATORS}, figsize=FIGSIZE)

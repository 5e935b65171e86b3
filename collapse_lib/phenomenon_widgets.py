"""Compute / draw / wire functions for the widget of *What model collapse is*.

The widget switches the three error sources on and off: the sample size M
(statistical approximation; ``None`` = infinite data), the separation of a
two-component mixture fitted by one normal (functional expressivity; 0 = the
data is normal) and the outlier filter k (functional approximation; ``None`` = off).
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
from scipy import stats

from . import phenomenon, validation


class SourcesView(NamedTuple):
    """What the widget draws."""

    generations: np.ndarray       # 0..N
    low: np.ndarray               # 10% quantile of sigma_n^2 over chains (n_chains runs)
    median: np.ndarray            # median of sigma_n^2 over chains
    high: np.ndarray              # 90% quantile of sigma_n^2 over chains
    infinite: np.ndarray          # sigma_n^2 with infinitely many points per generation
    grid: np.ndarray              # x values of the density panel
    data_density: np.ndarray      # density of the real data (the mixture)
    shown: np.ndarray             # generations whose fitted density is drawn
    fitted_densities: np.ndarray  # shape (len(shown), len(grid)), chain 0


def compute_sources(size=20, separation: float = 2.0, trim=None, generations: int = 100,
                    n_chains: int = 100, seed: int = 0) -> SourcesView:
    """Simulate the recursion with the chosen error sources; summarise for drawing.

    Data: 0.5 N(-a, 1) + 0.5 N(a, 1) with a = ``separation`` (a = 0: one normal).
    """
    separation = validation.finite_real(separation, "separation")
    if separation < 0:
        raise ValueError(f"separation must be non-negative, got {separation}.")
    generations = validation.integer(generations, "generations", minimum=1)
    mixture = ((0.5, 0.5), (-separation, separation), (1.0, 1.0))
    paths = phenomenon.simulate_sources(size, generations, n_chains, *mixture, trim=trim, rng=seed)
    low, median, high = np.quantile(paths.variances, [0.1, 0.5, 0.9], axis=1)
    infinite = phenomenon.infinite_data_variances(generations, *mixture, trim=trim)
    grid = np.linspace(-separation - 4.0, separation + 4.0, 400)
    shown = np.unique(np.array([1, round(0.1 * generations), round(0.3 * generations), generations]).clip(1))
    fitted = stats.norm.pdf(grid[None, :], paths.means[shown, 0, None], np.sqrt(paths.variances[shown, 0, None]))
    return SourcesView(np.arange(generations + 1), low, median, high, infinite, grid,
                       phenomenon.mixture_pdf(grid, *mixture), shown, fitted)


def draw_sources(axes, view: SourcesView) -> None:
    """Left: the data and chain 0's fitted normals; right: log10 sigma_n^2 over generations.

    The right panel plots log10 values on a linear axis (cheaper to redraw than a log axis).
    """
    left, right = axes
    left.fill_between(view.grid, view.data_density, color="0.85", label="real data")
    colours = plt.cm.plasma(np.linspace(0.0, 0.8, len(view.shown)))
    for density, n, colour in zip(view.fitted_densities, view.shown, colours):
        left.plot(view.grid, density, color=colour, label=f"generation {n}")
    left.set_ylim(0, 1.3 * max(view.data_density.max(), 0.5))
    left.set_xlabel("x (one run's fitted normal laws)")
    left.set_ylabel("density")
    left.legend(fontsize=8, loc="upper right")
    logs = [np.log10(values) for values in (view.low, view.median, view.high, view.infinite)]
    right.fill_between(view.generations, logs[0], logs[2], color="C0", alpha=0.25, label="10-90% of runs")
    right.plot(view.generations, logs[1], color="C0", label="median over runs")
    right.plot(view.generations, logs[3], "k--", label="infinite data")
    right.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    right.set_xlabel("generation n")
    right.set_ylabel(r"$\log_{10} \sigma_n^2$")
    right.legend(fontsize=8, loc="lower left")


def sources_widget():
    """Sliders for M, the mixture separation and the outlier filter; redraws on change."""
    import ipywidgets as widgets
    from IPython.display import display

    size = widgets.SelectionSlider(options=["infinite", 5, 10, 20, 50, 100, 200], value=20,
                                   description="M")
    separation = widgets.FloatSlider(value=2.0, min=0.0, max=4.0, step=0.25, description="separation")
    trim = widgets.SelectionSlider(options=["off", 1.5, 2.0, 2.5, 3.0, 4.0], value="off", description="filter k")
    generations = widgets.IntSlider(value=100, min=10, max=200, step=10, description="generations")
    output = widgets.Output()

    def redraw(*_):
        view = compute_sources(None if size.value == "infinite" else size.value, separation.value,
                               None if trim.value == "off" else trim.value, generations.value)
        with output:
            output.clear_output(wait=True)
            fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
            fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.96, wspace=0.25)
            draw_sources(axes, view)
            plt.show()

    for control in (size, separation, trim, generations):
        control.observe(redraw, names="value")
    redraw()
    display(widgets.VBox([widgets.HBox([size, separation]), widgets.HBox([trim, generations]), output]))

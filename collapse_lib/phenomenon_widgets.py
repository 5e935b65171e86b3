"""Compute / draw / wire functions for the widget of *What model collapse is*.

The widget switches the three error sources on and off: the sample size M
(statistical approximation; infinite = no such error), the separation of a
two-component mixture fitted by one normal (functional expressivity; 0 = the
data is normal) and the outlier filter k (functional approximation; infinite =
no filter). :func:`compute_sources` simulates, :func:`draw_sources` draws on a
figure, and :func:`sources_widget` wires sliders to them with
:func:`collapse_lib.widgets.interactive_figure`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from scipy import stats

from . import phenomenon, validation
from .widgets import chains_collection, book_widget

FIGSIZE = (8.5, 3.9)
"""Figure size of the widget and of its static default view, in inches: scaled to the page
column (about 680 px), so that :data:`FONT` displays at about 9.5 pt."""

FONT = 12
"""Font size of every text of the figure (ticks, labels, titles, legend), in points."""

SIZES = (math.inf, 5, 10, 20, 50, 100)
"""Points per generation offered by the widget (inf = infinitely many)."""

TRIMS = (math.inf, 1.5, 2.0, 2.5, 3.0, 4.0)
"""Outlier filters offered by the widget (inf = no filter)."""


class SourcesView(NamedTuple):
    """What the widget draws."""

    generations: np.ndarray       # 0..N
    low: np.ndarray               # 10% quantile of sigma_n^2 over the chains
    median: np.ndarray            # median of sigma_n^2 over the chains
    high: np.ndarray              # 90% quantile of sigma_n^2 over the chains
    infinite: np.ndarray          # sigma_n^2 with infinitely many points per generation
    grid: np.ndarray              # x values of the density panel
    data_density: np.ndarray      # density of the real data (the mixture)
    shown: np.ndarray             # generations whose fitted density is drawn
    fitted_densities: np.ndarray  # shape (len(shown), len(grid)), the typical run
    spikes: np.ndarray            # True where that fit is narrower than the grid: drawn as a vertical line
    centres: np.ndarray           # the typical run's fitted means at the shown generations


def _finite_or_none(value):
    """``None`` for None or +inf (the source is switched off), else the value itself."""
    return None if value is None or value == math.inf else value


def compute_sources(size=20, separation: float = 2.0, trim=math.inf, generations: int = 100,
                    n_chains: int = 50, seed: int = 0) -> SourcesView:
    """Simulate the recursion with the chosen error sources; summarise for drawing.

    Data: 0.5 N(-a, 1) + 0.5 N(a, 1) with a = ``separation`` (a = 0: one normal).
    ``size`` = M points per generation (``math.inf`` or None: infinitely many);
    ``trim`` = the filter k (``math.inf`` or None: no filter). One update draws
    at most ``n_chains * size * generations`` normal numbers (with a filter), so
    the widget's menus stop at M = 100 and 200 generations.
    """
    separation = validation.finite_real(separation, "separation")
    if separation < 0:
        raise ValueError(f"separation must be non-negative, got {separation}.")
    generations = validation.generations(generations, minimum=1)
    mixture = ((0.5, 0.5), (-separation, separation), (1.0, 1.0))
    trim = _finite_or_none(trim)
    paths = phenomenon.simulate_sources(_finite_or_none(size), generations, n_chains, *mixture,
                                        trim=trim, rng=seed)
    low, median, high = np.quantile(paths.variances, [0.1, 0.5, 0.9], axis=1)
    infinite = phenomenon.infinite_data_variances(generations, *mixture, trim=trim)
    shown = np.unique(np.array([1, round(0.1 * generations), round(0.3 * generations), generations]).clip(1))
    # the typical run: the chain whose final variance is closest to the median (in log scale)
    run = int(np.argmin(np.abs(np.log(paths.variances[-1]) - np.log(median[-1]))))
    centres, scales = paths.means[shown, run], np.sqrt(paths.variances[shown, run])
    # the grid covers the data and the typical run's fits (to 4 sd, so that a narrow
    # fit far out is not drawn against the frame), which may have wandered away
    grid = np.linspace(min(-separation - 4.0, (centres - 4 * scales).min()),
                       max(separation + 4.0, (centres + 4 * scales).max()), 300)
    fitted = stats.norm.pdf(grid[None, :], centres[:, None], scales[:, None])
    spikes = scales < 2 * (grid[1] - grid[0])  # the grid would miss the peak, or all of it
    return SourcesView(np.arange(generations + 1), low, median, high, infinite, grid,
                       phenomenon.mixture_pdf(grid, *mixture), shown, fitted, spikes, centres)


def draw_sources(figure, view: SourcesView) -> None:
    """Left: the data and the typical run's fitted normals; right: log10 sigma_n^2 over generations.

    Drawn for speed (one update well under 100 ms): fixed margins, the fitted
    densities as one LineCollection, few ticks, titles instead of legends, and
    the right panel in log10 units on a linear axis.
    """
    left, right = figure.subplots(1, 2)
    # the right margin leaves room for the last tick label of the generation axis
    figure.subplots_adjust(left=0.09, right=0.965, bottom=0.17, top=0.9, wspace=0.3)
    left.fill_between(view.grid, view.data_density, color="0.82", lw=0)
    colours = colormaps["plasma"](np.linspace(0.0, 0.8, len(view.shown)))
    smooth = ~view.spikes
    left.add_collection(chains_collection(view.grid, view.fitted_densities[smooth].T, colors=colours[smooth],
                                          linewidths=1.6))
    # a fit narrower than the grid is a spike: a vertical line at its mean, as high as the panel
    for centre, colour in zip(view.centres[view.spikes], colours[view.spikes]):
        left.axvline(centre, color=colour, lw=1.6)
    left.set_xlim(view.grid[0], view.grid[-1])
    # the whole of the narrowest drawn density, however high its peak
    top = max(view.data_density.max(), view.fitted_densities[smooth].max(initial=0.0), 0.5)
    left.set_ylim(0, 1.08 * top)
    left.set_xlabel("$x$", fontsize=FONT)
    left.set_ylabel("density", fontsize=FONT)
    # one legend entry per drawn generation (cheap proxy lines: the densities are one LineCollection)
    handles = [Line2D([], [], color=colour, lw=1.6) for colour in colours]
    left.legend(handles, [f"$n = {n}$" + (" (spike)" if spike else "") for n, spike in zip(view.shown, view.spikes)],
                loc="upper right",
                fontsize=FONT - 1, handlelength=1.2, borderaxespad=0.3, labelspacing=0.3,
                title="typical run", title_fontsize=FONT - 1)
    left.set_title("grey: the data $P_0$", fontsize=FONT)

    logs = [np.log10(values) for values in (view.low, view.median, view.high, view.infinite)]
    right.fill_between(view.generations, logs[0], logs[2], color="C0", alpha=0.25, lw=0)
    right.plot(view.generations, logs[1], color="C0", lw=1.8)
    right.plot(view.generations, logs[3], "k--", lw=1.2)
    right.set_xlim(0, view.generations[-1])
    right.set_xlabel("generation $n$", fontsize=FONT)
    right.set_ylabel(r"$\log_{10}\,\sigma_n^2$", fontsize=FONT)
    right.set_title(r"median, 10–90% of runs; dashed: $M = \infty$", fontsize=FONT)
    for axis in (left.xaxis, left.yaxis, right.xaxis, right.yaxis):
        axis.set_major_locator(MaxNLocator(4))
    for ax in (left, right):
        ax.tick_params(labelsize=FONT)


def sources_widget():
    """Sliders for M, the mixture separation, the outlier filter and the number of generations."""
    import ipywidgets as widgets

    def labelled(values):
        return [("∞", value) if value == math.inf else (f"{value:g}", value) for value in values]

    return book_widget(compute_sources, draw_sources, {
        "size": widgets.SelectionSlider(options=labelled(SIZES), value=20, description="M"),
        "separation": widgets.FloatSlider(value=2.0, min=0.0, max=4.0, step=0.25, description="separation"),
        "trim": widgets.SelectionSlider(options=labelled(TRIMS), value=math.inf, description="filter k"),
        "generations": widgets.IntSlider(value=100, min=10, max=200, step=10, description="generations"),
    }, grid={"size": SIZES, "trim": TRIMS}, figsize=FIGSIZE)

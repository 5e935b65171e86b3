"""The widget of the chapter *Discrete distributions*: a Zipf vocabulary losing its tail.

Thin by design: :func:`compute_zipf_collapse` simulates and evaluates the
closed forms, :func:`draw_zipf_collapse` draws them on three panels of a figure, and
:func:`zipf_collapse_widget` wires sliders to the two with
:func:`collapse_lib.widgets.interactive_figure`.
"""

from __future__ import annotations

import functools

from typing import NamedTuple

import numpy as np
from matplotlib.ticker import MaxNLocator

from . import discrete, schedules, validation
from .widgets import PLAIN, chains_collection, book_widget, light_log_axis

FIGSIZE = (13, 3.8)
"""Size of the widget's figure, in inches (three panels side by side)."""

STACKED_FIGSIZE = (7.5, 10)
"""Size of the figure with the three panels stacked (``draw_zipf_collapse(..., stacked=True)``): the
static figure and the widget, so that at the width of a page column :data:`FONT` displays at about 10 pt."""

FONT = 12
"""Font size of the panels' titles, axis labels and tick labels, in points (their coloured labels: one less)."""


"""Tick labels as plain text (1e-05, 100): mathtext labels cost more than the rest of a redraw."""


class ZipfCollapse(NamedTuple):
    """What the widget draws; arrays over generations have length n + 1."""

    probabilities: np.ndarray
    """The data law p_k proportional to k^(-s), k = 1..V."""
    final: np.ndarray
    """Frequencies of chain 0 after n generations, by original rank."""
    size: int
    generations: np.ndarray
    survivors: np.ndarray
    """Surviving categories, shape (n + 1, n_chains)."""
    survivors_lower: np.ndarray
    """Lower bound on the expected survivors, sum_k of the lower survival bound."""
    survivors_one: float
    """Exact E[survivors after one generation] = sum_k 1 - (1 - p_k)^M."""
    lost_mass: np.ndarray
    """Original mass of the vanished categories, shape (n + 1, n_chains)."""
    tail_mass: np.ndarray
    """Current mass of the original tail (p_k < 1/M), shape (n + 1, n_chains)."""
    tail_expected: float
    """E[tail mass] = sum_{tail} p_k in every generation (martingale)."""


def compute_zipf_collapse(vocabulary: int = 2000, exponent: float = 1.1, size: int = 1000,
                          generations: int = 30, n_chains: int = 8, rng=0) -> ZipfCollapse:
    """Simulate ``n_chains`` chains from a Zipf law and evaluate the chapter's bounds."""
    probabilities = discrete.zipf(vocabulary, exponent)
    sizes = schedules.constant(validation.integer(size, "size", minimum=2), generations)
    summaries = discrete.simulate_summaries(probabilities, sizes, n_chains, rng)
    lower, _ = discrete.survival_bounds(probabilities, size, max(generations, 1))
    survivors_lower = np.concatenate(([np.count_nonzero(probabilities)], lower.sum(axis=1)))[: generations + 1]
    return ZipfCollapse(
        probabilities=probabilities,
        final=summaries.final[0],
        size=size,
        generations=np.arange(generations + 1),
        survivors=summaries.survivors,
        survivors_lower=survivors_lower,
        survivors_one=discrete.expected_survivors_one_generation(probabilities, size),
        lost_mass=summaries.lost_mass,
        tail_mass=summaries.tail_mass,
        tail_expected=float(probabilities[probabilities < 1.0 / size].sum()),
    )


def draw_zipf_collapse(figure, data: ZipfCollapse, stacked: bool = False) -> None:
    """Draw rank-frequency, surviving vocabulary and masses on three panels of ``figure``.

    Built for speed (one slider move must redraw in well under 100 ms): fixed
    margins instead of a layout engine, chains as one LineCollection per panel,
    coloured text labels instead of legends, titles at a fixed height, no minor ticks and plain
    tick labels on the log axes. The widget puts the panels side by side; ``stacked=True``
    puts them one above the other, for a static figure at the width of a page
    (use a figure of about :data:`STACKED_FIGSIZE`).
    """
    if stacked:
        rank_ax, count_ax, mass_ax = figure.subplots(3, 1)
        figure.subplots_adjust(left=0.15, right=0.96, bottom=0.07, top=0.96, hspace=0.5)
    else:
        rank_ax, count_ax, mass_ax = figure.subplots(1, 3)
        figure.subplots_adjust(left=0.07, right=0.99, bottom=0.16, top=0.9, wspace=0.33)
    ranks = np.arange(1, data.probabilities.size + 1)
    n = int(data.generations[-1])
    # the original law is a smooth curve in log-log: 200 log-spaced ranks draw it as well as all V
    shown = np.unique(np.geomspace(1, ranks[-1], 200).astype(int)) - 1
    rank_ax.loglog(ranks[shown], data.probabilities[shown], color="0.3")
    alive = data.final > 0
    rank_ax.loglog(ranks[alive], data.final[alive], ".", ms=3, color="C3")
    rank_ax.axhline(1.0 / data.size, color="C0", ls=":", lw=1)
    for axis in (rank_ax.xaxis, rank_ax.yaxis):
        light_log_axis(axis)
        axis.set_major_formatter(PLAIN)
    rank_ax.set_xlabel("original rank $k$", fontsize=FONT)
    rank_ax.set_ylabel("frequency $p_k$", fontsize=FONT)
    rank_ax.set_title("rank-frequency", y=1.0, fontsize=FONT)
    _labels(rank_ax, [("line: generation 0", "0.3"), (f"dots: generation {n}, one chain", "C3"),
                      ("dotted: 1/M", "C0")], "lower left")

    vocabulary = data.probabilities.size
    generations = data.generations
    count_ax.add_collection(_chains(generations, data.survivors / vocabulary, "C3"))
    count_ax.plot(generations, data.survivors.mean(axis=1) / vocabulary, color="C3")
    count_ax.plot(generations, data.survivors_lower / vocabulary, "k--", lw=1)
    if n >= 1:
        count_ax.plot([1], [data.survivors_one / vocabulary], "ko", ms=4)
    count_ax.set_yscale("log")
    light_log_axis(count_ax.yaxis)
    count_ax.yaxis.set_major_formatter(PLAIN)
    low = min(data.survivors.min(), data.survivors_lower[-1]) / vocabulary
    count_ax.set(xlim=(0, max(n, 1)), ylim=(0.7 * low, 1.3))
    count_ax.set_xlabel("generation $n$", fontsize=FONT)
    count_ax.set_ylabel("fraction of vocabulary alive", fontsize=FONT)
    count_ax.set_title("surviving vocabulary", y=1.0, fontsize=FONT)
    _labels(count_ax, [(f"{data.survivors.shape[1]} chains, their mean", "C3"),
                       ("dashed: lower bound on E", "k"), ("dot: exact E, n = 1", "k")], "upper right")

    mass_ax.add_collection(_chains(generations, data.tail_mass, "C0"))
    mass_ax.plot(generations, np.median(data.tail_mass, axis=1), color="C0")
    mass_ax.axhline(data.tail_expected, color="C0", ls=":", lw=1)
    mass_ax.plot(generations, data.lost_mass.mean(axis=1), color="C2")
    top = max(0.05, 1.6 * max(data.tail_mass.max(), data.lost_mass.max()))
    mass_ax.set(xlim=(0, max(n, 1)), ylim=(0, top))
    mass_ax.set_xlabel("generation $n$", fontsize=FONT)
    mass_ax.set_ylabel("probability mass", fontsize=FONT)
    mass_ax.set_title("tail ($p_k < 1/M$) and lost mass", y=1.0, fontsize=FONT)
    _labels(mass_ax, [("tail mass: chains, median, E (dotted)", "C0"),
                      ("lost original mass, mean", "C2")], "upper left")
    # every tick is two lines and a text: few ticks make a fast redraw
    for axis in (count_ax.xaxis, mass_ax.xaxis, mass_ax.yaxis):
        axis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
    for ax in (rank_ax, count_ax, mass_ax):
        ax.tick_params(labelsize=FONT)


def _labels(ax, entries, corner: str) -> None:
    """Coloured text lines in a corner of ``ax``: a legend without the cost of a Legend artist."""
    top = corner.startswith("upper")
    x, align = (0.97, "right") if corner.endswith("right") else (0.03, "left")
    for k, (text, colour) in enumerate(entries):
        y = 0.94 - 0.08 * k if top else 0.05 + 0.08 * (len(entries) - 1 - k)
        ax.text(x, y, text, color=colour, fontsize=FONT - 1, ha=align, va="top" if top else "bottom", transform=ax.transAxes)


def _chains(generations: np.ndarray, values: np.ndarray, colour: str):
    """The chains (columns of ``values``) as one faint LineCollection: far cheaper than one Line2D each."""
    return chains_collection(generations, values, colors=colour, alpha=0.25, linewidths=0.8)


def zipf_collapse_widget():
    """Sliders for vocabulary size, Zipf exponent, sample size and generations."""
    import ipywidgets as widgets

    # stacked, as the static figure: side by side, the panels' text would be too small to read on a page
    return book_widget(compute_zipf_collapse, functools.partial(draw_zipf_collapse, stacked=True), {
        "vocabulary": widgets.IntSlider(value=2000, min=1000, max=10000, step=500, description="V"),
        "exponent": widgets.FloatSlider(value=1.1, min=0.5, max=2.0, step=0.05, description="s"),
        "size": widgets.IntSlider(value=1000, min=100, max=5000, step=100, description="M"),
        "generations": widgets.IntSlider(value=30, min=1, max=50, description="n"),
    }, grid={"exponent": (0.5, 0.8, 1.1, 1.4, 1.7, 2.0), "size": (100, 300, 1000, 2000, 5000)}, figsize=STACKED_FIGSIZE)

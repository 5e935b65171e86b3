"""The widget of the chapter *Discrete distributions*: a Zipf vocabulary losing its tail.

Thin by design: :func:`compute_zipf_collapse` simulates and evaluates the
closed forms, :func:`draw_zipf_collapse` draws them on three axes, and
:func:`zipf_collapse_widget` wires sliders to the two.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib.ticker import FuncFormatter, NullLocator

from . import discrete, schedules, validation


_PLAIN = FuncFormatter(lambda value, _: f"{value:g}")
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


def draw_zipf_collapse(axes, data: ZipfCollapse) -> None:
    """Draw rank-frequency, surviving vocabulary and masses on three matplotlib axes."""
    rank_ax, count_ax, mass_ax = axes
    ranks = np.arange(1, data.probabilities.size + 1)
    n = int(data.generations[-1])
    rank_ax.loglog(ranks, data.probabilities, color="0.3", label="generation 0")
    alive = data.final > 0
    rank_ax.loglog(ranks[alive], data.final[alive], ".", ms=3, color="C3", label=f"generation {n}, one chain")
    rank_ax.axhline(1.0 / data.size, color="C0", ls=":", lw=1, label="1/M")
    # minor ticks of log axes are many Tick objects: the slowest part of a redraw
    # minor ticks and mathtext labels of log axes are the slowest part of a redraw
    for axis in (rank_ax.xaxis, rank_ax.yaxis):
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(_PLAIN)
    rank_ax.set(xlabel="original rank k", ylabel="frequency", title="Rank-frequency")
    rank_ax.legend(fontsize=8, loc="lower left")

    vocabulary = data.probabilities.size
    count_ax.plot(data.generations, data.survivors / vocabulary, color="C3", alpha=0.25, lw=0.8)
    count_ax.plot(data.generations, data.survivors.mean(axis=1) / vocabulary, color="C3", label="simulation, mean")
    count_ax.plot(data.generations, data.survivors_lower / vocabulary, "k--", lw=1, label="lower bound")
    if n >= 1:
        count_ax.plot([1], [data.survivors_one / vocabulary], "ko", ms=4, label="exact, n = 1")
    count_ax.set(xlabel="generation n", ylabel="fraction of vocabulary alive", title="Surviving vocabulary",
                 ylim=(0, 1.02))
    count_ax.legend(fontsize=8)

    mass_ax.plot(data.generations, data.tail_mass, color="C0", alpha=0.25, lw=0.8)
    mass_ax.plot(data.generations, np.median(data.tail_mass, axis=1), color="C0", label="tail mass, median")
    mass_ax.axhline(data.tail_expected, color="C0", ls=":", lw=1, label="tail mass, expectation")
    mass_ax.plot(data.generations, data.lost_mass.mean(axis=1), color="C2", label="lost original mass, mean")
    mass_ax.set(xlabel="generation n", ylabel="probability mass", title="Original tail (p_k < 1/M) and lost mass",
                ylim=(0, max(0.05, 1.1 * max(data.tail_mass.max(), data.lost_mass.max()))))
    mass_ax.legend(fontsize=8)


def zipf_collapse_widget():
    """Sliders for vocabulary size, Zipf exponent, sample size and generations."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    controls = {
        "vocabulary": widgets.IntSlider(value=2000, min=1000, max=10000, step=500, description="V"),
        "exponent": widgets.FloatSlider(value=1.1, min=0.5, max=2.0, step=0.05, description="s"),
        "size": widgets.IntSlider(value=1000, min=100, max=5000, step=100, description="M"),
        "generations": widgets.IntSlider(value=30, min=1, max=50, description="n"),
    }

    def update(**values):
        fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), dpi=72)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.92, wspace=0.28)
        draw_zipf_collapse(axes, compute_zipf_collapse(**values))
        plt.show()

    output = widgets.interactive_output(update, controls)
    box = widgets.VBox([widgets.HBox(list(controls.values())[:2]), widgets.HBox(list(controls.values())[2:]), output])
    display(box)
    return box

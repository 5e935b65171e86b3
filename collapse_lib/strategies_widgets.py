"""The widget of the chapter *Replace, mix or accumulate*: the four strategies side by side.

Thin by design: :func:`compute_strategies` computes (closed forms from
:mod:`collapse_lib.strategies` plus a small exact simulation), :func:`draw_strategies`
draws the three panels on a figure, and :func:`strategies_widget` wires sliders to
them with :func:`collapse_lib.widgets.interactive_figure`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib import ticker

from . import schedules, strategies, validation
from .widgets import PLAIN, estimator_control, book_widget, light_log_axis


LABELS = {"replace": "replace", "mix": "mix", "accumulate": "accumulate", "grow": "replace, growing $M_i$"}
COLOURS = {"replace": "tab:red", "mix": "tab:blue", "accumulate": "tab:green", "grow": "tab:purple"}
FIGSIZE = (8.5, 5.4)
"""Figure size of the static view and of the widget: shown at the page column's width (about
620 px), an 8.5-inch figure keeps its 12-point legend at 9 points or more as displayed."""


class StrategyView(NamedTuple):
    """Everything the figure shows; arrays of shape (4, n + 1), one row per strategy."""

    strategies: tuple
    generation: np.ndarray
    mean_error: np.ndarray         # closed form E[(mu_n - mu)^2] M / sigma^2
    expected_variance: np.ndarray  # closed form E[sigma_n^2] / sigma^2
    median_variance: np.ndarray    # simulated median of sigma_n^2 / sigma^2
    w2sq: np.ndarray               # simulated mean of W_2^2 M / sigma^2
    size: int
    real: int
    kind: str
    estimator: str


def compute_strategies(size: int = 20, fraction: float = 0.1, generations: int = 100, kind: str = "linear",
                       estimator: str = "unbiased", n_chains: int = 200, seed: int = 0) -> StrategyView:
    """Closed-form moments and a simulation (exact method) of every strategy, sigma^2 = 1."""
    size = validation.integer(size, "size", minimum=2)
    n_chains = validation.integer(n_chains, "n_chains", minimum=4)
    names = strategies.STRATEGIES
    rng = validation.generator(seed)
    mean_error, expected_variance, median_variance, w2sq = [], [], [], []
    for name in names:
        moments = strategies.moments(name, size, generations, fraction, kind, 1.0, estimator)
        paths = strategies.simulate(name, size, generations, n_chains, fraction, kind, 0.0, 1.0, estimator, rng)
        mean_error.append(moments.mean_error * size)
        expected_variance.append(moments.variance)
        median_variance.append(np.median(paths.variances, axis=1))
        w2sq.append(strategies.w2sq_paths(paths).mean(axis=1) * size)
    return StrategyView(names, np.arange(generations + 1), np.array(mean_error), np.array(expected_variance),
                        np.array(median_variance), np.array(w2sq), size, strategies.real_count(size, fraction),
                        kind, estimator)


def draw_strategies(figure, view: StrategyView) -> None:
    """Draw ``view`` on ``figure``: mean error, fitted variance and W_2^2 against n (three log panels)."""
    left, middle, right = figure.subplots(1, 3)
    n = view.generation[1:]  # row 0 is the data law: zero error, on a log axis it has no place
    for row, name in enumerate(view.strategies):
        colour = COLOURS[name]
        label = LABELS[name] + (f" ({view.kind})" if name == "grow" else "")
        if name == "mix":
            label += f", $K = {view.real}$ real"
        left.plot(n, view.mean_error[row, 1:], color=colour, lw=1.8, label=label)
        middle.plot(n, view.median_variance[row, 1:], color=colour, lw=1.8)
        middle.plot(n, view.expected_variance[row, 1:], color=colour, lw=1.2, ls=":")
        right.plot(n, view.w2sq[row, 1:], color=colour, lw=1.8)
    left.axhline(np.pi**2 / 6, color="grey", ls="--", lw=1)
    left.text(0.98, np.pi**2 / 6, r"$\pi^2/6$", va="bottom", ha="right", color="grey", fontsize=11,
              transform=left.get_yaxis_transform())
    left.set_title("mean error", fontsize=12)
    left.set_ylabel(r"$M\,\mathbb{E}[(\mu_n-\mu)^2]/\sigma^2$ (exact)", fontsize=11)
    middle.set_title("fitted variance\nmedian (solid), mean (dotted)", fontsize=11)
    middle.set_ylabel(r"$\sigma_n^2/\sigma^2$", fontsize=11)
    right.set_title(r"$W_2^2$ to the data law", fontsize=12)
    right.set_ylabel(r"$M\,\mathbb{E}[W_2^2]/\sigma^2$ (simulated)", fontsize=11)
    for ax in (left, middle, right):
        ax.set_xlabel("generation $n$", fontsize=11)
        ax.set_yscale("log")
        light_log_axis(ax.yaxis)
        ax.yaxis.set_major_formatter(PLAIN)  # plain labels: mathtext tick labels cost a third of a redraw
        ax.xaxis.set_major_locator(ticker.MaxNLocator(5))  # every tick costs a redraw a few ms
        ax.tick_params(labelsize=10)
        ax.grid(alpha=0.3)
    # at least a decade on the variance axis, so that it always carries two labelled ticks
    middle.set_ylim(min(middle.get_ylim()[0], 0.1), max(middle.get_ylim()[1], 1.2))
    # one legend above the panels, where it covers no data
    figure.legend(*left.get_legend_handles_labels(), loc="upper center", ncol=2, fontsize=12, frameon=False,
                  title=f"$M = {view.size}$, {view.estimator} estimator", title_fontsize=12)
    figure.subplots_adjust(left=0.09, right=0.99, bottom=0.11, top=0.72, wspace=0.45)


def strategies_widget():
    """Sliders for f, M, n, the growing schedule and the estimator, redrawing the three panels."""
    import ipywidgets as widgets

    return book_widget(compute_strategies, draw_strategies, {
        "fraction": widgets.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.01, description="real fraction f"),
        "size": widgets.IntSlider(value=20, min=2, max=500, description="M"),
        "generations": widgets.IntSlider(value=100, min=5, max=400, step=5, description="generations n"),
        "kind": widgets.Dropdown(options=list(schedules.KINDS[1:]), value="linear", description="growth of M_i"),
        "estimator": estimator_control(),
    }, grid={"fraction": (0.0, 0.05, 0.1, 0.2, 0.5, 1.0), "size": (5, 10, 20, 50, 100, 200)}, figsize=FIGSIZE)

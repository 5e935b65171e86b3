"""The widget of the chapter *Replace, mix or accumulate*: the four strategies side by side.

Thin by design: :func:`compute_strategies` computes (closed forms from
:mod:`collapse_lib.strategies` plus a small exact simulation), :func:`draw_strategies`
draws on three axes, and :func:`strategies_widget` wires sliders to them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import schedules, strategies, validation

LABELS = {
    "replace": "replace",
    "mix": "mix (fraction f real)",
    "accumulate": "accumulate",
    "grow": "replace, growing M_i",  # the draw function names the schedule
}
COLOURS = {"replace": "tab:red", "mix": "tab:blue", "accumulate": "tab:green", "grow": "tab:purple"}


class StrategyView(NamedTuple):
    """Everything the figure shows; arrays of shape (4, n + 1), one row per strategy."""

    strategies: tuple
    generation: np.ndarray
    mean_error: np.ndarray      # closed form E[(mu_n - mu)^2] M / sigma^2
    expected_variance: np.ndarray  # closed form E[sigma_n^2] / sigma^2
    median_variance: np.ndarray    # simulated median of sigma_n^2 / sigma^2
    w2sq: np.ndarray               # simulated mean of W_2^2 M / sigma^2
    size: int
    real: int
    kind: str


def compute_strategies(size: int = 20, fraction: float = 0.1, generations: int = 100, kind: str = "linear",
                       estimator: str = "unbiased", n_chains: int = 400, seed: int = 0) -> StrategyView:
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
                        np.array(median_variance), np.array(w2sq), size, strategies.real_count(size, fraction), kind)


def strategies_figure():
    """A figure with three panels and a fixed layout (a constrained layout would double the update time)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.9, wspace=0.3)
    return fig, axes


def draw_strategies(axes, view: StrategyView) -> None:
    """Draw ``view`` on three axes: mean error, fitted variance, W_2^2 (each against n).

    The first call builds the lines; later calls on the same axes only replace
    their data (much faster than clearing: a widget update stays well under 100 ms).
    """
    left, middle, right = axes
    panels = ((left, view.mean_error, "-"), (middle, view.expected_variance, ":"),
              (middle, view.median_variance, "-"), (right, view.w2sq, "-"))
    existing = [line for line in left.get_lines() if line.get_gid() == "strategy"]
    if not existing:
        _build(axes, view, panels)
    for ax, values, style in panels:
        lines = [line for line in ax.get_lines() if line.get_gid() == "strategy" and line.get_linestyle() == style]
        for line, row in zip(lines, values):
            line.set_data(view.generation, row)
    for ax in axes:
        ax.relim()
        ax.autoscale_view()
    legend = left.get_legend()
    legend.set_title(f"M = {view.size}, K = {view.real} real")
    legend.get_texts()[-1].set_text(f"replace, {view.kind} M_i")


def _build(axes, view, panels):
    left, middle, right = axes
    for ax, values, style in panels:
        for name in view.strategies:
            ax.plot([], [], color=COLOURS[name], ls=style, lw=1 if style == ":" else 1.5, gid="strategy",
                    label=LABELS[name])
    left.axhline(np.pi**2 / 6, color="grey", ls="--", lw=1)
    left.text(0.99, np.pi**2 / 6, r"$\pi^2/6$ ", va="bottom", ha="right", color="grey",
              transform=left.get_yaxis_transform())
    left.set(xlabel="generation n", ylabel=r"$M\,E[(\mu_n-\mu)^2]/\sigma^2$ (exact)", yscale="log",
             title="mean error")
    middle.set(xlabel="generation n", ylabel=r"$\sigma_n^2/\sigma^2$", yscale="log",
               title="fitted variance: median (solid), mean (dotted)")
    right.set(xlabel="generation n", ylabel=r"$M\,W_2^2/\sigma^2$ (simulated mean)", yscale="log",
              title=r"$W_2^2$ to the data law")
    left.legend(fontsize=8, loc="upper left", title_fontsize=8)
    for ax in axes:
        ax.grid(alpha=0.3)


def strategies_widget():
    """Sliders for f, M, n, the growing schedule and the estimator, redrawing the three panels."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    controls = {
        "fraction": widgets.FloatSlider(value=0.1, min=0.0, max=1.0, step=0.01, description="real fraction f"),
        "size": widgets.IntSlider(value=20, min=2, max=500, description="M"),
        "generations": widgets.IntSlider(value=100, min=5, max=1000, step=5, description="generations n"),
        "kind": widgets.Dropdown(options=list(schedules.KINDS[1:]), value="linear", description="growth of M_i"),
        "estimator": widgets.Dropdown(options=["unbiased", "mle"], value="unbiased", description="estimator"),
    }
    output = widgets.Output()
    fig, axes = strategies_figure()
    plt.close(fig)  # shown through ``output`` only

    def redraw(**params):
        draw_strategies(axes, compute_strategies(**params))
        with output:
            output.clear_output(wait=True)
            display(fig)

    widgets.interactive_output(redraw, controls)
    box = widgets.VBox([widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:]), output])
    display(box)
    return box

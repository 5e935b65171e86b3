"""The widget of the chapter *Linear regression trained on its own predictions*.

Thin by design: :func:`compute_regression` computes (closed forms from
:mod:`collapse_lib.regression` plus a small exact simulation), :func:`draw_regression`
draws two panels, and :func:`regression_widget` wires the controls to them with
:func:`collapse_lib.widgets.book_widget`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib import ticker

from . import regression, strategies, validation
from .widgets import PLAIN, book_widget, light_log_axis

COLOURS = {"replace": "tab:red", "accumulate": "tab:green", "mix": "tab:blue"}
FIGSIZE = (8.5, 4.8)
"""Figure size of the static view and of the widget: scaled to the page column (about 680 px),
so that :data:`FONT` displays at about 9.5 pt."""
FONT = 12
"""Font size of every text of the figure (legends, ticks, labels, titles), in points."""
RIDGE_GENERATIONS = (0, 5, 20)
"""The generations n whose final-ridge curves the right panel shows."""


class RegressionView(NamedTuple):
    """Everything the figure shows."""

    generation: np.ndarray
    exact: dict                # strategy -> closed-form E||w_n - w_0||^2 / one-fit error (NaN if undefined)
    simulated: dict            # strategy -> simulated mean of the same (exact simulator)
    penalty: np.ndarray
    ridge: np.ndarray          # (len(RIDGE_GENERATIONS), len(penalty)): E[test error] of the final ridge fit
    best: np.ndarray           # the large-M best penalty (u + sigma^2/M)/wbar^2 for each of RIDGE_GENERATIONS
    dim: int
    size: int
    fraction: float
    note: str


def compute_regression(size: int = 40, fraction: float = 0.5, dim: int = 10, noise: float = 1.0,
                       generations: int = 30, n_chains: int = 200, seed: int = 0) -> RegressionView:
    """Closed forms and an exact simulation (Sigma = I, ||w_0|| = 1) of the three strategies and the ridge curves."""
    dim = validation.integer(dim, "dim", minimum=1)
    size = regression.full_rank_size(size, dim)
    noise = validation.positive_real(noise, "noise")
    fraction = validation.probability(fraction, "fraction")
    generations = validation.generations(generations)
    n_chains = validation.chains(n_chains, rows=generations + 1, values_per_chain=dim)
    rng = validation.generator(seed)
    cov = np.eye(dim)
    unit = regression.one_fit_error(dim, size, noise)
    exact, simulated, note = {}, {}, ""
    for name in regression.STRATEGIES:
        if name == "mix":
            try:
                regression.mix_counts(size, fraction, dim)
            except ValueError:     # a block too small for the inverse-Wishart mean: no curve, a note instead
                exact[name] = simulated[name] = np.full(generations + 1, np.nan)
                real = strategies.real_count(size, fraction)
                note = (f"mix needs $K, M_0 - K \\geq d + 2 = {dim + 2}$"
                        f" (here $K = {real}$, $M_0 - K = {size - real}$)")
                continue
            closed = regression.mix_error(generations, dim, size, fraction, noise)
        else:
            closed = getattr(regression, f"{name}_error")(generations, dim, size, noise)
        paths = regression.simulate_exact(name, generations, n_chains, size, cov, noise, fraction=fraction, rng=rng)
        exact[name], simulated[name] = closed / unit, paths.errors.mean(axis=1) / unit
    penalty = np.geomspace(1e-3, 100.0, 30)
    signal = 1.0 / dim
    ridge = np.array([regression.ridge_error(penalty, n, dim, size, size, noise, noise, signal, n_spectra=100,
                                             rng=rng) for n in RIDGE_GENERATIONS])
    best = np.array([regression.ridge_best_penalty_limit(regression.ridge_drift(n, dim, size, noise), signal,
                                                         noise, size) for n in RIDGE_GENERATIONS])
    return RegressionView(np.arange(generations + 1), exact, simulated, penalty, ridge, best, dim, size,
                          float(fraction), note)


def draw_regression(figure, view: RegressionView) -> None:
    """Left: test error against n for the three strategies. Right: final ridge error against lambda."""
    left, right = figure.subplots(1, 2)
    for name, colour in COLOURS.items():
        label = name + (f", $f = {view.fraction:g}$" if name == "mix" else "")
        left.plot(view.generation, view.exact[name], color=colour, lw=1.8, label=label)
        left.plot(view.generation, view.simulated[name], color=colour, lw=0, marker="o", ms=3.5, alpha=0.6)
    left.axhline(np.pi**2 / 6, color="grey", ls="--", lw=1, label=r"$\pi^2/6$")
    if view.note:
        # below the replace line, above the others
        note = view.note.replace("needs ", "needs\n").replace(" (", "\n(")
        left.text(0.97, 0.14, note, transform=left.transAxes, fontsize=FONT - 1, color="tab:blue", ha="right",
                  va="bottom")
    left.xaxis.set_major_locator(ticker.MaxNLocator(5))
    left.set_xlabel("generation $n$", fontsize=FONT)
    left.set_ylabel("test error / one-fit error", fontsize=FONT)
    left.set_title(f"$d = {view.dim}$, $M_0 = {view.size}$\nexact (lines), simulated (dots)", fontsize=FONT)
    left.legend(fontsize=FONT, loc="upper left", frameon=False, handlelength=1.5)
    for row, n in enumerate(RIDGE_GENERATIONS):
        line, = right.plot(view.penalty, view.ridge[row], lw=1.8, label=f"$n = {n}$")
        best = np.argmin(view.ridge[row])
        right.plot(view.penalty[best], view.ridge[row, best], marker="o", color=line.get_color())
        right.axvline(view.best[row], color=line.get_color(), ls=":", lw=1)
    right.set_xscale("log")
    light_log_axis(right.xaxis)
    right.xaxis.set_major_formatter(PLAIN)  # plain labels: mathtext tick labels cost a third of a redraw
    right.set_ylim(bottom=0)
    right.set_xlabel(r"ridge penalty $\lambda$", fontsize=FONT)
    right.set_ylabel("test error of the final ridge fit", fontsize=FONT)
    right.set_title("final ridge fit: minimum (dot),\nlarge-$M$ optimum (dotted)", fontsize=FONT)
    right.legend(fontsize=FONT, frameon=False, handlelength=1.5)
    for ax in (left, right):
        ax.tick_params(labelsize=FONT)
        ax.grid(alpha=0.3)
    figure.subplots_adjust(left=0.085, right=0.99, bottom=0.13, top=0.86, wspace=0.3)


def regression_widget():
    """Sliders for M_0 (``size``), f, d and sigma_eps^2; the static site precomputes M_0 x f."""
    import ipywidgets as widgets

    controls = {
        "size": widgets.IntSlider(value=40, min=12, max=400, description="M₀"),
        "fraction": widgets.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="real fraction f"),
        "dim": widgets.IntSlider(value=10, min=1, max=30, description="d"),
        "noise": widgets.FloatSlider(value=1.0, min=0.1, max=4.0, step=0.1, description="σ_ε²"),
    }
    grid = {"size": [40, 30, 60, 100, 200, 400], "fraction": [0.5, 0.3, 0.7, 0.9]}
    return book_widget(compute_regression, draw_regression, controls, grid=grid, figsize=FIGSIZE)

"""The widget of the chapter *A statistical language model*: fully vs partially synthetic training.

Thin by design: :func:`compute_language_model` simulates one context's next-token
law (a Zipf law over V tokens) under both regimes and evaluates the closed forms of
:mod:`collapse_lib.language_model`; :func:`draw_language_model` draws the expected collision
probability Cbar_n = E||p^(n)||^2 and the token probabilities of one chain;
:func:`language_model_widget` wires the controls with :func:`collapse_lib.widgets.book_widget`.

Symbols are the book's (chapters/notation.md); the arguments keep the paper's names:
``vocabulary`` is V, ``n`` the synthetic tokens per generation M, ``n_real`` the real tokens M_0.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib import ticker

from . import discrete, language_model, validation
from .widgets import PLAIN, book_widget

FIGSIZE = (8.5, 5.4)
FONT = 12
"""Text size: 12 pt in an 8.5-inch figure shows at about 9.5 pt in the page column."""
"""Figure size of the static view and of the widget."""

COLOURS = {"fully": "tab:red", "partially": "tab:blue", "true": "0.55"}


class LanguageModelView(NamedTuple):
    """What the figure shows: Cbar_n simulated (mean over chains) and exact for both regimes, token laws of chain 0."""

    generation: np.ndarray
    fully_simulated: np.ndarray
    fully_exact: np.ndarray
    partially_simulated: np.ndarray
    partially_exact: np.ndarray
    limit: float
    collapsed: np.ndarray          # fraction of chains collapsed to one token, fully synthetic
    collapsed_exact: np.ndarray
    true_law: np.ndarray
    fully_final: np.ndarray
    partially_final: np.ndarray
    vocabulary: int
    n: int                         # M, synthetic tokens per generation
    n_real: int                    # M_0, real tokens


def compute_language_model(vocabulary: int = 20, n: int = 20, n_real: int = 20, generations: int = 60,
                           exponent: float = 1.0, n_chains: int = 200, seed: int = 0) -> LanguageModelView:
    """Simulate one context (Zipf law over V tokens) fully synthetically (M = ``n`` tokens per model) and
    partially synthetically (M_0 = ``n_real`` real + M synthetic), with the closed forms of both."""
    vocabulary = validation.integer(vocabulary, "vocabulary", minimum=2)
    generations = validation.generations(generations, minimum=1)
    # two simulations of five (generations + 1, n_chains) summaries each: refused before allocating
    n_chains = validation.chains(n_chains, rows=generations + 1, values_per_chain=10)
    p = discrete.zipf(vocabulary, exponent)
    rng = validation.generator(seed)
    fully = language_model.simulate_fully_synthetic(p, n, generations, n_chains, rng)
    partially = language_model.simulate_partially_synthetic(p, n_real, n, generations, n_chains, rng,
                                                            distances=False)
    return LanguageModelView(
        np.arange(generations + 1), fully.collision.mean(axis=1),
        language_model.collision_fully_synthetic(p, n, generations), partially.collision.mean(axis=1),
        language_model.collision_partially_synthetic(p, n_real, n, generations),
        float(language_model.collision_limit(p, n_real, n)), (fully.largest == 1.0).mean(axis=1),
        language_model.collapse_probability(p, n, generations), p, fully.final[0], partially.final[0],
        vocabulary, n, n_real)


def draw_language_model(figure, view: LanguageModelView) -> None:
    """Left: Cbar_n (simulated solid, exact dotted) and the collapsed fraction; right: token laws of one chain."""
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    generation = view.generation
    left.plot(generation, view.fully_simulated, color=COLOURS["fully"], lw=2,
              label=f"fully synthetic ($M = {view.n}$)")
    left.plot(generation, view.fully_exact, color="k", lw=1, ls=":")
    left.plot(generation, view.partially_simulated, color=COLOURS["partially"], lw=2,
              label=f"$M_0 = {view.n_real}$ real + $M = {view.n}$ synthetic")
    left.plot(generation, view.partially_exact, color="k", lw=1, ls=":", label=r"exact $\bar{\mathcal{C}}_n$")
    left.axhline(view.limit, color=COLOURS["partially"], lw=1, ls="--", label=r"limit $\bar{\mathcal{C}}_\infty$")
    left.plot(generation, view.collapsed, color=COLOURS["fully"], lw=1.2, ls="-.", label="collapsed fraction (fully synthetic)")
    left.plot(generation, view.collapsed_exact, color="k", lw=1, ls=":")
    left.set_ylim(0, 1.02)
    left.set_xlabel("generation $n$", fontsize=FONT)
    left.set_ylabel(r"$\bar{\mathcal{C}}_n = E\,\|p^{(n)}\|^2$", fontsize=FONT)
    # one legend above the left panel, where it covers no curve
    left.legend(fontsize=FONT, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=1, frameon=False,
                borderaxespad=0.0, handlelength=1.6)
    left.grid(alpha=0.3)
    left.xaxis.set_major_formatter(PLAIN)
    left.yaxis.set_major_formatter(PLAIN)
    k = np.arange(1, view.vocabulary + 1)
    # step lines, one artist per law: bars cost a redraw several times as much
    right.plot(k, view.true_law, color=COLOURS["true"], lw=3, drawstyle="steps-mid", label="true law $p$")
    right.plot(k, view.fully_final, color=COLOURS["fully"], lw=1.6, drawstyle="steps-mid", label="fully synthetic")
    right.plot(k, view.partially_final, color=COLOURS["partially"], lw=1.6, drawstyle="steps-mid",
               label="partially synthetic")
    right.set_xlabel("token (by true probability)", fontsize=FONT)
    right.set_ylabel(f"probability at generation {generation[-1]}", fontsize=FONT)
    right.xaxis.set_major_locator(ticker.MaxNLocator(8, integer=True))
    right.yaxis.set_major_formatter(PLAIN)
    right.legend(fontsize=FONT, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=1, frameon=False,
                 borderaxespad=0.0)
    for ax in (left, right):
        ax.tick_params(labelsize=FONT)
    figure.subplots_adjust(left=0.09, right=0.99, bottom=0.1, top=0.64, wspace=0.3)


def language_model_widget():
    """Controls for V, M, M_0 and the number of generations, redrawing both panels (argument names as in the paper)."""
    import ipywidgets as widgets

    controls = {
        "n": widgets.IntSlider(value=20, min=1, max=400, description="synthetic M"),
        "n_real": widgets.IntSlider(value=20, min=1, max=400, description="real M₀"),
        "vocabulary": widgets.IntSlider(value=20, min=2, max=200, description="vocabulary V"),
        "generations": widgets.IntSlider(value=60, min=5, max=300, step=5, description="generations"),
    }
    grid = {"n": [20, 2, 5, 10, 50, 100, 200], "n_real": [20, 1, 5, 10, 50, 100, 400]}
    return book_widget(compute_language_model, draw_language_model, controls, grid=grid, figsize=FIGSIZE)

"""The widget of the chapter *The decline of lexical diversity, on real text*.

:func:`compute_lexical` runs the generational experiment on *Pride and Prejudice* once per
setting (n-gram order, temperature, top-k, real share), caches it, and returns the view of one
generation; :func:`draw_lexical` draws the rank-frequency curves of the generations so far and
the diversity curves; :func:`lexical_widget` wires the controls to them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from matplotlib import ticker

from . import corpus, lexical, validation
from .widgets import PLAIN, book_widget, light_log_axis

GENERATIONS = 10
"""Generations of every cached experiment (the generation control goes up to this)."""

FIGSIZE = (8.5, 5.6)
"""Figure size of the static view and of the widget: scaled to the page column (about 680 px),
so that :data:`FONT` displays at about 9.5 pt."""

FONT = 12
"""Font size of every text of the figure (legends, ticks, labels, titles), in points."""

SHOWN = (0, 1, 2, 5, 10)
"""Generations whose rank-frequency curves are drawn (those up to the chosen one)."""


class LexicalView(NamedTuple):
    """What the figure shows: the experiment of one setting, up to generation ``generation``."""

    history: lexical.History   # the whole cached experiment (generations 0..GENERATIONS)
    generation: int
    order: int
    temperature: float
    top_k: int
    real_share: float


@lru_cache(maxsize=1)
def _corpus() -> corpus.Corpus:
    return corpus.load("pride_and_prejudice")


@lru_cache(maxsize=64)
def experiment(order: int, temperature: float, top_k: int, real_share: float, seed: int = 0) -> lexical.History:
    """The cached experiment: replace if ``real_share`` is 0, else mix with that share; ``top_k`` 0 = all."""
    strategy = "replace" if real_share == 0 else "mix"
    return lexical.run(_corpus(), order=order, generations=GENERATIONS, strategy=strategy, fraction=real_share,
                       temperature=temperature, top_k=top_k or None, rng=seed)


def compute_lexical(order: int = 2, temperature: float = 1.0, top_k: int = 0, real_share: float = 0.0,
                    generation: int = GENERATIONS) -> LexicalView:
    """The view of ``generation`` for one setting (the experiment runs once per setting, then is cached)."""
    order = validation.integer(order, "order", minimum=1, maximum=3)
    generation = validation.integer(generation, "generation", minimum=0, maximum=GENERATIONS)
    top_k = validation.integer(top_k, "top_k", minimum=0)
    temperature = validation.positive_real(temperature, "temperature")
    real_share = validation.probability(real_share, "real_share")
    history = experiment(order, float(temperature), top_k, float(real_share))
    return LexicalView(history, generation, order, temperature, top_k, real_share)


def log_ranks(size: int, points: int = 200) -> np.ndarray:
    """About ``points`` ranks 1..size spaced evenly on a log scale, always including the last one
    (a cheap rank-frequency curve: drawing all ranks costs most of a frame)."""
    size = validation.integer(size, "size", minimum=1)
    points = validation.integer(points, "points", minimum=1)
    return np.unique(np.round(np.logspace(0, np.log10(size), points)).astype(int))


CURVES = (("types", "word types"), ("distinct2", "distinct-2"), ("entropy", "entropy"), ("mattr", "MATTR"))


def _curve(history: lexical.History, name: str) -> np.ndarray:
    values = history.distinct[:, 1] if name == "distinct2" else getattr(history, name)
    return np.asarray(values, dtype=float)


def draw_lexical(figure, view: LexicalView) -> None:
    """Left: rank-frequency (log-log) of generations 0, 1, 2, 5, 10 up to the chosen one.
    Middle: diversity curves relative to the real text. Right: perplexity on held-out real text."""
    left, middle, right = figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1, 0.85]})
    history, g = view.history, view.generation
    colours = {n: colour for n, colour in zip(SHOWN, ("black", "tab:blue", "tab:green", "tab:orange", "tab:red"))}
    for n in [n for n in SHOWN if n <= g] + ([g] if g not in SHOWN else []):
        c = history.rank_counts[n]
        ranks = log_ranks(c.size)
        left.loglog(ranks, c[ranks - 1], lw=2.0 if n == g else 1.2, color=colours.get(n, "tab:purple"),
                    label="0 (real)" if n == 0 else f"{n}")
    for axis in (left.xaxis, left.yaxis):
        light_log_axis(axis)
        axis.set_major_formatter(PLAIN)
    left.set_xlabel("rank", fontsize=FONT)
    left.set_ylabel("count", fontsize=FONT)
    left.set_title("rank-frequency", fontsize=FONT)
    # the upper right of a rank-frequency plot is always empty
    left.legend(fontsize=FONT, frameon=False, loc="upper right", handlelength=1.2, borderaxespad=0.2,
                labelspacing=0.3, title="generation", title_fontsize=FONT)
    x = history.generation
    for (name, label), colour in zip(CURVES, ("tab:red", "tab:blue", "tab:green", "tab:purple")):
        values = _curve(history, name)
        middle.plot(x, values / values[0], color=colour, lw=1, alpha=0.35)
        middle.plot(x[:g + 1], values[:g + 1] / values[0], color=colour, lw=2, marker="o", ms=3, label=label)
    middle.set_title("diversity / real text", fontsize=FONT)
    # below the panel: the curves can be anywhere in it
    middle.legend(fontsize=FONT, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2,
                  handlelength=1.2, columnspacing=0.8, borderaxespad=0.0)
    right.plot(x, history.perplexity, color="black", lw=1, alpha=0.35)
    right.plot(x[:g + 1], history.perplexity[:g + 1], color="black", lw=2, marker="o", ms=3)
    right.set_title("held-out perplexity", fontsize=FONT)
    # log scale: a low temperature takes the perplexity from about 10^2 to 10^7, and a linear axis
    # then shows the first generations as a flat line at 0 with a tiny "1e7" offset label
    right.set_yscale("log")
    wide = history.perplexity.max() > 100 * history.perplexity.min()  # decades only, else 1-2-5 ticks
    right.yaxis.set_major_locator(ticker.LogLocator(subs=(1.0,) if wide else (1.0, 2.0, 5.0), numticks=12))
    right.yaxis.set_minor_locator(ticker.NullLocator())
    right.yaxis.set_major_formatter(ticker.FuncFormatter(
        lambda value, _: f"$10^{{{round(np.log10(value))}}}$" if wide else f"{value:g}"))
    for ax in (middle, right):
        ax.set_xlabel("generation", fontsize=FONT)
        ax.xaxis.set_major_locator(ticker.MaxNLocator(5, integer=True))
        ax.grid(alpha=0.3)
    for ax in (left, middle, right):
        ax.tick_params(labelsize=FONT)
    decoding = rf"temperature $\tau = {view.temperature:g}$" + (f", top-{view.top_k}" if view.top_k else "")
    strategy = "replace" if view.real_share == 0 else f"mix, real share {view.real_share:g}"
    figure.suptitle(f"order-{view.order} n-gram model on Pride and Prejudice, {decoding}, {strategy};\n"
                    f"generation {g}", fontsize=FONT)
    figure.subplots_adjust(left=0.11, right=0.99, bottom=0.26, top=0.8, wspace=0.32)


def lexical_widget():
    """Controls for the n-gram order, temperature, top-k, the real share and the generation."""
    import ipywidgets as widgets

    controls = {
        "order": widgets.Dropdown(options=[1, 2, 3], value=2, description="n-gram order"),
        "temperature": widgets.Dropdown(options=[0.5, 0.7, 0.85, 1.0, 1.2], value=1.0, description="temperature"),
        "top_k": widgets.Dropdown(options=[0, 1, 5, 20, 100], value=0, description="top-k (0 = all)"),
        "real_share": widgets.Dropdown(options=[0.0, 0.1, 0.25, 0.5], value=0.0, description="real share"),
        "generation": widgets.IntSlider(value=GENERATIONS, min=0, max=GENERATIONS, description="generation"),
    }
    grid = {"generation": [GENERATIONS, 0, 1, 2, 3, 5, 7], "temperature": [1.0, 0.5, 0.7, 0.85, 1.2]}
    return book_widget(compute_lexical, draw_lexical, controls, grid=grid, figsize=FIGSIZE)

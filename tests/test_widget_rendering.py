"""The fast paths of a live widget update draw exactly what the plain matplotlib calls draw.

- :func:`collapse_lib.widgets.clear_figure` + the direct PNG of :func:`render_once` on a figure of
  :func:`new_figure` (whose renderer remembers text layouts) give the same pixels as
  ``figure.clear()`` + ``savefig(dpi=LIVE_DPI)`` on a plain Agg figure, also after another view;
- :func:`collapse_lib.widgets.render_live` on a :func:`live_figure` (the live path, which reuses the
  Axes and ticks of the last view) draws, after other settings, what a fresh figure draws, for
  every widget of the book;
- :func:`collapse_lib.widgets.cached_compute` returns the remembered view of a setting seen
  before and computes a new setting (that a live widget still redraws once on every real change
  is tests/test_gaussian_widgets.py::test_widgets_redraw_once_per_real_change_of_each_control).
"""

import functools
import io
import math

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from collapse_lib import (discrete_widgets, gaussian_widgets, language_model_widgets, lexical_widgets,
                          multivariate_widgets, phenomenon_widgets, regression_widgets, strategies_widgets, widgets)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _plain_update(compute, draw, figure, **params) -> bytes:
    figure.clear()
    draw(figure, compute(**params))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=widgets.LIVE_DPI)
    return buffer.getvalue()


@pytest.mark.parametrize("compute, draw, figsize, other", [
    (phenomenon_widgets.compute_sources, phenomenon_widgets.draw_sources, phenomenon_widgets.FIGSIZE,
     dict(size=5, trim=2.0, generations=20)),
    (strategies_widgets.compute_strategies, strategies_widgets.draw_strategies, strategies_widgets.FIGSIZE,
     dict(size=5, generations=10, estimator="mle")),
    (gaussian_widgets.compute_generation_one, gaussian_widgets.draw_generation_one, (10, 4), dict(size=10)),
    # two-line titles, mathtext, a note that comes and goes
    (regression_widgets.compute_regression, regression_widgets.draw_regression, regression_widgets.FIGSIZE,
     dict(size=12, dim=10, n_chains=20)),
])
def test_a_live_update_draws_what_clear_and_savefig_draw(compute, draw, figsize, other):
    fast, plain = widgets.new_figure(figsize), Figure(figsize=figsize)
    FigureCanvasAgg(plain)
    for params in ({}, other, {}):   # the second and third updates redraw a figure that held another view
        expected = _pixels(_plain_update(compute, draw, plain, **params))
        image = _pixels(widgets.render_once(compute, draw, fast, **params))
        assert image.shape == expected.shape and np.array_equal(image, expected), params
    assert (len(fast.axes), len(fast.legends), len(fast.texts)) == (len(plain.axes), len(plain.legends),
                                                                   len(plain.texts))


def test_cached_compute_remembers_settings_and_computes_new_ones():
    calls = []

    def compute(a=1, b="x"):
        calls.append((a, b))
        return {"a": a, "b": b}

    cached = widgets.cached_compute(compute, maxsize=2)
    first = cached(a=1, b="x")
    assert cached(b="x", a=1) is first and calls == [(1, "x")]      # keyword order does not matter
    assert cached(a=2, b="x") == {"a": 2, "b": "x"} and len(calls) == 2
    cached(a=3, b="x")                                              # pushes (1, "x") out of a cache of 2
    cached(a=1, b="x")
    assert calls == [(1, "x"), (2, "x"), (3, "x"), (1, "x")]
    assert cached(a=[1], b="x") == {"a": [1], "b": "x"}            # unhashable: computed, not cached


def test_the_pinned_matplotlib_gets_the_text_caching_canvas():
    """With the matplotlib of requirements.txt the fast renderer is in use (the pixel tests
    above then compare it with plain Agg); without its private pieces new_figure falls back."""
    assert widgets._text_cache_supported()
    assert isinstance(widgets.new_figure().canvas, widgets._WidgetCanvas)


LIVE_WIDGETS = {
    # name: (compute, draw as its widget wires it, figsize as its widget declares it, two other settings)
    "discrete": (discrete_widgets.compute_zipf_collapse,
                 functools.partial(discrete_widgets.draw_zipf_collapse, stacked=True), discrete_widgets.STACKED_FIGSIZE,
                 [dict(generations=1, size=100), dict(exponent=2.0, vocabulary=1000, generations=5)]),
    "variance paths": (gaussian_widgets.compute_variance_paths, gaussian_widgets.draw_variance_paths,
                       gaussian_widgets.FIGSIZE, [dict(size=5, generations=30, estimator="mle"),
                                                  dict(size=500, generations=10)]),
    "w2": (gaussian_widgets.compute_w2, gaussian_widgets.draw_w2, (8, 4),
           [dict(kind="quadratic", size=4, generations=25), dict(kind="linear", size=200, generations=5)]),
    "generation one": (gaussian_widgets.compute_generation_one, gaussian_widgets.draw_generation_one,
                       gaussian_widgets.FIGSIZE, [dict(size=2), dict(size=100, estimator="mle")]),
    "language model": (language_model_widgets.compute_language_model, language_model_widgets.draw_language_model,
                       language_model_widgets.FIGSIZE, [dict(n=2, n_real=400, generations=5),
                                                        dict(vocabulary=200, n=100)]),
    # one experiment per setting (seconds each): the generation control only, which changes legends and curves
    "lexical": (lexical_widgets.compute_lexical, lexical_widgets.draw_lexical, lexical_widgets.FIGSIZE,
                [dict(generation=0), dict(generation=3)]),
    "multivariate": (multivariate_widgets.compute_spectrum, multivariate_widgets.draw_spectrum,
                     multivariate_widgets.FIGSIZE, [dict(dim=1, size=11, generations=200),
                                                    dict(dim=10, size=500, shape="elongated")]),
    "phenomenon": (phenomenon_widgets.compute_sources, phenomenon_widgets.draw_sources, phenomenon_widgets.FIGSIZE,
                   [dict(size=5, trim=2.0, generations=20), dict(size=math.inf, separation=0.0)]),
    "regression": (regression_widgets.compute_regression, regression_widgets.draw_regression,
                   regression_widgets.FIGSIZE, [dict(size=12, dim=10, n_chains=20), dict(dim=1, noise=4.0)]),
    "strategies": (strategies_widgets.compute_strategies, strategies_widgets.draw_strategies,
                   strategies_widgets.FIGSIZE, [dict(size=5, generations=10, estimator="mle"),
                                                dict(fraction=1.0, kind="cubic")]),
}
"""Every live widget of the book, with two settings that change its scales, ticks, legends or texts."""


def _close(image: np.ndarray, expected: np.ndarray) -> bool:
    """The same picture: at most 0.1 % of the pixels differ, none by more than a faint antialiasing step,
    or by more only in a handful of pixels (the in-place redraw is meant to be exact; this absorbs noise)."""
    if image.shape != expected.shape:
        return False
    difference = np.abs(image.astype(int) - expected.astype(int)).max(axis=-1)
    return np.count_nonzero(difference) <= 0.001 * difference.size and np.count_nonzero(difference > 64) <= 10


@pytest.mark.parametrize("name", sorted(LIVE_WIDGETS))
def test_a_live_update_in_place_draws_what_a_fresh_figure_draws(name):
    """render_live reuses the Axes and ticks of the last view (widgets._RecyclingFigure): after
    other settings, each update must draw the picture that a new figure draws for that setting."""
    compute, draw, figsize, others = LIVE_WIDGETS[name]
    compute = widgets.cached_compute(compute)
    live = widgets.live_figure(figsize)
    for params in ({}, *others, {}, others[0], others[0]):
        expected = _pixels(widgets.render_once(compute, draw, widgets.new_figure(figsize), **params))
        image = _pixels(widgets.render_live(compute, draw, live, **params))
        assert _close(image, expected), params
    fresh = widgets.new_figure(figsize)
    widgets.render_once(compute, draw, fresh, **others[0])
    assert (len(live.axes), len(live.legends), len(live.texts)) == (len(fresh.axes), len(fresh.legends),
                                                                   len(fresh.texts))


def test_a_draw_that_fails_leaves_the_live_figure_usable():
    compute, draw, figsize, _ = LIVE_WIDGETS["w2"]
    live = widgets.live_figure(figsize)
    widgets.render_live(compute, draw, live)

    def failing(figure, data):
        figure.subplots()
        raise RuntimeError("half drawn")

    with pytest.raises(RuntimeError):
        widgets.render_live(compute, failing, live)
    expected = _pixels(widgets.render_once(compute, draw, widgets.new_figure(figsize)))
    assert _close(_pixels(widgets.render_live(compute, draw, live)), expected)


def test_a_live_widget_moved_shows_what_a_fresh_figure_draws():
    """The wiring of interactive_figure: a control moved redraws in place, and the image is that of a fresh draw."""
    import ipywidgets

    box = gaussian_widgets.generation_one_widget()
    image = box.children[-1]
    controls = {control.description: control for control in box.children[0].children}
    assert isinstance(image, ipywidgets.Image)
    for size, estimator in ((10, "unbiased"), (10, "mle"), (3, "unbiased")):
        controls["M₀"].value, controls["estimator"].value = size, estimator
        expected = _pixels(widgets.render_once(gaussian_widgets.compute_generation_one,
                                               gaussian_widgets.draw_generation_one,
                                               widgets.new_figure(gaussian_widgets.FIGSIZE), size=size,
                                               estimator=estimator))
        assert _close(_pixels(bytes(image.value)), expected), (size, estimator)


def _draw_other_axes(figure, data):
    """A draw that makes its Axes without subplots (and a twin): the live figure must not recycle them."""
    ax = figure.add_subplot(1, 2, 1)
    ax.plot(data.x, data.exact, label="exact")
    ax.set_yscale("log")
    ax.twinx().plot(data.x, data.normal / data.exact, color="C1")
    left, right = figure.subplots(1, 2, sharey=True) if data.size > 5 else (figure.add_subplot(1, 2, 2), None)
    left.set_title(f"M = {data.size}")
    if right is not None:
        right.plot(data.x, data.normal)


def test_a_draw_with_axes_of_its_own_is_redrawn_from_a_clear_figure():
    compute = gaussian_widgets.compute_generation_one
    live = widgets.live_figure(gaussian_widgets.FIGSIZE)
    for size in (3, 10, 10, 3, 3):
        expected = _pixels(widgets.render_once(compute, _draw_other_axes, widgets.new_figure(gaussian_widgets.FIGSIZE),
                                               size=size))
        assert _close(_pixels(widgets.render_live(compute, _draw_other_axes, live, size=size)), expected), size
        assert len(live.axes) == (4 if size > 5 else 3)

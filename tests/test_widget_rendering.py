"""The fast paths of a live widget update draw exactly what the plain matplotlib calls draw.

- :func:`collapse_lib.widgets.clear_figure` + the direct PNG of :func:`render_once` on a figure of
  :func:`new_figure` (whose renderer remembers text layouts) give the same pixels as
  ``figure.clear()`` + ``savefig(dpi=LIVE_DPI)`` on a plain Agg figure, also after another view;
- :func:`collapse_lib.widgets.cached_compute` returns the remembered view of a setting seen
  before and computes a new setting (that a live widget still redraws once on every real change
  is tests/test_gaussian_widgets.py::test_widgets_redraw_once_per_real_change_of_each_control).
"""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from collapse_lib import gaussian_widgets, phenomenon_widgets, regression_widgets, strategies_widgets, widgets


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

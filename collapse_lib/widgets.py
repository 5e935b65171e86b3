"""Wiring shared by every chapter's widgets: sliders -> compute -> draw.

A chapter's widget module supplies two functions, ``compute(**params)`` and
``draw(figure, data)``; :func:`interactive_figure` wires ipywidgets controls to
them and redraws one matplotlib figure in an ``Output`` on every change.
:func:`render_once` is what a widget update costs (used by the benchmark).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from matplotlib import ticker
from matplotlib.collections import LineCollection
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import validation

PLAIN = ticker.FuncFormatter(lambda value, _: f"{value:g}")
"""Plain tick labels (``f"{value:g}"``): mathtext tick labels cost a third of a redraw."""


def render_once(compute: Callable, draw: Callable, figure, **params) -> bytes:
    """Recompute, redraw ``figure`` and render it to PNG bytes: one widget update."""
    figure.clear()
    draw(figure, compute(**params))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def light_log_axis(axis) -> None:
    """Major decade ticks only on a log axis: the minor ticks cost most of a redraw."""
    axis.set_major_locator(ticker.LogLocator(numticks=8))
    axis.set_minor_locator(ticker.NullLocator())


def chains_collection(x, ys, **style) -> LineCollection:
    """One LineCollection with a polyline (x, ys[:, k]) per column k of ``ys``.

    Far cheaper to draw than one Line2D per chain; ``style`` goes to LineCollection
    (``colors``, ``linewidths``, ``alpha``, ``linestyles``, ...).
    """
    x, ys = np.asarray(x), np.asarray(ys)
    segments = np.stack(np.broadcast_arrays(x[None, :], ys.T), axis=-1)
    return LineCollection(segments, **style)


def estimator_control():
    """The dropdown choosing the variance estimator, shared by the widgets."""
    import ipywidgets

    return ipywidgets.Dropdown(options=list(validation.ESTIMATORS), value="unbiased", description="estimator")


def new_figure(figsize=(9, 4)) -> Figure:
    """A figure for a widget: not registered with pyplot (a later plt.show() will not
    show it again), with its own Agg canvas (without one, every savefig switches
    canvases and costs about 40 ms more)."""
    figure = Figure(figsize=figsize)
    FigureCanvasAgg(figure)
    return figure


def interactive_figure(compute: Callable, draw: Callable, controls: dict, figsize=(9, 4)):
    """An ipywidgets box: the ``controls`` (name -> widget) above a figure that follows them."""
    import ipywidgets
    from IPython.display import Image, display

    output = ipywidgets.Output()
    figure = new_figure(figsize)

    def update(_change=None):
        params = {name: control.value for name, control in controls.items()}
        png = render_once(compute, draw, figure, **params)
        with output:
            output.clear_output(wait=True)
            display(Image(png))

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return ipywidgets.VBox([ipywidgets.HBox(list(controls.values()), layout={"flex_flow": "row wrap"}), output])


def book_widget(compute: Callable, draw: Callable, controls: dict, grid: dict, figsize=(9, 4)):
    """A chapter's widget: live in a kernel, precomputed frames in the static site.

    ``controls`` maps each parameter name to its ipywidgets control (the live version
    uses them all, see :func:`interactive_figure`). ``grid`` maps at most two of those
    names to the finite list of values that the static site precomputes; every other
    parameter keeps its control's default value there. The first value of each grid
    list must be the control's default, so the first frame is the default view.
    """
    validation_grid(grid, controls)
    return interactive_figure(compute, draw, controls, figsize=figsize)


def validation_grid(grid: dict, controls: dict) -> None:
    """Check a precomputation grid against the controls (see :func:`book_widget`)."""
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2:
        raise ValueError(f"grid must be a dict of one or two parameter names to value lists, got {grid!r}.")
    for name, values in grid.items():
        if name not in controls:
            raise ValueError(f"grid names {name!r}, which is not one of the controls {sorted(controls)}.")
        values = list(values)
        if len(values) < 2:
            raise ValueError(f"grid[{name!r}] must list at least two values, got {values!r}.")
        if values[0] != controls[name].value:
            raise ValueError(f"grid[{name!r}] must start with the control's default {controls[name].value!r}, "
                             f"got {values[0]!r}.")

"""Wiring shared by every chapter's widgets: sliders -> compute -> draw.

A chapter's widget module supplies two functions, ``compute(**params)`` and
``draw(figure, data)``, and declares its widget once with :func:`book_widget`:

- in a kernel (Jupyter, Binder) it is :func:`interactive_figure`: every control is
  live, and each change recomputes and redraws one figure into an ``ipywidgets.Image``;
- in the static site (the book build sets ``COLLAPSE_BOOK_STATIC=1``) it is
  :func:`precomputed_figure`: the figure for every point of a small grid of slider
  values is rendered at build time, the frames sit in nested ``ipywidgets.Stack``
  containers, and ``jslink`` ties the sliders to the stacks' ``selected_index``, so
  the browser switches frames with no kernel at all.

Neither form uses an ``Output`` widget: nbclient mimics the Output widget by sending
comm messages back to the kernel from inside its message loop, which intermittently
left the next cell's execution waiting for the whole cell timeout (see the test
``tests/test_cell_budget.py`` and the README's note on the cell budget).
:func:`render_live` on a :func:`live_figure` is what a live widget update costs (used by the
benchmark); :func:`render_once` redraws a figure from scratch (the precomputed frames, tests).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from matplotlib import ticker
from matplotlib.collections import LineCollection
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
try:
    from matplotlib.ft2font import RenderMode
except ImportError:  # an older matplotlib: widget figures use the plain Agg canvas (_text_cache_supported)
    RenderMode = None
from matplotlib.font_manager import fontManager, get_font
from matplotlib.figure import Figure

from . import validation

PLAIN = ticker.FuncFormatter(lambda value, _: f"{value:g}")
"""Plain tick labels (``f"{value:g}"``): mathtext tick labels cost a third of a redraw."""


STATIC_ENVIRONMENT = "COLLAPSE_BOOK_STATIC"
"""Set to ``1`` by the book build (tools/book_site.py): widgets render precomputed frames."""

LIVE_DPI = 72
"""Resolution of a live update: fast enough for a slider (see the benchmark)."""

FRAME_DPI = 72
"""Resolution of a precomputed frame of the static site."""

MAX_FRAMES = 120
"""At most this many precomputed frames per widget (page weight, build time)."""

COMPUTE_CACHE = 64
"""A live widget keeps the views of its last this-many distinct settings (slider moves back and forth)."""


def clear_figure(figure) -> None:
    """Empty ``figure`` for a redraw: what ``figure.clear()`` does, without clearing each Axes first.

    ``Figure.clear`` resets every Axes (its axes, ticks, spines, titles) just before
    throwing it away, which costs about 5 ms per panel of a widget update; the drawn
    result is the same (``tests/test_widget_rendering.py``).
    """
    for axes in tuple(figure.axes):
        figure.delaxes(axes)
    figure.artists, figure.lines, figure.patches, figure.texts, figure.images, figure.legends = [], [], [], [], [], []
    figure.subfigs = []
    figure.subplotpars.reset()
    figure._suptitle = figure._supxlabel = figure._supylabel = None
    figure.stale = True


def _rgba(figure, dpi: float):
    """Draw ``figure`` at ``dpi`` on its own Agg canvas; return its pixels as a PIL image (no copy)."""
    from PIL import Image

    if figure.dpi != dpi:
        figure.set_dpi(dpi)
    canvas = figure.canvas
    canvas.draw()
    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)


def render_once(compute: Callable, draw: Callable, figure, **params) -> bytes:
    """Recompute, redraw ``figure`` and render it to PNG bytes: one live widget update.

    The figure is drawn at :data:`LIVE_DPI` and its pixels go straight to the PNG
    encoder (zlib level 1): the same image as ``savefig(dpi=LIVE_DPI)``, without
    savefig's bounding-box and colour bookkeeping.
    """
    clear_figure(figure)
    draw(figure, compute(**params))
    buffer = io.BytesIO()
    _rgba(figure, LIVE_DPI).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def render_frame(compute: Callable, draw: Callable, figure, **params) -> bytes:
    """Recompute, redraw ``figure`` and encode it as a WebP image: one precomputed frame.

    WebP (lossy, quality 80) is about five times smaller than PNG for these line plots,
    which keeps a page with a hundred frames light.
    """
    figure.set_dpi(FRAME_DPI)
    clear_figure(figure)
    draw(figure, compute(**params))
    buffer = io.BytesIO()
    _rgba(figure, FRAME_DPI).convert("RGB").save(buffer, format="WEBP", quality=80, method=6)
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


TEXT_CACHE = 4096
"""At most this many font metrics and text layouts kept by a widget figure's renderer."""

GLYPH_CACHE = 8192
"""At most this many rendered glyph bitmaps kept by a widget figure's renderer (a few MB)."""


class _TextCachingRenderer(RendererAgg):
    """An Agg renderer that remembers the font metrics and glyph layouts of the texts it drew.

    Text is the largest part of a widget's redraw (tick labels, titles, legends), and
    matplotlib lays out every string again at every draw: FreeType shaping, font lookup,
    font tables, then FreeType renders every glyph. The same strings come back at every
    slider move, so the renderer keeps their layouts and the rendered glyph bitmaps (by
    the glyph's sub-pixel offset, so that the pixels are the same:
    ``tests/test_widget_rendering.py`` compares them with plain Agg's).
    """

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self._heights, self._layouts, self._glyphs = {}, {}, {}

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):
        # the loop of RendererAgg._draw_text_glyphs_and_boxes (matplotlib 3.11), with each glyph's
        # bitmap remembered: FreeType renders a glyph at a whole-pixel offset as the same bitmap
        # moved, so the key holds the offset's fraction (1/64 px) and the bitmap is placed by the rest
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        flags = get_hinting_flag()
        mode = RenderMode.NORMAL if gc.get_antialiased() else RenderMode.MONO
        height = int(self.height)
        for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards
            tx = round(0x40 * (x + dx * cos - dy * sin))
            ty = round(0x40 * (self.height - y + dx * sin + dy * cos))  # FreeType's y is upwards
            key = (font, size, self.dpi, glyph_index, slant, extend, angle, tx & 0x3F, ty & 0x3F, flags, mode)
            cached = self._glyphs.get(key)
            if cached is None:
                if len(self._glyphs) > GLYPH_CACHE:
                    self._glyphs.clear()
                font.set_size(size, self.dpi)
                font._set_transform((0x10000 * np.array([[cos, -sin], [sin, cos]])
                                     @ [[extend, extend * slant], [0, 1]]).round().astype(int),
                                    [tx & 0x3F, ty & 0x3F])
                bitmap = font._render_glyph(glyph_index, flags, mode)
                buffer = np.array(bitmap.buffer)  # a copy: the glyph slot is reused by the next render
                if mode is not RenderMode.NORMAL:
                    buffer *= 0xff
                cached = self._glyphs[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = cached
            # draw_text_image's y is downwards & the bitmap bottom side
            self._renderer.draw_text_image(buffer, left + (tx >> 6), height - (top + (ty >> 6)) + buffer.shape[0],
                                           0, gc)
        super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)

    def _get_font_height_metrics(self, prop):
        # the hook Text._get_layout asks of a renderer; the same sums as its own fallback (matplotlib 3.11)
        key = (prop.copy(), self.dpi)
        if key not in self._heights:
            if len(self._heights) > TEXT_CACHE:
                self._heights.clear()
            font = get_font(fontManager._find_fonts_by_props(prop))
            metrics = (None, None, None)
            for table_name, gap_key, ascent_key, descent_key in (
                    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is not None:
                    scale = prop.get_size_in_points() * self.dpi / 72 / font.get_sfnt_table("head")["unitsPerEm"]
                    metrics = (table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale)
                    break
            self._heights[key] = metrics
        return self._heights[key]

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, prop.copy(), self.dpi, tuple(features) if features is not None else None,
               language if isinstance(language, (str, type(None))) else tuple(language))
        items = self._layouts.get(key)
        if items is None:
            if len(self._layouts) > TEXT_CACHE:
                self._layouts.clear()
            items = self._layouts[key] = self._prepare_font(prop)._layout(
                s, flags=get_hinting_flag(), features=features, language=language)
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items), [])


class _WidgetCanvas(FigureCanvasAgg):
    """The Agg canvas of a widget figure: draws with a :class:`_TextCachingRenderer`."""

    def get_renderer(self):
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _TextCachingRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def _text_cache_supported() -> bool:
    """Whether this matplotlib has the private pieces :class:`_TextCachingRenderer` uses.

    They exist in the pinned matplotlib (requirements.txt); with another version that
    lacks them, widget figures fall back to the plain Agg canvas (slower, same pixels)
    instead of failing.
    """
    from matplotlib.ft2font import FT2Font

    return (hasattr(RendererAgg, "_prepare_font") and hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")
            and hasattr(fontManager, "_find_fonts_by_props") and hasattr(FT2Font, "_layout")
            and hasattr(FT2Font, "_render_glyph") and hasattr(FT2Font, "_set_transform") and RenderMode is not None)


def new_figure(figsize=(9, 4)) -> Figure:
    """A figure for a widget: not registered with pyplot (a later plt.show() will not
    show it again), with its own Agg canvas (without one, every savefig switches
    canvases and costs about 40 ms more) whose renderer remembers text layouts."""
    figure = Figure(figsize=figsize)
    (_WidgetCanvas if _text_cache_supported() else FigureCanvasAgg)(figure)
    return figure


class _RecyclingFigure(Figure):
    """A live widget's figure: each redraw gets back the Axes, and their ticks, of the last one.

    A widget's draw function starts with ``figure.subplots(...)``; on a fresh figure that
    builds every Axes, and the first draw of each then builds every tick (a Tick is two
    lines, a gridline and two texts): together about half of an update. Between two
    :meth:`redraw` calls this figure keeps them: ``subplots`` with the same arguments as
    in the last draw returns the same Axes, cleared by ``Axes.clear`` (titles, labels,
    limits, scales, locators, artists, as a new Axes), and the ticks of the last draw are
    given back to each axis whose tick parameters (``tick_params``, ``grid``) came out the
    same, so that the drawing is that of a fresh figure (``tests/test_widget_rendering.py``
    compares the pixels after other settings with those of a fresh draw, for every widget).

    Only ``subplots`` without shared axes is recycled: a draw that makes any other Axes
    (``add_subplot``, ``add_axes``, ``twinx``, a colorbar, shared axes) gets a fully cleared
    figure at its next redraw, as :func:`render_once` gives.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept = {}        # subplots arguments -> (their result, the Axes in it) of the last draw
        self._claimed = set()  # keys of self._kept handed out in the current draw
        self._fresh_tick_kw = {}   # axis -> (major, minor) tick parameters of a new Axes

    def subplots(self, nrows=1, ncols=1, **kwargs):
        if kwargs.get("sharex") or kwargs.get("sharey"):
            return super().subplots(nrows, ncols, **kwargs)  # not kept: the next redraw starts afresh
        key = repr((nrows, ncols, sorted(kwargs.items())))
        if key in self._kept and key not in self._claimed:
            self._claimed.add(key)
            return self._kept[key][0]
        result = super().subplots(nrows, ncols, **kwargs)
        axes = list(np.ravel(result))
        for ax in axes:
            for axis in ax._axis_map.values():
                self._fresh_tick_kw[axis] = (dict(axis._major_tick_kw), dict(axis._minor_tick_kw))
        self._kept[key] = (result, axes)
        self._claimed.add(key)
        return result

    def draw(self, renderer):
        # within one draw nothing moves once it has begun (fixed margins, no layout engine), yet
        # matplotlib places and labels each axis's ticks four or five times (for the axis, its
        # label, the spines, the title's height): here each axis does it once per geometry and view
        axes = [axis for ax in self.axes for axis in ax._axis_map.values()]
        for axis in axes:
            axis._update_ticks = _ticks_once_per_view(axis)
        try:
            return super().draw(renderer)
        finally:
            for axis in axes:
                axis.__dict__.pop("_update_ticks", None)

    def _forget(self) -> None:
        clear_figure(self)
        self._kept, self._claimed, self._fresh_tick_kw = {}, set(), {}

    def redraw(self, draw: Callable, data) -> None:
        """``draw(self, data)`` on this figure, reusing the Axes and ticks of the last draw."""
        kept = {id(ax) for _, axes in self._kept.values() for ax in axes}
        if any(id(ax) not in kept for ax in self.axes):
            self._forget()  # the last draw made Axes of its own: nothing is recycled this time
        saved = []
        for _, axes in self._kept.values():
            for ax in axes:
                for axis in ax._axis_map.values():
                    saved.append((axis, _clear_keeping_ticks(axis, self._fresh_tick_kw[axis])))
                ax.clear()
                for axis in ax._axis_map.values():
                    del axis.reset_ticks  # the method again
        for axis, (ticks, _) in saved:
            for name, tick_list in zip(("majorTicks", "minorTicks"), ticks):
                if tick_list is None:
                    axis.__dict__.pop(name, None)  # not built yet: lazy again
                else:
                    axis.__dict__[name] = tick_list
        # the figure's own artists go, as in clear_figure; its Axes stay
        self.artists, self.lines, self.patches, self.texts, self.images, self.legends = [], [], [], [], [], []
        self.subfigs = []
        self.subplotpars.reset()
        self._suptitle = self._supxlabel = self._supylabel = None
        self._claimed = set()
        try:
            draw(self, data)
        except BaseException:
            self._forget()  # a draw cut short leaves no half-drawn Axes behind for the next one
            raise
        for key in [key for key in self._kept if key not in self._claimed]:
            for ax in self._kept.pop(key)[1]:
                for axis in ax._axis_map.values():
                    self._fresh_tick_kw.pop(axis, None)
                self.delaxes(ax)
        for axis, (_, tick_kw) in saved:
            # the old ticks carry the old tick parameters: kept only where the draw set the same ones
            if axis in self._fresh_tick_kw and (axis._major_tick_kw, axis._minor_tick_kw) != tick_kw:
                axis.reset_ticks()
        self.stale = True


def _ticks_once_per_view(axis) -> Callable:
    """``axis._update_ticks`` remembering its ticks for one draw, keyed by all they depend on
    (view and data limits, the Axes' box, scale, locators and formatters): the same list of
    ticks, placed and labelled by the first call, for every later call of the same draw."""
    update, memo = type(axis)._update_ticks.__get__(axis), {}

    def update_ticks():
        key = (tuple(axis.get_view_interval()), tuple(axis.get_data_interval()), axis.axes.bbox.bounds,
               axis.get_scale(), id(axis.major.locator), id(axis.major.formatter), id(axis.minor.locator),
               id(axis.minor.formatter))
        if key not in memo:
            memo[key] = update()
        return memo[key]

    return update_ticks


def _no_op() -> None:
    pass


def _clear_keeping_ticks(axis, fresh_tick_kw) -> tuple:
    """Prepare ``axis`` for ``Axes.clear`` without losing its ticks; return them and their parameters.

    ``Axes.clear`` would throw the ticks away (``Axis.reset_ticks``) and build new ones at
    the next draw; here the tick lists are set aside (the clear sees empty ones), the tick
    parameters go back to those of a new Axes, and ``reset_ticks`` does nothing until the
    caller deletes this instance attribute again after the clear.
    """
    ticks = (axis.__dict__.get("majorTicks"), axis.__dict__.get("minorTicks"))
    tick_kw = (axis._major_tick_kw, axis._minor_tick_kw)
    axis._major_tick_kw, axis._minor_tick_kw = dict(fresh_tick_kw[0]), dict(fresh_tick_kw[1])
    axis.__dict__["majorTicks"], axis.__dict__["minorTicks"] = [], []
    axis.reset_ticks = _no_op
    return ticks, tick_kw


def live_figure(figsize=(9, 4)) -> Figure:
    """The figure of a live widget: as :func:`new_figure`, and each redraw reuses the Axes and
    ticks of the last one (:class:`_RecyclingFigure`, see :func:`render_live`)."""
    figure = _RecyclingFigure(figsize=figsize)
    (_WidgetCanvas if _text_cache_supported() else FigureCanvasAgg)(figure)
    return figure


def render_live(compute: Callable, draw: Callable, figure, **params) -> bytes:
    """One live widget update on a figure of :func:`live_figure`: recompute, redraw in place, PNG.

    The same image as :func:`render_once` on a fresh figure, in about half the time: the Axes
    and their ticks are reused (:class:`_RecyclingFigure`). Any other figure is cleared and
    redrawn as by :func:`render_once`.
    """
    if not isinstance(figure, _RecyclingFigure):
        return render_once(compute, draw, figure, **params)
    figure.redraw(draw, compute(**params))
    buffer = io.BytesIO()
    _rgba(figure, LIVE_DPI).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def static_site() -> bool:
    """True while the book's static site is being built (``COLLAPSE_BOOK_STATIC=1``)."""
    return os.environ.get(STATIC_ENVIRONMENT, "") == "1"


def _figure_box(controls, *below):
    """The controls in a wrapping row, with the figure (and any caption) below them."""
    import ipywidgets

    row = ipywidgets.HBox(list(controls), layout={"flex_flow": "row wrap"})
    return ipywidgets.VBox([row, *below], layout={"max_width": "100%"})


@lru_cache(maxsize=1)
def _described_image_class():
    """``ipywidgets.Image`` whose ``tooltip`` (the figure's alternative text) reaches the browser.

    The widget's view (ipywidgets 8 ``DOMWidgetView.updateTooltip``) writes the tooltip
    into the image's ``title`` only when the model's ``description`` is empty, and an
    ``Image`` has no ``description`` at all (the view then throws); this class syncs an
    empty one. In the static site ``_static/widget_access.js`` moves the title into the
    image's ``alt``; in a kernel the title is the image's accessible name.
    """
    import ipywidgets
    import traitlets

    class DescribedImage(ipywidgets.Image):
        description = traitlets.Unicode("").tag(sync=True)

    return DescribedImage


def _image_widget(value: bytes, image_format: str, alt: str = ""):
    # width 100% of the page column, height from the aspect ratio: readable on a phone too
    return _described_image_class()(value=value, format=image_format, tooltip=alt or None,
                                    layout={"width": "100%", "height": "auto"})


_TEX_WORDS = (  # (regular expression, replacement) on a label's TeX, in this order
    (r"\\mathbb\{E\}", "E"), (r"\\operatorname\{(\w+)\}", r"\1"), (r"\\mathcal\{(\w+)\}", r"\1"),
    (r"\\mathrm\{(\w+)\}", r"\1"), (r"\\bar\{?(\\?\w+)\}?", r"mean \1"), (r"\\hat\{?(\\?\w+)\}?", r"\1 hat"),
    (r"\\frac\{(.+?)\}\{(.+?)\}", r"\1/\2"), (r"\\infty", "∞"), (r"\\sum", " sum "), (r"\\[,;!]", " "),
    (r"\\left|\\right", ""), (r"\\\|", "‖"),
)
_GREEK = {name: chr(code) for name, code in (
    ("alpha", 0x3b1), ("beta", 0x3b2), ("gamma", 0x3b3), ("delta", 0x3b4), ("epsilon", 0x3b5), ("varepsilon", 0x3b5),
    ("lambda", 0x3bb), ("mu", 0x3bc), ("pi", 0x3c0), ("rho", 0x3c1), ("sigma", 0x3c3), ("tau", 0x3c4),
    ("Sigma", 0x3a3), ("theta", 0x3b8), ("nu", 0x3bd), ("chi", 0x3c7))}


def plain_text(label: str) -> str:
    """A matplotlib label as plain words for an alternative text: ``$\\sigma_n^2$`` -> ``σ_n^2``."""
    import re

    text = str(label).replace("\n", " ")
    if "$" not in text:
        return " ".join(text.split())
    for pattern, replacement in _TEX_WORDS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"\\([A-Za-z]+)", lambda match: _GREEK.get(match.group(1), match.group(1)), text)
    text = text.replace("$", "").replace("{", "").replace("}", "")
    return " ".join(text.split())


def describe_figure(figure) -> str:
    """What a drawn widget figure shows, in words: its title, and each panel's title, axes and curves.

    The base of a precomputed frame's alternative text (:func:`frame_alt`); read from the
    figure itself, so it follows whatever the chapter's ``draw`` function puts in.
    """
    panels = [axes for axes in figure.axes if axes.get_visible() and (axes.lines or axes.collections
                                                                       or axes.patches or axes.images)]
    parts = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(plain_text(suptitle.get_text()).rstrip(".") + ".")
    parts.append(f"A plot in {len(panels)} panel{'s' if len(panels) != 1 else ''}." if len(panels) != 1 else "A plot.")
    positions = (["Left", "Right"] if len(panels) == 2 else ["Left", "Middle", "Right"] if len(panels) == 3
                 else [f"Panel {number}" for number in range(1, len(panels) + 1)])
    for position, axes in zip(positions, panels):
        title = plain_text(axes.get_title() or axes.get_title("left") or axes.get_title("right"))
        x, y = plain_text(axes.get_xlabel()), plain_text(axes.get_ylabel())
        sentence = position if len(panels) > 1 else "It"
        sentence += f", {title}," if title else ""
        sentence += f" shows {y or 'a value'} against {x or 'a variable'}" if (x or y) else " shows a plot"
        labels = [plain_text(label) for label in axes.get_legend_handles_labels()[1] if not label.startswith("_")]
        if labels:
            sentence += "; curves: " + ", ".join(labels[:8]) + (" and more" if len(labels) > 8 else "")
        parts.append(sentence + ".")
    return " ".join(parts)


def frame_alt(figure, settings: dict) -> str:
    """The alternative text of one precomputed frame: the slider values it shows, then the figure.

    ``settings`` maps each slider's visible label to the label of its value, so the
    text names exactly what the sliders show (``M = 20, generations = 200``).
    """
    values = ", ".join(f"{label} = {value}" for label, value in settings.items())
    return f"Widget figure for {values}. {describe_figure(figure)}"


def cached_compute(compute: Callable, maxsize: int = COMPUTE_CACHE) -> Callable:
    """``compute`` remembering its last ``maxsize`` results, keyed by its keyword arguments.

    Every widget's compute is deterministic (fixed seeds), so a setting seen before gives
    the same view: a slider moved back redraws without recomputing. The view is shared,
    so draw functions must not modify it (none does).
    """
    @lru_cache(maxsize=maxsize)
    def by_items(items: tuple):
        return compute(**dict(items))

    def cached(**params):
        items = tuple(sorted(params.items()))
        try:
            hash(items)
        except TypeError:  # a control with an unhashable value: nothing to key the cache by
            return compute(**params)
        return by_items(items)

    cached.cache_info = by_items.cache_info
    return cached


def interactive_figure(compute: Callable, draw: Callable, controls: dict, figsize=(9, 4)):
    """An ipywidgets box: the ``controls`` (name -> widget) above a figure that follows them.

    Each change of a control recomputes (or takes the view of a setting seen before from
    :func:`cached_compute`), redraws in place (:func:`render_live`: the Axes and ticks of the
    last view are reused) and replaces the bytes of one ``ipywidgets.Image`` (no ``Output``
    widget, see the module docstring).
    """
    figure = live_figure(figsize)
    compute = cached_compute(compute)

    def current_png() -> bytes:
        return render_live(compute, draw, figure, **{name: control.value for name, control in controls.items()})

    def current_alt() -> str:
        return frame_alt(figure, {control.description or name: _value_label(control.value)
                                  for name, control in controls.items()})

    image = _image_widget(current_png(), "png", current_alt())

    def update(_change=None):
        image.value = current_png()
        image.tooltip = current_alt()

    for control in controls.values():
        control.observe(update, names="value")
    box = _figure_box(controls.values(), image)
    box.update = update  # for tests and benchmarks: one update, as a slider move triggers it
    return box


def _grid_values(name: str, values: Sequence, control) -> list:
    """The grid values of one parameter, in slider order (numbers sorted), default included."""
    values = list(dict.fromkeys(values))
    if all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
        values = sorted(values)
    if len(values) < 2:
        raise ValueError(f"grid[{name!r}] must list at least two distinct values, got {values!r}.")
    if control.value not in values:
        raise ValueError(f"grid[{name!r}] must contain the control's default value {control.value!r}, "
                         f"got {values!r}.")
    return values


def _value_label(value) -> str:
    if isinstance(value, float) and value == float("inf"):
        return "∞"
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def check_grid(grid: dict, controls: dict) -> dict:
    """Validate a precomputation grid against the controls; return it with ordered value lists.

    ``grid`` maps one or two control names to the values to precompute; each list must
    contain that control's default value; at most :data:`MAX_FRAMES` frames in all.
    """
    if not isinstance(controls, dict) or not controls:
        raise ValueError(f"controls must be a non-empty dict of parameter names to ipywidgets controls, "
                         f"got {controls!r}.")
    if not isinstance(grid, dict) or not 1 <= len(grid) <= 2:
        raise ValueError(f"grid must be a dict of one or two parameter names to value lists, got {grid!r}.")
    ordered = {}
    for name, values in grid.items():
        if name not in controls:
            raise ValueError(f"grid names {name!r}, which is not one of the controls {sorted(controls)}.")
        ordered[name] = _grid_values(name, values, controls[name])
    frames = int(np.prod([len(values) for values in ordered.values()]))
    if frames > MAX_FRAMES:
        raise ValueError(f"grid asks for {frames} frames; at most {MAX_FRAMES} are allowed (page weight).")
    return ordered


def precomputed_figure(compute: Callable, draw: Callable, controls: dict, grid: dict, figsize=(9, 4)):
    """The kernel-free form of a widget: every frame of ``grid`` rendered now, switched in the browser.

    One slider per grid parameter (a ``SelectionSlider`` over the grid values, starting
    at the control's default); the frames are ``ipywidgets.Image`` (WebP) children of
    nested ``ipywidgets.Stack`` containers, and ``ipywidgets.jslink`` ties each slider's
    ``index`` to the ``selected_index`` of the stacks of its level. Parameters outside
    the grid keep their controls' default values, which a line under the figure states.
    """
    import ipywidgets

    grid = check_grid(grid, controls)
    names = list(grid)
    fixed = {name: control.value for name, control in controls.items()}
    figure = new_figure(figsize)

    def frame(position: str, **values):
        data = render_frame(compute, draw, figure, **{**fixed, **values})
        settings = {controls[name].description: _value_label(value) for name, value in values.items()}
        image = _image_widget(data, "webp", frame_alt(figure, settings))
        image.add_class(f"collapse-frame-{position}")  # which frame it is, for the browser tests
        return image

    sliders = {name: ipywidgets.SelectionSlider(
        options=[(_value_label(value), index) for index, value in enumerate(values)],
        value=values.index(fixed[name]), description=controls[name].description,
        continuous_update=True, style={"description_width": "initial"}) for name, values in grid.items()}
    links = []
    if len(names) == 1:
        (name,) = names
        view = ipywidgets.Stack([frame(f"{index}", **{name: value}) for index, value in enumerate(grid[name])],
                                selected_index=sliders[name].value)
        links.append(ipywidgets.jslink((sliders[name], "index"), (view, "selected_index")))
    else:
        outer, inner = names
        rows = []
        for row_index, value in enumerate(grid[outer]):
            row = ipywidgets.Stack([frame(f"{row_index}-{index}", **{outer: value, inner: other})
                                    for index, other in enumerate(grid[inner])], selected_index=sliders[inner].value)
            links.append(ipywidgets.jslink((sliders[inner], "index"), (row, "selected_index")))
            rows.append(row)
        view = ipywidgets.Stack(rows, selected_index=sliders[outer].value)
        links.append(ipywidgets.jslink((sliders[outer], "index"), (view, "selected_index")))
    others = [f"{controls[name].description} = {_value_label(value)}" for name, value in fixed.items()
              if name not in grid]
    note = "Precomputed frames: the sliders work without a kernel."
    if others:
        note += " Fixed here: " + ", ".join(others) + "."
    note += " Open the chapter in Jupyter or Binder to move every control freely."
    caption = ipywidgets.HTML(f'<p class="precomputed-note" style="font-size:0.85em;line-height:1.4;margin:0">{note}</p>')
    for axis, slider in enumerate(sliders.values()):
        slider.add_class(f"collapse-axis-{axis}")
    box = _figure_box(sliders.values(), view, caption)
    box.add_class("collapse-precomputed")
    box.links = links  # keep the links referenced with their box
    box.sliders, box.stack, box.grid = sliders, view, grid
    return box


def book_widget(compute: Callable, draw: Callable, controls: dict, grid: dict, figsize=(9, 4)):
    """A chapter's widget, declared once: live in a kernel, precomputed frames in the static site.

    ``controls`` maps each parameter name to its ipywidgets control (the live version
    uses them all, see :func:`interactive_figure`). ``grid`` maps one or two of those
    names to the values that the static site precomputes (:func:`precomputed_figure`);
    every other parameter keeps its control's default value there. Each grid list must
    contain the control's default, so that the first frame shown is the default view.
    """
    check_grid(grid, controls)
    if static_site():
        return precomputed_figure(compute, draw, controls, grid, figsize=figsize)
    return interactive_figure(compute, draw, controls, figsize=figsize)

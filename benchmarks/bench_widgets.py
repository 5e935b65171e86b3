"""One table of every widget of the book: what one live update costs (the book's target: well under 100 ms).

Run: python3 tools/book.py bench widgets  (Agg backend, about a minute).
For each of the book's widgets, at its default setting, the median over a few updates of:

- compute: ``compute(**params)`` alone;
- update: one live update as a new slider value causes it, ``widgets.render_live`` on the
  widget's own ``widgets.live_figure`` (compute + redraw in place + PNG at ``LIVE_DPI``),
  wall clock and CPU time of this process (CPU time is the steadier of the two on a shared machine);
- revisit: the same update for a setting seen before, whose view the live widget takes
  from its cache (``widgets.cached_compute``): draw + PNG only;
- PNG: the size of the image sent to the browser.
"""

from __future__ import annotations

import functools
import statistics
import time

from collapse_lib import (discrete_widgets, gaussian_widgets, language_model_widgets, lexical_widgets,
                          multivariate_widgets, phenomenon_widgets, regression_widgets, strategies_widgets,
                          widgets)
from timing import table

REPEATS = 9

WIDGETS = [
    # stacked, as zipf_collapse_widget() draws it
    ("discrete: Zipf collapse", discrete_widgets.compute_zipf_collapse,
     functools.partial(discrete_widgets.draw_zipf_collapse, stacked=True), discrete_widgets.STACKED_FIGSIZE),
    ("gaussian: variance paths", gaussian_widgets.compute_variance_paths, gaussian_widgets.draw_variance_paths,
     (10, 4)),
    ("gaussian: W2 under a schedule", gaussian_widgets.compute_w2, gaussian_widgets.draw_w2, (8, 4)),
    ("gaussian: generation-1 law", gaussian_widgets.compute_generation_one, gaussian_widgets.draw_generation_one,
     (10, 4)),
    ("language model", language_model_widgets.compute_language_model, language_model_widgets.draw_language_model,
     language_model_widgets.FIGSIZE),
    ("lexical diversity", lexical_widgets.compute_lexical, lexical_widgets.draw_lexical, lexical_widgets.FIGSIZE),
    ("multivariate: spectrum", multivariate_widgets.compute_spectrum, multivariate_widgets.draw_spectrum,
     multivariate_widgets.FIGSIZE),
    ("phenomenon: error sources", phenomenon_widgets.compute_sources, phenomenon_widgets.draw_sources,
     phenomenon_widgets.FIGSIZE),
    ("regression", regression_widgets.compute_regression, regression_widgets.draw_regression,
     regression_widgets.FIGSIZE),
    ("strategies", strategies_widgets.compute_strategies, strategies_widgets.draw_strategies,
     strategies_widgets.FIGSIZE),
]
"""(name, compute, draw, figsize) of every widget, as its ``*_widget()`` declares it."""


def _median_ms(function, repeats: int = REPEATS) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of ``function()`` (after one warm-up call), and its last result."""
    result = function()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu), result


def widget_rows() -> list[list]:
    rows = []
    for name, compute, draw, figsize in WIDGETS:
        figure = widgets.live_figure(figsize)  # the figure interactive_figure() draws on
        compute_ms, _, _ = _median_ms(compute)
        update_ms, update_cpu, png = _median_ms(lambda: widgets.render_live(compute, draw, figure))
        remembered = widgets.cached_compute(compute)
        revisit_ms, _, _ = _median_ms(lambda: widgets.render_live(remembered, draw, figure))
        rows.append([name, compute_ms, update_ms, update_cpu, revisit_ms, f"{len(png) / 1000:.0f}"])
    return rows


def run() -> None:
    print(f"every widget at its default setting, median ms of {REPEATS} updates "
          f"(update = compute + draw + PNG at {widgets.LIVE_DPI} dpi; revisit = a setting seen before)")
    table(["", "compute", "update", "update CPU", "revisit", "PNG kB"], widget_rows(), [32, 9, 9, 12, 9, 8])

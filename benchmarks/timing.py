"""Timing helpers shared by the benchmark modules (Agg backend, no display).

- :func:`best_seconds`: the fastest of a few runs of a callable.
- :func:`rate`: items per second of a callable that processes ``items`` items.
- :func:`widget_update_ms`: median milliseconds of one widget update
  (compute + draw + render to PNG, exactly what a slider change costs).
"""

from __future__ import annotations

import statistics
import time

import matplotlib

matplotlib.use("Agg")

from collapse_lib.widgets import live_figure, render_live  # noqa: E402


def best_seconds(function, repeats: int = 3) -> float:
    """Fastest wall-clock time of ``repeats`` calls of ``function()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def rate(function, items: int, repeats: int = 3) -> float:
    """Items per second: ``items`` divided by the best time of ``function()``."""
    return items / best_seconds(function, repeats)


def widget_update_ms(compute, draw, figsize=(9, 4), repeats: int = 9, **params) -> float:
    """Median milliseconds of one widget update (after one warm-up update)."""
    figure = live_figure(figsize)  # the figure the live widgets themselves draw on
    render_live(compute, draw, figure, **params)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render_live(compute, draw, figure, **params)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def table(header: list[str], rows: list[list], widths: list[int]) -> None:
    """Print ``rows`` under ``header`` in right-aligned columns (first column left-aligned)."""
    def line(cells):
        first, *rest = cells
        return f"{first:<{widths[0]}}" + "".join(f"{cell:>{w}}" for cell, w in zip(rest, widths[1:]))
    print(line(header))
    for row in rows:
        print(line([row[0]] + [f"{c:,.0f}" if isinstance(c, float) and abs(c) >= 100 else
                                (f"{c:.3g}" if isinstance(c, float) else str(c)) for c in row[1:]]))

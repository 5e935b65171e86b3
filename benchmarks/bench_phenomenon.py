"""Throughput of the simulator of *What model collapse is* and its widget's update time.

Run: python3 tools/book.py bench phenomenon  (Agg backend, about 20 s).
Prints chain-generations per second of ``phenomenon.simulate_sources`` run one
chain at a time in a Python loop and vectorised over chains, with the filter
(every point drawn) and without it (generations >= 2 drawn from the exact law),
and the median time of one widget update (compute + draw + PNG).
"""

from __future__ import annotations

import math

from collapse_lib import phenomenon, phenomenon_widgets
from timing import rate, table, widget_update_ms

BIMODAL = dict(weights=(0.5, 0.5), means=(-2.0, 2.0), variances=(1.0, 1.0))
GENERATIONS = 100


def _empty_figure(figure, _data) -> None:
    """The widget's two panels with nothing in them: the floor of any update."""
    figure.subplots(1, 2)
    figure.subplots_adjust(left=0.07, right=0.985, bottom=0.16, top=0.91, wspace=0.22)


def simulator_rows() -> list[list]:
    rows = []
    for label, size, trim in (("M = 20, filter k = 2.5", 20, 2.5), ("M = 100, filter k = 2.5", 100, 2.5),
                              ("M = 20, no filter", 20, None), ("M = 100, no filter", 100, None)):
        def sources(n_chains, seed):
            return phenomenon.simulate_sources(size, GENERATIONS, n_chains, **BIMODAL, trim=trim, rng=seed)

        loop_chains, chains = 50, 2000
        loop = rate(lambda: [sources(1, seed) for seed in range(loop_chains)], loop_chains * GENERATIONS)
        vectorised = rate(lambda: sources(chains, 0), chains * GENERATIONS)
        rows.append([label, loop, vectorised, vectorised / loop])
    return rows


def widget_rows() -> list[list]:
    figsize = phenomenon_widgets.FIGSIZE
    compute, draw = phenomenon_widgets.compute_sources, phenomenon_widgets.draw_sources
    return [
        ["floor: the two empty panels", widget_update_ms(lambda: None, _empty_figure, figsize)],
        ["default (M = 20, separation 2, no filter)", widget_update_ms(compute, draw, figsize)],
        ["M = 100, filter k = 2, 200 generations (slowest)",
         widget_update_ms(compute, draw, figsize, size=100, trim=2.0, generations=200)],
        ["M infinite, filter k = 1.5", widget_update_ms(compute, draw, figsize, size=math.inf, trim=1.5)],
    ]


def run() -> None:
    print(f"simulate_sources (bimodal data, {GENERATIONS} generations), chain-generations per second")
    table(["", "one-chain loop", "vectorised", "speed-up"], simulator_rows(), [26, 16, 14, 10])
    print()
    print("widget update, median ms (compute + draw + PNG at 72 dpi)")
    table(["", "ms"], widget_rows(), [50, 8])


if __name__ == "__main__":
    run()

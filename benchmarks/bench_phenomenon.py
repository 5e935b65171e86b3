"""Throughput of the simulators of *What model collapse is* and its widget's update time.

Run: python benchmarks/bench_phenomenon.py  (Agg backend, about 15 s).
"""

from __future__ import annotations

import io
import time
import timeit

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from collapse_lib import phenomenon, phenomenon_widgets  # noqa: E402

BIMODAL = dict(weights=(0.5, 0.5), means=(-2.0, 2.0), variances=(1.0, 1.0))


def _best(function, repeats=3):
    """Fastest of ``repeats`` runs, in seconds."""
    return min(timeit.repeat(function, number=1, repeat=repeats))


def _sources(n_chains, rng):
    return phenomenon.simulate_sources(20, 100, n_chains, **BIMODAL, trim=2.5, rng=rng)


def _widget_update(empty=False, **values):
    """One update: compute + draw + PNG; ``empty=True`` renders the bare two-panel figure (baseline)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), dpi=72)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.96, wspace=0.25)
    if not empty:
        phenomenon_widgets.draw_sources(axes, phenomenon_widgets.compute_sources(**values))
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def run() -> None:
    generations = 100
    print(f"{'simulator (M=20, 100 generations)':36} {'loop chain-gen/s':>17} {'vectorised chain-gen/s':>23} "
          f"{'speed-up':>9}")
    for name, simulator, loop_chains, chains in (("simulate_sources (mixture, k=2.5)", _sources, 50, 2000),):
        loop = _best(lambda: [simulator(1, rng) for rng in range(loop_chains)])
        vectorised = _best(lambda: simulator(chains, 0))
        loop_rate = loop_chains * generations / loop
        vector_rate = chains * generations / vectorised
        print(f"{name:36} {loop_rate:17.3g} {vector_rate:23.3g} {vector_rate / loop_rate:9.1f}")

    print()
    print(f"{'widget update (compute + draw + PNG)':44} {'median ms':>10}")
    for label, values in (("baseline: empty two-panel figure", dict(empty=True)),
                          ("default (M=20, separation 2, no filter)", {}),
                          ("M=200, filter k=2, 200 generations", dict(size=200, trim=2.0, generations=200)),
                          ("infinite data, filter k=1.5", dict(size=None, trim=1.5))):
        _widget_update(**values)  # warm-up
        times = []
        for _ in range(7):
            start = time.perf_counter()
            _widget_update(**values)
            times.append(time.perf_counter() - start)
        print(f"{label:44} {1000 * np.median(times):10.1f}")


if __name__ == "__main__":
    run()

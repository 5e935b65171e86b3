"""Throughput of the multivariate simulators and the cost of one widget update.

Chain-generations per second of :func:`collapse_lib.multivariate.simulate_direct`
(draws M points per generation) and :func:`collapse_lib.multivariate.simulate_exact`
(Bartlett, cost independent of M), for d in {2, 10} and M in {20, 100, 1000},
one chain at a time in a plain Python loop and vectorised over chains; then
the median time of one update of the chapter's widget (compute + draw + PNG).

Run:  python benchmarks/bench_multivariate.py
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from collapse_lib import multivariate, multivariate_widgets, schedules  # noqa: E402
from collapse_lib.widgets import render_once  # noqa: E402

GENERATIONS = 10


def _rate(run, chain_generations: int, budget: float = 0.4) -> float:
    """Chain-generations per second: repeat ``run`` until ``budget`` seconds have passed."""
    run()  # warm-up
    count, start = 0, time.perf_counter()
    while True:
        run()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return count * chain_generations / elapsed


def _throughput(simulator, dim: int, size: int, n_chains: int, looped: bool) -> float:
    sizes = schedules.constant(size, GENERATIONS)
    cov = np.eye(dim)
    if looped:
        def run():
            for seed in range(n_chains):
                simulator(sizes, 1, cov, rng=seed)
    else:
        def run():
            simulator(sizes, n_chains, cov, rng=0)
    return _rate(run, n_chains * GENERATIONS)


def _widget_median(repeats: int = 9) -> float:
    figure = plt.figure(figsize=(13, 4))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        render_once(multivariate_widgets.compute_spectrum, multivariate_widgets.draw_spectrum, figure)
        times.append(time.perf_counter() - start)
    plt.close(figure)
    return float(np.median(times))


def run() -> None:
    """Print the throughput table and the widget's median update time."""
    print(f"{'simulator':<9} {'d':>3} {'M':>5} {'one chain, loop':>17} {'vectorised':>12} {'speed-up':>9}"
          "   (chain-generations / s)")
    for dim in (2, 10):
        for size in (20, 100, 1000):
            for name, simulator in (("direct", multivariate.simulate_direct), ("exact", multivariate.simulate_exact)):
                chains = 2000 if name == "exact" else max(20, 200_000 // (size * dim))
                looped = _throughput(simulator, dim, size, 20, looped=True)
                vectorised = _throughput(simulator, dim, size, chains, looped=False)
                print(f"{name:<9} {dim:>3} {size:>5} {looped:>17,.0f} {vectorised:>12,.0f} {vectorised / looped:>8.1f}x")
    print(f"\nwidget update (compute + draw + PNG), default view: median {1000 * _widget_median():.0f} ms")


if __name__ == "__main__":
    run()

"""Throughput of the multivariate simulators and the cost of one widget update.

Chain-generations per second of :func:`collapse_lib.multivariate.simulate_direct`
(draws M points per generation), :func:`collapse_lib.multivariate.simulate_exact`
(Bartlett, cost independent of M) and :func:`collapse_lib.multivariate.simulate_mix`
(fresh data in every generation, direct), for d in {2, 10} and M in {20, 100, 1000},
one chain at a time in a plain Python loop and vectorised over chains; then
the median time of one update of the chapter's widget (compute + draw + PNG)
in its default view and in its most expensive one (largest d, M and generations).

Run:  cd benchmarks && python run.py multivariate
"""

from __future__ import annotations

import numpy as np

from collapse_lib import multivariate, multivariate_widgets, schedules
from timing import rate, table, widget_update_ms

GENERATIONS = 10
LOOP_CHAINS = 20


def _simulators(dim: int, size: int):
    """(name, run(n_chains, seed)) for each simulator at this d and M."""
    sizes = schedules.constant(size, GENERATIONS)
    cov = np.eye(dim)
    return [
        ("direct", lambda chains, seed: multivariate.simulate_direct(sizes, chains, cov, rng=seed)),
        ("exact", lambda chains, seed: multivariate.simulate_exact(sizes, chains, cov, rng=seed)),
        ("mix f=0.25", lambda chains, seed: multivariate.simulate_mix(size, 0.25, GENERATIONS, chains, cov, rng=seed)),
    ]


def simulator_rows() -> list[list]:
    rows = []
    for dim in (2, 10):
        for size in (20, 100, 1000):
            for name, simulate in _simulators(dim, size):
                chains = 2000 if name == "exact" else max(20, 200_000 // (size * dim))
                looped = rate(lambda: [simulate(1, seed) for seed in range(LOOP_CHAINS)],
                              LOOP_CHAINS * GENERATIONS, repeats=2)
                vectorised = rate(lambda: simulate(chains, 0), chains * GENERATIONS, repeats=2)
                rows.append([name, dim, size, looped, vectorised, f"{vectorised / looped:.1f}x"])
    return rows


def widget_rows() -> list[list]:
    views = {"default (d=5, M=20, 100 gen.)": {},
             "d=10, M=500, 200 gen. (slowest)": {"dim": 10, "size": 500, "generations": 200}}
    return [[name, widget_update_ms(multivariate_widgets.compute_spectrum, multivariate_widgets.draw_spectrum,
                                    figsize=multivariate_widgets.FIGSIZE, **params)]
            for name, params in views.items()]


def run() -> None:
    """Print the throughput table and the widget's median update times."""
    print("chain-generations per second")
    table(["simulator", "d", "M", "one chain, loop", "vectorised", "speed-up"], simulator_rows(),
          [11, 4, 6, 17, 12, 10])
    print("\nwidget update (compute + draw + PNG), median ms")
    table(["view", "ms"], widget_rows(), [32, 8])


if __name__ == "__main__":
    run()

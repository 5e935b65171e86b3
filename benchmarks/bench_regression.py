"""Throughput of the recursive-OLS simulators and the cost of one widget update.

Chain-generations per second (replace strategy, Sigma = I) of

- a plain loop over chains, one OLS fit (numpy lstsq) per chain and generation;
- :func:`collapse_lib.regression.simulate_direct`, vectorised over chains
  (batched normal equations, cost O(T d^2) per chain-generation);
- :func:`collapse_lib.regression.simulate_exact` (Bartlett factor and a
  triangular solve, cost O(d^3), independent of T),

for d in {5, 20, 100} and T in {2d, 10d, 100d}, with the ratios exact/direct
and direct/loop; then the median time of one widget update.

Run:  python3 tools/book.py bench regression
"""

from __future__ import annotations

import numpy as np

from collapse_lib import regression, regression_widgets
from timing import rate, table, widget_update_ms

GENERATIONS = 4
VALUES = 3_000_000
"""About this many input values per call of the direct simulators (sets their chain counts)."""


def ols_loop(chains: int, size: int, dim: int, seed: int) -> None:
    """The reference: one chain at a time, X drawn, labelled by the previous fit, refitted by lstsq."""
    rng = np.random.default_rng(seed)
    for _ in range(chains):
        weights = np.eye(dim)[0]
        for _ in range(GENERATIONS):
            inputs = rng.standard_normal((size, dim))
            labels = inputs @ weights + rng.standard_normal(size)
            weights = np.linalg.lstsq(inputs, labels, rcond=None)[0]


def simulator_rows() -> list[list]:
    rows = []
    for dim in (5, 20, 100):
        cov = np.eye(dim)
        for size in (2 * dim, 10 * dim, 100 * dim):
            chains = max(2, VALUES // (size * dim))
            loop_chains = max(2, min(chains, 50))
            exact_chains = max(20, min(4000, 200_000 // dim**2))
            looped = rate(lambda: ols_loop(loop_chains, size, dim, 0), loop_chains * GENERATIONS, repeats=2)
            direct = rate(lambda: regression.simulate_direct("replace", GENERATIONS, chains, size, cov, 1.0),
                          chains * GENERATIONS, repeats=2)
            exact = rate(lambda: regression.simulate_exact("replace", GENERATIONS, exact_chains, size, cov, 1.0),
                         exact_chains * GENERATIONS, repeats=2)
            rows.append([dim, size, looped, direct, exact, f"{direct / looped:.1f}x", f"{exact / direct:.1f}x"])
    return rows


def run() -> None:
    """Print the throughput table and the widget's median update time."""
    print("chain-generations per second (replace, Sigma = I)")
    table(["d", "T", "one chain, loop", "direct", "exact", "direct/loop", "exact/direct"], simulator_rows(),
          [5, 7, 17, 12, 12, 13, 14])
    print("\nwidget update (compute + draw + PNG), median ms")
    views = {"default (T0=40, f=0.5, d=10)": {}, "T0=400, f=0.9": {"size": 400, "fraction": 0.9}}
    table(["view", "ms"], [[name, widget_update_ms(regression_widgets.compute_regression,
                                                   regression_widgets.draw_regression,
                                                   figsize=regression_widgets.FIGSIZE, **params)]
                           for name, params in views.items()], [30, 8])


if __name__ == "__main__":
    run()

"""Throughput of the strategy simulators and the widget update (chapter *Replace, mix or accumulate*).

Run: python -m benchmarks.bench_strategies  (or import and call run()).
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from collapse_lib import strategies, strategies_widgets  # noqa: E402

SIZE, GENERATIONS, FRACTION = 20, 100, 0.1


def _rate(strategy: str, method: str, n_chains: int, loop: bool) -> float:
    """Chain-generations per second: one call over all chains, or a Python loop of one-chain calls."""
    start = time.perf_counter()
    if loop:
        for seed in range(n_chains):
            strategies.simulate(strategy, SIZE, GENERATIONS, 1, FRACTION, rng=seed, method=method)
    else:
        strategies.simulate(strategy, SIZE, GENERATIONS, n_chains, FRACTION, rng=0, method=method)
    return n_chains * GENERATIONS / (time.perf_counter() - start)


def _widget_median(repeats: int = 15) -> float:
    fig, axes = strategies_widgets.strategies_figure()
    strategies_widgets.draw_strategies(axes, strategies_widgets.compute_strategies())
    fig.savefig(io.BytesIO(), format="png")
    times = []
    for fraction in np.linspace(0.05, 0.6, repeats):
        start = time.perf_counter()
        strategies_widgets.draw_strategies(axes, strategies_widgets.compute_strategies(fraction=float(fraction)))
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def run() -> None:
    print(f"strategy simulators, M = {SIZE}, {GENERATIONS} generations, f = {FRACTION}: chain-generations per second")
    print(f"{'strategy':<11} {'method':<7} {'one-chain loop':>15} {'vectorised':>13} {'speed-up':>9}")
    for strategy in strategies.STRATEGIES:
        for method in strategies.METHODS:
            chains = 2_000 if method == "direct" else 20_000
            if strategy == "grow" and method == "direct":
                chains = 50  # the quadratic schedule reaches M_i = 200 000 points per generation
            loop = _rate(strategy, method, 50 if strategy == "grow" and method == "direct" else 200, loop=True)
            vector = _rate(strategy, method, chains, loop=False)
            print(f"{strategy:<11} {method:<7} {loop:>15,.0f} {vector:>13,.0f} {vector / loop:>8.0f}x")
    print(f"widget update (compute + draw + PNG), median: {1000 * _widget_median():.0f} ms")


if __name__ == "__main__":
    run()

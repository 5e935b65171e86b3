"""Throughput of the strategy simulators and the widget update (chapter *Replace, mix or accumulate*).

Prints chain-generations per second of each strategy's simulator (exact and direct
methods), run one chain at a time in a plain Python loop and vectorised over chains,
and the median time of one update of the chapter's widget (compute + draw + PNG).
Run: cd benchmarks && python run.py strategies
"""

from __future__ import annotations

from collapse_lib import strategies, strategies_widgets
from timing import rate, table, widget_update_ms

SIZE, GENERATIONS, FRACTION = 20, 100, 0.1


def _simulate(strategy: str, method: str, n_chains: int, seed: int = 0) -> None:
    strategies.simulate(strategy, SIZE, GENERATIONS, n_chains, FRACTION, kind="quadratic", rng=seed, method=method)


def simulator_rows() -> list[list]:
    rows = []
    for strategy in strategies.STRATEGIES:
        for method in strategies.METHODS:
            heavy = strategy == "grow" and method == "direct"  # quadratic schedule: M_i up to 200 000 points
            loop_chains = 20 if heavy else 200
            chains = 50 if heavy else (2_000 if method == "direct" else 20_000)
            loop = rate(lambda: [_simulate(strategy, method, 1, seed) for seed in range(loop_chains)],
                        loop_chains * GENERATIONS, repeats=1)
            vector = rate(lambda: _simulate(strategy, method, chains), chains * GENERATIONS, repeats=2)
            rows.append([f"{strategy}, {method}", loop, vector, vector / loop])
    return rows


def run() -> None:
    print(f"strategy simulators, M = {SIZE}, {GENERATIONS} generations, f = {FRACTION} "
          "(grow: quadratic schedule): chain-generations per second")
    table(["", "one-chain loop", "vectorised", "speed-up"], simulator_rows(), [22, 16, 14, 10])
    print()
    print("widget, median ms per update (compute + draw + PNG)")
    compute, draw, size = strategies_widgets.compute_strategies, strategies_widgets.draw_strategies, \
        strategies_widgets.FIGSIZE
    table(["", "median ms"], [
        ["default view (M=20, f=0.1, n=100)", widget_update_ms(compute, draw, size)],
        ["n = 400 generations, M = 500 (slider maxima)", widget_update_ms(compute, draw, size, generations=400, size=500)],
    ], [40, 12])


if __name__ == "__main__":
    run()

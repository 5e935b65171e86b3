"""Speed of the Wright-Fisher simulator and of the widget (chapter *Discrete distributions*).

Prints chain-generations per second of
- one chain at a time in a plain Python loop (one multinomial draw per generation),
- the vectorised draws over chains (``discrete._generations``),
- the vectorised simulator with its per-generation summaries (``discrete.simulate_summaries``),
for a few (K, M), and the median time of one widget update (compute + draw + PNG).
"""

from __future__ import annotations

import numpy as np

from collapse_lib import discrete, discrete_widgets, schedules
from timing import rate, table, widget_update_ms

CASES = ((2, 100, 20), (10, 100, 20), (1000, 1000, 20), (10000, 1000, 10))
"""(K, M, generations); the law is Zipf with exponent 1.1 over K categories."""


def one_chain_loop(probabilities, size: int, generations: int, n_chains: int, rng) -> None:
    """The reference: one chain at a time, one multinomial draw per generation, in Python."""
    for _ in range(n_chains):
        p = probabilities
        for _ in range(generations):
            p = rng.multinomial(size, p) / size


def simulator_rows() -> list[list]:
    rng = np.random.default_rng(0)
    rows = []
    for k, size, generations in CASES:
        probabilities = discrete.zipf(k, 1.1)
        sizes = schedules.constant(size, generations)
        loop_chains, vector_chains = (200, 20000) if k <= 10 else (20, 400)
        loop = rate(lambda: one_chain_loop(probabilities, size, generations, loop_chains, rng),
                    loop_chains * generations)
        vector = rate(lambda: sum(1 for _ in discrete._generations(probabilities, sizes, vector_chains, rng)),
                      vector_chains * generations)
        summaries = rate(lambda: discrete.simulate_summaries(probabilities, sizes, vector_chains, rng),
                         vector_chains * generations)
        rows.append([f"K = {k}, M = {size}", loop, vector, summaries, vector / loop])
    return rows


def widget_rows() -> list[list]:
    compute, draw = discrete_widgets.compute_zipf_collapse, discrete_widgets.draw_zipf_collapse
    size = discrete_widgets.FIGSIZE
    return [
        ["Zipf collapse, defaults (V=2000, M=1000, n=30)", widget_update_ms(compute, draw, size)],
        ["Zipf collapse, largest (V=10000, M=5000, n=50)",
         widget_update_ms(compute, draw, size, vocabulary=10000, size=5000, generations=50)],
    ]


def run() -> None:
    print("Wright-Fisher chain, chain-generations per second (Zipf law, s = 1.1)")
    table(["", "one-chain loop", "vectorised", "+ summaries", "vectorised/loop"], simulator_rows(),
          [20, 16, 14, 14, 17])
    print()
    print("discrete widget, median ms per update (compute + draw + PNG)")
    table(["", "ms"], widget_rows(), [50, 8])


if __name__ == "__main__":
    run()

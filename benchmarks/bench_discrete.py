"""Throughput of the Wright-Fisher simulator and the chapter's widget update time.

Run: python benchmarks/bench_discrete.py  (Agg backend, about 20 s).
"""

from __future__ import annotations

import io
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from collapse_lib import discrete, discrete_widgets, schedules  # noqa: E402


def _one_chain_loop(probabilities, size, generations, n_chains, rng):
    """The reference: one chain at a time, one multinomial draw per generation, in Python."""
    for _ in range(n_chains):
        p = probabilities
        for _ in range(generations):
            p = rng.multinomial(size, p) / size


def _best(function, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def _widget_update(**values):
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), dpi=72)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.92, wspace=0.28)
    discrete_widgets.draw_zipf_collapse(axes, discrete_widgets.compute_zipf_collapse(**values))
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


def run() -> None:
    rng = np.random.default_rng(0)
    cases = [(2, 100, 20), (10, 100, 20), (1000, 1000, 20), (10000, 1000, 10)]
    print("chain-generations per second: one chain at a time in a Python loop, vectorised draws only,")
    print("and vectorised with the per-generation summaries (survivors, H, lost and tail mass, max)")
    print(f"{'K':>6} {'M':>6} {'loop':>12} {'vectorised':>12} {'speed-up':>9} {'+ summaries':>12}")
    for k, size, generations in cases:
        probabilities = discrete.zipf(k, 1.1)
        loop_chains, vector_chains = (200, 20000) if k <= 10 else (20, 400)
        loop = _best(lambda: _one_chain_loop(probabilities, size, generations, loop_chains, rng))
        sizes = schedules.constant(size, generations)
        vector = _best(lambda: sum(1 for _ in discrete._generations(probabilities, sizes, vector_chains, rng)))
        summaries = _best(lambda: discrete.simulate_summaries(probabilities, sizes, vector_chains, rng))
        loop_rate = loop_chains * generations / loop
        vector_rate = vector_chains * generations / vector
        summaries_rate = vector_chains * generations / summaries
        print(f"{k:>6} {size:>6} {loop_rate:>12,.0f} {vector_rate:>12,.0f} {vector_rate / loop_rate:>8.1f}x"
              f" {summaries_rate:>12,.0f}")

    print()
    print(f"{'widget update (compute + draw + PNG)':<46} {'median ms':>10}")
    for label, values in (("defaults V=2000 M=1000 n=30", {}),
                          ("V=10000 M=5000 n=50", {"vocabulary": 10000, "size": 5000, "generations": 50})):
        _widget_update(**values)
        times = []
        for _ in range(7):
            start = time.perf_counter()
            _widget_update(**values)
            times.append(time.perf_counter() - start)
        compute = _best(lambda: discrete_widgets.compute_zipf_collapse(**values), repeats=5)
        print(f"{label:<46} {1e3 * np.median(times):>10.1f}   (compute alone {1e3 * compute:.1f} ms)")


if __name__ == "__main__":
    run()

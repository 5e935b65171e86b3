"""Speed of the 1D Gaussian simulators and widgets (chapter *The 1D Gaussian model*).

Prints chain-generations per second of
- one chain at a time in a plain Python loop, two ways: a hand-written loop over
  generations (numpy draws the M points of a generation), and the library's
  ``simulate_direct`` called with one chain per call,
- the direct simulator vectorised over chains,
- the exact simulator (two random numbers per chain-generation, whatever M),
for M in {10, 100, 1000, 10000}; the raw throughput of numpy's normal and gamma
generators and of the pair the exact simulator needs; the ratios; and the
median update time of each widget of the chapter.
"""

from __future__ import annotations

import numpy as np

from collapse_lib import gaussian, gaussian_widgets, schedules
from timing import rate, table, widget_update_ms

SIZES = (10, 100, 1000, 10000)
GENERATIONS = 20


def one_chain_loop(sizes, rng) -> tuple[float, float]:
    """Direct recursive fitting of a single chain, the way one would write it first."""
    mu, sigma2 = 0.0, 1.0
    for size in sizes:
        sample = rng.normal(mu, np.sqrt(sigma2), size)
        mu, sigma2 = sample.mean(), sample.var(ddof=1)
    return mu, sigma2


def simulator_rows() -> list[list]:
    rows = []
    rng = np.random.default_rng(0)
    for size in SIZES:
        sizes = schedules.constant(size, GENERATIONS)
        loop_chains = 200
        loop = rate(lambda: [one_chain_loop(sizes, rng) for _ in range(loop_chains)], loop_chains * GENERATIONS)
        per_call = rate(lambda: [gaussian.simulate_direct(sizes, 1, rng=seed) for seed in range(loop_chains)],
                        loop_chains * GENERATIONS)
        direct_chains = max(20, 2_000_000 // size)
        direct = rate(lambda: gaussian.simulate_direct(sizes, direct_chains, rng=1), direct_chains * GENERATIONS)
        exact_chains = 1_000_000
        exact = rate(lambda: gaussian.simulate_exact(sizes, exact_chains, rng=2), exact_chains * GENERATIONS)
        rows.append([f"M = {size}", loop, per_call, direct, exact, direct / loop, exact / loop, exact / per_call])
    return rows


def raw_rows() -> list[list]:
    rng = np.random.default_rng(3)
    count = 20_000_000
    normal = rate(lambda: rng.standard_normal(count), count)
    gamma = {size: rate(lambda: rng.standard_gamma((size - 1) / 2, count), count) for size in (10, 1000)}
    rows = [["standard_normal", normal]]
    for size, value in gamma.items():
        pair = 1 / (1 / normal + 1 / value)
        rows.append([f"standard_gamma((M-1)/2), M = {size}", value])
        rows.append([f"one normal + one gamma, M = {size}", pair])
    return rows


def run() -> None:
    print("1D Gaussian simulators, chain-generations per second "
          f"({GENERATIONS} generations; ratios against the one-chain loop)")
    rows = simulator_rows()
    table(["", "hand loop", "library, 1 chain", "direct, vectorised", "exact", "direct/loop", "exact/loop",
           "exact/1-chain"], rows, [12, 12, 18, 20, 14, 13, 12, 15])
    print()
    print("numpy generators, numbers per second")
    raw = raw_rows()
    table(["", "per second"], raw, [40, 16])
    pair = {int(r[0].split("= ")[1]): r[1] for r in raw if r[0].startswith("one normal")}
    exact = {int(r[0].split("= ")[1]): r[4] for r in rows}
    for size in pair:
        print(f"exact simulator / raw (normal + gamma) throughput at M = {size}: {exact[size] / pair[size]:.2f}")
    print()
    print("1D Gaussian widgets, median ms per update (compute + draw + PNG)")
    widgets = [
        ["variance paths (M=20, 200 generations)",
         widget_update_ms(gaussian_widgets.compute_variance_paths, gaussian_widgets.draw_variance_paths, (10, 4))],
        ["W2 under a schedule (constant, 60 generations)",
         widget_update_ms(gaussian_widgets.compute_w2, gaussian_widgets.draw_w2, (8, 4))],
        ["W2, quadratic schedule, 400 generations",
         widget_update_ms(gaussian_widgets.compute_w2, gaussian_widgets.draw_w2, (8, 4), kind="quadratic",
                          generations=400)],
        ["generation-1 law (M0=5)",
         widget_update_ms(gaussian_widgets.compute_generation_one, gaussian_widgets.draw_generation_one, (8, 4))],
    ]
    table(["", "median ms"], widgets, [48, 12])


if __name__ == "__main__":
    run()

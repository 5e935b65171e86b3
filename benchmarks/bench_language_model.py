"""Speed of the language-model simulator (chapter *A statistical language model*).

Prints context-generations per second (one context refitted once) of
- a plain Python loop: per context, a cumulative-count list and one linear
  inverse-CDF scan per drawn token (``language_model.loop_generation``);
- the same loop with ``bisect`` for the search (a fairer, faster reference);
- the vectorised simulator ``language_model.simulate_fully_synthetic`` with its
  per-generation summaries, all chains and contexts at once;
for s in {3, 65, 600} tokens and n in {10, 100, 1000} tokens per context, and the
time of the softmax classifier fitted by gradient descent against the closed form
(counting), and one widget update.
"""

from __future__ import annotations

import bisect
import itertools
import random

import numpy as np

from collapse_lib import discrete, language_model, language_model_widgets
from timing import best_seconds, rate, table, widget_update_ms

VOCABULARIES = (3, 65, 600)
SIZES = (10, 100, 1000)
GENERATIONS = 10


def bisect_generation(counts: list, size: int, generator: random.Random) -> list:
    """One context-generation: cumulative counts by itertools.accumulate, one bisect per token."""
    cumulative = list(itertools.accumulate(counts))
    total = cumulative[-1]
    new = [0] * len(counts)
    for _ in range(size):
        new[bisect.bisect_right(cumulative, generator.random() * total)] += 1
    return new


def loop_rate(step, vocabulary: int, size: int, contexts: int) -> float:
    """Context-generations per second of ``step`` run over ``contexts`` contexts for GENERATIONS generations."""
    generator = random.Random(0)
    law = discrete.zipf(vocabulary, 1.0)
    start = [max(1, int(round(size * p))) for p in law]

    def run():
        for _ in range(contexts):
            counts = start
            for _ in range(GENERATIONS):
                counts = step(counts, size, generator)

    return rate(run, contexts * GENERATIONS, repeats=1)


def simulator_rows() -> list[list]:
    rows = []
    for vocabulary in VOCABULARIES:
        law = discrete.zipf(vocabulary, 1.0)
        for size in SIZES:
            work = vocabulary * size
            loop_contexts = max(1, 3000 // (1 + work // 100))     # keep each loop run near a second
            contexts = max(20, 400_000 // max(work // 20, 1))
            laws = np.tile(law, (min(contexts, 200), 1))
            chains = max(1, contexts // laws.shape[0])
            plain = loop_rate(language_model.loop_generation, vocabulary, size, loop_contexts)
            fast_loop = loop_rate(bisect_generation, vocabulary, size, 4 * loop_contexts)
            vectorised = rate(lambda: language_model.simulate_fully_synthetic(laws, size, GENERATIONS, chains, 0),
                              laws.shape[0] * chains * GENERATIONS, repeats=2)
            rows.append([f"s = {vocabulary}, n = {size}", plain, fast_loop, vectorised, vectorised / plain,
                         vectorised / fast_loop])
    return rows


def fit_rows() -> list[list]:
    generator = np.random.default_rng(0)
    rows = []
    for vocabulary, tokens, steps in ((10, 2000, 500), (65, 5000, 50)):
        contexts = generator.integers(0, vocabulary, size=tokens)
        following = generator.integers(0, vocabulary, size=tokens)
        descent = best_seconds(lambda: language_model.fit_softmax(contexts, following, vocabulary, vocabulary,
                                                                  steps=steps, learning_rate=2.0), repeats=1)
        closed = best_seconds(lambda: language_model.frequencies(
            language_model.fit_counts(contexts, following, vocabulary, vocabulary)))
        rows.append([f"s = C = {vocabulary}, T = {tokens}", steps, 1000 * descent, 1000 * closed, descent / closed])
    return rows


def run() -> None:
    print(f"Fully synthetic refitting, context-generations per second ({GENERATIONS} generations, Zipf law)")
    table(["", "plain loop", "bisect loop", "vectorised", "vec/plain", "vec/bisect"], simulator_rows(),
          [22, 12, 13, 13, 11, 12])
    print()
    print("Softmax classifier: gradient descent (one-hot matrices) vs the closed form (counts)")
    table(["", "GD steps", "GD ms", "counts ms", "ratio"], fit_rows(), [24, 10, 10, 11, 10])
    print()
    view = language_model_widgets
    print("language-model widget, median ms per update (compute + draw + PNG):",
          f"{widget_update_ms(view.compute_language_model, view.draw_language_model, view.FIGSIZE):.0f}")


if __name__ == "__main__":
    run()

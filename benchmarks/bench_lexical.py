"""Speed of the n-gram sampler and of one generation (chapter *The decline of lexical diversity*).

Prints tokens per second of the plain Python sampling loop (:func:`collapse_lib.ngram.sample_loop`,
one token at a time) and of the vectorised sampler (:func:`collapse_lib.ngram.sample`, every
sequence one step at a time), for the bigram and trigram models of *Pride and Prejudice*; then
the time of one generation of the experiment (train, sample a text of the same size, measure
every metric but self-BLEU) and of the self-BLEU of 50 segments, and one widget update.
Run: python3 tools/book.py bench lexical
"""

from __future__ import annotations

import numpy as np

from collapse_lib import corpus, lexical, lexical_widgets, ngram
from timing import best_seconds, rate, table, widget_update_ms

LOOP_TOKENS = 20_000


def sampler_rows(data: corpus.Corpus) -> list[list]:
    rows = []
    size = len(data.vocabulary)
    for order in (2, 3):
        model = ngram.fit(data.train, order, size)
        loop = rate(lambda: ngram.sample_loop(model, LOOP_TOKENS, 0), LOOP_TOKENS, repeats=2)
        for sequences, length in ((1000, 130), (10_000, 100), (100_000, 10)):
            contexts = ngram.paragraph_contexts(data.train, order, sequences, 0)
            vector = rate(lambda: ngram.sample(model, sequences, length, 0, contexts), sequences * length)
            rows.append([f"order {order}, {sequences} x {length}", loop, vector, vector / loop])
        contexts = ngram.paragraph_contexts(data.train, order, 1000, 0)
        decoded = rate(lambda: ngram.sample(model, 1000, 130, 0, contexts, temperature=0.7, top_k=20), 130_000)
        rows.append([f"order {order}, T=0.7 top-20", loop, decoded, decoded / loop])
    return rows


def generation_rows(data: corpus.Corpus) -> list[list]:
    rows = []
    size = len(data.vocabulary)
    rng = np.random.default_rng(0)
    for order in (2, 3):
        def one_generation():
            model = ngram.fit(data.train, order, size)
            text = lexical.synthetic_text(model, data.train, data.train.size, rng)
            lexical.measure(text, ngram.fit(text, order, size), data.held_out, rng)
        rows.append([f"order {order}: fit + sample + measure", 1000 * best_seconds(one_generation)])
    pieces = lexical.segments(data.train, 20, 50, rng)
    rows.append(["self-BLEU, 50 segments of 20 tokens", 1000 * best_seconds(lambda: lexical.self_bleu(pieces))])
    return rows


def run() -> None:
    data = corpus.load("pride_and_prejudice")
    print(f"Pride and Prejudice: {data.train.size} training tokens, {len(data.vocabulary)} types")
    print("sampling, tokens per second")
    table(["", "Python loop", "vectorised", "speed-up"], sampler_rows(data), [28, 14, 14, 10])
    print()
    print("one generation, best of 3, milliseconds")
    table(["", "ms"], generation_rows(data), [40, 10])
    print()
    lexical_widgets.compute_lexical()  # the experiment runs once per setting, then is cached
    print(f"widget update (compute + draw + PNG), median ms: "
          f"{widget_update_ms(lexical_widgets.compute_lexical, lexical_widgets.draw_lexical, lexical_widgets.FIGSIZE):.0f}")


if __name__ == "__main__":
    run()

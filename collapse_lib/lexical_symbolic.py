"""Sympy derivations for the chapter *The decline of lexical diversity, on real text*.

One resampling of a text of M tokens draws M' tokens i.i.d. from its frequencies p_w = #(w) / M.
The count of word w in the new text is Binomial(M', p_w). The Python names are N (draws,
displayed M'), T (text length, displayed M) and c (a count, displayed r), so that sympy shows
the book's symbols. Sympy derives each step:

- P(w lost) = P(Binomial(M', p_w) = 0) = (1 - p_w)^M';
- E[surviving types] = sum_w [1 - (1 - p_w)^M'], by linearity over the indicators 1{w seen}
  (the formula of the chapter *Discrete distributions*, :mod:`collapse_lib.discrete_symbolic`,
  grouped here by frequency class);
- Var[surviving types] adds the covariances P(w and v both lost) - (1 - p_w)^M' (1 - p_v)^M' with
  P(both lost) = (1 - p_w - p_v)^M' (a multinomial with the two cells merged);
- with M' = M a word seen r times is lost with probability (1 - r/M)^M -> e^(-r): a hapax
  is lost with probability tending to 1/e.

Numerical twins in :mod:`collapse_lib.lexical`; plain Python ints give exact rationals.
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import Binomial, P

from . import discrete_symbolic, validation

N = sp.Symbol("M'", positive=True)
"""The number of tokens drawn, M' in the chapter."""
T = sp.Symbol("M", positive=True)
"""The length of the text, M in the chapter (the book's sample size)."""
c = sp.Symbol("r", positive=True)
"""The count of a word in the text, r in the chapter."""
p = sp.Symbol("p", positive=True)


def _integer_or_symbol(value, name):
    if isinstance(value, sp.Basic):
        return value
    return sp.Integer(validation.integer(value, name, minimum=1))


def loss_probability(probability=p, draws=N) -> sp.Expr:
    """P(Binomial(M', p) = 0) = (1 - p)^M', derived from the binomial law by sympy (M' = ``draws``, an integer or a symbol)."""
    probability = validation.symbolic_real(probability, "probability", minimum=0, maximum=1)
    draws = _integer_or_symbol(draws, "draws")
    if draws.is_Integer:
        return sp.simplify(P(sp.Eq(Binomial("X", draws, probability), 0)))
    k = sp.Symbol("k", integer=True, nonnegative=True)
    pmf = sp.binomial(draws, k) * probability**k * (1 - probability) ** (draws - k)  # the binomial pmf
    return sp.simplify(pmf.subs(k, 0))


def expected_types(classes: dict, draws=N) -> sp.Expr:
    """E[surviving types] for a text with ``classes[r]`` words seen r times, after M' draws:
    sum_r classes[r] [1 - (1 - r/M)^M'], M = sum_r r classes[r]."""
    classes = _classes(classes)
    draws = _integer_or_symbol(draws, "draws")
    total = sum(sp.Integer(k) * v for k, v in classes.items())
    # the discrete chapter's survival probability, one term per frequency class
    return sp.Add(*[v * discrete_symbolic.survival_one_generation(draws, sp.Integer(k) / total)
                    for k, v in classes.items()])


def types_variance(classes: dict, draws) -> sp.Expr:
    """Var[surviving types]: sum over ordered pairs of words of Cov(1{w lost}, 1{v lost})."""
    classes = _classes(classes)
    draws = _integer_or_symbol(draws, "draws")
    total = sum(sp.Integer(k) * v for k, v in classes.items())
    q = {k: (1 - sp.Integer(k) / total) ** draws for k in classes}
    variance = sp.Add(*[v * q[k] * (1 - q[k]) for k, v in classes.items()])
    for a, na in classes.items():
        for b, nb in classes.items():
            pairs = na * nb - (na if a == b else 0)
            both = (1 - sp.Integer(a + b) / total) ** draws if a + b <= total else 0
            variance += pairs * (both - q[a] * q[b])
    return sp.expand(variance)


def loss_limit(count=c) -> sp.Expr:
    """lim_{M -> oo} (1 - r/M)^M = e^(-r): the loss probability of a word seen r times (r >= 1), M' = M."""
    count = validation.symbolic_integer(count, "count", minimum=1)
    return sp.limit((1 - count / T) ** T, T, sp.oo)


def _classes(classes: dict) -> dict:
    if not isinstance(classes, dict) or not classes:
        raise ValueError(f"classes must be a non-empty dict count -> number of words, got {classes!r}.")
    return {validation.integer(k, "count", minimum=1): sp.Integer(validation.integer(v, "number of words", minimum=1))
            for k, v in classes.items()}

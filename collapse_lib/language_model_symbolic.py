"""The chapter *A statistical language model* derives its results here, as sympy expressions.

:mod:`collapse_lib.language_model` evaluates the same results numerically and the
tests check that the two agree. Notation (the chapter's): s tokens, the true
next-token law p with S_0 = ||p||^2; model 1 is fitted to N real tokens (fully
synthetic: to n real tokens), model m >= 2 to n draws of model m - 1 (plus the
same N real tokens in the partially synthetic regime); S_m = E||p^(m)||^2,
a = n / (N + n).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from . import discrete_symbolic, validation

m = sp.Symbol("m", positive=True, integer=True)
n = sp.Symbol("n", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
S0 = sp.Symbol("S_0", positive=True)
S1 = sp.Symbol("S_1", positive=True)
a = sp.Symbol("alpha", positive=True)
c = sp.Symbol("c", positive=True)
epsilon = sp.Symbol("epsilon", positive=True)
s = sp.Symbol("s", positive=True, integer=True)
S = sp.Function("S")

MAX_GENERATION = 50
"""Largest numeric generation m substituted into the exact forms (sympy simplifies their powers of m slowly)."""


# ---------------------------------------------------------------- arguments


def _counts(counts, minimum: int) -> list:
    """Token counts of one context: a sequence of whole numbers >= ``minimum``."""
    if isinstance(counts, (str, bytes)) or not isinstance(counts, (Sequence, np.ndarray)):
        raise ValueError(f"counts must be a sequence of token counts (whole numbers), got {counts!r}.")
    return [validation.integer(k, "counts", minimum=minimum) for k in counts]


def _collision(value, name: str):
    """A collision probability ||p||^2 (or S_m, c): a symbol or a number in [0, 1], made exact."""
    return validation.symbolic_real(value, name, minimum=0, maximum=1)


def _size(value, name: str = "size"):
    """A number of tokens n or N: a symbol or a whole number >= 1."""
    return validation.symbolic_integer(value, name, minimum=1)


def _alpha(value):
    """The synthetic share a = n / (N + n): a symbol or a number in (0, 1]."""
    return validation.symbolic_real(value, "alpha", minimum=0, maximum=1, strict=True)


def _generation(value, minimum: int):
    return validation.symbolic_integer(value, "generation", minimum=minimum, maximum=MAX_GENERATION)


# ---------------------------------------------------------------- the classifier


def cross_entropy(counts, weights=None):
    """-sum_k n_k log softmax(w)_k for one context with counts n_k and logits w_k (symbols w_1..w_s)."""
    counts = [sp.Integer(k) for k in _counts(counts, minimum=0)]
    if not counts:
        raise ValueError("counts must hold at least one token count (a non-empty vocabulary).")
    if weights is None:
        weights = sp.symbols(f"w1:{len(counts) + 1}", real=True)
    else:
        if isinstance(weights, (str, bytes)) or not isinstance(weights, (Sequence, np.ndarray)) \
                or len(weights) != len(counts):
            raise ValueError(f"weights must be a sequence of {len(counts)} logits (one per count), got {weights!r}.")
        weights = [validation.symbolic_real(w, "weights") for w in weights]
    total = sp.log(sp.Add(*[sp.exp(w) for w in weights]))
    return sp.Add(*[k * (w - total) for k, w in zip(counts, weights)]) * -1, weights


def softmax_minimiser(counts) -> list:
    """The softmax of the stationary point of the cross-entropy, solved exactly: n_k / sum_j n_j.

    The loss depends on w only up to a common shift, so w_s = 0 fixes the gauge; in
    z_k = exp(w_k) the gradient equations T z_k / sum_j z_j = n_k are polynomial and
    sympy solves them. All counts must be positive (otherwise the infimum is not attained).
    """
    counts = _counts(counts, minimum=1)
    if len(counts) < 2:
        raise ValueError("counts must hold at least two positive token counts.")
    loss, weights = cross_entropy(counts)
    z = sp.symbols(f"z1:{len(counts)}", positive=True)
    substitution = {w: sp.log(zk) for w, zk in zip(weights[:-1], z)}
    substitution[weights[-1]] = 0
    gradient = [sp.simplify(sp.diff(loss, w).subs(substitution)) for w in weights[:-1]]
    solution = sp.solve(gradient, z, dict=True)[0]
    values = [solution[zk] for zk in z] + [sp.Integer(1)]
    total = sp.Add(*values)
    return [sp.nsimplify(v / total) for v in values]


def softmax_hessian(counts):
    """Hessian of the cross-entropy in w: T (diag(q) - q q^T), q = softmax(w), positive semi-definite."""
    counts = _counts(counts, minimum=0)
    loss, weights = cross_entropy(counts)
    return sp.hessian(loss, weights), weights


# ---------------------------------------------------------------- fully synthetic


def collision_step_fully(size=n, previous=S0):
    """E[||p'||^2 | p] = sum_k E[q'_k^2] = 1/n + (1 - 1/n)||p||^2, from the binomial moments of each q'_k.

    Uses :func:`collapse_lib.discrete_symbolic.next_mass_moments`: E[q'^2] = q^2 + q(1 - q)/n,
    summed over k with sum_k q_k = 1 and sum_k q_k^2 = ``previous``.
    """
    previous = _collision(previous, "previous")
    q = discrete_symbolic.q
    second = discrete_symbolic.next_mass_moments(size, q)[1]
    second = sp.expand(second)  # q^2 (1 - 1/n) + q/n
    linear = second.coeff(q, 1)
    quadratic = second.coeff(q, 2)
    return sp.simplify(linear * 1 + quadratic * previous)


def collision_fully_synthetic(generation=m, size=n, start=S0):
    """S_m = 1 - (1 - S_0)(1 - 1/n)^m: the solution of S_m = 1/n + (1 - 1/n) S_{m-1} (rsolve)."""
    generation = _generation(generation, minimum=0)
    size, start = _size(size), _collision(start, "start")
    k = sp.Symbol("k", integer=True, nonnegative=True)
    recursion = S(k + 1) - collision_step_fully(size, S(k))
    solution = sp.rsolve(recursion, S(k), {S(0): start})
    return sp.simplify(solution.subs(k, generation))


def collapse_time_bounds(size=n, start=S0, support=None):
    """Lower bound 1 + sum_{m>=1} (1 - S_m)/(1 - 1/k) on E[tau], k = min(support, n), as a closed sum."""
    size, start = _size(size), _collision(start, "start")
    k = sp.Symbol("k", positive=True) if support is None else validation.symbolic_integer(support, "support", minimum=2)
    j = sp.Symbol("j", integer=True, positive=True)
    gap = (1 - start) * (1 - 1 / size) ** j
    return sp.simplify(1 + sp.summation(gap, (j, 1, sp.oo)).rewrite(sp.Piecewise) / (1 - 1 / k))


# ---------------------------------------------------------------- partially synthetic


def collision_step_partial(previous, real=c, size=n, alpha=a):
    """E[||p^(m)||^2 | Y, p^(m-1)] averaged over p^(m-1) with E[p^(m-1) | Y] = Y/N:

    p^(m) = (1 - a) Y/N + a X/n, X ~ Mult(n, p^(m-1)); with c = ||Y/N||^2,
    (1 - a)^2 c + 2 a (1 - a) c + a^2 [previous + (1 - previous)/n].
    """
    previous, real = _collision(previous, "previous"), _collision(real, "real")
    size, alpha = _size(size), _alpha(alpha)
    return sp.expand((1 - alpha) ** 2 * real + 2 * alpha * (1 - alpha) * real
                     + alpha**2 * (previous + (1 - previous) / size))


def collision_partially_synthetic(generation=m, size=n, alpha=a, first=S1):
    """Closed form of S_m for m >= 1 (rsolve of the recursion with S_1 = ``first``)."""
    generation = _generation(generation, minimum=1)
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    k = sp.Symbol("k", integer=True, positive=True)
    recursion = S(k + 1) - collision_step_partial(S(k), first, size, alpha)
    solution = sp.rsolve(recursion, S(k), {S(1): first})
    return sp.simplify(solution.subs(k, generation))


def first_collision(real=N, start=S0):
    """S_1 = E||Y/N||^2 = 1/N + (1 - 1/N) S_0 (the fully synthetic step with n = N)."""
    return collision_step_fully(_size(real, "real"), _collision(start, "start"))


def collision_partial_factored(generation=m, size=n, alpha=a, first=S1):
    """The chapter's form: 1 - S_m = (1 - S_1)[(1 - a^2) + (a^2/n) lambda^(m-1)]/(1 - lambda), lambda = a^2(1 - 1/n)."""
    generation = _generation(generation, minimum=1)
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    lam = alpha**2 * (1 - 1 / size)
    return 1 - (1 - first) * ((1 - alpha**2) + alpha**2 / size * lam ** (generation - 1)) / (1 - lam)


def collision_limit(size=n, alpha=a, first=S1):
    """lim_{m -> oo} S_m, for 0 < a < 1."""
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    lam = alpha**2 * (1 - 1 / size)
    return sp.simplify(1 - (1 - first) * (1 - alpha**2) / (1 - lam))


def distance_steady_state(real=N, size=n, first=S1):
    """lim E||p^(m) - p^(1)||_2^2 = (a^2/n)(1 - S_1)/(1 - lambda) with a = n/(N + n), simplified."""
    real, size, first = _size(real, "real"), _size(size), _collision(first, "first")
    alpha = size / (real + size)
    lam = alpha**2 * (1 - 1 / size)
    return sp.factor(sp.simplify(alpha**2 / size * (1 - first) / (1 - lam)))


def max_synthetic(real=N, vocabulary=s, first=S1, tolerance=epsilon):
    """Solve s * (steady distance) = epsilon^2 for n: the largest synthetic sample keeping the L1 bound."""
    real, vocabulary = _size(real, "real"), _size(vocabulary, "vocabulary")
    first = _collision(first, "first")
    tolerance = validation.symbolic_real(tolerance, "tolerance", minimum=0, strict=True)
    size = sp.Symbol("n", positive=True)
    equation = sp.Eq(vocabulary * distance_steady_state(real, size, first), tolerance**2)
    solutions = sp.solve(equation, size)
    if not solutions:
        raise ValueError(f"no synthetic sample size n > 0 brings s times the steady distance to tolerance^2 for "
                         f"real = {real}, vocabulary = {vocabulary}, first = {first}, tolerance = {tolerance}.")
    return sp.simplify(solutions[0])

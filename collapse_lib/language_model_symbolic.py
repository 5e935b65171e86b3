"""The chapter *A statistical language model* derives its results here, as sympy expressions.

:mod:`collapse_lib.language_model` evaluates the same results numerically and the
tests check that the two agree. Notation (the book's, see chapters/notation.md): V tokens,
the true next-token law p = p^(0) with C_0 = ||p||^2; model 1 is fitted to M_0 real
tokens (fully synthetic: to M real tokens), model n >= 2 to M draws of model n - 1 (plus
the same M_0 real tokens in the partially synthetic regime); C_n = ||p^(n)||^2 is the
collision probability, Cbar_n = E C_n = 1 - E[H_n] (H_n the heterozygosity of the
discrete chapter), alpha = M / (M_0 + M).

The module-level symbols keep the paper's (Seddik et al. 2024) attribute names, which
tests and exercises use, but print with the book's symbols: ``m`` is the generation n,
``n`` the synthetic sample size M, ``N`` the real sample size M_0, ``s`` the vocabulary
size V, ``S0`` = C_0, ``S1`` = Cbar_1 and ``c`` = C_1 = ||Y/M_0||^2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from . import discrete_symbolic, validation

m = sp.Symbol("n", positive=True, integer=True)        # the generation n
n = sp.Symbol("M", positive=True, integer=True)        # synthetic tokens per generation M
N = sp.Symbol("M_0", positive=True, integer=True)      # real tokens M_0
S0 = sp.Symbol(r"\mathcal{C}_0", positive=True)        # C_0 = ||p||^2
S1 = sp.Symbol(r"\bar{\mathcal{C}}_1", positive=True)  # Cbar_1 = E C_1
a = sp.Symbol("alpha", positive=True)
c = sp.Symbol(r"\mathcal{C}_1", positive=True)         # C_1 = ||Y/M_0||^2 given Y
epsilon = sp.Symbol("epsilon", positive=True)
s = sp.Symbol("V", positive=True, integer=True)        # vocabulary size V
S = sp.Function("Cbar")                                # Cbar_n in rsolve

MAX_GENERATION = 50
"""Largest numeric generation n substituted into the exact forms (sympy simplifies their powers of n slowly)."""


# ---------------------------------------------------------------- arguments


def _counts(counts, minimum: int) -> list:
    """Token counts of one context: a sequence of whole numbers >= ``minimum``."""
    if isinstance(counts, (str, bytes)) or not isinstance(counts, (Sequence, np.ndarray)):
        raise ValueError(f"counts must be a sequence of token counts (whole numbers), got {counts!r}.")
    return [validation.integer(k, "counts", minimum=minimum) for k in counts]


def _collision(value, name: str):
    """A collision probability ||p||^2 (or Cbar_n, C_1): a symbol or a number in [0, 1], made exact."""
    return validation.symbolic_real(value, name, minimum=0, maximum=1)


def _size(value, name: str = "size"):
    """A number of tokens M or M_0: a symbol or a whole number >= 1."""
    return validation.symbolic_integer(value, name, minimum=1)


def _alpha(value):
    """The synthetic share alpha = M / (M_0 + M): a symbol or a number in (0, 1]."""
    return validation.symbolic_real(value, "alpha", minimum=0, maximum=1, strict=True)


def _generation(value, minimum: int):
    return validation.symbolic_integer(value, "generation", minimum=minimum, maximum=MAX_GENERATION)


# ---------------------------------------------------------------- the classifier


def cross_entropy(counts, weights=None):
    """-sum_k J_k log softmax(Theta)_k for one context with counts J_k and logits Theta_k (symbols Theta_1..Theta_V)."""
    counts = [sp.Integer(k) for k in _counts(counts, minimum=0)]
    if not counts:
        raise ValueError("counts must hold at least one token count (a non-empty vocabulary).")
    if weights is None:
        weights = sp.symbols(f"Theta1:{len(counts) + 1}", real=True)
    else:
        if isinstance(weights, (str, bytes)) or not isinstance(weights, (Sequence, np.ndarray)) \
                or len(weights) != len(counts):
            raise ValueError(f"weights must be a sequence of {len(counts)} logits (one per count), got {weights!r}.")
        weights = [validation.symbolic_real(w, "weights") for w in weights]
    total = sp.log(sp.Add(*[sp.exp(w) for w in weights]))
    return sp.Add(*[k * (w - total) for k, w in zip(counts, weights)]) * -1, weights


def softmax_minimiser(counts) -> list:
    """The softmax of the stationary point of the cross-entropy, solved exactly: J_k / sum_j J_j.

    The loss depends on Theta only up to a common shift, so Theta_V = 0 fixes the gauge; in
    xi_k = exp(Theta_k) the gradient equations J xi_k / sum_j xi_j = J_k are polynomial and
    sympy solves them. All counts must be positive (otherwise the infimum is not attained).
    """
    counts = _counts(counts, minimum=1)
    if len(counts) < 2:
        raise ValueError("counts must hold at least two positive token counts.")
    loss, weights = cross_entropy(counts)
    z = sp.symbols(f"xi1:{len(counts)}", positive=True)
    substitution = {w: sp.log(zk) for w, zk in zip(weights[:-1], z)}
    substitution[weights[-1]] = 0
    gradient = [sp.simplify(sp.diff(loss, w).subs(substitution)) for w in weights[:-1]]
    solution = sp.solve(gradient, z, dict=True)[0]
    values = [solution[zk] for zk in z] + [sp.Integer(1)]
    total = sp.Add(*values)
    return [sp.nsimplify(v / total) for v in values]


def softmax_hessian(counts):
    """Hessian of the cross-entropy in Theta: J (diag(q) - q q^T), q = softmax(Theta), positive semi-definite."""
    counts = _counts(counts, minimum=0)
    loss, weights = cross_entropy(counts)
    return sp.hessian(loss, weights), weights


# ---------------------------------------------------------------- fully synthetic


def collision_step_fully(size=n, previous=S0):
    """E[||p'||^2 | p] = sum_k E[q'_k^2] = 1/M + (1 - 1/M)||p||^2, from the binomial moments of each q'_k.

    ``size`` is M. Uses :func:`collapse_lib.discrete_symbolic.next_mass_moments`: E[q'^2] = q^2 + q(1 - q)/M,
    summed over k with sum_k q_k = 1 and sum_k q_k^2 = ``previous``.
    """
    previous = _collision(previous, "previous")
    q = discrete_symbolic.q
    second = discrete_symbolic.next_mass_moments(size, q)[1]
    second = sp.expand(second)  # q^2 (1 - 1/M) + q/M
    linear = second.coeff(q, 1)
    quadratic = second.coeff(q, 2)
    return sp.simplify(linear * 1 + quadratic * previous)


def collision_fully_synthetic(generation=m, size=n, start=S0):
    """Cbar_n = 1 - (1 - C_0)(1 - 1/M)^n, the solution of Cbar_n = 1/M + (1 - 1/M) Cbar_{n-1} (rsolve).

    ``generation`` is n, ``size`` is M, ``start`` is C_0. It is the heterozygosity decay
    E[H_n] = H_0 (1 - 1/M)^n of the discrete chapter, since H_n = 1 - C_n.
    """
    generation = _generation(generation, minimum=0)
    size, start = _size(size), _collision(start, "start")
    k = sp.Symbol("k", integer=True, nonnegative=True)
    recursion = S(k + 1) - collision_step_fully(size, S(k))
    solution = sp.rsolve(recursion, S(k), {S(0): start})
    return sp.simplify(solution.subs(k, generation))


def collapse_time_bounds(size=n, start=S0, support=None):
    """Lower bound 1 + sum_{n>=1} (1 - Cbar_n)/(1 - 1/k) on E[T], k = min(support, M) (``size`` is M), as a closed sum."""
    size, start = _size(size), _collision(start, "start")
    k = sp.Symbol("k", positive=True) if support is None else validation.symbolic_integer(support, "support", minimum=2)
    j = sp.Symbol("j", integer=True, positive=True)
    gap = (1 - start) * (1 - 1 / size) ** j
    return sp.simplify(1 + sp.summation(gap, (j, 1, sp.oo)).rewrite(sp.Piecewise) / (1 - 1 / k))


# ---------------------------------------------------------------- partially synthetic


def collision_step_partial(previous, real=c, size=n, alpha=a):
    """E[||p^(n)||^2 | Y, p^(n-1)] averaged over p^(n-1) with E[p^(n-1) | Y] = Y/M_0:

    p^(n) = (1 - alpha) Y/M_0 + alpha X/M, X ~ Mult(M, p^(n-1)); with ``real`` = C_1 = ||Y/M_0||^2
    and ``size`` = M, (1 - alpha)^2 C_1 + 2 alpha (1 - alpha) C_1 + alpha^2 [previous + (1 - previous)/M].
    """
    previous, real = _collision(previous, "previous"), _collision(real, "real")
    size, alpha = _size(size), _alpha(alpha)
    return sp.expand((1 - alpha) ** 2 * real + 2 * alpha * (1 - alpha) * real
                     + alpha**2 * (previous + (1 - previous) / size))


def collision_partially_synthetic(generation=m, size=n, alpha=a, first=S1):
    """Closed form of Cbar_n for n >= 1 (rsolve of the recursion with Cbar_1 = ``first``; ``size`` is M)."""
    generation = _generation(generation, minimum=1)
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    k = sp.Symbol("k", integer=True, positive=True)
    recursion = S(k + 1) - collision_step_partial(S(k), first, size, alpha)
    solution = sp.rsolve(recursion, S(k), {S(1): first})
    return sp.simplify(solution.subs(k, generation))


def first_collision(real=N, start=S0):
    """Cbar_1 = E||Y/M_0||^2 = 1/M_0 + (1 - 1/M_0) C_0 (the fully synthetic step with M = M_0; ``real`` is M_0)."""
    return collision_step_fully(_size(real, "real"), _collision(start, "start"))


def collision_partial_factored(generation=m, size=n, alpha=a, first=S1):
    """The chapter's form: 1 - Cbar_n = (1 - Cbar_1)[(1 - alpha^2) + (alpha^2/M) lambda^(n-1)]/(1 - lambda),
    lambda = alpha^2(1 - 1/M) (``size`` is M)."""
    generation = _generation(generation, minimum=1)
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    lam = alpha**2 * (1 - 1 / size)
    return 1 - (1 - first) * ((1 - alpha**2) + alpha**2 / size * lam ** (generation - 1)) / (1 - lam)


def collision_limit(size=n, alpha=a, first=S1):
    """lim_{n -> oo} Cbar_n, for 0 < alpha < 1 (``size`` is M)."""
    size, alpha, first = _size(size), _alpha(alpha), _collision(first, "first")
    lam = alpha**2 * (1 - 1 / size)
    return sp.simplify(1 - (1 - first) * (1 - alpha**2) / (1 - lam))


def distance_steady_state(real=N, size=n, first=S1):
    """lim E||p^(n) - p^(1)||_2^2 = (alpha^2/M)(1 - Cbar_1)/(1 - lambda) with alpha = M/(M_0 + M), simplified.

    ``real`` is M_0, ``size`` is M, ``first`` is Cbar_1.
    """
    real, size, first = _size(real, "real"), _size(size), _collision(first, "first")
    alpha = size / (real + size)
    lam = alpha**2 * (1 - 1 / size)
    return sp.factor(sp.simplify(alpha**2 / size * (1 - first) / (1 - lam)))


def max_synthetic(real=N, vocabulary=s, first=S1, tolerance=epsilon):
    """Solve V * (steady distance) = epsilon^2 for M: the largest synthetic sample keeping the L1 bound.

    ``real`` is M_0, ``vocabulary`` is V (or k_1 = min(V, M_0)), ``first`` is Cbar_1.
    """
    real, vocabulary = _size(real, "real"), _size(vocabulary, "vocabulary")
    first = _collision(first, "first")
    tolerance = validation.symbolic_real(tolerance, "tolerance", minimum=0, strict=True)
    size = sp.Symbol("M", positive=True)
    equation = sp.Eq(vocabulary * distance_steady_state(real, size, first), tolerance**2)
    solutions = sp.solve(equation, size)
    if not solutions:
        raise ValueError(f"no synthetic sample size M > 0 brings V times the steady distance to tolerance^2 for "
                         f"real = {real}, vocabulary = {vocabulary}, first = {first}, tolerance = {tolerance}.")
    return sp.simplify(solutions[0])

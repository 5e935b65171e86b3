"""Closed forms of the multivariate Gaussian recursion as sympy expressions.

The chapter *The multivariate Gaussian model* derives its results here;
:mod:`collapse_lib.multivariate` evaluates them numerically and the tests check
that the two agree. Notation (the chapter's): dimension d, sample size M,
nu = M - 1 degrees of freedom, the covariance estimator divides the scatter
matrix by c (c = M - 1 "unbiased", c = M "mle", see
:func:`collapse_lib.gaussian_symbolic.denominator`), and Bartlett's factor A is
lower triangular with A_jj^2 ~ chi^2_{nu - j + 1}, A_jk ~ N(0, 1) (j > k).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import lru_cache

import sympy as sp

from . import validation
from .gaussian_symbolic import HALF, M, denominator, epsilon, n, ratio_moment

d = sp.Symbol("d", positive=True, integer=True)
j = sp.Symbol("j", positive=True, integer=True)
nu = sp.Symbol("nu", positive=True)
trace = sp.Symbol(r"\operatorname{tr}\Sigma", positive=True)
_x = sp.Symbol("x", positive=True)


def bartlett_symbols(dim: int) -> sp.Matrix:
    """The d x d lower-triangular matrix A of symbols a_jk (zeros above the diagonal)."""
    dim = validation.integer(dim, "dim", minimum=1, maximum=6)
    return sp.Matrix(dim, dim, lambda r, s: sp.Symbol(f"a_{r + 1}{s + 1}") if r >= s else 0)


def _moment(row: int, column: int, power: int):
    """E[a_rc^p]: a chi moment on the diagonal, a standard normal moment below it."""
    if row == column:
        k = nu - row  # row is 0-based: a_jj^2 ~ chi^2_{nu - j + 1}
        if power % 2 == 0:  # E[(chi^2_k)^q] = 2^q (k/2)(k/2 + 1)...(k/2 + q - 1)
            return 2 ** (power // 2) * sp.expand_func(sp.rf(k / 2, power // 2))
        return 2 ** sp.Rational(power, 2) * sp.gamma(k / 2 + sp.Rational(power, 2)) / sp.gamma(k / 2)
    return 0 if power % 2 else sp.factorial2(power - 1)


def bartlett_expectation(expr, dim: int):
    """E[expr] for a polynomial ``expr`` in the entries of :func:`bartlett_symbols` (independent)."""
    A = bartlett_symbols(dim)
    dim = A.shape[0]
    expr = validation.symbolic_real(expr, "expr")
    entries = {A[r, s]: (r, s) for r in range(dim) for s in range(r + 1)}
    try:
        polynomial = sp.Poly(sp.expand(expr), *entries)
    except sp.PolynomialError as error:
        raise ValueError(f"expr must be a polynomial in the Bartlett entries a_jk, got {expr}.") from error
    total = sp.Integer(0)
    for powers, coefficient in polynomial.terms():
        term = coefficient
        for (r, s), p in zip(entries.values(), powers):
            if p:
                term *= _moment(r, s, p)
        total += term
    return sp.simplify(sp.gammasimp(total))


def wishart_mean(dim: int) -> sp.Matrix:
    """E[A A^T] = nu I_d, entry by entry: so E[L A A^T L^T] = nu L L^T = nu Sigma."""
    A = bartlett_symbols(dim)
    gram = A * A.T
    return gram.applyfunc(lambda entry: bartlett_expectation(entry, dim))


def wishart_entry_covariance(dim: int, first: tuple, second: tuple):
    """Cov((A A^T)_{first}, (A A^T)_{second}) for W = A A^T ~ W_d(nu, I).

    The Wishart covariance nu (delta_ik delta_jl + delta_il delta_jk): 2 nu on
    a diagonal entry, nu off the diagonal.
    """
    A = bartlett_symbols(dim)
    gram = A * A.T
    for name, entry in (("first", first), ("second", second)):
        if (not isinstance(entry, tuple) or len(entry) != 2
                or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < A.shape[0] for i in entry)):
            raise ValueError(f"{name} must be a (row, column) pair of indices in 0..{A.shape[0] - 1}, got {entry!r}.")
    left, right = gram[first], gram[second]
    return sp.simplify(bartlett_expectation(left * right, dim)
                       - bartlett_expectation(left, dim) * bartlett_expectation(right, dim))


def _size_and_dim(size, dim, estimator: str = "unbiased"):
    """(M, d) checked: symbols, or whole numbers with d >= 1 and M >= d + 1 (a full-rank fit)."""
    validation.estimator(estimator)
    dim = validation.symbolic_integer(dim, "dim", minimum=1)
    size = validation.symbolic_integer(size, "size", minimum=2)
    if size.is_number and dim.is_number and size < dim + 1:
        raise ValueError(f"size must be at least d + 1 = {dim + 1} in dimension d = {dim}, got {size}.")
    return size, dim


def log_det_ratio_mean(size=M, dim=d, estimator: str = "unbiased"):
    """E[log det Sigma_{i+1} - log det Sigma_i] = sum_{j=1}^{d} [psi((M - j)/2) + log 2] - d log c.

    log det(A A^T / c) = sum_j log(a_jj^2) - d log c with a_jj^2 ~ chi^2_{M - j}
    and E[log chi^2_k] = psi(k/2) + log 2. ``dim`` may be a symbol (an
    unevaluated sum) or an integer (evaluated).
    """
    size, dim = _size_and_dim(size, dim, estimator)
    term = sp.digamma((size - j) / 2) + sp.log(2)
    total = sp.Sum(term, (j, 1, dim))
    total = total.doit() if dim.is_number else total
    return total - dim * sp.log(denominator(size, estimator))


def log_det_ratio_variance(size=M, dim=d):
    """Var[log det Sigma_{i+1} - log det Sigma_i] = sum_{j=1}^{d} psi'((M - j)/2), either estimator."""
    size, dim = _size_and_dim(size, dim)
    total = sp.Sum(sp.polygamma(1, (size - j) / 2), (j, 1, dim))
    return total.doit() if dim.is_number else total


def lyapunov_exponent(size=M, index=j, estimator: str = "unbiased"):
    """gamma_j = E[log(a_jj^2 / c)] = psi((M - j)/2) + log(2 / c)."""
    size = validation.symbolic_integer(size, "size", minimum=2)
    index = validation.symbolic_integer(index, "index", minimum=1)
    if size.is_number and index.is_number and index > size - 1:
        raise ValueError(f"index must be at most M - 1 = {size - 1} (a_jj^2 ~ chi^2_(M - j)), got {index}.")
    return sp.digamma((size - index) / 2) + sp.log(2 / denominator(size, estimator))


@lru_cache(maxsize=None)
def log_det_drift_series(estimator: str = "unbiased", order: int = 3):
    """The per-generation drift of log det expanded in epsilon = 1/M, for symbolic d.

    psi's asymptotic series at infinity, evaluated at x = (M - j)/2, expanded in
    epsilon, then summed over j = 1..d (polynomials in j sum to polynomials in d).
    Returns the series up to (excluding) epsilon**order; unbiased:
    -d(d+1)/2 epsilon - d(2d^2 + 9d + 5)/12 epsilon^2 + ...
    """
    validation.estimator(estimator)
    order = validation.integer(order, "order", minimum=2, maximum=6)
    digamma_series = sp.series(sp.digamma(_x), _x, sp.oo, order + 1).removeO()
    size = 1 / epsilon
    term = digamma_series.subs(_x, (size - j) / 2) + sp.log(2) - sp.log(denominator(size, estimator))
    term = sp.expand_log(sp.series(term, epsilon, 0, order).removeO(), force=True)
    term = sp.expand(sp.simplify(term))
    total = sp.expand(sp.summation(term, (j, 1, d)))
    return sum((sp.factor(total.coeff(epsilon, k)) * epsilon**k for k in range(1, order)), sp.Integer(0))


def log_det_drift_coefficients(estimator: str, dim: int) -> dict[int, sp.Rational]:
    """{k: a_k(d)} with drift = sum_k a_k / M^k, from :func:`log_det_drift_series` at d = ``dim``."""
    dim = validation.integer(dim, "dim", minimum=1)
    series = sp.expand(log_det_drift_series(estimator).subs(d, dim))
    return {k: series.coeff(epsilon, k) for k in (1, 2)}


def expected_mean_drift(sizes, estimator: str = "unbiased"):
    """E||mu_n - m||^2 = tr(Sigma) sum_{i<n} A_i / M_i with A_i = prod_{k<i} E[S_k] (1D ratio moments).

    E[||mu_{i+1} - mu_i||^2 | past] = tr(Sigma_i) / M_i and E[tr Sigma_{i+1} | past]
    = (nu/c) tr Sigma_i; ``sizes`` is a list of symbols or integers.
    """
    sizes = validation.symbolic_sizes(sizes)
    factors = [ratio_moment(1, size, estimator) for size in sizes]
    return trace * sum((sp.Mul(*factors[:i]) / sizes[i] for i in range(len(sizes))), sp.Integer(0))


def bures_second_order_2x2():
    """Second-order term of tr(Sigma + Sigma' - 2 (Sigma^{1/2} Sigma' Sigma^{1/2})^{1/2}) for d = 2.

    Sigma = diag(l1, l2), Sigma' = Sigma^{1/2} (I + t Delta) Sigma^{1/2} with
    Delta symmetric (entries D11, D12, D22). For a 2 x 2 positive definite B,
    tr B^{1/2} = sqrt(tr B + 2 sqrt(det B)). The zeroth and first orders in t
    vanish; the t^2 coefficient is returned, to compare with
    (1/2) sum_{k,l} lambda_k lambda_l / (lambda_k + lambda_l) Delta_kl^2.
    """
    l1, l2, t = sp.symbols("lambda_1 lambda_2 t", positive=True)
    D11, D12, D22 = sp.symbols("Delta_11 Delta_12 Delta_22", real=True)
    root = sp.diag(sp.sqrt(l1), sp.sqrt(l2))
    sigma = root**2
    fitted = root * (sp.eye(2) + t * sp.Matrix([[D11, D12], [D12, D22]])) * root
    inner = root * fitted * root
    # tr B^{1/2} = sqrt(tr B + 2 sqrt(det B)) = (l1 + l2) sqrt(1 + u), u = O(t); sqrt(1 + u) to O(u^2)
    radicand = inner.trace() + 2 * l1 * l2 * sp.sqrt(sp.factor(inner.det() / (l1 * l2) ** 2))
    u = radicand / (l1 + l2) ** 2 - 1
    trace_root = (l1 + l2) * (1 + u / 2 - u**2 / 8)
    distance = sigma.trace() + fitted.trace() - 2 * trace_root
    expansion = sp.series(distance, t, 0, 3).removeO()
    return [sp.simplify(expansion.coeff(t, k)) for k in range(3)]


def bures_quadratic_form(eigenvalues, delta):
    """(1/2) sum_{k,l} lambda_k lambda_l / (lambda_k + lambda_l) Delta_kl^2: the claimed t^2 coefficient."""
    if isinstance(eigenvalues, (str, bytes, numbers.Number, sp.Basic)) or not isinstance(eigenvalues, Sequence):
        raise ValueError(f"eigenvalues must be a sequence of positive numbers or symbols, got {eigenvalues!r}.")
    eigenvalues = [validation.symbolic_real(value, "eigenvalues", minimum=0, strict=True) for value in eigenvalues]
    size = len(eigenvalues)
    if not isinstance(delta, sp.MatrixBase) or delta.shape != (size, size):
        raise ValueError(f"delta must be a {size} x {size} sympy Matrix, got {delta!r}.")
    return sum((eigenvalues[k] * eigenvalues[l] / (eigenvalues[k] + eigenvalues[l]) * delta[k, l] ** 2
                for k in range(size) for l in range(size)), sp.Integer(0)) / 2


def mix_pooled_scatter_mean():
    """E[pooled scatter matrix | past] under mixing, one matrix entry at a time (everything is linear).

    K fresh points of N(m, Sigma) and S = M - K points of N(mu_i, Sigma_i), e = mu_i - m:
    the pooled scatter is scatter_R + scatter_S + (K S / M)(xbar_R - xbar_S)(xbar_R - xbar_S)^T with
    E[scatter_R] = (K - 1) Sigma, E[scatter_S] = (S - 1) Sigma_i and
    E[(xbar_R - xbar_S)(...)^T] = e e^T + Sigma / K + Sigma_i / S. Returns the sum collected in
    Sigma, Sigma_i and e e^T: ((M - 1)/M)(K Sigma + S Sigma_i) + (K S / M) e e^T.
    """
    K, S = sp.symbols("K S", positive=True)
    cov, cov_i, outer = sp.symbols(r"\Sigma \Sigma_i e_ie_i^{\top}")
    size = K + S
    total = (K - 1) * cov + (S - 1) * cov_i + K * S / size * (outer + cov / K + cov_i / S)
    return sp.collect(sp.factor_terms(sp.expand(total)), [cov, cov_i, outer], sp.factor)


__all__ = [
    "HALF", "M", "n", "epsilon", "d", "j", "nu", "trace",
    "bartlett_symbols", "bartlett_expectation", "wishart_mean", "wishart_entry_covariance",
    "log_det_ratio_mean", "log_det_ratio_variance", "lyapunov_exponent", "log_det_drift_series",
    "log_det_drift_coefficients", "expected_mean_drift", "bures_second_order_2x2", "bures_quadratic_form",
    "mix_pooled_scatter_mean",
]

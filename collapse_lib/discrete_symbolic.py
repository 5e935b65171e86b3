"""Closed forms of the Wright-Fisher resampling chain as sympy expressions.

This is where the chapter *Discrete distributions* derives its results;
:mod:`collapse_lib.discrete` evaluates the same results numerically and the
tests check that the two agree. Notation (the chapter's): M points per
generation, a category of current mass q has count X ~ Binomial(M, q) in the
next sample and next mass X / M; for two categories the chain lives on the
counts i = 0..M with transition matrix P[i, j] = C(M, j) (i/M)^j (1 - i/M)^(M-j).
"""

from __future__ import annotations

import sympy as sp

from . import validation

M = sp.Symbol("M", positive=True, integer=True)
n = sp.Symbol("n", nonnegative=True, integer=True)
q = sp.Symbol("q", positive=True)
t = sp.Symbol("t", real=True)
x = sp.Symbol("x", positive=True)


def _size_and_mass(size, mass):
    """(M, q) checked: symbols, or a whole number M >= 1 and a mass q in [0, 1] (exact)."""
    return (validation.symbolic_integer(size, "size", minimum=1),
            validation.symbolic_real(mass, "mass", minimum=0, maximum=1))


def _masses(values, name: str) -> list:
    """A sequence of masses in [0, 1] (symbols or numbers, numbers made exact)."""
    if isinstance(values, (str, bytes, sp.Basic)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a sequence of masses (numbers in [0, 1] or symbols), got {values!r}.")
    values = [validation.symbolic_real(value, name, minimum=0, maximum=1) for value in values]
    if not values:
        raise ValueError(f"{name} must not be empty.")
    return values


def binomial_mgf(size=M, mass=q):
    """E[exp(t X)] = (1 - q + q e^t)^M for the count X ~ Binomial(M, q) of one category."""
    size, mass = _size_and_mass(size, mass)
    return (1 - mass + mass * sp.exp(t)) ** size


def next_mass_moments(size=M, mass=q) -> tuple:
    """(E[q'], E[q'^2]) for the next mass q' = X / M, read off the mgf: (q, q^2 + q (1 - q) / M)."""
    size, mass = _size_and_mass(size, mass)
    mgf = binomial_mgf(size, mass)
    first = sp.diff(mgf, t).subs(t, 0) / size
    second = sp.diff(mgf, t, 2).subs(t, 0) / size**2
    return sp.simplify(first), sp.factor(sp.simplify(second))


def heterozygosity_factor(size=M, mass=q):
    """E[q'(1 - q')] / (q (1 - q)) = 1 - 1/M, the same for every category and every q."""
    size, mass = _size_and_mass(size, mass)
    if mass.is_number and mass * (1 - mass) == 0:
        raise ValueError(f"mass must lie strictly between 0 and 1 (the ratio divides by q (1 - q)), got {mass}.")
    first, second = next_mass_moments(size, mass)
    return sp.simplify((first - second) / (mass * (1 - mass)))


def expected_heterozygosity(start, sizes=None, generations=n):
    """E[H_n] = H_0 prod_{i<n} (1 - 1/M_i); with ``sizes=None``, H_0 (1 - 1/M)^n."""
    start = validation.symbolic_real(start, "start", minimum=0, maximum=1)
    generations = validation.symbolic_integer(generations, "generations", minimum=0, maximum=10**6)
    if sizes is None:
        return start * heterozygosity_factor() ** generations
    return start * sp.Mul(*[heterozygosity_factor(size) for size in validation.symbolic_sizes(sizes, minimum=1)])


def survival_one_generation(size=M, mass=q):
    """P(X > 0) = 1 - (1 - q)^M: a category of mass q appears in a sample of size M."""
    size, mass = _size_and_mass(size, mass)
    return 1 - (1 - mass) ** size


def expected_survivors_one_generation(probabilities, size=M):
    """sum_k 1 - (1 - p_k)^M: the expected number of categories present after one generation."""
    probabilities = _masses(probabilities, "probabilities")
    total = sp.Add(*probabilities)
    # exact masses must sum to 1 exactly; floating-point ones (sp.Float) to within 1e-9, as in discrete.categorical
    if len(probabilities) < 2 or (total.is_number and abs(total - 1) > (1e-9 if total.has(sp.Float) else 0)):
        raise ValueError(f"probabilities must be at least two masses summing to 1, got {probabilities}.")
    size = validation.symbolic_integer(size, "size", minimum=1)
    return sp.Add(*[survival_one_generation(size, p) for p in probabilities])


def _size(size) -> int:
    return validation.integer(size, "size", minimum=1, maximum=40)


def transition_matrix(size: int) -> sp.Matrix:
    """The (M+1) x (M+1) transition matrix of the two-category chain, exact rationals."""
    size = _size(size)
    return sp.Matrix(size + 1, size + 1,
                     lambda i, j: sp.binomial(size, j) * sp.Rational(i, size) ** j * (1 - sp.Rational(i, size)) ** (size - j))


def fixation_probabilities(size: int) -> sp.Matrix:
    """h(i) = P(the category takes over | count i), solving h = P h, h(0) = 0, h(M) = 1: h(i) = i/M."""
    size = _size(size)
    matrix = transition_matrix(size)
    h = sp.symbols(f"h0:{size + 1}")
    equations = [sp.Eq(h[i], sum(matrix[i, j] * h[j] for j in range(size + 1))) for i in range(1, size)]
    solution = sp.solve(equations + [sp.Eq(h[0], 0), sp.Eq(h[size], 1)], h, dict=True)[0]
    return sp.Matrix([solution[h[i]] for i in range(size + 1)])


def absorption_times(size: int) -> sp.Matrix:
    """t(i) = E[generations to absorption | count i]: (I - Q) t = 1 on 1..M-1, t(0) = t(M) = 0."""
    size = _size(size)
    inner = transition_matrix(size)[1:size, 1:size]
    times = (sp.eye(size - 1) - inner).LUsolve(sp.ones(size - 1, 1)) if size > 1 else sp.zeros(0, 1)
    return sp.Matrix([0, *times, 0])


def absorption_time(size: int, mass=q):
    """E[T] from mass q at generation 0 (two categories): 1 + sum_j C(M,j) q^j (1-q)^(M-j) t(j), a polynomial in q."""
    size = _size(size)
    mass = validation.symbolic_real(mass, "mass", minimum=0, maximum=1)
    times = absorption_times(size)
    first = sum(sp.binomial(size, j) * mass**j * (1 - mass) ** (size - j) * times[j] for j in range(size + 1))
    return sp.expand(1 + first)


def survival_polynomial(size: int, generations: int, mass=q):
    """S_n(q) = P(count > 0 after n generations | mass q at generation 0), a polynomial in q.

    S_n(q) = 1 - sum_j C(M, j) q^j (1 - q)^(M - j) (P^(n-1))[j, 0].
    """
    size = _size(size)
    generations = validation.integer(generations, "generations", minimum=1, maximum=10_000)
    mass = validation.symbolic_real(mass, "mass", minimum=0, maximum=1)
    lost = (transition_matrix(size) ** (generations - 1))[:, 0]
    first = sum(sp.binomial(size, j) * mass**j * (1 - mass) ** (size - j) * lost[j] for j in range(size + 1))
    return sp.expand(1 - first)


def eigenvalues(size: int) -> list:
    """Eigenvalues of the transition matrix, largest first (computed by sympy)."""
    values = transition_matrix(size).eigenvals()
    return sorted((value for value, multiplicity in values.items() for _ in range(multiplicity)), reverse=True)


def eigenvalue_formula(size: int) -> list:
    """Feller's eigenvalues lambda_j = M! / ((M - j)! M^j) = prod_{i<j} (1 - i/M), j = 0..M."""
    size = _size(size)
    return [sp.Mul(*[1 - sp.Rational(i, size) for i in range(j)]) for j in range(size + 1)]


def diffusion_time_two():
    """Solve (x (1 - x) / 2M) t''(x) = -1, t(0) = t(1) = 0: -2M [x log x + (1 - x) log(1 - x)]."""
    c1, c2 = sp.symbols("c1 c2")
    # on 0 < x < 1 an antiderivative of 1/(x - 1) is log(1 - x), not sympy's log(x - 1)
    real_log = {sp.log(x - 1): sp.log(1 - x)}
    slope = sp.integrate(sp.apart(-2 * M / (x * (1 - x)), x), x).subs(real_log) + c1
    general = sp.integrate(sp.expand(slope), x).subs(real_log) + c2
    at_zero = sp.limit(general, x, 0)
    at_one = sp.limit(general.subs(x, 1 - x), x, 0)
    constants = sp.solve([at_zero, at_one], [c1, c2], dict=True)[0]
    return sp.simplify(sp.expand_log(general.subs(constants), force=True))


def simplex(count: int) -> list[sp.Symbol]:
    """Symbols x_1..x_K for the frequencies of K categories."""
    count = validation.integer(count, "count", minimum=2)
    return list(sp.symbols(f"x1:{count + 1}", positive=True))


def diffusion_time(frequencies=None, size=M):
    """-2 M sum_k (1 - x_k) log(1 - x_k): the diffusion approximation of E[T] for K categories."""
    frequencies = simplex(2) if frequencies is None else _masses(frequencies, "frequencies")
    size = validation.symbolic_integer(size, "size", minimum=1)
    return -2 * size * sp.Add(*[(1 - xk) * sp.log(1 - xk) for xk in frequencies])


def entropy_time(frequencies=None, size=M):
    """-2 M sum_k x_k log x_k: the diffusion approximation of E[sum_{n<T} (K_n - 1)]."""
    frequencies = simplex(2) if frequencies is None else _masses(frequencies, "frequencies")
    size = validation.symbolic_integer(size, "size", minimum=1)
    return -2 * size * sp.Add(*[xk * sp.log(xk) for xk in frequencies])


def diffusion_generator(function, frequencies, size=M):
    """(1/2M) sum_ij x_i (delta_ij - x_j) d^2 f / dx_i dx_j, evaluated on sum_k x_k = 1.

    The generator of the Wright-Fisher diffusion: one generation changes the
    frequencies by a vector of mean 0 and covariance x_i (delta_ij - x_j) / M.
    """
    function = validation.symbolic_real(function, "function")
    if isinstance(frequencies, (str, bytes, sp.Basic)) or not hasattr(frequencies, "__iter__"):
        raise ValueError(f"frequencies must be a sequence of sympy Symbols, got {frequencies!r}.")
    frequencies = list(frequencies)
    if len(frequencies) < 2 or not all(isinstance(xi, sp.Symbol) for xi in frequencies):
        raise ValueError(f"frequencies must be at least two sympy Symbols (the variables of function), got {frequencies!r}.")
    size = validation.symbolic_integer(size, "size", minimum=1)
    total = sp.Add(*[sp.Rational(1, 2) / size * xi * ((1 if i == j else 0) - xj) * sp.diff(function, xi, xj)
                     for i, xi in enumerate(frequencies) for j, xj in enumerate(frequencies)])
    last = frequencies[-1]
    return sp.simplify(total.subs(last, 1 - sp.Add(*frequencies[:-1])))

"""The small experiments of the chapter *What model collapse is*.

Each experiment isolates one mechanism of model collapse
(Shumailov et al., 2024):

- early collapse: a histogram model of normal data (:func:`normal_bin_probabilities`)
  refitted to its own finite samples loses its rare bins, the tails, first;
  the histogram is a categorical law, simulated and solved exactly by
  :mod:`collapse_lib.discrete` (``simulate``, ``survival_probability``);
- functional expressivity: a single normal fitted to a two-component mixture
  with infinite data (:func:`mixture_moments`, :func:`mixture_w2sq_to_fit`);
- functional approximation: a biased fitting rule, here an outlier filter that
  keeps only the points within k fitted standard deviations
  (:func:`trimmed_variance_factor`);
- all three together, or any subset, in :func:`simulate_sources`.

Replacing the data or accumulating it is simulated by :mod:`collapse_lib.strategies`.

The symbolic versions of the closed forms are the ``*_symbolic`` functions;
the tests check each against its numeric twin and against simulation.
Generations follow :mod:`collapse_lib.gaussian`: row 0 holds the data law,
row i the model fitted at generation i.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from . import validation
from .gaussian import Paths, simulate_exact

# --- early collapse: a histogram model -------------------------------------------------


def normal_bin_probabilities(edges) -> np.ndarray:
    """Mass of N(0, 1) in the bins cut by ``edges``, the two outer bins open-ended.

    ``edges`` = (e_1 < ... < e_{K-1}) gives K bins (-inf, e_1], (e_1, e_2], ..., (e_{K-1}, inf).
    """
    edges = validation.finite_array(edges, "edges")
    if edges.ndim != 1 or edges.size < 1 or np.any(np.diff(edges) <= 0):
        raise ValueError("edges must be a non-empty, strictly increasing 1D sequence of numbers.")
    return np.diff(stats.norm.cdf(np.concatenate(([-np.inf], edges, [np.inf]))))


# --- functional expressivity: a single normal fitted to a mixture ----------------------


def _mixture(weights, means, variances):
    w = validation.finite_array(weights, "weights")
    m = validation.finite_array(means, "means")
    v = validation.positive_array(variances, "variances")
    if w.ndim != 1 or w.size < 1 or np.any(w < 0) or abs(w.sum() - 1.0) > 1e-9:
        raise ValueError("weights must be a 1D vector of non-negative numbers summing to 1.")
    if m.shape != w.shape or v.shape != w.shape:
        raise ValueError("weights, means and variances must have the same length (one per component).")
    return w, m, v


def mixture_moments(weights, means, variances) -> tuple[float, float]:
    """Mean and variance of the mixture sum_k w_k N(m_k, v_k).

    mean = sum_k w_k m_k; variance = sum_k w_k (v_k + m_k^2) - mean^2 (law of
    total variance). These are what a normal fitted by maximum likelihood to
    infinitely many mixture points converges to. Symbolic: :func:`mixture_moments_symbolic`.
    """
    w, m, v = _mixture(weights, means, variances)
    mean = float(w @ m)
    return mean, float(w @ (v + m**2) - mean**2)


def mixture_moments_symbolic():
    """(mean, variance) of w N(m1, v1) + (1 - w) N(m2, v2), integrated by sympy from the density."""
    import sympy as sp  # here only: importing the numeric module must not import sympy

    x = sp.Symbol("x", real=True)
    w = sp.Symbol("w", positive=True)
    m1, m2 = sp.symbols("m_1 m_2", real=True)
    v1, v2 = sp.symbols("v_1 v_2", positive=True)

    def normal(mean, var):
        return sp.exp(-(x - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)

    density = w * normal(m1, v1) + (1 - w) * normal(m2, v2)
    first = sp.simplify(sp.integrate(x * density, (x, -sp.oo, sp.oo)))
    second = sp.simplify(sp.integrate(x**2 * density, (x, -sp.oo, sp.oo)))
    return first, sp.factor(sp.expand(second - first**2))


def mixture_pdf(x, weights, means, variances) -> np.ndarray:
    """Density of sum_k w_k N(m_k, v_k) at ``x`` (any shape)."""
    w, m, v = _mixture(weights, means, variances)
    x = validation.finite_array(x, "x")
    return (w * stats.norm.pdf(x[..., None], m, np.sqrt(v))).sum(axis=-1)


def mixture_cdf(x, weights, means, variances) -> np.ndarray:
    """Distribution function of sum_k w_k N(m_k, v_k) at ``x`` (any shape)."""
    w, m, v = _mixture(weights, means, variances)
    x = validation.finite_array(x, "x")
    return (w * stats.norm.cdf(x[..., None], m, np.sqrt(v))).sum(axis=-1)


def mixture_w2sq_to_fit(weights, means, variances, points: int = 4001) -> float:
    """Squared Wasserstein-2 distance between the mixture and its moment-matched normal.

    In one dimension W_2^2 = int_0^1 (F^{-1}(u) - G^{-1}(u))^2 du. With u = F(x)
    this is E[(X - G^{-1}(F(X)))^2] for X from the mixture, where
    G^{-1}(F(x)) = mean + sd Phi^{-1}(F(x)) needs no root finding. The integrand
    is smooth and decays like a normal density, so the trapezoid rule on
    ``points`` nodes over the components' means +- 12 sd is accurate to about
    1e-12 (the quantile form is not: F^{-1} is steep between separated modes).
    Both tails use the side of F that keeps full precision. This is what
    functional expressivity alone loses, once: the fit is a fixed point.
    """
    w, m, v = _mixture(weights, means, variances)
    points = validation.integer(points, "points", minimum=101)
    mean, variance = mixture_moments(w, m, v)
    sd = np.sqrt(v)
    x = np.linspace((m - 12 * sd).min(), (m + 12 * sd).max(), points)
    z = (x[:, None] - m) / sd
    lower, upper = special.ndtr(z) @ w, special.ndtr(-z) @ w
    normal_quantile = np.where(lower < 0.5, special.ndtri(lower), -special.ndtri(upper))
    density = stats.norm.pdf(z) / sd @ w
    integrand = (x - mean - np.sqrt(variance) * normal_quantile) ** 2 * density
    return float(np.trapezoid(integrand, x))


# --- functional approximation: a biased fitting rule -----------------------------------


def trimmed_variance_factor(trim) -> np.ndarray:
    """c(k) = Var(Z | |Z| <= k) = 1 - 2 k phi(k) / (2 Phi(k) - 1) for Z ~ N(0, 1).

    A fitting rule that first discards the points farther than k fitted standard
    deviations from the fitted mean, then fits mean and variance, returns c(k) sigma^2
    even with infinite data: sigma_n^2 = c(k)^n sigma^2. Vectorised over ``trim`` > 0.
    Symbolic: :func:`trimmed_variance_factor_symbolic`.

    The formula above cancels catastrophically for small k (c(k) ~ k^2 / 3). The
    function evaluates the same quantity as a ratio of regularised incomplete gamma
    functions, using E[Z^2; |Z| <= k] = P(chi2_3 <= k^2) and P(|Z| <= k) = P(chi2_1 <= k^2):

        c(k) = P(3/2, k^2/2) / P(1/2, k^2/2),

    which keeps full relative precision for every k > 0.
    """
    k = validation.positive_array(trim, "trim")
    half_k2 = k**2 / 2.0
    return special.gammainc(1.5, half_k2) / special.gammainc(0.5, half_k2)


def trimmed_variance_factor_symbolic():
    """E[Z^2 | |Z| <= k] by sympy integration of the standard normal density."""
    import sympy as sp  # here only: importing the numeric module must not import sympy

    z = sp.Symbol("z", real=True)
    k = sp.Symbol("k", positive=True)
    phi = sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi)
    return sp.simplify(sp.integrate(z**2 * phi, (z, -k, k)) / sp.integrate(phi, (z, -k, k)))


def infinite_data_variances(generations: int, weights=(1.0,), means=(0.0,), variances=(1.0,),
                            trim=None) -> np.ndarray:
    """sigma_n^2, n = 0..N, when every generation has infinitely many points.

    Row 0 is the data's variance; the normal fitted at generation 1 has the
    mixture's variance; each later generation multiplies it by c(k) if a trim
    k is given, and leaves it unchanged otherwise (a fixed point).
    """
    generations = validation.generations(generations, minimum=0)
    _, variance = mixture_moments(weights, means, variances)
    if trim is not None and np.ndim(trim) != 0:
        raise ValueError(f"trim must be a single positive number (or None), got {trim!r}.")
    factor = 1.0 if trim is None else float(trimmed_variance_factor(trim))
    return variance * factor ** np.maximum(np.arange(generations + 1) - 1, 0)


def _fit_kept(z, keep):
    """Mean and unbiased variance of the kept entries of each row of ``z``; NaN where fewer than 2 are kept."""
    count = keep.sum(axis=1)
    kept = np.where(keep, z, 0.0)
    total = kept.sum(axis=1)
    squares = (kept * kept).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        variance = (squares - total * mean) / (count - 1)
    enough = count >= 2
    return np.where(enough, mean, np.nan), np.where(enough, variance, np.nan)


def simulate_sources(size, generations: int, n_chains: int, weights=(1.0,), means=(0.0,),
                     variances=(1.0,), trim=None, rng=0) -> Paths:
    """Recursive normal fitting with any subset of the three error sources.

    - Data (generation 0): the mixture sum_k w_k N(m_k, v_k); one component
      = the model family is right, two or more = functional expressivity error.
    - ``size`` M: points per generation (statistical approximation error);
      ``None`` means infinitely many (then the result is deterministic,
      :func:`infinite_data_variances`).
    - ``trim`` k: each generation's synthetic points farther than k sigma_i from
      mu_i are discarded before fitting (functional approximation error);
      ``None`` keeps every point. Real data (generation 0) is never trimmed.

    Each fit is the sample mean and the unbiased variance of the kept points.
    Generation 1 is fitted to M mixture points drawn one by one. Later
    generations sample from a normal law, so they are drawn in standard units,
    Z = (X - mu_i) / sigma_i, and mu_{i+1} = mu_i + sigma_i mean(Z_kept),
    sigma_{i+1}^2 = sigma_i^2 var(Z_kept). Without a filter the fit of a normal
    sample has an exact law (Cochran's theorem), so those generations are drawn
    by :func:`collapse_lib.gaussian.simulate_exact` started from (0, 1) and
    rescaled, at a cost independent of M. Should fewer than two points be kept
    (rare: only for small M and k), the chain keeps its previous model.
    Returns :class:`collapse_lib.gaussian.Paths` with row 0 = the data's mean
    and variance. Chapter: *What model collapse is*.
    """
    generations = validation.generations(generations, minimum=0)
    n_chains = validation.chains(n_chains, rows=2 * (generations + 1))
    w, m, v = _mixture(weights, means, variances)
    if trim is not None:
        trim = validation.positive_real(trim, "trim")
    rng = validation.generator(rng)
    mean0, var0 = mixture_moments(w, m, v)
    means_out = np.empty((generations + 1, n_chains))
    vars_out = np.empty((generations + 1, n_chains))
    means_out[0], vars_out[0] = mean0, var0
    if size is None:
        means_out[1:] = mean0
        vars_out[:] = infinite_data_variances(generations, w, m, v, trim)[:, None]
        return Paths(means_out, vars_out)
    size = validation.integer(size, "size", minimum=2)
    if generations == 0:
        return Paths(means_out, vars_out)
    component = rng.choice(w.size, size=(n_chains, size), p=w)
    sample = m[component] + np.sqrt(v[component]) * rng.standard_normal((n_chains, size))
    means_out[1], vars_out[1] = sample.mean(axis=1), sample.var(axis=1, ddof=1)
    if trim is None:
        unit = simulate_exact(np.full(generations - 1, size), n_chains, rng=rng)
        means_out[2:] = means_out[1] + np.sqrt(vars_out[1]) * unit.means[1:]
        vars_out[2:] = vars_out[1] * unit.variances[1:]
        return Paths(means_out, vars_out)
    for i in range(1, generations):
        z = rng.standard_normal((n_chains, size))
        fit_mean, fit_var = _fit_kept(z, np.abs(z) <= trim)
        failed = np.isnan(fit_mean)
        scale = np.sqrt(vars_out[i])
        means_out[i + 1] = np.where(failed, means_out[i], means_out[i] + scale * np.where(failed, 0.0, fit_mean))
        vars_out[i + 1] = np.where(failed, vars_out[i], vars_out[i] * np.where(failed, 1.0, fit_var))
    return Paths(means_out, vars_out)

"""Tests of collapse_lib.phenomenon: closed forms vs sympy and vs simulation (5 SE), bad inputs.

Chapter: *What model collapse is*.
"""

import numpy as np
import pytest
import sympy as sp
from scipy import special, stats as sstats

from seeding import rng as seeded

from collapse_lib import discrete, gaussian, phenomenon, phenomenon_widgets, schedules, stats

TOLERANCE = 5.0  # standard errors
EDGES = np.arange(-3.0, 3.01, 0.5)


def assert_within(estimate, exact):
    z = np.atleast_1d(stats.z_scores(estimate, exact))
    assert np.all(np.abs(z) < TOLERANCE), f"z-scores {z} exceed {TOLERANCE}"


# --- closed forms vs sympy ---------------------------------------------------------------


def test_mixture_moments_match_sympy():
    mean_expr, var_expr = phenomenon.mixture_moments_symbolic()
    symbols = sorted(var_expr.free_symbols | mean_expr.free_symbols, key=lambda s: s.name)
    names = [s.name for s in symbols]
    assert names == ["m_1", "m_2", "v_1", "v_2", "w"]
    for w, m1, m2, v1, v2 in [(0.5, -2.0, 2.0, 1.0, 1.0), (0.8, 0.0, 4.0, 1.0, 0.25), (0.1, 1.5, -3.0, 2.0, 0.5)]:
        values = dict(zip(symbols, (m1, m2, v1, v2, w)))
        mean, var = phenomenon.mixture_moments((w, 1 - w), (m1, m2), (v1, v2))
        assert float(mean_expr.subs(values)) == pytest.approx(mean, rel=1e-12, abs=1e-12)
        assert float(var_expr.subs(values)) == pytest.approx(var, rel=1e-12)


def test_mixture_moments_against_density_quadrature():
    mixture = ((0.3, 0.7), (-1.0, 2.5), (0.5, 2.0))
    x = np.linspace(-20, 20, 200001)
    density = phenomenon.mixture_pdf(x, *mixture)
    mean = np.trapezoid(x * density, x)
    var = np.trapezoid((x - mean) ** 2 * density, x)
    assert np.trapezoid(density, x) == pytest.approx(1.0, abs=1e-9)
    assert (mean, var) == pytest.approx(phenomenon.mixture_moments(*mixture), rel=1e-7)


def test_trimmed_factor_matches_sympy():
    expr = phenomenon.trimmed_variance_factor_symbolic()
    k = next(iter(expr.free_symbols))
    trims = np.array([0.5, 1.0, 2.0, 2.5, 3.0, 5.0])
    np.testing.assert_allclose(sp.lambdify(k, expr, ["scipy", "numpy"])(trims), phenomenon.trimmed_variance_factor(trims),
                               rtol=1e-12)
    assert np.all(np.diff(phenomenon.trimmed_variance_factor(trims)) > 0)


def test_trimmed_factor_keeps_precision_for_small_trims():
    tiny = np.array([1e-8, 1e-6, 1e-4])
    # c(k) = k^2/3 - k^4/45 + ..., so k^2/3 is exact to double precision for these k.
    np.testing.assert_allclose(phenomenon.trimmed_variance_factor(tiny), tiny**2 / 3, rtol=1e-8)
    assert np.all(phenomenon.trimmed_variance_factor(tiny) > 0)
    trims = np.array([0.01, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0])
    old = 1.0 - 2.0 * trims * sstats.norm.pdf(trims) / (2.0 * sstats.norm.cdf(trims) - 1.0)
    np.testing.assert_allclose(phenomenon.trimmed_variance_factor(trims), old, rtol=1e-9)


def test_w2_to_fit_is_zero_for_a_normal_and_positive_for_a_mixture():
    assert phenomenon.mixture_w2sq_to_fit((1.0,), (0.7,), (2.0,)) < 1e-10
    assert phenomenon.mixture_w2sq_to_fit((0.5, 0.5), (1.0, 1.0), (3.0, 3.0)) < 1e-10
    assert phenomenon.mixture_w2sq_to_fit((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)) > 0.1


def test_w2_to_fit_against_adaptive_quadrature_of_the_quantile_form():
    """The library integrates over x; here the textbook form int_0^1 (F^-1 - G^-1)^2 du, by scipy.quad."""
    from scipy import integrate, optimize

    for mixture in (((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)), ((0.3, 0.7), (-1.0, 2.5), (0.5, 2.0))):
        mean, var = phenomenon.mixture_moments(*mixture)

        def quantile(t):  # F^-1(Phi(t))
            return optimize.brentq(lambda x: float(phenomenon.mixture_cdf(x, *mixture)) - special.ndtr(t),
                                   -40, 40, xtol=1e-14)

        def integrand(t):
            return (quantile(t) - mean - np.sqrt(var) * t) ** 2 * np.exp(-t * t / 2) / np.sqrt(2 * np.pi)

        reference, error = integrate.quad(integrand, -8, 8, limit=400, points=[0.0])
        assert error < 1e-8
        assert phenomenon.mixture_w2sq_to_fit(*mixture) == pytest.approx(reference, abs=1e-8)


@pytest.mark.statistical
def test_w2_to_fit_against_empirical_quantiles():
    """W2^2 from the quantile integral vs the empirical version from a huge sorted sample.

    The tolerance is derived, not guessed. T(F) = int_0^1 (F^-1(u) - G^-1(u))^2 du has the influence
    function IF(x) = 2 int g F dy - 2 int_x^oo g dy with g(y) = y - G^-1(F(y)) (differentiate the
    quantile function, d F_eps^-1(u) = (u - 1{x <= F^-1(u)}) / f), so the empirical version has
    standard error sd(IF(X)) / sqrt(N); its bias is at most (1/N) int F (1 - F) / f dy (the variance
    of the empirical quantiles, integrated), added to 5 SE.
    """
    mixture = ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0))
    rng = seeded(7)
    count = 400_000
    comp = rng.integers(0, 2, count)
    sample = np.sort(np.where(comp == 0, -2.0, 2.0) + rng.standard_normal(count))
    mean, var = phenomenon.mixture_moments(*mixture)
    quantiles = mean + np.sqrt(var) * special.ndtri((np.arange(count) + 0.5) / count)
    empirical = np.mean((sample - quantiles) ** 2)
    from scipy.integrate import cumulative_trapezoid, trapezoid

    y = np.linspace(-14.0, 14.0, 200_001)
    F = phenomenon.mixture_cdf(y, *mixture)
    f = phenomenon.mixture_pdf(y, *mixture)
    g = y - mean - np.sqrt(var) * special.ndtri(np.clip(F, 1e-300, 1 - 1e-16))
    upper_tail = trapezoid(g, y) - cumulative_trapezoid(g, y, initial=0.0)      # int_x^oo g dy
    influence = 2 * trapezoid(g * F, y) - 2 * np.interp(sample, y, upper_tail)
    se = influence.std(ddof=1) / np.sqrt(count)
    bias = trapezoid(F * (1 - F) / np.maximum(f, 1e-300) * (f > 1e-12), y) / count
    exact = phenomenon.mixture_w2sq_to_fit(*mixture)
    assert abs(empirical - exact) < TOLERANCE * se + bias, (empirical, exact, se, bias)
    assert abs(np.mean(influence)) < TOLERANCE * se     # the influence function has mean zero


# --- closed forms vs simulation ----------------------------------------------------------


def test_normal_bins_and_tails_die_first():
    """The chapter's histogram: masses of N(0, 1) bins; rarer bins survive less (via discrete)."""
    probs = phenomenon.normal_bin_probabilities(EDGES)
    assert probs.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(probs, probs[::-1], rtol=1e-12)
    assert probs[0] == pytest.approx(sstats.norm.cdf(-3.0), rel=1e-12)
    survival = discrete.survival_probability(probs[:7], 200, 50)
    assert np.all(np.diff(survival[1:], axis=1) > 0)  # half the bins, ordered by increasing mass


@pytest.mark.statistical
def test_mixture_moments_against_generation_one_fit():
    mixture = dict(weights=(0.8, 0.2), means=(0.0, 4.0), variances=(1.0, 0.25))
    mean, var = phenomenon.mixture_moments(**mixture)
    paths = phenomenon.simulate_sources(15, 1, 40000, **mixture, rng=seeded(12))
    assert_within(stats.mean(paths.means[1]), mean)
    assert_within(stats.mean(paths.variances[1]), var)  # the unbiased estimator, iid mixture points


@pytest.mark.statistical
def test_trimmed_factor_against_large_sample_fits():
    """The filtered fit shrinks the variance by c(k) per step on average, for any sample size."""
    trim = 2.0
    paths = phenomenon.simulate_sources(50, 3, 20000, trim=trim, rng=seeded(13))
    ratios = paths.variances[2] / paths.variances[1]
    # given how many points are kept, they are iid from the truncated normal, so their unbiased
    # variance has expectation exactly c(k) sigma_1^2: E[ratio] = c(k) for every M.
    assert_within(stats.mean(ratios), phenomenon.trimmed_variance_factor(trim))


def test_infinite_data_paths():
    bimodal = dict(weights=(0.5, 0.5), means=(-2.0, 2.0), variances=(1.0, 1.0))
    v = phenomenon.infinite_data_variances(5, **bimodal)
    np.testing.assert_allclose(v, 5.0)
    c = phenomenon.trimmed_variance_factor(3.0)
    v = phenomenon.infinite_data_variances(5, **bimodal, trim=3.0)
    np.testing.assert_allclose(v, 5.0 * c ** np.array([0, 0, 1, 2, 3, 4]))
    paths = phenomenon.simulate_sources(None, 5, 3, **bimodal, trim=3.0)
    np.testing.assert_allclose(paths.variances, np.repeat(v[:, None], 3, axis=1))
    np.testing.assert_allclose(paths.means, 0.0)


@pytest.mark.statistical
def test_statistical_source_alone_matches_gaussian_recursion():
    """Normal data, no filter: simulate_sources has the law of gaussian.simulate_exact."""
    size, generations, chains = 10, 8, 20000
    ours = phenomenon.simulate_sources(size, generations, chains, rng=seeded(14))
    theirs = gaussian.simulate_exact(schedules.constant(size, generations), chains, rng=seeded(15))
    for n in (1, 4, 8):
        a, b = stats.mean(np.log(ours.variances[n])), stats.mean(np.log(theirs.variances[n]))
        z = (a.value - b.value) / np.hypot(a.se, b.se)
        assert abs(z) < TOLERANCE


# --- widget -----------------------------------------------------------------------------


@pytest.mark.statistical
def test_mixture_then_exact_generations_keep_the_expected_variance():
    """Without a filter, generations >= 2 come from the exact (rescaled) law: E[sigma_n^2] = Var(mixture)."""
    mixture = dict(weights=(0.5, 0.5), means=(-2.0, 2.0), variances=(1.0, 1.0))
    _, var = phenomenon.mixture_moments(**mixture)
    paths = phenomenon.simulate_sources(10, 3, 40000, **mixture, rng=seeded(16))
    for n in (1, 2, 3):
        assert_within(stats.mean(paths.variances[n]), var)
    # the mean is a martingale too: E[mu_n] = mixture mean = 0
    assert_within(stats.mean(paths.means[3]), 0.0)


@pytest.mark.statistical
def test_failed_filtered_fits_keep_the_previous_model():
    """With M = 2 and a tight filter most fits keep fewer than two points: the chain must not move then."""
    paths = phenomenon.simulate_sources(2, 4, 500, trim=0.2, rng=seeded(17))
    assert np.all(np.isfinite(paths.variances)) and np.all(paths.variances > 0)
    p_keep = 2 * sstats.norm.cdf(0.2) - 1
    unchanged = paths.variances[2:] == paths.variances[1:-1]
    # a step changes the model only if both points are kept: probability p_keep^2
    assert_within(stats.mean((~unchanged).astype(float).ravel()), p_keep**2)


def test_widget_compute_and_draw():
    import math

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    view = phenomenon_widgets.compute_sources(size=math.inf, separation=2.0, trim=3.0, generations=20)
    np.testing.assert_allclose(view.median, view.infinite)
    assert list(view.shown) == [1, 2, 6, 20]
    same = phenomenon_widgets.compute_sources(size=None, separation=2.0, trim=3.0, generations=20)
    np.testing.assert_allclose(same.median, view.median)
    view = phenomenon_widgets.compute_sources(generations=30, n_chains=50)
    # the fitted densities drawn are those of the run whose final variance is the median one
    assert view.fitted_densities.shape == (len(view.shown), view.grid.size)
    fig = plt.figure(figsize=phenomenon_widgets.FIGSIZE)
    phenomenon_widgets.draw_sources(fig, view)
    assert len(fig.axes) == 2
    plt.close(fig)


# --- bad inputs -------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: phenomenon.normal_bin_probabilities([1.0, 0.0]),
    lambda: phenomenon.normal_bin_probabilities([]),
    lambda: phenomenon.normal_bin_probabilities([[0.0, 1.0]]),
    lambda: phenomenon.mixture_moments((0.5, 0.6), (0.0, 1.0), (1.0, 1.0)),
    lambda: phenomenon.mixture_moments((0.5, 0.5), (0.0,), (1.0, 1.0)),
    lambda: phenomenon.mixture_moments((1.0,), (0.0,), (-1.0,)),
    lambda: phenomenon.mixture_moments((1.0,), (np.nan,), (1.0,)),
    lambda: phenomenon.trimmed_variance_factor(0.0),
    lambda: phenomenon.trimmed_variance_factor([1.0, np.inf]),
    lambda: phenomenon.simulate_sources(1, 5, 2),
    lambda: phenomenon.simulate_sources(10, 5, 0),
    lambda: phenomenon.simulate_sources(10, 5, 2, trim=-1.0),
    lambda: phenomenon.simulate_sources(10.5, 5, 2),
    lambda: phenomenon.infinite_data_variances(-1),
    lambda: phenomenon.infinite_data_variances(3, trim=[1, 2]),
    lambda: phenomenon.mixture_w2sq_to_fit((1.0,), (0.0,), (1.0,), points=10),
    lambda: phenomenon_widgets.compute_sources(separation=-1.0),
])
def test_bad_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()

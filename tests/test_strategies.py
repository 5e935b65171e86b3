"""Tests of collapse_lib.strategies and strategies_symbolic (chapter *Replace, mix or accumulate*).

Every closed form is checked against its sympy twin and against simulation;
a simulation check passes when |estimate - exact| < 5 standard errors of the
simulation itself (fixed seeds by default; tests/seeding.py re-seeds them).
"""

import numpy as np
import pytest
import sympy as sp
from scipy import special

from seeding import rng as seeded

from collapse_lib import gaussian_laws, schedules, stats
from collapse_lib import strategies as S
from collapse_lib import strategies_symbolic as SS

TOLERANCE = 5.0
ESTIMATORS = ("unbiased", "mle")


def numeric(expression, size, fraction=None):
    values = {SS.sigma: 1, SS.M: size}
    if fraction is not None:
        values[SS.phi] = sp.Rational(S.real_count(size, fraction), size)
    return float(sp.N(expression.subs(values)))


def assert_within(samples, exact):
    estimate = stats.mean(samples, axis=1)
    z = stats.z_scores(estimate, exact)
    assert np.all(np.abs(z) < TOLERANCE), z


# --- symbolic vs numeric ------------------------------------------------------------------


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("size", [2, 5, 17])
def test_accumulate_moments_match_sympy(estimator, size):
    generations = 6
    variance = S.accumulate_expected_variance(size, generations, 1.0, estimator)
    fourth = S.accumulate_variance_fourth_moment(size, generations, 1.0, estimator)
    error = S.accumulate_mean_squared_error(size, generations, 1.0, estimator)
    for n in range(generations + 1):
        assert variance[n] == pytest.approx(numeric(SS.accumulate_expected_variance(n, SS.M, estimator), size))
        assert fourth[n] == pytest.approx(numeric(SS.accumulate_variance_fourth_moment(n, SS.M, estimator), size))
        assert error[n] == pytest.approx(numeric(SS.accumulate_mean_error(n, SS.M, estimator), size))


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_accumulate_symbolic_product_matches_explicit(estimator):
    general = SS.accumulate_expected_variance(SS.n, SS.M, estimator)
    for n_value in (1, 2, 5):
        explicit = SS.accumulate_expected_variance(n_value, SS.M, estimator)
        difference = (general.subs(SS.n, n_value) - explicit).subs({SS.M: 7, SS.sigma: 1})
        assert abs(float(sp.N(difference))) < 1e-12


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("size", [2, 3, 10, 100])
def test_variance_limit_matches_sympy_and_long_product(estimator, size):
    symbolic = numeric(SS.accumulate_variance_limit(SS.M, estimator), size)
    assert S.accumulate_variance_limit(size, estimator) == pytest.approx(symbolic, rel=1e-12)
    long_run = S.accumulate_expected_variance(size, 200_000, 1.0, estimator)[-1]
    assert long_run == pytest.approx(symbolic, rel=1e-5)


def test_variance_ratios_simplify_to_the_chapter_forms():
    assert sp.simplify(SS.accumulate_variance_ratio(SS.k, SS.M, "unbiased")
                       - (1 - 1 / ((SS.k + 1) * ((SS.k + 1) * SS.M - 1)))) == 0
    assert sp.simplify(SS.accumulate_variance_ratio(SS.k, SS.M, "mle") - (1 - 1 / ((SS.k + 1) ** 2 * SS.M))) == 0
    assert sp.simplify(SS.accumulate_variance_limit(SS.M, "mle")
                       - sp.sin(sp.pi / sp.sqrt(SS.M)) / (sp.pi / sp.sqrt(SS.M))) == 0


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("size", [2, 10, 50])
def test_accumulate_mean_error_limit_below_pi2_over_6(estimator, size):
    limits = S.accumulate_limits(size, 1.0, estimator)
    bound = float(SS.accumulate_mean_error_bound(SS.M).subs({SS.M: size, SS.sigma: 1}))
    assert bound == pytest.approx(np.pi**2 / 6 / size)
    assert limits.mean_error < bound
    # sum to 10^6 terms directly: the tail correction of accumulate_limits is accurate
    direct = S.accumulate_mean_squared_error(size, 1_000_000, 1.0, estimator)[-1]
    assert limits.mean_error == pytest.approx(direct, abs=2e-6 / size)
    tail = limits.variance * float(special.polygamma(1, 1_000_001)) / size  # sum_{k > 10^6} a_inf / k^2
    assert limits.mean_error == pytest.approx(direct + tail, rel=1e-10)


def test_accumulate_constant_approaches_pi2_over_6_for_large_m():
    ratios = [S.accumulate_limits(size).mean_error * size / (np.pi**2 / 6) for size in (10, 100, 1000)]
    assert ratios[0] < ratios[1] < ratios[2] < 1
    assert 1 - ratios[2] < 1e-3


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("size,fraction", [(10, 0.1), (10, 0.55), (7, 1.0), (20, 0.0)])
def test_mix_moments_match_sympy(estimator, size, fraction):
    moments = S.mix_moments(size, fraction, 5, 1.0, estimator)
    for n in range(6):
        x, v = SS.mix_moments(n, SS.phi, SS.M, estimator)
        assert moments.mean_error[n] == pytest.approx(numeric(x, size, fraction), abs=1e-12)
        assert moments.variance[n] == pytest.approx(numeric(v, size, fraction))


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("size,fraction", [(10, 0.1), (10, 0.5), (3, 0.34), (50, 1.0)])
def test_mix_stationary_matches_sympy_and_iteration(estimator, size, fraction):
    limits = S.mix_stationary(size, fraction, 1.0, estimator)
    x, v = SS.mix_stationary(SS.phi, SS.M, estimator)
    assert limits.mean_error == pytest.approx(numeric(x, size, fraction))
    assert limits.variance == pytest.approx(numeric(v, size, fraction))
    long_run = S.mix_moments(size, fraction, 3000, 1.0, estimator)
    assert long_run.mean_error[-1] == pytest.approx(limits.mean_error, rel=1e-9)
    assert long_run.variance[-1] == pytest.approx(limits.variance, rel=1e-9)
    assert numeric(SS.mix_stability_margin(SS.phi, SS.M, estimator), size, fraction) > 0


def test_mix_stationary_unbiased_closed_form():
    x, v = SS.mix_stationary(SS.phi, SS.M, "unbiased")
    expected = SS.sigma**2 * (SS.M - 1) / (SS.M * (SS.M * SS.phi * (2 - SS.phi) - 1))
    assert sp.simplify(x - expected) == 0
    assert sp.simplify(v - (SS.sigma**2 + (1 - SS.phi) * SS.M * x / (SS.M - 1))) == 0


def test_mix_stationary_mle_closed_form_and_single_real_point():
    x, v = SS.mix_stationary(SS.phi, SS.M, "mle")
    assert sp.simplify(x - SS.sigma**2 / (SS.M * SS.phi * (2 - SS.phi) + 1 - SS.phi)) == 0
    assert sp.simplify(v - (SS.sigma**2 - x)) == 0
    for size in (2, 7, 40):  # K = 1 real point, unbiased: x* = sigma^2 and v* = 2 sigma^2 exactly
        limits = S.mix_stationary(size, 1 / size, 3.0)
        assert limits.mean_error == pytest.approx(3.0) and limits.variance == pytest.approx(6.0)


@pytest.mark.parametrize("size", [2, 5, 40])
def test_accumulate_first_steps(size):
    # accumulate.md: a_1 = a_0 = 1 (unbiased), a_2 = 1 - 1/(2(2M - 1)) < a_1; the ratio
    # 1 - 1/((n+1)((n+1)M - 1)) holds from n >= 1 only; maximum likelihood a_1 = (M - 1)/M
    unbiased = S.accumulate_expected_variance(size, 3)
    assert unbiased[0] == unbiased[1] == pytest.approx(1.0)
    assert unbiased[2] == pytest.approx(1 - 1 / (2 * (2 * size - 1)))
    assert unbiased[3] / unbiased[2] == pytest.approx(1 - 1 / (3 * (3 * size - 1)))
    symbolic = SS.accumulate_expected_variance(2, SS.M, "unbiased") / SS.sigma**2
    assert sp.simplify(symbolic - (1 - 1 / (2 * (2 * SS.M - 1)))) == 0
    mle = S.accumulate_expected_variance(size, 2, estimator="mle")
    assert mle[1] == pytest.approx((size - 1) / size)
    assert mle[2] / mle[1] == pytest.approx(1 - 1 / (4 * size))
    if size == 2:
        assert unbiased[2] == pytest.approx(5 / 6)


def test_mix_stationary_small_fraction_approximation():
    # accumulate.md: M phi (2 - phi) - 1 = 2K - 1 - K^2/M, so x* ~ sigma^2/(2K - 1) (unbiased)
    # and sigma^2/(2K + 1) (maximum likelihood) when K^2/M is small
    K = sp.Symbol("K", positive=True)
    assert sp.expand((SS.M * SS.phi * (2 - SS.phi) - 1).subs(SS.phi, K / SS.M) - (2 * K - 1 - K**2 / SS.M)) == 0
    for estimator, shift in (("unbiased", -1), ("mle", 1)):
        x, _ = SS.mix_stationary(K / SS.M, SS.M, estimator)
        assert sp.simplify(sp.limit(x.subs(SS.sigma, 1), SS.M, sp.oo) - 1 / (2 * K + shift)) == 0
    assert S.mix_stationary(10_000, 3 / 10_000).mean_error == pytest.approx(1 / 5, rel=2e-3)


@pytest.mark.statistical
@pytest.mark.parametrize("strategy", S.STRATEGIES)
def test_mle_conserves_mean_squared_distance(strategy):
    """Maximum likelihood: E[(mu_n - mu)^2] + E[sigma_n^2] = sigma^2 for every strategy and n."""
    moments = S.moments(strategy, 6, 40, fraction=0.3, kind="linear", sigma2=2.0, estimator="mle")
    np.testing.assert_allclose(moments.mean_error + moments.variance, 2.0, rtol=1e-12)
    paths = S.simulate(strategy, 6, 12, 40_000, fraction=0.3, kind="linear", sigma2=2.0, estimator="mle", rng=seeded(21))
    assert_within(paths.means[1:] ** 2 + paths.variances[1:], np.full(12, 2.0))


@pytest.mark.parametrize("size", [2, 5, 30])
def test_accumulate_mle_mean_error_limit_closed_form(size):
    limits = S.accumulate_limits(size, 1.0, "mle")
    assert limits.mean_error == pytest.approx(1 - np.sin(np.pi / np.sqrt(size)) / (np.pi / np.sqrt(size)), rel=1e-9)


def test_mix_log_variance_floor_matches_sympy():
    for size, fraction, estimator in ((10, 0.3, "unbiased"), (40, 0.5, "mle")):
        real = S.real_count(size, fraction)
        symbolic = SS.mix_log_variance_floor(sp.Integer(real), SS.M, estimator).subs(SS.M, size)
        assert S.mix_log_variance_floor(size, fraction, estimator) == pytest.approx(float(sp.N(symbolic)))


def test_mix_edge_fractions_reduce_to_replace_and_fresh():
    replace = S.moments("replace", 8, 6)
    mix = S.moments("mix", 8, 6, fraction=0.0)
    np.testing.assert_allclose(mix.mean_error, replace.mean_error)
    np.testing.assert_allclose(mix.variance, replace.variance)
    fresh = S.mix_moments(8, 1.0, 6)
    np.testing.assert_allclose(fresh.mean_error[1:], 1 / 8)
    np.testing.assert_allclose(fresh.variance, 1.0)


def test_moments_of_replace_and_grow_are_the_1d_chapter_laws():
    sizes = schedules.named("linear", 5, 7)
    grow = S.moments("grow", 5, 7, kind="linear", estimator="mle")
    np.testing.assert_allclose(grow.mean_error, gaussian_laws.mean_squared_drift(sizes, 1.0, "mle"))
    np.testing.assert_allclose(grow.variance, gaussian_laws.expected_fitted_variance(sizes, 1.0, "mle"))


# --- closed forms vs simulation -------------------------------------------------------------


@pytest.mark.statistical
@pytest.mark.parametrize("method", S.METHODS)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_accumulate_moments_vs_simulation(method, estimator):
    size, generations = 6, 12
    paths = S.simulate_accumulate(size, generations, 40_000, mu=1.5, sigma2=2.0, estimator=estimator,
                                  rng=seeded(11), method=method)
    assert_within((paths.means[1:] - 1.5) ** 2, S.accumulate_mean_squared_error(size, generations, 2.0, estimator)[1:])
    assert_within(paths.variances[1:], S.accumulate_expected_variance(size, generations, 2.0, estimator)[1:])
    assert_within(paths.variances[1:] ** 2,
                  S.accumulate_variance_fourth_moment(size, generations, 2.0, estimator)[1:])


@pytest.mark.statistical
@pytest.mark.parametrize("method", S.METHODS)
@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("fraction", [0.2, 0.5])
def test_mix_moments_vs_simulation(method, estimator, fraction):
    size, generations = 10, 15
    paths = S.simulate_mix(size, fraction, generations, 40_000, mu=-1.0, sigma2=0.5, estimator=estimator,
                           rng=seeded(5), method=method)
    expected = S.mix_moments(size, fraction, generations, 0.5, estimator)
    assert_within((paths.means[1:] + 1.0) ** 2, expected.mean_error[1:])
    assert_within(paths.variances[1:], expected.variance[1:])


@pytest.mark.statistical
def test_mix_single_real_or_synthetic_point_vs_simulation():
    for fraction in (0.1, 0.9):  # K = 1 and S = 1 with M = 10: chi^2_0 blocks
        paths = S.simulate_mix(10, fraction, 8, 40_000, rng=seeded(3))
        expected = S.mix_moments(10, fraction, 8)
        assert_within(paths.means[1:] ** 2, expected.mean_error[1:])
        assert_within(paths.variances[1:], expected.variance[1:])


@pytest.mark.statistical
def test_accumulate_w2_bracket_contains_simulation():
    size, generations = 4, 30
    paths = S.simulate_accumulate(size, generations, 40_000, rng=seeded(8))
    w2 = stats.mean(S.w2sq_paths(paths)[1:], axis=1)
    lower, upper = S.w2sq_bracket(S.accumulate_mean_squared_error(size, generations)[1:],
                                  S.accumulate_expected_variance(size, generations)[1:],
                                  S.accumulate_variance_fourth_moment(size, generations)[1:])
    assert np.all(w2.value > lower - TOLERANCE * w2.se)
    assert np.all(w2.value < upper + TOLERANCE * w2.se)
    assert np.all(lower <= upper)


@pytest.mark.statistical
def test_mix_log_variance_stays_above_floor():
    paths = S.simulate_mix(10, 0.3, 200, 20_000, rng=seeded(4))
    logs = stats.mean(np.log(paths.variances[1:]), axis=1)
    assert np.all(logs.value > S.mix_log_variance_floor(10, 0.3) - TOLERANCE * logs.se)


@pytest.mark.statistical
def test_replace_and_grow_simulators_are_the_gaussian_ones():
    paths = S.simulate("grow", 5, 6, 30_000, kind="quadratic", rng=seeded(2))
    expected = gaussian_laws.mean_squared_drift(schedules.named("quadratic", 5, 6))
    assert_within(paths.means[1:] ** 2, expected[1:])
    replace = S.simulate("replace", 5, 6, 30_000, rng=seeded(20), method="direct")
    assert_within(replace.means[1:] ** 2, gaussian_laws.mean_squared_drift(schedules.constant(5, 6))[1:])


def test_simulators_are_reproducible_and_shaped():
    for strategy in S.STRATEGIES:
        a = S.simulate(strategy, 5, 4, 3, fraction=0.4, rng=9)
        b = S.simulate(strategy, 5, 4, 3, fraction=0.4, rng=9)
        assert a.means.shape == (5, 3) and a.variances.shape == (5, 3)
        np.testing.assert_array_equal(a.means, b.means)


# --- bad inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: S.simulate_mix(10, 1.5, 3, 2),
        lambda: S.simulate_mix(10, -0.1, 3, 2),
        lambda: S.simulate_mix(10, float("nan"), 3, 2),
        lambda: S.simulate_mix(1, 0.5, 3, 2),
        lambda: S.simulate_accumulate(10, -1, 2),
        lambda: S.simulate_accumulate(10, 3, 0),
        lambda: S.simulate_accumulate(10, 3, 2, sigma2=0.0),
        lambda: S.simulate_accumulate(10, 3, 2, estimator="biased"),
        lambda: S.simulate_accumulate(10, 3, 2, method="fast"),
        lambda: S.simulate_replace(10, 3, 2, method="fast"),
        lambda: S.simulate_grow(10, 3, 2, kind="exponential"),
        lambda: S.simulate("discard", 10, 3, 2),
        lambda: S.simulate_mix(10, 0.5, 3, 2, rng=-1),
        lambda: S.mix_stationary(10, 0.01),
        lambda: S.mix_moments(10, 2.0, 3),
        lambda: S.mix_log_variance_floor(10, 0.1),
        lambda: S.moments("discard", 10, 3),
        lambda: S.accumulate_variance_limit(1),
        lambda: S.accumulate_limits(10, terms=3),
        lambda: S.w2sq_paths((np.zeros(2), np.ones(2))),
        lambda: S.w2sq_bracket([0.1], [-1.0]),
        lambda: S.w2sq_bracket([-0.1], [1.0]),
        lambda: S.real_count(10, True),
        lambda: SS.infinite_product(1 + 1 / SS.k, SS.k),
    ],
)
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("sigma2", [0.0, -1.0])
def test_w2sq_paths_rejects_a_non_positive_sigma2(sigma2):
    paths = S.simulate_replace(10, 3, 2, rng=0)
    with pytest.raises(ValueError, match="sigma2"):
        S.w2sq_paths(paths, 0, sigma2)

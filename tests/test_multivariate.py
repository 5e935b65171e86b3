"""Tests of the chapter *The multivariate Gaussian model*: collapse_lib.multivariate*.

Closed forms are checked against their sympy twins and against simulation
(fixed seeds, tolerance 5 standard errors computed from the simulation); the
two simulators are compared in distribution with Bonferroni-controlled KS
tests, and a deliberately wrong simulator is shown to fail that comparison.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from seeding import rng as seeded

from collapse_lib import (gaussian, gaussian_laws, gaussian_symbolic, multivariate as mv,
                          multivariate_symbolic as ms, multivariate_widgets as mw, schedules, stats, strategies,
                          validation, wasserstein)

TOLERANCE = 5.0  # standard errors
ESTIMATORS = ("unbiased", "mle")


def assert_within(estimate: stats.Estimate, exact, tolerance: float = TOLERANCE):
    z = stats.z_scores(estimate, exact)
    assert np.all(np.abs(z) < tolerance), f"z-scores {np.round(z, 2)} exceed {tolerance}"


# --- d = 1 is the 1D model -----------------------------------------------------------


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("which", ["direct", "exact"])
def test_one_dimension_reproduces_the_1d_simulators(estimator, which):
    sizes = schedules.power(3, 8, 1)
    nd = getattr(mv, f"simulate_{which}")(sizes, 500, [[2.5]], [-1.0], estimator, rng=7)
    one = getattr(gaussian, f"simulate_{which}")(sizes, 500, -1.0, 2.5, estimator, rng=7)
    np.testing.assert_allclose(nd.means[..., 0], one.means, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(nd.covariances[..., 0, 0], one.variances, rtol=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_one_dimension_reproduces_the_1d_closed_forms(estimator):
    sizes = np.array([2, 3, 7, 40, 1000])
    np.testing.assert_allclose(mv.log_det_drift(sizes, 1, estimator), gaussian_laws.log_variance_drift(sizes, estimator))
    np.testing.assert_allclose(mv.log_det_spread(sizes, 1), gaussian_laws.log_variance_spread(sizes))
    np.testing.assert_allclose(mv.expected_mean_drift(sizes, [[3.0]], estimator),
                               gaussian_laws.mean_squared_drift(sizes, 3.0, estimator))
    np.testing.assert_allclose(mv.expected_trace(sizes, [[3.0]], estimator),
                               gaussian_laws.expected_fitted_variance(sizes, 3.0, estimator))
    np.testing.assert_allclose(mv.expected_w2sq_first_order(sizes, [[3.0]], estimator),
                               gaussian_laws.expected_w2sq_series(sizes, 3.0, estimator, order=1))
    for size in sizes:
        np.testing.assert_allclose(mv.lyapunov_exponents(size, 1, estimator),
                                   np.diff(gaussian_laws.log_variance_drift([size], estimator)))


def test_w2_in_one_dimension_is_the_1d_formula():
    rng = np.random.default_rng(3)
    means_a, means_b = rng.normal(size=(2, 50, 1))
    vars_a, vars_b = rng.gamma(2.0, size=(2, 50))
    np.testing.assert_allclose(mv.w2_squared_normal(means_a, vars_a[:, None, None], means_b, vars_b[:, None, None]),
                               wasserstein.w2_squared_normal(means_a[:, 0], vars_a, means_b[:, 0], vars_b))


def test_one_dimension_symbolic_drift_is_the_1d_one():
    for estimator in ESTIMATORS:
        nd = ms.log_det_ratio_mean(gaussian_symbolic.M, 1, estimator)
        assert sp.simplify(sp.expand_log(nd - gaussian_symbolic.log_ratio_mean(gaussian_symbolic.M, estimator), force=True)) == 0


# --- closed forms against sympy ----------------------------------------------------------


def test_bartlett_gives_the_wishart_mean_and_covariance():
    for dim in (1, 2, 3):
        assert ms.wishart_mean(dim) == ms.nu * sp.eye(dim)
    # Cov(W_ij, W_kl) = nu (delta_ik delta_jl + delta_il delta_jk) for W ~ W_3(nu, I)
    for first, second in [((0, 0), (0, 0)), ((2, 2), (2, 2)), ((1, 0), (1, 0)), ((2, 1), (2, 1)),
                          ((2, 2), (1, 1)), ((1, 0), (2, 0)), ((2, 2), (2, 1))]:
        i, j = first
        k, l = second
        expected = ms.nu * (int(i == k and j == l) + int(i == l and j == k))
        assert sp.simplify(ms.wishart_entry_covariance(3, first, second) - expected) == 0


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_log_det_drift_and_spread_match_sympy(estimator):
    for dim, size in [(2, 3), (2, 20), (3, 4), (5, 11), (10, 100), (4, 1000)]:
        per_generation = mv.log_det_drift([size], dim, estimator)[1]
        symbolic = float(ms.log_det_ratio_mean(size, dim, estimator))
        assert per_generation == pytest.approx(symbolic, rel=1e-12)
        spread = mv.log_det_spread([size], dim)[1]
        assert spread == pytest.approx(float(ms.log_det_ratio_variance(size, dim)), rel=1e-12)
        rates = mv.lyapunov_exponents(size, dim, estimator)
        symbolic_rates = [float(ms.lyapunov_exponent(size, k, estimator)) for k in range(1, dim + 1)]
        np.testing.assert_allclose(rates, symbolic_rates, rtol=1e-12)
        assert rates.sum() == pytest.approx(per_generation, rel=1e-12)
        assert np.all(np.diff(rates) < 0)


def test_symbolic_drift_sum_evaluates_like_the_explicit_sum():
    general = ms.log_det_ratio_mean(estimator="unbiased")
    for dim, size in [(2, 7), (4, 9)]:
        value = general.subs({ms.d: dim, ms.M: size}).doit()
        assert float(value) == pytest.approx(float(ms.log_det_ratio_mean(size, dim)), rel=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_drift_series_leading_term_and_accuracy(estimator):
    series = ms.log_det_drift_series(estimator)
    leading = -ms.d * (ms.d + 1) / 2 if estimator == "unbiased" else -ms.d * (ms.d + 3) / 2
    assert sp.simplify(series.coeff(ms.epsilon, 1) - leading) == 0
    for dim in (1, 2, 5):
        exact = [mv.log_det_drift([size], dim, estimator)[1] for size in (200, 400, 800)]
        second = [mv.log_det_drift_series([size], dim, estimator, order=2)[1] for size in (200, 400, 800)]
        first = [mv.log_det_drift_series([size], dim, estimator, order=1)[1] for size in (200, 400, 800)]
        errors2 = np.abs(np.subtract(exact, second))
        errors1 = np.abs(np.subtract(exact, first))
        # the neglected terms are O(1/M^3) and O(1/M^2): doubling M divides the errors by ~8 and ~4
        np.testing.assert_allclose(errors2[:-1] / errors2[1:], 8, rtol=0.1)
        np.testing.assert_allclose(errors1[:-1] / errors1[1:], 4, rtol=0.1)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mean_drift_matches_sympy(estimator):
    sizes = [5, 7, 12, 30]
    symbolic = ms.expected_mean_drift(sizes, estimator)
    cov = np.diag([2.0, 0.5, 0.25])
    numeric = mv.expected_mean_drift(sizes, cov, estimator)[-1]
    assert numeric == pytest.approx(float(symbolic.subs(ms.trace, np.trace(cov))), rel=1e-12)


def test_bures_second_order_term():
    zeroth, first, second = ms.bures_second_order_2x2()
    assert zeroth == 0 and first == 0
    l1, l2 = sp.symbols("lambda_1 lambda_2", positive=True)
    d11, d12, d22 = sp.symbols("Delta_11 Delta_12 Delta_22", real=True)
    claimed = ms.bures_quadratic_form([l1, l2], sp.Matrix([[d11, d12], [d12, d22]]))
    assert sp.simplify(second - claimed) == 0
    # the numeric coefficient b(Sigma) = E-weighted form with E[Delta_kk^2] = 2, E[Delta_kl^2] = 1
    values = [2.0, 0.3, 0.7]
    weights = sp.Matrix(3, 3, lambda k, l: sp.sqrt(2) if k == l else 1)
    expected = float(ms.bures_quadratic_form(values, weights))
    assert mv.covariance_w2_coefficient(np.diag(values)) == pytest.approx(expected, rel=1e-12)


def test_w2_matches_a_direct_matrix_square_root():
    from scipy import linalg

    rng = np.random.default_rng(5)
    for _ in range(5):
        a, b = rng.normal(size=(2, 4, 4))
        cov_a, cov_b = a @ a.T + 0.1 * np.eye(4), b @ b.T
        mean_a, mean_b = rng.normal(size=(2, 4))
        root = linalg.sqrtm(cov_a)
        expected = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a + cov_b - 2 * linalg.sqrtm(root @ cov_b @ root)).real
        assert mv.w2_squared_normal(mean_a, cov_a, mean_b, cov_b) == pytest.approx(expected, rel=1e-8)
        assert mv.w2_squared_normal(mean_a, cov_a, mean_a, cov_a) == pytest.approx(0, abs=1e-9)


# --- closed forms against simulation (5 standard errors) ----------------------------


def trace_moments(sizes, cov, estimator):
    """Exact (E[tr Sigma_n], Var[tr Sigma_n]), n = 0..N, from the Wishart moments.

    With W = c Sigma_{i+1} ~ W_d(nu, Sigma_i), nu = M_i - 1, the Wishart covariance
    nu (S_ik S_jl + S_il S_jk) (checked in sympy by ``test_bartlett_gives_the_wishart_mean_and_covariance``)
    gives E[(tr W)^2] = nu^2 (tr S)^2 + 2 nu tr(S^2) and E[tr W^2] = (nu^2 + nu) tr(S^2) + nu (tr S)^2:
    the pair ((tr Sigma_i)^2, tr Sigma_i^2) follows a linear recursion. The trace is heavy-tailed
    (a product of chi-squares), so its sample standard error underestimates the spread; this exact
    variance gives the tolerance instead.
    """
    cov = np.asarray(cov, dtype=float)
    state = np.array([np.trace(cov) ** 2, np.trace(cov @ cov)])
    second = [state[0]]
    for size in sizes:
        nu, c = size - 1.0, float(validation.variance_denominator(size, estimator))
        state = np.array([[nu**2, 2 * nu], [nu, nu**2 + nu]]) @ state / c**2
        second.append(state[0])
    mean = mv.expected_trace(sizes, cov, estimator)
    return mean, np.array(second) - mean**2


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_trace_moments_in_one_dimension_are_the_1d_ratio_moments(estimator):
    sizes = np.array([3, 5, 9, 4])
    mean, variance = trace_moments(sizes, [[2.0]], estimator)
    second = 4.0 * gaussian_laws.prefix_products(gaussian_laws.ratio_moment(2, sizes, estimator))
    np.testing.assert_allclose(variance + mean**2, second, rtol=1e-12)


@pytest.mark.statistical
@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("dim, size", [(2, 3), (2, 20), (5, 6), (5, 40)])
def test_log_det_trace_and_mean_against_simulation(estimator, dim, size):
    """log det is a sum of independent log chi-squares (light tails): sample SE. The trace is a product
    of chi-squares (heavy tails at small M): its tolerance is 5 exact standard deviations of the mean."""
    sizes = schedules.constant(size, 12)
    cov = mv.initial_covariance(dim, "elongated", condition=10.0)
    chains = 20000
    paths = mv.simulate_exact(sizes, chains, cov, mean=np.ones(dim), estimator=estimator,
                              rng=seeded(dim * 1000 + size))
    log_det = mv.log_det(paths) - np.log(np.linalg.det(cov))
    shown = [1, 4, 12]
    assert_within(stats.mean(log_det[shown], axis=1), mv.log_det_drift(sizes, dim, estimator)[shown])
    assert_within(stats.variance(log_det[shown], axis=1), mv.log_det_spread(sizes, dim)[shown])
    trace = np.trace(paths.covariances, axis1=-2, axis2=-1)
    mean, variance = trace_moments(sizes, cov, estimator)
    assert np.allclose(mean, mv.expected_trace(sizes, cov, estimator))
    z = (trace[shown].mean(axis=1) - mean[shown]) / np.sqrt(variance[shown] / chains)
    assert np.all(np.abs(z) < TOLERANCE), f"trace z-scores {np.round(z, 2)}"
    drift = np.sum((paths.means - 1.0) ** 2, axis=-1)
    assert_within(stats.mean(drift[shown], axis=1), mv.expected_mean_drift(sizes, cov, estimator)[shown])


@pytest.mark.statistical
def test_leading_blocks_collapse_as_lower_dimensional_models():
    """The top-left k x k block of Sigma_n is the k-dimensional model: its log det drifts by gamma_1 + ... + gamma_k."""
    dim, size = 4, 12
    sizes = schedules.constant(size, 10)
    paths = mv.simulate_direct(sizes, 20000, mv.initial_covariance(dim, "elongated"), rng=seeded(41))
    rates = np.cumsum(mv.lyapunov_exponents(size, dim))
    for k in range(1, dim + 1):
        block = np.linalg.slogdet(paths.covariances[-1, :, :k, :k])[1] - np.linalg.slogdet(paths.covariances[0, 0, :k, :k])[1]
        assert_within(stats.mean(block), 10 * rates[k - 1])
        assert 10 * rates[k - 1] == pytest.approx(mv.log_det_drift(sizes, k)[-1], rel=1e-12)


@pytest.mark.statistical
def test_condition_number_grows_at_the_lyapunov_gap():
    """The Cholesky factor of Sigma_n is L_0 A_1 ... A_n / c^(n/2), a product of lower-triangular
    matrices, so its j-th diagonal entry squared is (L_0)_jj^2 prod_i chi^2_{M - j} / c: its log drifts
    by exactly gamma_j per generation with variance n psi'((M - j)/2) (light tails: sample SE). For a
    triangular matrix the largest singular value is at least the largest diagonal entry and the smallest
    at most the smallest one, so log cond(Sigma_n) >= log((L_n)_11^2 / (L_n)_dd^2), whose mean is exactly
    n (gamma_1 - gamma_d): the condition number grows at least at the Lyapunov gap, in every chain."""
    dim, size, generations = 3, 20, 200
    paths = mv.simulate_exact(schedules.constant(size, generations), 4000, np.eye(dim), rng=seeded(8))
    rates = mv.lyapunov_exponents(size, dim)
    diagonal = np.log(np.diagonal(paths.factors, axis1=-2, axis2=-1) ** 2)   # (n + 1, chains, d)
    for n in (1, 100, generations):
        assert_within(stats.mean(diagonal[n].T, axis=1), n * rates)
        z = stats.z_scores(stats.variance(diagonal[n].T, axis=1),
                           n * gaussian_laws.log_chi_square_variance(size - np.arange(1, dim + 1)))
        assert np.all(np.abs(z) < TOLERANCE), z
    log_condition = mv.log_condition(paths)
    gap_of_diagonal = diagonal.max(axis=-1) - diagonal.min(axis=-1)
    assert np.all(log_condition >= gap_of_diagonal - 1e-9 * (1 + np.abs(gap_of_diagonal)))
    assert np.all(np.diff(np.median(log_condition[::50], axis=1)) > 0)


def test_w2_first_order_against_simulation():
    """At M = 4000 the neglected O(n^2 / M^2) part is below 1e-3 of the first-order one, far below 1 SE."""
    dim, size, generations = 3, 4000, 6
    cov = np.diag([1.0, 0.5, 0.1])
    sizes = schedules.constant(size, generations)
    paths = mv.simulate_exact(sizes, 20000, cov, rng=seeded(13))
    w2 = mv.w2_to_start(paths)
    assert_within(stats.mean(w2[[2, 6]], axis=1), mv.expected_w2sq_first_order(sizes, cov)[[2, 6]])
    # the mean part alone is exact at any M
    mean_part = np.sum((paths.means - paths.means[0]) ** 2, axis=-1)
    assert_within(stats.mean(mean_part[[2, 6]], axis=1), mv.expected_mean_drift(sizes, cov)[[2, 6]])


# --- the two simulators agree in distribution; a wrong one is caught -----------------

CONFIGS = [(2, 3), (2, 20), (5, 6), (5, 100)]
FAMILY_ALPHA = 1e-3


def _direct_and_exact(dim, size, exact=None):
    sizes = schedules.constant(size, 10)
    cov = mv.initial_covariance(dim, "elongated", condition=10.0)
    direct = mv.simulate_direct(sizes, 3000, cov, rng=seeded(100 + dim * size))
    exact = (exact or mv.simulate_exact)(sizes, 3000, cov, rng=seeded(200 + dim * size))
    return direct, exact


@pytest.mark.statistical
@pytest.mark.parametrize("dim, size", CONFIGS)
def test_direct_and_exact_simulators_agree_in_distribution(dim, size):
    """9 KS tests per configuration, 4 configurations: each at level 1e-3 / 36 (Bonferroni)."""
    check = mv.compare_in_distribution(*_direct_and_exact(dim, size), [1, 3, 10], alpha=FAMILY_ALPHA / len(CONFIGS))
    assert check.threshold == pytest.approx(FAMILY_ALPHA / len(CONFIGS) / 9)
    assert check.passed, dict(zip(zip(check.statistics, check.generations), check.p_values))


@pytest.mark.statistical
@pytest.mark.parametrize("mistake", ["nu = M instead of M - 1", "chi2_nu on every diagonal entry"])
def test_the_distribution_check_catches_a_wrong_simulator(monkeypatch, mistake):
    right = mv.bartlett_factor

    def wrong(degrees_of_freedom, n_chains, dim, rng=0):
        if mistake.startswith("nu = M"):
            return right(degrees_of_freedom + 1, n_chains, dim, rng)
        factor = right(degrees_of_freedom, n_chains, dim, rng)
        diagonal = np.arange(dim)
        factor[:, diagonal, diagonal] = np.sqrt(rng.chisquare(degrees_of_freedom, (n_chains, dim)))
        return factor

    monkeypatch.setattr(mv, "bartlett_factor", wrong)
    check = mv.compare_in_distribution(*_direct_and_exact(5, 20), [1, 3, 10], alpha=FAMILY_ALPHA / len(CONFIGS))
    assert not check.passed
    assert check.p_values[check.statistics.index("log det")] < check.threshold


@pytest.mark.statistical
def test_bartlett_factor_shape_and_structure():
    factor = mv.bartlett_factor(7, 4000, 3, rng=seeded(1))
    assert factor.shape == (4000, 3, 3)
    assert np.all(np.triu(factor, 1) == 0) and np.all(np.diagonal(factor, axis1=1, axis2=2) > 0)
    gram = factor @ np.swapaxes(factor, 1, 2)
    assert_within(stats.mean(gram.reshape(4000, 9).T, axis=1), (7 * np.eye(3)).ravel())


# --- bad inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("cov, message", [
    ([[1.0, 0.5], [0.4, 1.0]], "symmetric"),
    ([[1.0, 2.0], [2.0, 1.0]], "positive definite"),
    ([[1.0, 0.0], [0.0, 0.0]], "positive definite"),
    ([1.0, 2.0], "square"),
    (np.ones((2, 3)), "square"),
    ([[np.nan, 0], [0, 1]], "finite"),
    (np.eye(2)[None], "one d x d matrix"),
])
def test_bad_covariances_raise(cov, message):
    for simulate in (mv.simulate_direct, mv.simulate_exact):
        with pytest.raises(ValueError, match=message):
            simulate([5], 10, cov)


def test_bad_arguments_raise():
    cov = np.eye(3)
    with pytest.raises(ValueError, match="at least d \\+ 1 = 4"):
        mv.simulate_exact([10, 3], 10, cov)
    with pytest.raises(ValueError, match="at least d \\+ 1"):
        mv.log_det_drift([3], 3)
    with pytest.raises(ValueError, match="length d = 3"):
        mv.simulate_direct([5], 10, cov, mean=[0.0, 0.0])
    with pytest.raises(ValueError, match="estimator"):
        mv.simulate_exact([5], 10, cov, estimator="biased")
    with pytest.raises(ValueError, match="n_chains"):
        mv.simulate_exact([5], 0, cov)
    with pytest.raises(ValueError, match="rng"):
        mv.simulate_exact([5], 10, cov, rng=-1)
    with pytest.raises(ValueError, match="degrees_of_freedom"):
        mv.bartlett_factor(2, 10, 3)
    with pytest.raises(ValueError, match="semi-definite"):
        mv.w2_squared_normal([0, 0], [[1, 0], [0, -1]], [0, 0], np.eye(2))
    paths = mv.simulate_exact([5, 5, 5], 10, np.eye(2), rng=0)
    with pytest.raises(ValueError, match="generations"):
        mv.compare_in_distribution(paths, paths, 2)
    with pytest.raises(ValueError, match="square"):
        mv.sqrtm_psd(np.ones((2, 3)))
    with pytest.raises(ValueError, match="semi-definite"):
        mv.sqrtm_psd([[1.0, 0.0], [0.0, -1.0]])
    with pytest.raises(ValueError, match="limit"):
        mv.representable_generations(10, np.diag([1.0, 1e-30]))
    with pytest.raises(ValueError, match="means must end"):
        mv.w2_squared_normal([0, 0, 0], np.eye(2), [0, 0], np.eye(2))
    with pytest.raises(ValueError, match="paths"):
        mv.log_det((np.zeros(3), np.zeros(3)))
    with pytest.raises(ValueError, match="shape"):
        mv.initial_covariance(3, "round")
    with pytest.raises(ValueError, match="generations"):
        mv.compare_in_distribution(*_direct_and_exact(2, 3)[:2], [11])
    with pytest.raises(ValueError, match="shape"):
        mw.compute_spectrum(shape="flat")


# --- widget --------------------------------------------------------------------------------


def test_widget_data_and_truncation():
    data = mw.compute_spectrum(dim=4, size=20, generations=60, shape="elongated", n_chains=300)
    assert data.eigenvalues.shape == (61, 4) and not data.truncated
    assert np.all(np.isfinite(data.log_condition))
    rates = mv.lyapunov_exponents(20, 4)
    np.testing.assert_allclose(data.exponents, rates)
    np.testing.assert_allclose(data.log_condition_trend,
                               np.log(100.0) + data.condition_generations * (rates[0] - rates[-1]))
    assert data.condition_generations[-1] == 60 and data.condition_generations.size <= mw.CONDITION_POINTS + 1
    far = mw.compute_spectrum(dim=10, size=11, generations=400, n_chains=100)
    assert far.truncated and far.generations[-1] < 400 and np.all(np.isfinite(far.log_condition))


def test_direct_fit_survives_an_ill_conditioned_sample():
    """Two nearly equal columns a and a + eps b (a, b centred and orthogonal, eps = 1e-12): in floating
    point D^T D is exactly [[s, s], [s, s]] (eps^2 |b|^2 is far below one ulp of s), so its Cholesky
    factorisation fails by construction, whatever the seed; the QR fallback still factorises D."""
    a = np.tile([1.0, -1.0, 1.0, -1.0], 3)
    b = np.tile([1.0, 1.0, -1.0, -1.0], 3)
    one = np.stack([a, a + 1e-12 * b], axis=1)
    deviations = np.stack([one, 2.0 * one, np.stack([b, b - 1e-12 * a], axis=1)])   # (3, 12, 2)
    assert np.allclose(deviations.mean(axis=1), 0.0, atol=1e-15)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(np.swapaxes(deviations, -1, -2) @ deviations)
    factor = mv._scatter_factor(deviations)
    upper = np.linalg.qr(deviations, mode="r")
    np.testing.assert_allclose(np.diagonal(factor, axis1=1, axis2=2), np.abs(np.diagonal(upper, axis1=1, axis2=2)),
                               rtol=1e-12)
    assert np.all(np.triu(factor, 1) == 0)
    assert np.all(np.diagonal(factor, axis1=1, axis2=2) > 0)
    # the small diagonal entry is eps |b| = 1e-12 sqrt(12): the factor keeps what D^T D lost
    np.testing.assert_allclose(factor[0, 1, 1], 1e-12 * np.sqrt(12), rtol=1e-3)
    np.testing.assert_allclose(factor @ np.swapaxes(factor, 1, 2), np.swapaxes(deviations, 1, 2) @ deviations,
                               rtol=1e-10)


# --- fresh data in every generation (mixing) ------------------------------------------


def test_pooled_scatter_mean_is_the_collected_form():
    K, S = sp.symbols("K S", positive=True)
    cov, cov_i, outer = sp.symbols(r"\Sigma \Sigma_i e_ie_i^{\top}")
    size = K + S
    claimed = (size - 1) / size * (K * cov + S * cov_i) + K * S / size * outer
    assert sp.simplify(ms.mix_pooled_scatter_mean() - claimed) == 0


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mix_closed_forms_in_one_dimension_are_the_1d_ones(estimator):
    moments = strategies.mix_moments(20, 0.25, 15, 2.0, estimator)
    np.testing.assert_allclose(mv.mix_expected_covariance(20, 0.25, 15, [[2.0]], estimator)[:, 0, 0], moments.variance)
    np.testing.assert_allclose(mv.mix_expected_mean_error(20, 0.25, 15, [[2.0]], estimator), moments.mean_error)
    floor = mv.mix_log_det_floor(20, 0.25, 1, estimator)
    assert floor == pytest.approx(strategies.mix_log_variance_floor(20, 0.25, estimator), rel=1e-12)


def test_mix_without_fresh_data_keeps_the_replace_mean():
    cov = mv.initial_covariance(3, "elongated", condition=10.0)
    np.testing.assert_allclose(mv.mix_expected_covariance(12, 0.0, 6, cov), np.broadcast_to(cov, (7, 3, 3)))
    np.testing.assert_allclose(mv.mix_expected_mean_error(12, 0.0, 6, cov),
                               mv.expected_mean_drift(schedules.constant(12, 6), cov))


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mix_log_det_floor_matches_sympy(estimator):
    for dim, size, fraction in [(1, 10, 0.5), (3, 20, 0.25), (5, 40, 0.5)]:
        real = strategies.real_count(size, fraction)
        c = size - 1 if estimator == "unbiased" else size
        symbolic = ms.log_det_ratio_mean(real, dim, "unbiased") + dim * sp.log(real - 1) - dim * sp.log(c)
        assert mv.mix_log_det_floor(size, fraction, dim, estimator) == pytest.approx(float(symbolic), rel=1e-12)


@pytest.mark.statistical
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_mix_simulation_matches_the_closed_forms(estimator):
    cov = mv.initial_covariance(3, "elongated", condition=10.0)
    cov[0, 1] = cov[1, 0] = 0.2
    size, fraction, generations = 16, 0.25, 12
    paths = mv.simulate_mix(size, fraction, generations, 6000, cov, estimator=estimator, rng=seeded(42))
    expected = mv.mix_expected_covariance(size, fraction, generations, cov, estimator)
    for n in (1, 4, generations):
        for k, l in [(0, 0), (0, 1), (2, 2)]:
            assert_within(stats.mean(paths.covariances[n, :, k, l]), expected[n, k, l])
        assert_within(stats.mean(np.sum(paths.means[n] ** 2, axis=-1)),
                      mv.mix_expected_mean_error(size, fraction, generations, cov, estimator)[n])
    log_det = mv.log_det(paths)[1:] - np.log(np.linalg.det(cov))
    floor = mv.mix_log_det_floor(size, fraction, 3, estimator)
    estimate = stats.mean(log_det, axis=1)
    assert np.all(estimate.value > floor - TOLERANCE * estimate.se)


@pytest.mark.statistical
def test_mix_without_fresh_data_is_the_replace_law():
    cov = mv.initial_covariance(2, "elongated", condition=10.0)
    mixed = mv.simulate_mix(12, 0.0, 5, 3000, cov, rng=seeded(1))
    replaced = mv.simulate_exact(schedules.constant(12, 5), 3000, cov, rng=seeded(2))
    assert mv.compare_in_distribution(mixed, replaced, [1, 5]).passed


def test_mix_bad_inputs():
    cov = np.eye(3)
    with pytest.raises(ValueError, match="d \\+ 1"):
        mv.mix_log_det_floor(20, 0.1, 3)         # K = 2 < d + 1
    with pytest.raises(ValueError, match="sample size"):
        mv.simulate_mix(3, 0.5, 4, 10, cov)      # M <= d
    with pytest.raises(ValueError, match="fraction"):
        mv.simulate_mix(20, 1.5, 4, 10, cov)
    with pytest.raises(ValueError, match="generations"):
        mv.simulate_mix(20, 0.5, -1, 10, cov)
    with pytest.raises(ValueError, match="symmetric"):
        mv.mix_expected_covariance(20, 0.5, 4, [[1.0, 0.5], [0.0, 1.0]])


def test_single_covariance_refuses_a_stack_of_matrices():
    """multivariate, regression: a simulator takes one covariance matrix, not a stack of them."""
    assert mv.single_covariance([[2.0, 0.5], [0.5, 1.0]]).shape == (2, 2)
    with pytest.raises(ValueError, match="cov must be one d x d matrix"):
        mv.single_covariance(np.stack([np.eye(2), np.eye(2)]))

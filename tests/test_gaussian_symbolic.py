"""The numeric closed forms agree with their sympy derivations."""

import numpy as np
import pytest
import sympy as sp

from collapse_lib import gaussian_laws, gaussian_symbolic as gs, schedules

ESTIMATORS = ("unbiased", "mle")
SCHEDULE = [5, 9, 30]


def numeric(expression, sigma2=1.0):
    return float(sp.N(expression.subs(gs.sigma, np.sqrt(sigma2)), 30))


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, -0.5])
def test_ratio_moment(p, estimator):
    for size in (3, 8, 101):
        exact = numeric(gs.ratio_moment(sp.nsimplify(p), sp.Integer(size), estimator))
        assert gaussian_laws.ratio_moment(p, [size], estimator)[0] == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_w2_mean_and_variance_general_schedule(estimator):
    sigma2 = 2.5
    symbols = gs.size_symbols(len(SCHEDULE))
    mean = gs.expected_w2sq(symbols, estimator)
    variance = gs.variance_w2sq(symbols, estimator)
    values = dict(zip(symbols, SCHEDULE))
    n = len(SCHEDULE)
    assert gaussian_laws.expected_w2sq(SCHEDULE, sigma2, estimator)[n] == pytest.approx(
        numeric(mean.subs(values), sigma2), rel=1e-10)
    assert gaussian_laws.variance_w2sq(SCHEDULE, sigma2, estimator)[n] == pytest.approx(
        numeric(variance.subs(values), sigma2), rel=1e-9)
    # every prefix of the schedule too
    for k in range(n):
        prefix = dict(zip(symbols[:k], SCHEDULE[:k]))
        assert gaussian_laws.expected_w2sq(SCHEDULE, sigma2, estimator)[k] == pytest.approx(
            numeric(gs.expected_w2sq(symbols[:k], estimator).subs(prefix), sigma2), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_w2_constant_schedule_closed_form_in_n(estimator):
    closed = gs.expected_w2sq_constant(gs.M, gs.n, estimator)
    size = 7
    numeric_values = gaussian_laws.expected_w2sq(schedules.constant(size, 12), 1.0, estimator)
    for n in range(13):
        assert numeric_values[n] == pytest.approx(numeric(closed.subs({gs.M: size, gs.n: n})), rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_sample_variance(estimator):
    symbols = gs.size_symbols(3)
    expression = gs.sample_variance(symbols, estimator)
    expected = numeric(expression.subs(dict(zip(symbols, SCHEDULE))), 3.0)
    assert gaussian_laws.sample_variance(SCHEDULE, 3.0, estimator)[3] == pytest.approx(expected, rel=1e-12)


def test_sample_variance_exact_statements():
    symbols = gs.size_symbols(4)
    assert sp.simplify(gs.sample_variance(symbols, "mle") - gs.sigma**2) == 0
    assert sp.simplify(gs.sample_variance(symbols, "unbiased") - gs.sigma**2 * (1 + sum(1 / m for m in symbols))) == 0


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_log_variance_drift_and_spread(estimator):
    for size in (2, 5, 40):
        drift = numeric(gs.log_ratio_mean(sp.Integer(size), estimator))
        spread = numeric(gs.log_ratio_variance(sp.Integer(size)))
        assert gaussian_laws.log_variance_drift([size], estimator)[1] == pytest.approx(drift, rel=1e-12)
        assert gaussian_laws.log_variance_spread([size])[1] == pytest.approx(spread, rel=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_generation_one_characteristic_function(estimator):
    cf = gs.generation_one_cf(gs.M, estimator)
    for size, mu, sigma2, t in [(3, 0.5, 2.0, 0.7), (20, -1.0, 0.5, 2.0), (200, 0.0, 1.0, 5.0)]:
        expected = complex(sp.N(cf.subs({gs.M: size, gs.mu: mu, gs.sigma: np.sqrt(sigma2), gs.t: t})))
        assert gaussian_laws.generation_one_cf([t], size, mu, sigma2, estimator)[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_generation_one_density_has_the_derived_moments(estimator):
    size, sigma2 = 6, 1.7
    kappa = gs.generation_one_cumulants(gs.M, estimator)
    values = {gs.M: size, gs.mu: 0, gs.sigma: np.sqrt(sigma2)}
    variance, fourth = float(kappa[1].subs(values)), float(kappa[3].subs(values))
    x = np.linspace(-60, 60, 120001)
    density = gaussian_laws.generation_one_pdf(x, size, 0.0, sigma2, estimator)
    step = x[1] - x[0]
    assert (density * step).sum() == pytest.approx(1.0, abs=1e-6)
    assert (x**2 * density * step).sum() == pytest.approx(variance, rel=1e-5)
    assert (x**4 * density * step).sum() - 3 * variance**2 == pytest.approx(fourth, rel=1e-3)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_generation_one_excess_kurtosis_matches_the_cumulants(estimator):
    kappa = gs.generation_one_cumulants(gs.M, estimator)
    for size in (2, 3, 6, 50, 1000):
        values = {gs.M: size, gs.mu: 0, gs.sigma: 1}
        expected = float((kappa[3] / kappa[1] ** 2).subs(values))
        assert gaussian_laws.generation_one_excess_kurtosis(size, estimator) == pytest.approx(expected, rel=1e-12)


def test_generation_one_is_not_variance_gamma_but_its_deviation_is():
    # the cf factorises as normal x VG; the VG factor alone is the library's VG cf with lambda=(M-1)/2, alpha^2 = d/sigma^2
    size = gs.M
    vg = gs.variance_gamma_cf((size - 1) / 2, sp.sqrt(size - 1) / gs.sigma)
    ratio = gs.generation_one_cf(size, "unbiased").subs(gs.mu, 0) / vg
    # both bases are positive for M > 1, so powers may be combined
    ratio = sp.powsimp(sp.expand_power_base(sp.powdenest(ratio, force=True), force=True), force=True)
    assert sp.simplify(ratio - sp.exp(-gs.sigma**2 * gs.t**2 / (2 * size))) == 0


def test_variance_gamma_density_is_normalised_with_the_right_variance():
    x = np.linspace(-80, 80, 400001)
    step = x[1] - x[0]
    for shape, alpha in [(0.8, 1.0), (2.0, 3.0), (10.0, 2.0)]:
        density = gaussian_laws.variance_gamma_pdf(x, shape, alpha)
        assert (density * step).sum() == pytest.approx(1.0, abs=2e-4)
        assert (x**2 * density * step).sum() == pytest.approx(2 * shape / alpha**2, rel=2e-3)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_series_coefficients_are_symmetric_in_generations(estimator):
    assert gs.series_coefficients(estimator)["pair_spread"] == 0


def test_series_coefficients_values_used_in_the_text():
    unbiased = gs.series_coefficients("unbiased")
    assert (unbiased["e1"], unbiased["e2"], unbiased["e11"]) == (sp.Rational(3, 2), sp.Rational(7, 16), sp.Rational(-1, 8))
    assert (unbiased["v2"], unbiased["v11"]) == (sp.Rational(5, 2), 5)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_expansions_converge_to_the_exact_forms_at_the_claimed_order(estimator):
    """exact - series_k = c M^-(k+1) + d M^-(k+2) + ... for a schedule M_i = M (i + 1), so the scaled
    remainder s(M) = M^(k+1) (exact - series_k) = c + d / M + O(M^-2): doubling M halves its change,
    (s(4M) - s(2M)) / (s(2M) - s(M)) = 1/2 + O(1/M). A wrong coefficient in the series leaves a
    remainder of lower order, s(M) ~ M, and this ratio near 2. M = 50..200 keeps the exact forms' own
    rounding (1e-16 M^2 relative, about 1e-9 of s here) far below the differences."""
    remainders = {1: [], 2: [], "var": []}
    for size in (50, 100, 200):
        sizes = schedules.power(size, 4, 1)
        exact = gaussian_laws.expected_w2sq(sizes, 1.0, estimator)[-1]
        remainders[1].append((exact - gaussian_laws.expected_w2sq_series(sizes, 1.0, estimator, 1)[-1]) * size**2)
        remainders[2].append((exact - gaussian_laws.expected_w2sq_series(sizes, 1.0, estimator, 2)[-1]) * size**3)
        var = gaussian_laws.variance_w2sq(sizes, 1.0, estimator)[-1]
        remainders["var"].append((var - gaussian_laws.variance_w2sq_series(sizes, 1.0, estimator)[-1]) * size**3)
    for order, values in remainders.items():
        changes = np.diff(values)
        assert changes[1] / changes[0] == pytest.approx(0.5, abs=0.05), (order, values)
        assert abs(changes[1]) < 0.05 * abs(values[-1]), (order, values)    # s(M) has settled near c


def test_published_variance_differs_from_the_derivation():
    sizes = schedules.constant(1000, 1)
    exact = gaussian_laws.variance_w2sq(sizes)[1]
    assert gaussian_laws.variance_w2sq_series(sizes)[1] == pytest.approx(exact, rel=1e-2)
    assert gaussian_laws.published_variance_w2sq(sizes)[1] == pytest.approx(0.6 * exact, rel=1e-2)
    symbols = gs.size_symbols(2)
    assert gs.published_variance_w2sq(symbols).subs(dict(zip(symbols, [10, 20]))) == gs.sigma**4 * sp.Rational(1, 2) * (
        sp.Rational(3, 100) + sp.Rational(3, 400) + 8 * sp.Rational(1, 200))


def test_closed_forms_stay_accurate_for_large_samples():
    # ratio moments through poch: no cancellation, E[S] = 1 to rounding even at M = 1e8
    assert gaussian_laws.ratio_moment(1, [10**8])[0] == pytest.approx(1.0, abs=1e-14)
    for size in (10**4, 10**6):
        sizes = schedules.constant(size, 1)
        assert gaussian_laws.expected_w2sq(sizes)[1] * size == pytest.approx(1.5 + 7 / (16 * size), rel=1e-7)
    sizes = schedules.constant(10**4, 1)
    assert gaussian_laws.variance_w2sq(sizes)[1] * 10**8 == pytest.approx(2.5, rel=1e-3)


@pytest.mark.parametrize("dof", [1, 2, 5, 40])
def test_log_chi_square_moments_against_quadrature(dof):
    from scipy import stats as scipy_stats
    law = scipy_stats.chi2(dof)
    mean = law.expect(np.log)
    assert gaussian_laws.log_chi_square_mean(dof) == pytest.approx(mean, rel=1e-8, abs=1e-10)
    assert gaussian_laws.log_chi_square_variance(dof) == pytest.approx(
        law.expect(lambda x: (np.log(x) - mean) ** 2), rel=1e-7)
    with pytest.raises(ValueError, match="dof"):
        gaussian_laws.log_chi_square_mean(0)


def test_book_notation_shows_psi_and_keeps_the_value():
    from collapse_lib import multivariate_symbolic as ms

    for expression in (gs.log_ratio_mean(gs.M, "unbiased"), gs.log_ratio_variance(gs.M),
                       ms.log_det_ratio_mean(gs.M, 3), ms.log_det_ratio_mean()):
        shown = gs.in_book_notation(expression)
        latex = sp.latex(shown)
        assert "polygamma" not in latex and r"\psi" in latex
        assert sp.simplify(gs.from_book_notation(shown) - expression) == 0
    assert r"\psi'" in sp.latex(gs.in_book_notation(gs.log_ratio_variance(gs.M)))
    # higher orders are left alone, and a number stays a number
    assert gs.in_book_notation(sp.polygamma(2, gs.M)) == sp.polygamma(2, gs.M)
    assert gs.in_book_notation(3) == 3


@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
def test_series_coefficients_match_the_sympy_derivation(estimator):
    """gaussian_laws writes the coefficients out (no sympy at import or first call): they must be the derived ones."""
    derived = gs.series_coefficients(estimator)
    written = gaussian_laws.SERIES_COEFFICIENTS[estimator]
    assert set(written) == set(derived) - {"pair_spread"}
    for key, value in written.items():
        assert value == float(derived[key]), key

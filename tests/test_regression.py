"""Tests of collapse_lib.regression and regression_symbolic (chapter *Linear regression trained on its own predictions*).

Every closed form is checked against its sympy twin and against simulation; a
simulation check passes when |estimate - exact| < 5 standard errors of the
simulation itself. Every fitted block has T - d - 1 >= 8 (16 in most tests), so
the simulated errors (quadratic forms in an inverse Wishart matrix) have at
least four finite moments and their sample standard error is reliable for any
seed offset. (The two-sample tests use T = d + 4 on purpose: heavy tails.)
"""

import numpy as np
import pytest
import sympy as sp
from scipy import stats as scipy_stats

from collapse_lib import regression as R
from collapse_lib import regression_symbolic as RS
from collapse_lib import stats
from seeding import rng

TOLERANCE = 5.0
COV = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.25]])  # anisotropic, d = 3
W0 = np.array([1.0, -0.5, 2.0])


def assert_within(samples, exact, axis=-1):
    estimate = stats.mean(samples, axis=axis)
    z = stats.z_scores(estimate, exact)
    assert np.all(np.abs(z) < TOLERANCE), z


def value(expression, **values):
    symbols = {"T": RS.T, "d": RS.d, "n": RS.n, "sigma0": RS.sigma0, "phi": RS.phi, "c": RS.c, "b": RS.b,
               "s": RS.s, "t": RS.t, "rho": RS.rho}
    return float(sp.N(expression.subs({symbols[name]: number for name, number in values.items()})))


# --- symbolic vs numeric ----------------------------------------------------------------------


def test_inverse_chi_square_and_wishart_symbolic():
    assert sp.simplify(RS.inverse_chi_square_mean() - 1 / (RS.k - 2)) == 0
    assert sp.simplify(RS.inverse_wishart_diagonal() - 1 / (RS.T - RS.d - 1)) == 0
    variance = sp.Symbol("s^2", positive=True)
    assert sp.simplify(RS.inverse_wishart_mean_1d(RS.T, variance) - 1 / (variance * (RS.T - 2))) == 0
    assert RS.inverse_wishart_diagonal(10, 3) == sp.Rational(1, 6)  # plain ints give exact rationals


@pytest.mark.parametrize("size,dim", [(5, 1), (10, 3), (30, 7)])
def test_inverse_wishart_mean_matches_sympy(size, dim):
    cov = np.diag(np.linspace(0.5, 2.0, dim))
    expected = value(RS.inverse_wishart_diagonal(), T=size, d=dim) * np.linalg.inv(cov)
    assert np.allclose(R.inverse_wishart_mean(size, cov), expected)


@pytest.mark.parametrize("dim,size,noise", [(1, 4, 1.0), (3, 12, 0.5), (10, 40, 2.0)])
def test_replace_and_accumulate_match_sympy(dim, size, noise):
    replace, accumulate = R.replace_error(6, dim, size, noise), R.accumulate_error(6, dim, size, noise)
    for n in range(7):
        assert replace[n] == pytest.approx(value(RS.replace_error(), n=n, T=size, d=dim, sigma0=np.sqrt(noise)))
        assert accumulate[n] == pytest.approx(value(RS.accumulate_error(n), T=size, d=dim, sigma0=np.sqrt(noise)))
    limit = value(RS.accumulate_limit(), T=size, d=dim, sigma0=np.sqrt(noise))
    assert limit == pytest.approx(np.pi**2 / 6 * R.one_fit_error(dim, size, noise))
    assert R.accumulate_error(2000, dim, size, noise)[-1] < limit


@pytest.mark.parametrize("dim,size,fraction", [(3, 12, 0.5), (3, 30, 0.2), (5, 40, 0.75)])
def test_mix_matches_sympy(dim, size, fraction):
    real, synthetic = R.mix_counts(size, fraction, dim)
    phi = real / size
    increment = RS.mix_increment(real, synthetic, sp.Rational(real, size), dim, 1)
    closed = R.mix_error(8, dim, size, fraction, 1.0)
    for n in range(9):
        assert closed[n] == pytest.approx(float(RS.mix_error(n, increment, sp.Rational(real, size))))
    assert R.mix_fixed_point(dim, size, fraction, 1.0) == pytest.approx(
        float(RS.mix_fixed_point(increment, sp.Rational(real, size))))
    assert closed[1] == pytest.approx(float(increment))
    assert 0 < phi < 1


def test_interpolation_matches_sympy():
    closed = R.interpolation_error(7, 20, 5, signal=1.0)
    for n in range(8):
        assert closed[n] == pytest.approx(value(RS.interpolation_error(), n=n, rho=5 / 20))


def test_ridge_matches_sympy():
    spectrum = np.array([3.0, 10.0, 25.0])
    penalty = np.array([0.0, 0.1, 1.0])
    numeric = R.ridge_error_given_spectrum(penalty, spectrum, 20, 0.3, 0.5, 2.0)
    for row, lam in enumerate(penalty):
        expected = sum(value(RS.ridge_eigen_error(), s=sj, t=20 * lam, c=0.3, b=0.5, sigma0=np.sqrt(2.0))
                       for sj in spectrum)
        assert numeric[row] == pytest.approx(expected)
    best = R.ridge_best_penalty_limit(0.3, 0.5, 2.0, 20)
    assert best == pytest.approx(value(RS.ridge_best_penalty_limit(), T=20, c=0.3, b=0.5, sigma0=np.sqrt(2.0)))
    grid = np.linspace(0.5 * best, 1.5 * best, 2001)
    limit = R.ridge_error_limit(grid, 0.3, 0.5, 2.0, 3, 20)
    assert grid[np.argmin(limit)] == pytest.approx(best, rel=1e-3)
    # lambda = 0 is OLS: c d + sigma^2 E tr W^{-1}
    assert R.ridge_error_limit([0.0], 0.3, 0.5, 2.0, 3, 20)[0] == pytest.approx(0.3 * 3 + 2.0 * 3 / 20)


def test_memorise_matches_sympy():
    probabilities = R.zipf_probabilities(50, 1.5)
    closed = R.memorise_error([1, 10, 100], probabilities, truncation=20)
    q = probabilities.copy()
    q[20:] = 0
    q /= q.sum()
    for row, size in enumerate([1, 10, 100]):
        expected = sum(float(RS.memorise_item_error(p, qi, size)) for p, qi in zip(probabilities, q))
        assert closed[row] == pytest.approx(expected)
    assert closed[-1] > probabilities[20:].sum()  # the cut tail is a floor


# --- closed forms vs simulation -----------------------------------------------------------------


@pytest.mark.statistical
def test_inverse_wishart_mean_by_simulation():
    size, chains = 20, 40_000
    inputs = rng(101).standard_normal((chains, size, 3)) @ np.linalg.cholesky(COV).T
    inverse = np.linalg.inv(np.swapaxes(inputs, -1, -2) @ inputs)
    assert_within(inverse.reshape(chains, 9), R.inverse_wishart_mean(size, COV).ravel(), axis=0)


@pytest.mark.statistical
@pytest.mark.parametrize("method", ["direct", "exact"])
@pytest.mark.parametrize("strategy", R.STRATEGIES)
def test_errors_by_simulation(method, strategy):
    size, noise, generations, chains = 40, 0.7, 6, 20_000
    simulate = R.simulate_direct if method == "direct" else R.simulate_exact
    paths = simulate(strategy, generations, chains, size, COV, noise, W0, fraction=0.5,
                     rng=rng(110 + R.STRATEGIES.index(strategy) + (3 if method == "exact" else 0)))
    exact = {"replace": R.replace_error(generations, 3, size, noise),
             "accumulate": R.accumulate_error(generations, 3, size, noise),
             "mix": R.mix_error(generations, 3, size, 0.5, noise)}[strategy]
    assert_within(paths.errors[1:], exact[1:])
    assert np.all(paths.weights[0] == W0)


@pytest.mark.statistical
def test_mix_fixed_point_by_simulation():
    paths = R.simulate_exact("mix", 60, 20_000, 30, COV, 1.0, W0, fraction=0.6, rng=rng(120))
    assert_within(paths.errors[-1], R.mix_fixed_point(3, 30, 0.6, 1.0))


@pytest.mark.statistical
def test_interpolation_by_simulation():
    paths = R.simulate_interpolation(8, 20_000, 6, 15, rng=rng(130))
    assert_within(paths.errors[1:], R.interpolation_error(8, 15, 6)[1:])
    assert_within(np.sum(paths.weights[1:] ** 2, axis=-1), (6 / 15) ** np.arange(1, 9))


@pytest.mark.statistical
def test_ridge_by_simulation():
    penalty = np.array([0.0, 0.05, 0.5, 3.0])
    dim, size, final_size, generations, chains = 4, 25, 20, 5, 20_000
    w0 = np.array([1.0, 0.0, 0.0, 0.0])
    simulated = stats.mean(R.simulate_ridge(penalty, generations, chains, dim, size, final_size, 1.0, 0.5, w0,
                                            rng=rng(140)), axis=1)
    drift = R.ridge_drift(generations, dim, size, 1.0)
    spectra = R.wishart_spectra(chains, dim, final_size, rng(141))
    semi = stats.mean(R.ridge_error_given_spectrum(penalty, spectra, final_size, drift, 1.0 / dim, 0.5), axis=1)
    z = (simulated.value - semi.value) / np.sqrt(simulated.se**2 + semi.se**2)
    assert np.all(np.abs(z) < TOLERANCE), z
    # lambda = 0: OLS, whose mean is exact: c d + sigma^2 d / (T - d - 1)
    assert_within(R.simulate_ridge([0.0], generations, chains, dim, size, final_size, 1.0, 0.5, w0,
                                   rng=rng(142))[0],
                  drift * dim + R.one_fit_error(dim, final_size, 0.5))


@pytest.mark.statistical
def test_memorise_by_simulation():
    probabilities = R.zipf_probabilities(200, 1.5)
    sizes = [10, 100, 1000]
    assert_within(R.simulate_memorise(sizes, probabilities, 2000, rng=rng(150)),
                  R.memorise_error(sizes, probabilities))


# --- the two simulators agree in law -----------------------------------------------------------


def ks_p_values(a, b, generations):
    """Two-sample KS p-values of the test error and of the first weight at the given generations."""
    return [scipy_stats.ks_2samp(statistic_a[g], statistic_b[g]).pvalue
            for g in generations
            for statistic_a, statistic_b in ((a.errors, b.errors), (a.weights[..., 0], b.weights[..., 0]))]


@pytest.mark.statistical
@pytest.mark.parametrize("strategy", R.STRATEGIES)
def test_direct_and_exact_agree_in_law(strategy):
    # T - d - 1 = 2: heavy tails, where a wrong law would show most
    size, generations, chains = 7 if strategy != "mix" else 12, 4, 6000
    direct = R.simulate_direct(strategy, generations, chains, size, COV, 1.0, W0, fraction=0.5,
                               rng=rng(160 + R.STRATEGIES.index(strategy)))
    exact = R.simulate_exact(strategy, generations, chains, size, COV, 1.0, W0, fraction=0.5,
                             rng=rng(170 + R.STRATEGIES.index(strategy)))
    p_values = ks_p_values(direct, exact, [1, 2, 4])
    assert min(p_values) > 1e-3 / len(p_values), p_values  # Bonferroni at level 1e-3


@pytest.mark.statistical
def test_two_sample_test_catches_a_wrong_law():
    """A Gaussian step with the right mean error (the Wishart replaced by its mean) is rejected."""
    size, generations, chains = 7, 4, 6000
    direct = R.simulate_direct("replace", generations, chains, size, COV, 1.0, W0, rng=rng(180))
    covariance = R.inverse_wishart_mean(size, COV)
    steps = rng(181).multivariate_normal(np.zeros(3), covariance, (generations, chains))
    weights = np.concatenate([np.broadcast_to(W0, (1, chains, 3)), W0 + np.cumsum(steps, axis=0)])
    wrong = R.Paths(weights, R.test_errors(weights, COV, W0))
    assert_within(wrong.errors[1:], R.replace_error(generations, 3, size, 1.0)[1:])  # same mean error
    p_values = ks_p_values(direct, wrong, [1, 2, 4])
    assert min(p_values) < 1e-3 / len(p_values), p_values


# --- bad input ---------------------------------------------------------------------------------


def test_mix_sits_above_accumulate_at_the_widget_default():
    """d = 10, M_0 = 40, f = 1/2: each block fit costs d/(K - d - 1) = 10/9 against 10/29 for a full
    fit, so mix's limit is (10/9)/2 / (3/4) / (10/29) = 58/27 fits, above pi^2/6; from M_0 = 100 below."""
    unit = R.one_fit_error(10, 40, 1.0)
    assert unit == pytest.approx(10 / 29)
    assert R.mix_fixed_point(10, 40, 0.5, 1.0) / unit == pytest.approx(58 / 27)
    assert 58 / 27 > np.pi**2 / 6
    assert R.mix_fixed_point(10, 60, 0.5, 1.0) / R.one_fit_error(10, 60, 1.0) > np.pi**2 / 6
    assert R.mix_fixed_point(10, 100, 0.5, 1.0) / R.one_fit_error(10, 100, 1.0) < np.pi**2 / 6


def test_averaged_mix_never_beats_all_real_data():
    """In the averaged-fits model the grid's best fraction is 0.85, but no fraction beats f = 1 (one fit
    on the M_0 real points), which the model cannot reach: the optimum below one is an artefact."""
    grid = np.round(np.arange(0.1, 0.91, 0.05), 2)
    values = np.array([R.mix_fixed_point(5, 100, f, 1.0) for f in grid])
    assert grid[np.argmin(values)] == pytest.approx(0.85)
    assert values.min() > R.one_fit_error(5, 100, 1.0)


@pytest.mark.statistical
def test_pooled_mix_is_best_with_all_real_data():
    """The pooled least-squares fit's stationary error falls with f (5 standard errors between
    f = 0.5, 0.7 and 0.9), stays above one real fit, and at f = 0.9 is below the averaged model's x*."""
    generator = rng(2100)
    estimates = [stats.mean(R.simulate_mix_pooled(30, 4000, 100, np.eye(5), 1.0, fraction=f,
                                                  rng=generator).errors[30]) for f in (0.5, 0.7, 0.9)]
    for a, b in zip(estimates, estimates[1:]):
        assert a.value - b.value > TOLERANCE * np.hypot(a.se, b.se)
    last = estimates[-1]
    assert last.value > R.one_fit_error(5, 100, 1.0) - TOLERANCE * last.se
    assert R.mix_fixed_point(5, 100, 0.9, 1.0) - last.value > TOLERANCE * last.se


@pytest.mark.parametrize("call,match", [
    (lambda: R.inverse_wishart_mean(4, COV), "at least d \\+ 2"),
    (lambda: R.replace_error(3, 3, 4, 1.0), "at least d \\+ 2"),
    (lambda: R.accumulate_error(3, 3, 12, -1.0), "non-negative"),
    (lambda: R.simulate_direct("replace", 3, 10, 12, [[1.0, 2.0], [2.0, 1.0]], 1.0), "positive definite"),
    (lambda: R.simulate_exact("replace", 3, 10, 12, np.eye(2), 1.0, w0=[1.0, 2.0, 3.0]), "w0 must be a vector"),
    (lambda: R.simulate_exact("rewind", 3, 10, 12, np.eye(2), 1.0), "strategy must be one of"),
    (lambda: R.simulate_exact("mix", 3, 10, 12, np.eye(3), 1.0, fraction=0.2), "each block needs"),
    (lambda: R.simulate_direct("replace", 3, 10, 12, np.eye(3), float("nan")), "finite"),
    (lambda: R.interpolation_error(3, 10, 10), "at most 9"),
    (lambda: R.ridge_error_given_spectrum([-1.0], [1.0, 2.0], 5, 0.1, 1.0, 1.0), "non-negative ridge"),
    (lambda: R.memorise_error([10], [0.5, -0.5]), "strictly positive"),
    (lambda: R.simulate_direct("replace", 3, 10, 12, np.stack([np.eye(3)] * 2), 1.0), "one d x d matrix"),
])
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- the widget --------------------------------------------------------------------------------


def test_widget_compute_and_draw():
    from collapse_lib import regression_widgets as RW
    from collapse_lib.widgets import new_figure

    view = RW.compute_regression()
    assert np.allclose(view.exact["replace"], view.generation)  # in units of one fit: exactly n
    assert np.all(view.exact["accumulate"] < np.pi**2 / 6)
    assert np.all(np.diff(view.best) > 0)  # the large-T best penalty grows with n
    figure = new_figure(RW.FIGSIZE)
    RW.draw_regression(figure, view)
    assert len(figure.axes) == 2
    invalid = RW.compute_regression(size=30, fraction=0.3)  # K = 9 < d + 2: mix undefined, said so
    assert np.all(np.isnan(invalid.exact["mix"])) and "d + 2" in invalid.note
    widget = RW.regression_widget()
    assert widget is not None

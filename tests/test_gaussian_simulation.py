"""The closed forms of the 1D Gaussian chapter against simulation.

Each comparison allows 5 standard errors of the simulation's own estimate, and
is made only where that standard error is itself reliable (see
:func:`se_is_reliable`): a correct formula then fails with a tiny probability
per check. Seeds are fixed by default; COLLAPSE_TEST_SEED_OFFSET re-seeds them.
"""

import numpy as np
import pytest

from seeding import rng

from collapse_lib import gaussian, gaussian_laws, schedules, stats, wasserstein

Z_MAX = 5.0
ESTIMATORS = ("unbiased", "mle")
SCHEDULES = {
    "constant 10": schedules.constant(10, 12),
    "growing": np.array([4, 6, 9, 15, 30, 60]),
}


def assert_close(estimate, exact, label):
    z = stats.z_scores(estimate, exact)
    assert np.all(np.abs(z) < Z_MAX), f"{label}: z-scores {np.round(z, 2)}"


def simulate(simulator, sizes, estimator, chains, seed):
    return simulator(sizes, chains, mu=1.5, sigma2=2.0, estimator=estimator, rng=rng(seed))


def se_is_reliable(sizes, generations, chains, power):
    """Generations at which a sample standard error of a statistic of size sigma_n^(2 power) can be trusted.

    The SE of a mean of X is estimated from the sample second moment of X; for X of the order of
    sigma_n^(2 power) that estimate has relative standard error sqrt(E[sigma_n^(8 power)] /
    (N E[sigma_n^(4 power)]^2)) = sqrt(prod_i E[S_i^(4 power)] / E[S_i^(2 power)]^2 / N), exactly
    (sigma_n^2 = sigma^2 prod_i S_i, independent ratio moments). sigma_n^2 is a product of
    chi-squares, heavy-tailed after many generations, and there the sample SE underestimates the
    spread (issue 8: Var[W2^2] failed at 5 SE for 2 seeds in 100). A check is made only where this
    relative error is at most 10 %: power 1 for means of sigma_n^2, W2^2, (mu_n - mu)^2 and X^n, power 2
    for variances of W2^2 and X^n (their SE uses the fourth moment).
    """
    ratios = gaussian_laws.ratio_moment(4 * power, sizes) / gaussian_laws.ratio_moment(2 * power, sizes) ** 2
    error = np.sqrt(gaussian_laws.prefix_products(ratios) / chains)
    return [g for g in generations if error[g] <= 0.1]


@pytest.mark.statistical
@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("simulator, chains", [(gaussian.simulate_exact, 400_000), (gaussian.simulate_direct, 60_000)])
def test_moments_of_the_fitted_parameters(simulator, chains, schedule, estimator):
    sizes = SCHEDULES[schedule]
    paths = simulate(simulator, sizes, estimator, chains, seed=17)
    generations = [1, len(sizes) // 2, len(sizes)]
    light = se_is_reliable(sizes, generations, chains, 1)     # means of quantities of the order of sigma_n^2
    fourth = se_is_reliable(sizes, generations, chains, 2)    # variances of them
    assert light[0] == fourth[0] == 1
    assert_close(stats.mean(paths.variances[light]),
                 gaussian_laws.expected_fitted_variance(sizes, 2.0, estimator)[light], "E[sigma_n^2]")
    assert_close(stats.mean((paths.means[light] - 1.5) ** 2),
                 gaussian_laws.mean_squared_drift(sizes, 2.0, estimator)[light], "E[(mu_n - mu)^2]")
    # log sigma_n^2 is a sum of independent log chi-squares: light tails at every generation
    assert_close(stats.mean(np.log(paths.variances[generations] / 2.0)),
                 gaussian_laws.log_variance_drift(sizes, estimator)[generations], "E[log sigma_n^2]")
    assert_close(stats.variance(np.log(paths.variances[generations] / 2.0)),
                 gaussian_laws.log_variance_spread(sizes)[generations], "Var[log sigma_n^2]")
    w = wasserstein.w2_squared_normal(1.5, 2.0, paths.means, paths.variances)
    assert_close(stats.mean(w[light]), gaussian_laws.expected_w2sq(sizes, 2.0, estimator)[light], "E[W2^2]")
    assert_close(stats.variance(w[fourth]), gaussian_laws.variance_w2sq(sizes, 2.0, estimator)[fourth], "Var[W2^2]")
    sample = np.stack([gaussian.sample_generation(paths, g, rng=rng(g)) for g in generations])
    index = [generations.index(g) for g in light]
    assert_close(stats.mean(sample[index]), np.full(len(light), 1.5), "E[X^n]")
    index = [generations.index(g) for g in fourth]
    assert_close(stats.variance(sample[index]), gaussian_laws.sample_variance(sizes, 2.0, estimator)[fourth], "Var(X^n)")


@pytest.mark.statistical
def test_the_checks_can_fail_a_wrong_formula():
    """The published variance of W2^2 is rejected at the same tolerance."""
    sizes = schedules.constant(50, 1)
    paths = gaussian.simulate_exact(sizes, 400_000, rng=rng(3))
    w = wasserstein.w2_squared_normal(0.0, 1.0, paths.means[1], paths.variances[1])
    estimate = stats.variance(w)
    assert abs(stats.z_scores(estimate, gaussian_laws.variance_w2sq(sizes)[1])) < Z_MAX
    assert abs(stats.z_scores(estimate, gaussian_laws.published_variance_w2sq(sizes)[1])) > 10 * Z_MAX


@pytest.mark.statistical
def test_two_samples_of_one_generation_are_correlated_by_the_shared_mean():
    sizes = schedules.constant(10, 6)
    paths = gaussian.simulate_exact(sizes, 400_000, rng=rng(21))
    first, second = (gaussian.sample_generation(paths, 6, rng=rng(seed)) for seed in (1, 2))
    product = stats.mean(first * second)  # mu = 0, so this is the covariance
    assert_close(product, gaussian_laws.mean_squared_drift(sizes)[6], "Cov(X^n_1, X^n_2)")


@pytest.mark.statistical
def test_generation_one_law_as_a_whole_distribution():
    from scipy import stats as sps

    for estimator in ESTIMATORS:
        paths = gaussian.simulate_direct(schedules.constant(4, 1), 200_000, mu=0.3, sigma2=1.5,
                                         estimator=estimator, rng=rng(8))
        x = gaussian.sample_generation(paths, 1, rng=rng(9))
        result = sps.kstest(x, lambda v: gaussian_laws.generation_one_cdf(v, 4, 0.3, 1.5, estimator))
        assert result.pvalue > 1e-4, result
        # and the normal law of the same variance is rejected: the check has power
        scale = np.sqrt(gaussian_laws.sample_variance([4], 1.5, estimator)[1])
        assert sps.kstest(x, "norm", args=(0.3, scale)).pvalue < 1e-6


@pytest.mark.statistical
def test_variance_gamma_density_matches_its_definition_by_simulation():
    from scipy import stats as sps
    from scipy.integrate import cumulative_trapezoid

    generator = rng(4)
    shape, alpha = 1.5, 2.0
    draws = np.sqrt(generator.gamma(shape, 2 / alpha**2, 200_000)) * generator.standard_normal(200_000)
    grid = np.linspace(-30, 30, 300001)
    cdf = cumulative_trapezoid(gaussian_laws.variance_gamma_pdf(grid, shape, alpha), grid, initial=0)
    assert sps.kstest(draws, lambda v: np.interp(v, grid, cdf)).pvalue > 1e-4


@pytest.mark.statistical
def test_chi_square_draws():
    assert np.array_equal(gaussian.chi_square(rng(0), 0, 5), np.zeros(5))
    draws = gaussian.chi_square(rng(1), 7, 400_000)
    assert abs(stats.z_scores(stats.mean(draws), 7.0)) < 5
    assert abs(stats.z_scores(stats.variance(draws), 14.0)) < 5
    columns = gaussian.chi_square(rng(2), np.array([3.0, 9.0]), (200_000, 2))
    assert np.all(np.abs(stats.z_scores(stats.mean(columns, axis=0), [3.0, 9.0])) < 5)
    with pytest.raises(ValueError, match="dof"):
        gaussian.chi_square(rng(0), -1, 5)

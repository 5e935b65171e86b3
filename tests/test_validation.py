"""Every public function rejects bad input with a ValueError that names the argument."""

import numpy as np
import pytest

from collapse_lib import gaussian, gaussian_laws, schedules, stats, validation, wasserstein

GOOD = schedules.constant(5, 3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: gaussian.simulate_exact([5, 1], 10), "at least 2"),
        (lambda: gaussian.simulate_exact([5, 2.5], 10), "whole numbers"),
        (lambda: gaussian.simulate_exact(5, 10), "sequence"),
        (lambda: gaussian.simulate_exact([[5, 5]], 10), "one-dimensional"),
        (lambda: gaussian.simulate_exact([5, np.nan], 10), "finite"),
        (lambda: gaussian.simulate_exact(GOOD, 0), "n_chains"),
        (lambda: gaussian.simulate_exact(GOOD, 10, sigma2=0.0), "sigma2"),
        (lambda: gaussian.simulate_exact(GOOD, 10, sigma2=-1.0), "sigma2"),
        (lambda: gaussian.simulate_exact(GOOD, 10, mu=np.inf), "mu"),
        (lambda: gaussian.simulate_exact(GOOD, 10, estimator="biased"), "estimator"),
        (lambda: gaussian.simulate_direct(GOOD, 10, rng=-3), "rng"),
        (lambda: gaussian.simulate_direct(GOOD, 10, rng="seed"), "rng"),
        (lambda: gaussian.simulate_direct(GOOD, 2.5), "n_chains"),
        (lambda: gaussian.sample_generation("paths", 1), "paths"),
        (lambda: gaussian.sample_generation(gaussian.simulate_exact(GOOD, 4), 9), "generation"),
        (lambda: gaussian_laws.expected_w2sq(GOOD, sigma2=np.nan), "sigma2"),
        (lambda: gaussian_laws.expected_w2sq(GOOD, estimator="MLE"), "estimator"),
        (lambda: gaussian_laws.expected_w2sq_series(GOOD, order=3), "order"),
        (lambda: gaussian_laws.variance_w2sq([10, 10**7]), "variance_w2sq_series"),
        (lambda: gaussian_laws.variance_w2sq([10**6 + 1]), "sizes"),
        (lambda: gaussian_laws.ratio_moment(-3, [5]), "infinite"),
        (lambda: gaussian_laws.generation_one_pdf([0.0, np.nan], 5), "x"),
        (lambda: gaussian_laws.generation_one_pdf([0.0], 1), "size"),
        (lambda: gaussian_laws.variance_gamma_pdf([0.0], -1.0, 1.0), "shape"),
        (lambda: gaussian_laws.variance_gamma_pdf([0.5, 1.0, 3.0], 500.0, 1.0), "shape"),
        (lambda: wasserstein.w2_squared_normal(0, -1, 0, 1), "non-negative"),
        (lambda: wasserstein.w2_squared_normal(0, 1, np.nan, 1), "mean_b"),
        (lambda: schedules.constant(1, 5), "size"),
        (lambda: schedules.power(10, 5, -1), "exponent"),
        (lambda: schedules.named("exponential", 10, 5), "kind"),
        (lambda: stats.mean([1.0]), "at least 2"),
        (lambda: stats.variance([1.0, np.inf, 2.0, 3.0]), "finite"),
        (lambda: validation.probability(1.5, "fraction"), "fraction"),
        (lambda: stats.mean(np.ones((3, 4)), axis=2), "axis"),
        (lambda: stats.mean(np.ones((3, 4)), axis=0.5), "axis"),
        (lambda: stats.variance(np.ones((3, 4)), axis=-3), "axis"),
        (lambda: stats.z_scores((1.0, 0.1), 1.0), "estimate"),
        (lambda: stats.z_scores(stats.Estimate(np.array(1.0), np.array(0.0)), 1.0), "estimate.se"),
        (lambda: stats.z_scores(stats.Estimate(np.array(1.0), np.array(-1.0)), 1.0), "estimate.se"),
        (lambda: validation.sample_sizes([1e20]), "sizes"),
        (lambda: validation.sample_sizes([2.0**53 + 2]), "2\\*\\*53"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_good_input_passes_through_normalised():
    assert validation.sample_sizes([3, 4.0]).dtype == np.int64
    assert validation.sample_sizes([]).size == 0
    assert isinstance(validation.generator(5), np.random.Generator)
    assert validation.variance_denominator(np.array([10]), "mle")[0] == 10
    assert validation.variance_denominator(np.array([10]), "unbiased")[0] == 9

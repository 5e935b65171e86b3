"""The exact simulator has the law of the direct one.

Two-sample Kolmogorov-Smirnov tests on the fitted mean and variance at
several generations, sample sizes and both estimators. With K tests at level
0.001 / K each (Bonferroni), the chance that this file fails while the two
simulators agree is below 0.1 %; the seeds are fixed by default (tests/seeding.py re-seeds them).
A last test shows that the same procedure does detect a wrong law.
"""

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from seeding import rng

from collapse_lib import gaussian, schedules

SIZES = (3, 10, 100)
ESTIMATORS = ("unbiased", "mle")
GENERATIONS = (1, 5, 20)
CASES = list(itertools.product(SIZES, ESTIMATORS))
FAMILY_LEVEL = 1e-3
LEVEL = FAMILY_LEVEL / (len(CASES) * len(GENERATIONS) * 2)
CHAINS = 20_000


@pytest.mark.statistical
@pytest.mark.parametrize("size, estimator", CASES)
def test_exact_and_direct_simulators_agree_in_distribution(size, estimator):
    sizes = schedules.constant(size, max(GENERATIONS))
    seed = 1000 * size + ESTIMATORS.index(estimator)
    direct = gaussian.simulate_direct(sizes, CHAINS, estimator=estimator, rng=rng(seed))
    exact = gaussian.simulate_exact(sizes, CHAINS, estimator=estimator, rng=rng(seed + 1))
    for generation in GENERATIONS:
        for name in ("means", "variances"):
            result = sps.ks_2samp(getattr(direct, name)[generation], getattr(exact, name)[generation])
            assert result.pvalue > LEVEL, (size, estimator, generation, name, result)


@pytest.mark.statistical
def test_the_procedure_detects_a_wrong_estimator():
    sizes = schedules.constant(10, 5)
    direct = gaussian.simulate_direct(sizes, CHAINS, estimator="unbiased", rng=rng(1))
    wrong = gaussian.simulate_exact(sizes, CHAINS, estimator="mle", rng=rng(2))
    assert sps.ks_2samp(direct.variances[5], wrong.variances[5]).pvalue < LEVEL


def test_direct_simulator_blocks_large_samples_without_changing_results():
    sizes = schedules.constant(5000, 2)
    whole = gaussian.simulate_direct(sizes, 50, rng=np.random.default_rng(3))
    assert whole.means.shape == (3, 50) and np.all(whole.variances > 0)
    assert np.allclose(whole.means[0], 0.0) and np.allclose(whole.variances[0], 1.0)

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


@pytest.mark.statistical
def test_direct_simulator_fits_every_chain_block_with_the_right_estimator(monkeypatch):
    """With blocks of 7 chains (a 35-value budget at M = 5), 100 chains span 15 blocks.

    The same seed feeds both estimators the same points, so in EVERY chain, whatever its block,
    sigma_1^2(mle) = sigma_1^2(unbiased) (M - 1) / M exactly; and E[sigma_1^2] = sigma^2 (unbiased)
    holds over the chains after the first block (5 SE). A wrong ddof in a later block fails both.
    """
    monkeypatch.setattr(gaussian, "_BLOCK_VALUES", 35)
    blocks = list(gaussian.chain_blocks(100, 5))
    assert len(blocks) == 15 and blocks[1] == slice(7, 14)
    sizes = schedules.constant(5, 3)
    unbiased = gaussian.simulate_direct(sizes, 100, sigma2=2.0, estimator="unbiased", rng=rng(31))
    mle = gaussian.simulate_direct(sizes, 100, sigma2=2.0, estimator="mle", rng=rng(31))
    np.testing.assert_allclose(mle.variances[1], unbiased.variances[1] * 4 / 5, rtol=1e-12)
    np.testing.assert_allclose(mle.means[1], unbiased.means[1], rtol=1e-12)
    many = gaussian.simulate_direct(schedules.constant(5, 1), 4000, sigma2=2.0, rng=rng(32))
    later = many.variances[1, 7:]
    # sigma_1^2 = 2 chi^2_4 / 4: mean 2, variance 2 * 2^2 / 4 = 2, exactly
    z = (later.mean() - 2.0) / np.sqrt(2.0 / later.size)
    assert abs(z) < 5, z

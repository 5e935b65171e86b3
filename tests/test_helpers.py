"""Real tests of the small public helpers that no other test named (issue 8, item 4).

Each test checks what the helper's docstring states: a value, a normalisation, a
refusal. Found with ``python3 tools/untested_functions.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from sympy import stats as sps

from collapse_lib import (discrete, discrete_symbolic as ds, gaussian, gaussian_laws, gaussian_symbolic as gs,
                          multivariate as mv, multivariate_symbolic as ms, multivariate_widgets as mw, strategies,
                          strategies_symbolic as ss, strategies_widgets as sw, validation)

# --- validation --------------------------------------------------------------------------


def test_real_number_checks_normalise_and_refuse():
    assert validation.finite_real(np.float32(2.5), "x") == 2.5 and isinstance(validation.finite_real(3, "x"), float)
    assert validation.positive_real(1e-300, "x") == 1e-300
    assert validation.bounded_real(1e150, "x", 1e150) == 1e150
    assert validation.variance_scale(2.0) == 2.0
    assert validation.open_probability(0.25, "alpha") == 0.25
    for call, message in [(lambda: validation.finite_real(True, "flag"), "flag must be a real number"),
                          (lambda: validation.finite_real(float("inf"), "x"), "x must be finite"),
                          (lambda: validation.positive_real(0.0, "scale"), "scale must be strictly positive"),
                          (lambda: validation.bounded_real(11.0, "s", 10.0), "s must be at most 10"),
                          (lambda: validation.variance_scale(1e151), "sigma2 must be at most 1e\\+150"),
                          (lambda: validation.open_probability(1.0, "alpha"), "alpha must lie strictly between")]:
        with pytest.raises(ValueError, match=message):
            call()


def test_array_checks_normalise_and_refuse():
    array = validation.finite_array([[1, 2], [3, 4]], "m")
    assert array.dtype == float and array.shape == (2, 2)
    np.testing.assert_array_equal(validation.positive_array((0.5, 2), "w"), [0.5, 2.0])
    for values, message in [("12", "must hold real numbers"), ([True, False], "must hold real numbers"),
                            ([1.0, np.nan], "finite numbers only"), ([[1.0], [1.0, 2.0]], "must be numeric")]:
        with pytest.raises(ValueError, match=f"v (must hold )?{message}"):
            validation.finite_array(values, "v")
    with pytest.raises(ValueError, match="strictly positive"):
        validation.positive_array([1.0, 0.0], "w")


def test_memory_and_generation_bounds_are_checked_before_allocation():
    assert validation.chains(10, rows=3, values_per_chain=4) == 10
    with pytest.raises(ValueError, match="n_chains = 1000000000 would need 3000000000 values"):
        validation.chains(10**9, rows=3)
    assert validation.generations(validation.MAX_GENERATIONS) == validation.MAX_GENERATIONS
    with pytest.raises(ValueError, match="generations must be at most"):
        validation.generations(validation.MAX_GENERATIONS + 1)


def test_symbolic_checks_make_plain_numbers_exact():
    assert validation.symbolic_real(0.5, "p") == sp.Rational(1, 2)
    assert validation.symbolic_real(0.1, "p") == sp.Rational(1, 10)
    assert validation.symbolic_integer(7, "size") == sp.Integer(7) and isinstance(validation.symbolic_integer(7, "size"),
                                                                                  sp.Integer)
    assert validation.symbolic_integer(gs.M, "size") is gs.M
    assert validation.symbolic_sizes([3, gs.M, np.int64(4)]) == [3, gs.M, 4]
    for call, message in [(lambda: validation.symbolic_integer(5.0, "size"), "size must be a whole number"),
                          (lambda: validation.symbolic_integer(1, "size", minimum=2), "size must be at least 2"),
                          (lambda: validation.symbolic_real("x", "p"), "p must be a number or a sympy expression"),
                          (lambda: validation.symbolic_real(sp.nan, "p"), "p must be finite"),
                          (lambda: validation.symbolic_real(2, "q", maximum=1), "q must be at most 1"),
                          (lambda: validation.symbolic_sizes(5), "sizes must be a sequence"),
                          (lambda: validation.symbolic_sizes([5, 10**6]), "at most 10000")]:
        with pytest.raises(ValueError, match=message):
            call()


# --- gaussian ------------------------------------------------------------------------------


def test_start_paths_hold_the_data_law_in_row_zero():
    paths = gaussian.start_paths(4, 3, -1.0, 2.5)
    assert paths.means.shape == paths.variances.shape == (5, 3)
    np.testing.assert_array_equal(paths.means[0], -1.0)
    np.testing.assert_array_equal(paths.variances[0], 2.5)


def test_chain_blocks_cover_every_chain_once():
    blocks = list(gaussian.chain_blocks(10_000, 1000))
    assert blocks[0] == slice(0, gaussian._BLOCK_VALUES // 1000)
    covered = np.concatenate([np.arange(b.start, b.stop) for b in blocks])
    np.testing.assert_array_equal(covered, np.arange(10_000))


def test_prefix_products_and_cumulative_sums():
    np.testing.assert_array_equal(gaussian_laws.prefix_products([2.0, 3.0, 0.5]), [1.0, 2.0, 6.0, 3.0])
    np.testing.assert_array_equal(gaussian_laws.cumulative_sums([2.0, 3.0, 0.5]), [0.0, 2.0, 5.0, 5.5])
    assert gaussian_laws.prefix_products([]).tolist() == [1.0]


def test_symbolic_denominator():
    assert gs.denominator(gs.M, "unbiased") == gs.M - 1 and gs.denominator(gs.M, "mle") == gs.M
    assert gs.denominator(1 / gs.epsilon, "unbiased") == 1 / gs.epsilon - 1
    assert gs.denominator(5, "unbiased") == 4 and isinstance(gs.denominator(5, "mle"), sp.Integer)
    with pytest.raises(ValueError, match="size"):
        gs.denominator(1, "unbiased")


# --- discrete ------------------------------------------------------------------------------


def test_categorical_normalises_and_refuses():
    np.testing.assert_allclose(discrete.categorical([0.25, 0.75]), [0.25, 0.75])
    with pytest.raises(ValueError, match="weights must sum to 1"):
        discrete.categorical([0.2, 0.2], "weights")


def test_branching_extinction_recursion_and_2_over_m_law():
    values = discrete.branching_extinction(100_000)
    assert values[0] == 0.0 and values[1] == pytest.approx(np.exp(-1.0), rel=1e-15)
    np.testing.assert_allclose(values[1:], np.exp(values[:-1] - 1.0), rtol=1e-15)
    for m in (1000, 100_000):    # 1 - f_m = 2/m + O(log m / m^2) for a critical Poisson(1) tree
        assert abs(m * (1 - values[m]) - 2.0) < 2 * np.log(m) / m


def test_binomial_mgf_gives_the_binomial_moments():
    mgf = ds.binomial_mgf()
    assert mgf.subs(ds.t, 0) == 1
    mean = sp.diff(mgf, ds.t).subs(ds.t, 0)
    second = sp.diff(mgf, ds.t, 2).subs(ds.t, 0)
    assert sp.simplify(mean - ds.M * ds.q) == 0
    assert sp.simplify(second - mean**2 - ds.M * ds.q * (1 - ds.q)) == 0
    assert ds.binomial_mgf(3, sp.Rational(1, 2)).subs(ds.t, sp.log(3)) == 8


# --- multivariate --------------------------------------------------------------------------


def test_covariance_mean_and_size_checks():
    np.testing.assert_allclose(mv.covariance_matrix([[2.0, 0.5], [0.5, 1.0]]), [[2.0, 0.5], [0.5, 1.0]])
    np.testing.assert_allclose(mv.covariance_matrix([[1.0, 1.0], [1.0, 1.0]], strict=False), 1.0)
    with pytest.raises(ValueError, match="positive definite"):
        mv.covariance_matrix([[1.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(mv.mean_vector(None, 3), np.zeros(3))
    with pytest.raises(ValueError, match="length d = 3"):
        mv.mean_vector([1.0, 2.0], 3)
    assert mv.full_rank_sizes([4, 9], 3).tolist() == [4, 9]
    with pytest.raises(ValueError, match="at least d \\+ 1 = 4"):
        mv.full_rank_sizes([3], 3)


def test_scalar_statistics_of_paths():
    paths = mv.simulate_exact([6, 6], 5, np.diag([2.0, 0.5]), mean=[1.0, -1.0], rng=0)
    summary = mv.scalar_statistics(paths)
    assert set(summary) == {"log det", "trace", "mean[0]"}
    np.testing.assert_allclose(summary["trace"][0], 2.5)
    np.testing.assert_allclose(summary["log det"], np.log(np.linalg.det(paths.covariances)), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(summary["mean[0]"], paths.means[..., 0])


def test_bartlett_symbols_and_expectations():
    A = ms.bartlett_symbols(3)
    assert A.shape == (3, 3) and A[0, 1] == 0 and A[2, 0] == sp.Symbol("a_31")
    assert ms.bartlett_expectation(A[0, 0] ** 2, 3) == ms.nu                       # chi^2_nu
    assert ms.bartlett_expectation(A[2, 2] ** 2, 3) == ms.nu - 2                   # chi^2_(nu - 2)
    assert sp.expand(ms.bartlett_expectation(A[0, 0] ** 4, 3) - ms.nu * (ms.nu + 2)) == 0
    assert ms.bartlett_expectation(A[1, 0] ** 4 * A[2, 1] ** 2, 3) == 3            # E[Z^4] E[Z^2]


def test_log_det_drift_coefficients_at_one_dimension():
    # d = 1 is the 1D drift psi((M-1)/2) + log(2/(M-1)) = -1/M - ... (unbiased): a_1 = -d(d+1)/2 = -1
    coefficients = ms.log_det_drift_coefficients("unbiased", 1)
    assert coefficients[1] == -1
    assert ms.log_det_drift_coefficients("unbiased", 4)[1] == -10


# --- strategies -----------------------------------------------------------------------------


def test_accumulate_increment_from_sympy_stats():
    """E[Q], E[Q^2] of Q = C + c Z^2, C ~ chi^2_(M-1), Z ~ N(0, 1), derived independently by sympy.stats."""
    size, blocks = 7, 3
    c = sp.Rational(blocks, blocks + 1)
    Q = sps.ChiSquared("C", size - 1) + c * sps.Normal("Z", 0, 1) ** 2
    first, second = ss.accumulate_increment(blocks, size)
    assert sp.simplify(sps.E(Q) - first) == 0
    assert sp.simplify(sps.E(Q**2) - second) == 0


def test_pooled_denominator_and_fourth_ratio():
    assert ss.pooled_denominator(3, 5, "unbiased") == 14 and ss.pooled_denominator(3, 5, "mle") == 15
    fourth = strategies.accumulate_variance_fourth_moment(5, 6, 1.0, "unbiased")
    for n in (1, 2, 4):
        assert fourth[n + 1] / fourth[n] == pytest.approx(float(ss.accumulate_fourth_ratio(n, 5, "unbiased")), rel=1e-12)


@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
def test_mix_transition_numeric_matches_symbolic(estimator):
    size, fraction = 12, 0.25
    matrix, constant = strategies.mix_transition(size, fraction, estimator)
    phi = sp.Rational(strategies.real_count(size, fraction), size)
    symbolic_matrix, symbolic_constant = ss.mix_transition(phi, size, estimator)
    np.testing.assert_allclose(matrix, np.array(symbolic_matrix, dtype=float), rtol=1e-14)
    np.testing.assert_allclose(constant, np.array(symbolic_constant, dtype=float).ravel(), rtol=1e-14)
    # phi = 0: x' = x + v / M and v' = (M - 1) v / d: the replace recursion
    replace_matrix, replace_constant = ss.mix_transition(0, gs.M, estimator)
    assert replace_constant == sp.zeros(2, 1)
    assert replace_matrix[0, 1] == 1 / gs.M


# --- widgets' compute and draw (the *_widget wiring is the lead's) ------------------------


def test_strategies_widget_computes_the_closed_forms_and_draws():
    view = sw.compute_strategies(size=10, fraction=0.2, generations=20, n_chains=50)
    figure = plt.figure(figsize=sw.FIGSIZE)
    sw.draw_strategies(figure, view)
    assert len(figure.axes) >= 2 and all(axis.has_data() for axis in figure.axes)
    plt.close(figure)
    with pytest.raises(ValueError, match="n_chains"):
        sw.compute_strategies(n_chains=1)


def test_spectrum_widget_draws_its_view():
    view = mw.compute_spectrum(dim=3, size=10, generations=20, n_chains=30)
    figure = plt.figure()
    mw.draw_spectrum(figure, view)
    assert len(figure.axes) >= 1 and all(axis.has_data() for axis in figure.axes)
    plt.close(figure)

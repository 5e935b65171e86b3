"""Tests of the Wright-Fisher chain: closed forms vs sympy and vs simulation (5 SE), bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from seeding import rng

from collapse_lib import discrete, discrete_symbolic as ds, discrete_widgets, schedules, stats

TOLERANCE = 5.0
"""Simulation and theory must agree within this many standard errors."""


def assert_close(samples, exact, axis=-1):
    estimate = stats.mean(samples, axis=axis)
    z = stats.z_scores(estimate, exact)
    assert np.all(np.abs(z) < TOLERANCE), f"z-scores {z}"


def assert_proportion(hits, exact):
    """A proportion's standard error from the exact p: sqrt(p (1 - p) / N)."""
    hits = np.asarray(hits, dtype=float)
    exact = np.asarray(exact, dtype=float)
    se = np.sqrt(exact * (1 - exact) / hits.shape[-1])
    z = (hits.mean(axis=-1) - exact) / np.where(se > 0, se, 1.0)
    assert np.all(np.abs(z) < TOLERANCE), f"z-scores {z}"


# ------------------------------------------------------------ sympy vs numeric


def test_next_mass_moments_and_heterozygosity_factor():
    first, second = ds.next_mass_moments()
    assert sp.simplify(first - ds.q) == 0
    assert sp.simplify(second - ds.q**2 - ds.q * (1 - ds.q) / ds.M) == 0
    assert sp.simplify(ds.heterozygosity_factor() - (1 - 1 / ds.M)) == 0


@pytest.mark.parametrize("sizes", [[3, 7, 2, 50], [10] * 6])
def test_expected_heterozygosity_symbolic_vs_numeric(sizes):
    p = np.array([0.1, 0.2, 0.3, 0.4])
    start = 1 - float(p @ p)
    numeric = discrete.expected_heterozygosity(p, sizes)
    symbolic = [float(ds.expected_heterozygosity(start, sizes[:k])) for k in range(len(sizes) + 1)]
    np.testing.assert_allclose(numeric, symbolic, rtol=1e-12)


@pytest.mark.parametrize("size", [1, 2, 5, 9])
def test_transition_matrix_symbolic_vs_numeric(size):
    exact = np.array(ds.transition_matrix(size).evalf(), dtype=float)
    np.testing.assert_allclose(discrete.transition_matrix(size), exact, atol=1e-13)
    np.testing.assert_allclose(discrete.transition_matrix(size).sum(axis=1), 1.0)


@pytest.mark.parametrize("size", [2, 3, 6])
def test_fixation_probabilities_are_i_over_m(size):
    assert ds.fixation_probabilities(size) == sp.Matrix([sp.Rational(i, size) for i in range(size + 1)])


@pytest.mark.parametrize("size", [3, 4, 6])
def test_eigenvalues_match_feller_formula(size):
    assert ds.eigenvalues(size) == ds.eigenvalue_formula(size)
    assert ds.eigenvalue_formula(size)[2] == 1 - sp.Rational(1, size)


@pytest.mark.parametrize("size", [2, 3, 5, 8])
def test_absorption_time_symbolic_vs_numeric(size):
    polynomial = ds.absorption_time(size)
    for mass in (0.05, 0.3, 0.5, 0.9):
        exact = float(polynomial.subs(ds.q, mass))
        assert discrete.absorption_time([mass, 1 - mass], size) == pytest.approx(exact, rel=1e-10)
    assert ds.absorption_times(2) == sp.Matrix([0, 2, 0])


@pytest.mark.parametrize(("size", "generations"), [(2, 1), (3, 2), (5, 4), (7, 6)])
def test_survival_polynomial_vs_numeric(size, generations):
    polynomial = ds.survival_polynomial(size, generations)
    masses = np.array([0.01, 0.2, 0.5, 0.77])
    exact = [float(polynomial.subs(ds.q, mass)) for mass in masses]
    np.testing.assert_allclose(discrete.survival_probability(masses, size, generations)[generations], exact, rtol=1e-10)
    one = [float(ds.survival_one_generation(size, mass)) for mass in masses]
    np.testing.assert_allclose(discrete.survival_one_generation(masses, size), one, rtol=1e-12)


def test_expected_survivors_one_generation_symbolic_vs_numeric():
    p = discrete.zipf(30, 1.2)
    symbolic = ds.expected_survivors_one_generation([sp.Float(v, 30) for v in p], 17)
    assert discrete.expected_survivors_one_generation(p, 17) == pytest.approx(float(symbolic), rel=1e-12)
    assert discrete.expected_survivors(p, 17, 1)[1] == pytest.approx(float(symbolic), rel=1e-10)


def test_expected_lost_mass_one_generation_symbolic_vs_numeric():
    """sum_k p_k (1 - p_k)^M: each category is lost with probability (1 - p_k)^M = 1 - P(X > 0)."""
    p = np.array([0.5, 0.25, 0.125, 0.125])
    exact = sum(sp.Rational(1, 2 ** k) * (1 - ds.survival_one_generation(5, sp.Rational(1, 2 ** k)))
                for k in (1, 2, 3, 3))
    assert exact == sp.Rational(1, 2) / 32 + sp.Rational(1, 4) * sp.Rational(3, 4) ** 5 + sp.Rational(1, 4) * sp.Rational(7, 8) ** 5
    assert discrete.expected_lost_mass_one_generation(p, 5) == pytest.approx(float(exact), rel=1e-14)
    assert discrete.expected_lost_mass(p, 5, 1)[1] == pytest.approx(float(exact), rel=1e-12)
    # the lost and the kept mass add up to one: sum_k p_k [(1 - p_k)^M + 1 - (1 - p_k)^M] = 1
    kept = float(p @ discrete.survival_one_generation(p, 5))
    assert discrete.expected_lost_mass_one_generation(p, 5) + kept == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("size", [1000, 5000, 20000])
def test_the_zipf_numbers_the_chapter_prints(size):
    """chapters/discrete.md prints E[survivors] and E[lost mass] for Zipf(V = 5000, s = 1.1) at these M:
    recomputed here in 40-digit arithmetic (mpmath) from the formulas sum_k 1 - (1 - p_k)^M and
    sum_k p_k (1 - p_k)^M, independently of the numpy code (log1p / expm1)."""
    import mpmath

    mpmath.mp.dps = 40
    weights = [mpmath.mpf(k) ** mpmath.mpf("-1.1") for k in range(1, 5001)]
    total = mpmath.fsum(weights)
    p = [w / total for w in weights]
    survivors = mpmath.fsum(1 - (1 - pk) ** size for pk in p)
    lost = mpmath.fsum(pk * (1 - pk) ** size for pk in p)
    p_zipf = discrete.zipf(5000, 1.1)
    assert discrete.expected_survivors_one_generation(p_zipf, size) == pytest.approx(float(survivors), rel=1e-12)
    assert discrete.expected_lost_mass_one_generation(p_zipf, size) == pytest.approx(float(lost), rel=1e-10)
    assert 0 < float(lost) < 1 and float(survivors) < 5000


@pytest.mark.statistical
def test_lost_mass_one_generation_by_simulation():
    p = discrete.zipf(50, 1.0)
    summaries = discrete.simulate_summaries(p, [40], 20000, rng=rng(16))
    assert_close(summaries.lost_mass[1], discrete.expected_lost_mass_one_generation(p, 40))


def test_diffusion_time_solves_the_backward_equation():
    assert sp.simplify(ds.diffusion_time_two() - ds.diffusion_time([ds.x, 1 - ds.x])) == 0
    for count in (2, 3, 4):
        frequencies = ds.simplex(count)
        assert ds.diffusion_generator(ds.diffusion_time(frequencies), frequencies) == -1
        assert sp.simplify(ds.diffusion_generator(ds.entropy_time(frequencies), frequencies) + count - 1) == 0
    p = [0.2, 0.3, 0.5]
    expression = ds.diffusion_time(ds.simplex(3), 40).subs(dict(zip(ds.simplex(3), p)))
    assert discrete.absorption_time_diffusion(p, 40) == pytest.approx(float(expression), rel=1e-12)
    expression = ds.entropy_time(ds.simplex(3), 40).subs(dict(zip(ds.simplex(3), p)))
    assert discrete.category_generations_diffusion(p, 40) == pytest.approx(float(expression), rel=1e-12)


def test_diffusion_error_grows_only_logarithmically():
    """exact E[T] - diffusion: the absolute error grows by the same amount at every doubling of M (a log M
    law, about -0.23 per doubling for p = (0.3, 0.7)), so the relative error falls by a factor
    (1/2)(1 + O(1 / log M)) per doubling: the diffusion approximation is first-order exact, not within 5 %."""
    sizes = (100, 200, 400)
    errors = [discrete.absorption_time([0.3, 0.7], size) - discrete.absorption_time_diffusion([0.3, 0.7], size)
              for size in sizes]
    steps = np.diff(errors)
    assert np.all(steps < 0) and steps[1] == pytest.approx(steps[0], abs=0.01), errors
    relative = [abs(e) / discrete.absorption_time([0.3, 0.7], size) for e, size in zip(errors, sizes)]
    assert 0.5 < relative[1] / relative[0] < 0.6 and 0.5 < relative[2] / relative[1] < 0.6, relative


def test_survival_bounds_contain_exact():
    masses = np.array([0.001, 0.01, 0.1, 0.6])
    exact = discrete.survival_probability(masses, 200, 1500)[1:]
    lower, upper = discrete.survival_bounds(masses, 200, 1500)
    assert np.all(lower <= exact + 1e-12) and np.all(exact <= upper + 1e-12)
    np.testing.assert_allclose(lower[0], exact[0])
    np.testing.assert_allclose(upper[0], exact[0])


def test_lower_survival_bound_is_the_closer_one_in_the_chapter_figure():
    # discrete.md, fig-discrete-survival (M = 200, n <= 1000): the lower bound is the closer
    # bound at every n >= 2, except for q = 1/4 at n <= 12, where both are within 3e-4 of S_n
    masses = np.array([1 / 400, 1 / 200, 1 / 40, 1 / 4])
    exact = discrete.survival_probability(masses, 200, 1000)[1:]
    lower, upper = discrete.survival_bounds(masses, 200, 1000)
    lower_gap, upper_gap = exact - lower, upper - exact
    closer = lower_gap <= upper_gap
    assert np.all(closer[1:, :3])
    assert np.all(closer[12:, 3]) and not np.all(closer[1:12, 3])
    assert max(lower_gap[1:12, 3].max(), upper_gap[1:12, 3].max()) < 3e-4
    # the numbers the text quotes at q = 1/4, n = 1000
    assert exact[-1, 3] == pytest.approx(0.2537, abs=5e-5)
    assert lower[-1, 3] == pytest.approx(0.25, abs=5e-5)
    assert upper[-1, 3] == pytest.approx(0.5008, abs=5e-5)


def test_diffusion_overshoot_in_the_chapter_table():
    # discrete.md: the diffusion time exceeds the exact E[T] by 0.75 to 2.03 generations
    overshoots = [discrete.absorption_time_diffusion(p, size) - discrete.absorption_time(p, size)
                  for p in ([0.5, 0.5], [0.1, 0.9]) for size in (10, 30, 100)]
    overshoots += [discrete.absorption_time_diffusion([0.2, 0.3, 0.5], size)
                   - discrete.absorption_time([0.2, 0.3, 0.5], size) for size in (10, 30)]
    assert min(overshoots) == pytest.approx(0.75, abs=5e-3)
    assert max(overshoots) == pytest.approx(2.03, abs=5e-3)


# ------------------------------------------------------------ simulation vs closed forms


@pytest.mark.statistical
def test_fixation_probability_by_simulation():
    p = np.array([0.2, 0.3, 0.5])
    summaries = discrete.simulate_summaries(p, schedules.constant(20, 500), 4000, rng=rng(11))
    assert np.all(summaries.largest[-1] == 1.0)
    winners = summaries.final.argmax(axis=1)
    assert_proportion(winners[None, :] == np.arange(3)[:, None], discrete.fixation_probability(p))


@pytest.mark.statistical
def test_heterozygosity_by_simulation():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    sizes = [5, 12, 3, 30, 8, 8, 8]
    summaries = discrete.simulate_summaries(p, sizes, 20000, rng=rng(12))
    assert_close(summaries.heterozygosity[1:], discrete.expected_heterozygosity(p, sizes)[1:])


@pytest.mark.statistical
@pytest.mark.parametrize(("p", "size"), [([0.3, 0.7], 25), ([0.2, 0.3, 0.5], 15), ([0.5, 0.5], 2)])
def test_absorption_time_by_simulation(p, size):
    times = discrete.absorption_times(p, size, 20000, rng=rng(13))
    assert_close(times, discrete.absorption_time(p, size))


@pytest.mark.statistical
def test_survival_probability_by_simulation():
    size, generations, masses = 60, 80, np.array([0.01, 0.05, 0.3])
    p = np.concatenate((masses, [1 - masses.sum()]))
    paths = discrete.simulate(p, schedules.constant(size, generations), 20000, rng=rng(14))
    alive = paths[:, :, :3] > 0
    exact = discrete.survival_probability(masses, size, generations)
    for n in (1, 2, 5, 20, 80):
        assert_proportion(alive[n].T, exact[n])


@pytest.mark.statistical
def test_zipf_survivors_and_lost_mass_by_simulation():
    p = discrete.zipf(1000, 1.1)
    summaries = discrete.simulate_summaries(p, schedules.constant(300, 12), 400, rng=rng(15))
    assert_close(summaries.survivors[1:], discrete.expected_survivors(p, 300, 12)[1:])
    assert_close(summaries.lost_mass[1:], discrete.expected_lost_mass(p, 300, 12)[1:])
    assert_close(summaries.tail_mass[1:], np.full(12, p[p < 1 / 300].sum()))


def test_simulate_and_summaries_follow_the_same_stream():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    paths = discrete.simulate(p, [4, 9, 6], 50, rng=3)
    summaries = discrete.simulate_summaries(p, [4, 9, 6], 50, rng=3)
    np.testing.assert_array_equal(paths[-1], summaries.final)
    np.testing.assert_allclose(summaries.heterozygosity, 1 - (paths**2).sum(axis=2))
    np.testing.assert_array_equal(summaries.survivors, (paths > 0).sum(axis=2))
    np.testing.assert_allclose(paths.sum(axis=2), 1.0)


def test_generations_match_plain_multinomial_draws():
    """Drawing only over the live categories uses the same random numbers as numpy over all of them."""
    p, sizes = discrete.zipf(300, 1.1), [50, 40, 60, 50]
    rng = np.random.default_rng(21)
    counts = rng.multinomial(sizes[0], p, size=5)
    expected = [counts]
    for i in range(1, len(sizes)):
        counts = rng.multinomial(sizes[i], counts / sizes[i - 1])
        expected.append(counts)
    for mine, plain in zip(discrete._generations(p, np.array(sizes), 5, 21), expected):
        np.testing.assert_array_equal(mine, plain)


def test_lost_categories_never_come_back():
    paths = discrete.simulate(discrete.zipf(40, 1.0), schedules.constant(30, 60), 200, rng=4)
    lost = paths == 0
    assert np.all(lost[1:] >= lost[:-1])


def test_widget_compute_and_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = discrete_widgets.compute_zipf_collapse(vocabulary=1000, size=200, generations=5, n_chains=3)
    assert data.survivors.shape == (6, 3) and data.survivors_lower.shape == (6,)
    exact = discrete.expected_survivors(data.probabilities, 200, 5)
    assert np.all(data.survivors_lower <= exact + 1e-9)
    assert data.survivors_lower[1] == pytest.approx(exact[1]) == pytest.approx(data.survivors_one)
    assert data.tail_expected == pytest.approx(data.probabilities[data.probabilities < 1 / 200].sum())
    figure = plt.figure(figsize=discrete_widgets.FIGSIZE)
    discrete_widgets.draw_zipf_collapse(figure, data)
    assert len(figure.axes) == 3
    plt.close(figure)


# ------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    ("function", "args"),
    [
        (discrete.simulate, ([0.5, 0.6], [3], 2)),
        (discrete.simulate, ([1.0], [3], 2)),
        (discrete.simulate, ([-0.5, 1.5], [3], 2)),
        (discrete.simulate, ([0.5, np.nan], [3], 2)),
        (discrete.simulate, ([0.5, 0.5], [0], 2)),
        (discrete.simulate, ([0.5, 0.5], 3, 2)),
        (discrete.simulate, ([0.5, 0.5], [3], 0)),
        (discrete.simulate, (np.ones(10**5) / 10**5, [10] * 400, 10)),
        (discrete.simulate_summaries, ([0.5, 0.5], [3], 2, 0, [True])),
        (discrete.simulate_summaries, ([0.5, 0.5], [3], 2, -1)),
        (discrete.absorption_times, ([0.5, 0.5], 100, 5, 0, 3)),
        (discrete.absorption_time, (np.ones(6) / 6, 40)),
        (discrete.absorption_time, ([0.5, 0.5], 0)),
        (discrete.survival_probability, (1.5, 10, 3)),
        (discrete.survival_probability, (0.5, 10, -1)),
        (discrete.survival_bounds, (0.5, 10, 0)),
        (discrete.zipf, (1, 1.0)),
        (discrete.zipf, (10, -1.0)),
        (discrete.expected_heterozygosity, ([0.5, 0.5], [0])),
        (ds.transition_matrix, (0,)),
        (ds.survival_polynomial, (3, 0)),
    ],
)
def test_bad_inputs_raise_value_error(function, args):
    with pytest.raises(ValueError):
        function(*args)

"""Tests of collapse_lib.language_model and language_model_symbolic (chapter *A statistical language model*).

Every closed form is checked against its sympy twin and against simulation; a
simulation check passes when |estimate - exact| < 5 standard errors of the
simulation itself. The statistics are bounded (collision probabilities,
indicators, distances) or have geometric tails (collapse times), so their
sample standard errors are reliable at the sizes used here. Statistical tests
draw randomness through ``seeding.rng`` and pass for any seed offset.
"""

import random

import numpy as np
import pytest
import sympy as sp
from scipy import special

from collapse_lib import discrete, stats
from collapse_lib import language_model as lm
from collapse_lib import language_model_symbolic as lms
from collapse_lib import language_model_widgets as lmw
from seeding import rng

TOLERANCE = 5.0
P3 = np.array([0.5, 0.3, 0.2])
P6 = np.array([0.35, 0.25, 0.2, 0.1, 0.06, 0.04])


def assert_within(samples, exact, axis=-1):
    """|mean - exact| < 5 standard errors; where every sample is equal (se = 0) the mean must equal exact."""
    estimate = stats.mean(samples, axis=axis)
    value, se = np.broadcast_arrays(estimate.value, estimate.se)
    exact = np.broadcast_to(exact, value.shape)
    spread = se > 0
    z = stats.z_scores(stats.Estimate(value[spread], se[spread]), exact[spread])
    assert np.all(np.abs(z) < TOLERANCE), z
    np.testing.assert_allclose(value[~spread], exact[~spread], rtol=0, atol=1e-12)


# ------------------------------------------------------------ the classifier


@pytest.mark.parametrize("counts", [[3, 5, 2], [4, 1, 1, 2], [1, 1], [7, 2, 9, 1, 1]])
def test_softmax_minimiser_is_the_frequency_vector(counts):
    minimiser = lms.softmax_minimiser(counts)
    assert minimiser == [sp.Rational(k, sum(counts)) for k in counts]


def test_softmax_minimiser_is_a_stationary_point_and_the_loss_is_convex():
    counts = [3, 5, 2]
    loss, w = lms.cross_entropy(counts)
    point = {wk: sp.log(sp.Rational(k, 10)) for wk, k in zip(w, counts)}
    assert all(sp.simplify(sp.diff(loss, wk).subs(point)) == 0 for wk in w)
    hessian, w = lms.softmax_hessian(counts)
    values = {w[0]: 0.3, w[1]: -1.2, w[2]: 0.7}
    eigenvalues = np.linalg.eigvalsh(np.array(hessian.subs(values).evalf(), dtype=float))
    assert eigenvalues.min() > -1e-12


def test_gradient_descent_converges_to_the_counts():
    generator = np.random.default_rng(5)
    contexts = generator.integers(0, 3, size=300)          # context 4 (index 3) never seen
    tokens = generator.integers(0, 4, size=300)
    counts = lm.fit_counts(contexts, tokens, 4, 4)
    assert np.all(counts[:3] > 0)
    fit = lm.fit_softmax(contexts, tokens, 4, 4, steps=3000, learning_rate=2.0)
    target = lm.frequencies(counts)
    np.testing.assert_allclose(lm.softmax(fit.weights), target, atol=1e-8)
    np.testing.assert_allclose(lm.softmax(fit.weights)[3], 0.25)   # unseen: stays uniform
    best = -special.xlogy(counts, target).sum() / 300
    assert fit.loss[-1] == pytest.approx(best, abs=1e-10)
    assert lm.cross_entropy(fit.weights, counts) == pytest.approx(fit.loss[-1], abs=1e-12)
    assert np.all(np.diff(fit.loss) <= 1e-12)


def test_gradient_descent_with_an_unseen_next_token_has_the_one_over_t_rate():
    contexts = np.zeros(10, dtype=int)
    tokens = np.array([1] * 6 + [2] * 4)      # token 0 never follows
    eta, steps = 2.0, 20000
    fit = lm.fit_softmax(contexts, tokens, 1, 3, steps=steps, learning_rate=eta)
    f = np.array([0.0, 0.6, 0.4])
    predicted = 1.0 / (eta * (1 + f @ f) * steps)         # the chapter's eq-lm-gd-rate with n_c = T
    assert lm.softmax(fit.weights)[0, 0] == pytest.approx(predicted, rel=0.05)


def test_one_hot():
    np.testing.assert_array_equal(lm.one_hot([2, 0], 3), [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


def test_frequencies_and_counts():
    counts = lm.fit_counts([0, 0, 1, 0], [1, 1, 0, 2], 3, 3)
    np.testing.assert_array_equal(counts, [[0, 2, 1], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(lm.frequencies(counts), [[0, 2 / 3, 1 / 3], [1, 0, 0], [1 / 3] * 3])
    np.testing.assert_array_equal(lm.bigram_counts(np.array([0, 1, 1, 0]), 2), [[0, 1], [1, 1]])


def test_text_encoding_and_loading(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("Ab  a\nba.\n", encoding="utf-8")
    encoded = lm.encode_characters(lm.load_text(path))
    assert encoded.vocabulary == [" ", ".", "a", "b"]
    np.testing.assert_array_equal(encoded.tokens, [2, 3, 0, 2, 0, 3, 2, 1])
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="no text"):
        lm.load_text(empty)
    with pytest.raises(ValueError, match="path"):
        lm.load_text(tmp_path / "missing.txt")


# ------------------------------------------------------------ closed forms vs sympy


def test_fully_synthetic_collision_matches_sympy():
    expression = lms.collision_fully_synthetic()
    numeric = lm.collision_fully_synthetic(P6, 7, 12)
    s0 = float(P6 @ P6)
    for m in range(13):
        assert numeric[m] == pytest.approx(float(expression.subs({lms.m: m, lms.n: 7, lms.S0: s0})), rel=1e-12)
    assert sp.simplify(expression.subs(lms.m, 0) - lms.S0) == 0


def test_collision_step_uses_the_binomial_moments():
    assert sp.simplify(lms.collision_step_fully() - (1 / lms.n + (1 - 1 / lms.n) * lms.S0)) == 0
    assert sp.simplify(lms.first_collision() - (1 / lms.N + (1 - 1 / lms.N) * lms.S0)) == 0


@pytest.mark.parametrize(("n_real", "n_synthetic"), [(5, 3), (100, 10), (100, 400), (1, 1), (20, 1)])
def test_partially_synthetic_closed_form_matches_sympy_and_recursion(n_real, n_synthetic):
    closed = lms.collision_partially_synthetic()
    factored = lms.collision_partial_factored()
    numeric = lm.collision_partially_synthetic(P6, n_real, n_synthetic, 15)
    recursion = lm.collision_partially_synthetic_recursion(P6, n_real, n_synthetic, 15)
    np.testing.assert_allclose(numeric, recursion, rtol=1e-12)
    s1 = 1 / n_real + (1 - 1 / n_real) * float(P6 @ P6)
    alpha = sp.Rational(n_synthetic, n_real + n_synthetic)
    for m in (1, 2, 5, 15):
        values = {lms.m: m, lms.n: n_synthetic, lms.a: alpha, lms.S1: s1}
        if n_synthetic > 1:  # rsolve's form divides 0 by 0 when lambda = 0 (n = 1)
            assert numeric[m] == pytest.approx(float(closed.subs(values)), rel=1e-10)
        assert numeric[m] == pytest.approx(float(factored.subs(values)), rel=1e-10)
    limit = float(lms.collision_limit().subs({lms.n: n_synthetic, lms.a: alpha, lms.S1: s1}))
    assert lm.collision_limit(P6, n_real, n_synthetic) == pytest.approx(limit, rel=1e-12)
    assert lm.collision_partially_synthetic(P6, n_real, n_synthetic, 400)[-1] == pytest.approx(limit, rel=1e-9)


def test_partial_closed_form_satisfies_the_recursion_symbolically():
    factored = lms.collision_partial_factored()
    assert sp.simplify(factored.subs(lms.m, 1) - lms.S1) == 0
    for m in range(2, 6):  # a rational identity in (alpha, n, S_1) for each m
        step = lms.collision_step_partial(factored.subs(lms.m, m - 1), lms.S1)
        assert sp.simplify(step - factored.subs(lms.m, m)) == 0


@pytest.mark.parametrize(("n_real", "n_synthetic"), [(10, 3), (100, 50), (25, 1024)])
def test_drift_matches_sympy(n_real, n_synthetic):
    s1 = 1 / n_real + (1 - 1 / n_real) * float(P6 @ P6)
    steady = float(lms.distance_steady_state().subs({lms.N: n_real, lms.n: n_synthetic, lms.S1: s1}))
    drift = lm.distance_to_first(P6, n_real, n_synthetic, 3000)
    assert drift[0] == drift[1] == 0.0
    assert drift[-1] == pytest.approx(steady, rel=1e-9)
    # the drift is S_m - S_1 (E[p^(m) | Y] = Y / N)
    collision = lm.collision_partially_synthetic(P6, n_real, n_synthetic, 30)
    np.testing.assert_allclose(drift[:31][1:], collision[1:] - collision[1], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(("n_real", "epsilon", "vocabulary", "s0"), [(1000, 0.05, 50, 0.05), (100, 0.3, 600, 0.1),
                                                                   (3200, 0.3, 600, 0.1)])
def test_max_synthetic_matches_sympy(n_real, epsilon, vocabulary, s0):
    budget = lm.max_synthetic(n_real, epsilon, vocabulary, s0)
    s1 = 1 / n_real + (1 - 1 / n_real) * s0
    k = min(vocabulary, n_real)
    if k * (1 - s1) <= epsilon**2 * (2 * n_real + 1):
        assert budget == float("inf")
        return
    symbolic = float(lms.max_synthetic().subs({lms.N: n_real, lms.s: k, lms.S1: s1, lms.epsilon: epsilon}))
    assert budget == pytest.approx(symbolic, rel=1e-10)
    # at the budget the steady L1 bound equals epsilon
    steady = k * budget * (1 - s1) / (n_real**2 + 2 * n_real * budget + budget)
    assert np.sqrt(steady) == pytest.approx(epsilon, rel=1e-10)


def test_collapse_time_lower_bound_matches_sympy():
    expression = lms.collapse_time_bounds()
    low, _ = lm.expected_collapse_time_bounds(P6, 9)
    value = expression.subs({lms.n: 9, lms.S0: float(P6 @ P6), sp.Symbol("k", positive=True): 6})
    assert low == pytest.approx(float(value), rel=1e-12)


# ------------------------------------------------------------ exact results and bounds


def test_collapse_probability_is_exact_for_two_tokens():
    # two tokens: collapse = fixation of either, from the two-category chain directly
    p = np.array([0.3, 0.7])
    exact = lm.collapse_probability(p, 12, 40)
    survival = discrete.survival_probability(np.array([0.3, 0.7]), 12, 40)
    np.testing.assert_allclose(exact, 2 - survival.sum(axis=1), atol=1e-12)
    assert exact[0] == 0.0 and exact[-1] < 1.0
    np.testing.assert_allclose(lm.fixation_by(p, 12, 3000)[-1], p, atol=1e-9)


@pytest.mark.parametrize(("p", "n"), [(P3, 8), (P6, 5), (np.full(3, 1 / 3), 6), (np.array([0.9, 0.1]), 30)])
def test_bounds_contain_the_exact_values(p, n):
    generations = 200
    exact = 1 - lm.collapse_probability(p, n, generations)[1:]
    lower, upper = lm.collapse_probability_bounds(p, n, generations)
    assert np.all(lower <= exact + 1e-12) and np.all(exact <= upper + 1e-12)
    low, up = lm.expected_collapse_time_bounds(p, n)
    assert low <= lm.expected_collapse_time(p, n) <= up
    # E[tau] is also the sum of the exact survival function
    tail = 1 - lm.collapse_probability(p, n, 4000)
    assert lm.expected_collapse_time(p, n) == pytest.approx(tail.sum(), rel=1e-6)


@pytest.mark.parametrize(("p", "n"), [(P3, 8), (P6, 5), (np.full(3, 1 / 3), 6), (np.array([0.9, 0.1]), 30)])
def test_series_expected_collapse_time_is_the_linear_system(p, n):
    """E[T] as sum_j P(T > j) (item 2 of the theorem) equals the absorption time of the discrete chain."""
    assert lm.expected_collapse_time_series(p, n, tolerance=1e-12) == pytest.approx(
        lm.expected_collapse_time(p, n), rel=1e-9)
    assert lm.expected_collapse_time_series(np.array([0.0, 1.0]), n) == 0.0
    assert lm.expected_collapse_time_series(p, 1) == 1.0


def _zipf_with_collision(vocabulary, collision):
    from scipy import optimize

    exponent = optimize.brentq(lambda e: discrete.zipf(vocabulary, e) @ discrete.zipf(vocabulary, e) - collision,
                               0.5, 3.0)
    return discrete.zipf(vocabulary, exponent)


@pytest.mark.statistical
def test_exact_expected_collapse_time_of_the_chapter_setting():
    """The chapter's setting: V = 600, C_0 = 0.1, M = 20. The exact E[T] (about 36.1) lies between the
    bounds (19.0 and 63.8) and matches the mean collapse time of simulated chains."""
    p = _zipf_with_collision(600, 0.1)
    exact = lm.expected_collapse_time_series(p, 20)
    low, up = lm.expected_collapse_time_bounds(p, 20)
    assert low < exact < up
    assert exact == pytest.approx(36.135, abs=0.01)
    run = lm.simulate_fully_synthetic(p, 20, 400, n_chains=1000, rng=rng(110))
    assert np.all(run.largest[-1] == 1.0)
    assert_within(np.argmax(run.largest == 1.0, axis=0).astype(float), exact)


def test_partial_closed_form_has_a_plus_sign():
    """Theorem 2 of arXiv v1 prints the geometric term with a minus sign; the recursion gives a plus.
    Both forms solve the linear recursion (fixed point + c lambda^n, any c), but only the + form
    starts at Cbar_1; the - form would make Cbar_n decrease, which the simulations exclude."""
    lam = lms.a**2 * (1 - 1 / lms.n)
    plus = 1 - (1 - lms.S1) / (1 - lam) * ((1 - lms.a**2) + lms.a**2 / lms.n * lam ** (lms.m - 1))
    minus = 1 - (1 - lms.S1) / (1 - lam) * ((1 - lms.a**2) - lms.a**2 / lms.n * lam ** (lms.m - 1))
    assert sp.simplify(plus - lms.collision_partial_factored()) == 0
    for form, starts_right in ((plus, True), (minus, False)):
        for m in range(2, 6):  # a rational identity in (alpha, M, Cbar_1) for each generation
            residual = sp.simplify(form.subs(lms.m, m) - lms.collision_step_partial(form.subs(lms.m, m - 1), lms.S1))
            assert residual == 0
        assert (sp.simplify(form.subs(lms.m, 1) - lms.S1) == 0) is starts_right
    point = {lms.a: sp.Rational(1, 2), lms.n: 10, lms.S1: sp.Rational(1, 5)}
    assert plus.subs(point).subs(lms.m, 2) > plus.subs(point).subs(lms.m, 1)
    assert minus.subs(point).subs(lms.m, 2) < minus.subs(point).subs(lms.m, 1)


def test_fully_synthetic_is_the_discrete_chapter_heterozygosity():
    sizes = np.full(9, 11)
    np.testing.assert_allclose(lm.collision_fully_synthetic(P6, 11, 9), 1 - discrete.expected_heterozygosity(P6, sizes))
    two = lm.collision_fully_synthetic(np.stack([P6, P6[::-1]]), 11, 9)
    assert two.shape == (10, 2)
    np.testing.assert_allclose(two[:, 0], two[:, 1])


def test_point_mass_and_single_token_edge_cases():
    delta = np.array([0.0, 1.0, 0.0])
    assert lm.expected_collapse_time_bounds(delta, 5) == (0.0, 0.0)
    np.testing.assert_allclose(lm.collapse_probability(delta, 5, 3), 1.0)
    np.testing.assert_allclose(lm.collision_fully_synthetic(np.array([1.0]), 5, 3), 1.0)
    assert lm.expected_collapse_time_bounds(P3, 1) == (1.0, 1.0)


# ------------------------------------------------------------ simulation vs closed forms


@pytest.mark.statistical
def test_fully_synthetic_collision_and_collapse_by_simulation():
    run = lm.simulate_fully_synthetic(P6, 6, 60, n_chains=6000, rng=rng(101))
    exact = lm.collision_fully_synthetic(P6, 6, 60)
    assert_within(run.collision[1:30], exact[1:30])   # later, (nearly) every chain has collapsed
    collapsed = lm.collapse_probability(P6, 6, 60)
    for m in (3, 8, 15, 30):
        assert_within((run.largest[m] == 1.0).astype(float), collapsed[m])
    np.testing.assert_allclose(run.collision[0], P6 @ P6, rtol=1e-14)


@pytest.mark.statistical
def test_collapse_time_and_winner_by_simulation():
    run = lm.simulate_fully_synthetic(P3, 8, 500, n_chains=8000, rng=rng(102))
    assert np.all(run.largest[-1] == 1.0)
    tau = np.argmax(run.largest == 1.0, axis=0).astype(float)
    assert_within(tau, lm.expected_collapse_time(P3, 8))
    winner = run.final.argmax(axis=1)
    assert_within((winner[None, :] == np.arange(3)[:, None]).astype(float), lm.collapse_token_probability(P3))


@pytest.mark.statistical
@pytest.mark.parametrize(("n_real", "n_synthetic"), [(10, 5), (30, 60)])
def test_partially_synthetic_by_simulation(n_real, n_synthetic):
    run = lm.simulate_partially_synthetic(P6, n_real, n_synthetic, 25, n_chains=6000, rng=rng(103 + n_real))
    exact = lm.collision_partially_synthetic(P6, n_real, n_synthetic, 25)
    assert_within(run.collision[1:], exact[1:])
    assert_within(run.collision[2:] - run.collision[1], exact[2:] - exact[1])
    assert_within(run.l2sq_to_first[1:], lm.distance_to_first(P6, n_real, n_synthetic, 25)[1:])
    bound = lm.l1_bound(P6, n_real, n_synthetic, 25)
    assert np.all(run.l1_to_first.mean(axis=1) <= bound + 1e-12)
    assert np.all(run.survivors[1:] >= 1) and np.all(run.largest[-1] < 1.0 + 1e-12)


@pytest.mark.statistical
def test_many_contexts_at_once_match_their_own_closed_forms():
    laws = np.stack([P6, discrete.zipf(6, 2.0), np.full(6, 1 / 6)])
    run = lm.simulate_fully_synthetic(laws, 7, 20, n_chains=5000, rng=rng(104))
    assert run.collision.shape == (21, 5000, 3) and run.final.shape == (5000, 3, 6)
    exact = lm.collision_fully_synthetic(laws, 7, 20)
    for c in range(3):
        assert_within(run.collision[1:, :, c], exact[1:, c])


@pytest.mark.statistical
def test_corpus_simulator_matches_per_context_closed_forms():
    laws = np.stack([P6, discrete.zipf(6, 1.5), np.array([0.5, 0.5, 0, 0, 0, 0])])
    sizes = np.array([12, 3, 1])
    run = lm.simulate_corpus(laws, sizes, 15, n_chains=6000, rng=rng(105))
    for c in range(3):
        assert_within(run.collision[1:, :, c], lm.collision_fully_synthetic(laws[c], int(sizes[c]), 15)[1:])
        assert_within(run.survivors[1:, :, c], discrete.expected_survivors(laws[c], int(sizes[c]), 15)[1:])


@pytest.mark.statistical
def test_sampler_draws_from_the_law():
    laws = np.stack([P6, np.array([0, 0, 0.5, 0, 0.5, 0])])
    tokens = lm.draw_tokens(laws, 50, 2000, rng(106))
    assert tokens.shape == (2000, 2, 50)
    for c in range(2):
        indicators = (tokens[:, c, :].reshape(-1)[None, :] == np.arange(6)[:, None]).astype(float)
        assert_within(indicators, laws[c])


@pytest.mark.statistical
def test_window_and_mixture_recipes_behave_as_described():
    p = discrete.zipf(20, 1.0)
    plain = lm.simulate(p, 10, 10, 120, n_chains=600, rng=rng(107), keep_real=False)
    window = lm.simulate(p, 10, 10, 120, n_chains=600, rng=rng(108), keep_real=False, window=5)
    mixture = lm.simulate(p, 10, 10, 120, n_chains=600, rng=rng(109), keep_real=True, source="all")
    # window 1 without real data is the fully synthetic chain
    assert_within(plain.collision[1:30], lm.collision_fully_synthetic(p, 10, 120)[1:30])
    late = slice(60, None)
    assert np.all(window.collision[late].mean(axis=1) < plain.collision[late].mean(axis=1))
    assert np.all(mixture.largest[1:] < 1.0)   # the real tokens are always in the training set


def test_loop_reference_draws_the_right_number_of_tokens():
    import random

    counts = lm.loop_generation([3, 0, 2, 5], 100, random.Random(0))
    assert sum(counts) == 100 and counts[1] == 0


def test_widget_view_is_consistent():
    view = lmw.compute_language_model(vocabulary=8, n=5, n_real=5, generations=10, n_chains=20, seed=1)
    assert view.fully_exact.shape == view.partially_exact.shape == (11,)
    np.testing.assert_allclose(view.fully_exact, lm.collision_fully_synthetic(discrete.zipf(8, 1.0), 5, 10))
    np.testing.assert_allclose(view.fully_final.sum(), 1.0)
    np.testing.assert_allclose(view.partially_final.sum(), 1.0)
    assert view.limit == pytest.approx(lm.collision_limit(discrete.zipf(8, 1.0), 5, 5))


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(("call", "name"), [
    (lambda: lm.laws([0.5, 0.6]), "probabilities"),
    (lambda: lm.laws([-0.1, 1.1]), "probabilities"),
    (lambda: lm.laws(np.zeros((2, 0))), "probabilities"),
    (lambda: lm.laws([]), "probabilities"),
    (lambda: lm.laws(np.ones((2, 2, 2)) / 2), "probabilities"),
    (lambda: lm.counts_array([[1, -2]]), "counts"),
    (lambda: lm.counts_array([1.5, 2]), "counts"),
    (lambda: lm.frequencies([[1, -1]]), "counts"),
    (lambda: lm.simulate_fully_synthetic(P3, 0, 5), "n"),
    (lambda: lm.simulate_partially_synthetic(P3, 0, 5, 5), "n_real"),
    (lambda: lm.simulate_partially_synthetic(P3, 5, -1, 5), "n_synthetic"),
    (lambda: lm.simulate(P3, 5, 5, 5, window=0), "window"),
    (lambda: lm.simulate(P3, 5, 5, 5, source="some"), "source"),
    (lambda: lm.simulate(P3, 5, 0, 5, keep_real=False), "n_synthetic"),
    (lambda: lm.simulate([0.5, 0.6], 5, 5, 5), "probabilities"),
    (lambda: lm.collision_fully_synthetic(P3, 0, 5), "n"),
    (lambda: lm.collision_partially_synthetic(P3, 0, 5, 5), "n_real"),
    (lambda: lm.collapse_probability(np.stack([P3, P3]), 5, 5), "probabilities"),
    (lambda: lm.fit_counts([0, 1], [0], 2, 2), "contexts and tokens"),
    (lambda: lm.fit_counts([0, 3], [0, 1], 2, 2), "contexts"),
    (lambda: lm.fit_counts([0, 1], [0, 1], 2, 0), "vocabulary"),
    (lambda: lm.fit_softmax([0, 1], [0, 1], 2, 2, learning_rate=-1.0), "learning_rate"),
    (lambda: lm.cross_entropy(np.zeros((2, 3)), np.ones((3, 2))), "weights"),
    (lambda: lm.simulate_corpus(np.stack([P3, P3]), [3], 5), "sizes"),
    (lambda: lm.simulate_corpus(np.stack([P3, P3]), [3, 0], 5), "sizes"),
    (lambda: lm.generate_text(np.stack([P3, P3]), 0, 5), "probabilities"),
    (lambda: lm.max_synthetic(100, 0.0, 10), "epsilon"),
    (lambda: lm.encode_characters(""), "text"),
    (lambda: lms.softmax_minimiser([3]), "counts"),
    (lambda: lms.softmax_minimiser([3, 0, 1]), "counts"),
    (lambda: lms.cross_entropy([]), "counts"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("call, name", [
    (lambda: lm.load_text(float("nan")), "path"),
    (lambda: lm.loop_generation(1.0, 5, random.Random(0)), "counts"),
    (lambda: lm.loop_generation([1, 2], 0, random.Random(0)), "size"),
    (lambda: lm.simulate([0.5, 0.5], 5, 4, 3, keep_real=float("nan")), "keep_real"),
    (lambda: lm.simulate([0.5, 0.5], 5, 4, 3, n_chains=10**12), "n_chains"),
    (lambda: lm.simulate([0.5, 0.5], 5, 4, 10**12), "generations"),
    (lambda: lm.simulate_corpus([[0.5, 0.5]], [5, 6], 3), "probabilities"),
    (lambda: lmw.compute_language_model(generations=10**12), "generations"),
    (lambda: lmw.compute_language_model(n_chains=10**12), "n_chains"),
    (lambda: lms.collision_fully_synthetic(generation=-1), "generation"),
    (lambda: lms.collision_fully_synthetic(generation=10**6), "generation"),
    (lambda: lms.collision_partially_synthetic(generation=0), "generation"),
    (lambda: lms.collision_step_fully(previous=float("nan")), "previous"),
    (lambda: lms.collision_step_partial(float("nan")), "previous"),
    (lambda: lms.collision_step_partial(lms.S0, alpha=0.0), "alpha"),
    (lambda: lms.distance_steady_state(real=float("nan")), "real"),
    (lambda: lms.first_collision(start=float("nan")), "start"),
    (lambda: lms.collapse_time_bounds(size=0), "size"),
    (lambda: lms.collision_limit(size=0), "size"),
    (lambda: lms.max_synthetic(real=float("nan")), "real"),
    (lambda: lms.max_synthetic(first=1), "no synthetic sample size"),
    (lambda: lms.cross_entropy(1.0), "counts"),
    (lambda: lms.cross_entropy([1, 2], [0.5]), "weights"),
    (lambda: lms.softmax_hessian(1.0), "counts"),
    (lambda: lms.softmax_minimiser(1.0), "counts"),
])
def test_bad_arguments_of_the_net_are_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_plain_numbers_give_exact_symbolic_results():
    assert lms.collision_step_fully(5, 0.5) == sp.Rational(3, 5)
    assert lms.first_collision(4, 0.25) == sp.Rational(7, 16)
    assert lms.max_synthetic(10, 5, 0.5, 0.1) == sp.Rational(100, 229)
    assert not lms.collision_fully_synthetic(3, 5, 0.5).has(sp.Float)
    # a one-token law (a point mass) and a (C, s) table remain valid input
    np.testing.assert_allclose(lm.collision([[0.5, 0.5]]), [0.5])
    np.testing.assert_allclose(lm.laws([1.0]), [1.0])

"""Property tests: every public function of every collapse_lib module refuses bad input clearly.

The functions are discovered (tests/bad_inputs.py), so a module added later is under
the same net without editing this file. For each function hypothesis draws an
argument and a bad value for it:

- arguments with a known name (sizes, n_chains, sigma2, generations, rng, estimator,
  dim, ...; the table ``bad_inputs.BAD``) must raise ValueError naming the argument;
- any other argument gets a generic bad value (NaN, infinities, text) and must raise
  ValueError or give a finite result: no NaN, no other exception type, no hang.

``python3 tools/fuzz_inputs.py`` runs every table entry instead of a sample and prints
the figures of issue 8 (share of clear ValueErrors, numeric and symbolic modules).
"""

from __future__ import annotations

import bad_inputs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUNCTIONS = list(bad_inputs.public_functions())
IDS = [f"{module}.{name}" for module, name, _ in FUNCTIONS]

INTEGER_LIKE = {"size", "n_chains", "generations", "dim", "terms", "horizon", "points", "max_generations",
                "vocabulary", "count", "degrees_of_freedom", "order"}
"""Whole-number arguments: any negative integer and any non-integral float is bad too."""

NET = settings(max_examples=12, deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def bad_values(case_list):
    """A hypothesis strategy over the cases of one function, with extra values for whole-number arguments."""
    strategies = [st.sampled_from(case_list)]
    for parameter in sorted({case.parameter for case in case_list if case.parameter in INTEGER_LIKE}):
        template = next(case for case in case_list if case.parameter == parameter)
        extra = st.one_of(st.integers(max_value=-1),
                          st.floats(min_value=-1e6, max_value=1e6).filter(lambda v: v != int(v)),
                          st.text(max_size=3))
        strategies.append(extra.map(lambda value, t=template: t._replace(value=value, kwargs={**t.kwargs,
                                                                                           t.parameter: value})))
    return st.one_of(strategies)


@pytest.mark.parametrize("module, name, function", FUNCTIONS, ids=IDS)
def test_good_values_reach_the_function(module, name, function):
    """The net's good values make a valid call (else the bad-value checks would not test much)."""
    kwargs = bad_inputs.good_kwargs(module, name, function)
    verdict, detail = bad_inputs.call(bad_inputs.Case(module, name, "", None, False, kwargs), function, seconds=120)
    if verdict == "ok":
        return
    assert verdict != "exception", f"{module}.{name}({kwargs}) raised {detail}: bad input must give a ValueError"
    pytest.skip(f"no good values known for {module}.{name}: add them to bad_inputs.GOOD_FOR ({detail})")


@pytest.mark.parametrize("module, name, function", FUNCTIONS, ids=IDS)
def test_bad_values_raise_a_value_error_naming_the_argument(module, name, function):
    case_list = bad_inputs.cases(module, name, function)
    if not case_list:
        pytest.skip(f"{module}.{name} takes no arguments")

    @NET
    @given(bad_values(case_list))
    def check(case):
        verdict, detail = bad_inputs.call(case, function, seconds=30)
        assert verdict == "ok", f"{bad_inputs.describe(case)}: {verdict}: {detail}"

    check()


def test_the_net_finds_every_module_and_a_planted_bug(monkeypatch):
    """The net is not vacuous: it reaches every module, and a function that lets NaN through is caught."""
    import collapse_lib

    modules = {module for module, _, _ in FUNCTIONS}
    assert modules == (set(collapse_lib.__all__) - bad_inputs.SKIPPED_MODULES - bad_inputs.NOT_YET_UNDER_THE_NET
                       - bad_inputs.WITHOUT_PUBLIC_FUNCTIONS)
    assert bad_inputs.NOT_YET_UNDER_THE_NET <= set(collapse_lib.__all__)
    assert len(FUNCTIONS) > 150

    def leaky(sizes, sigma2=1.0):
        return np.asarray(sizes, dtype=float) * sigma2

    verdicts = {bad_inputs.call(case, leaky)[0] for case in bad_inputs.cases("planted", "leaky", leaky)}
    assert {"accepted", "exception"} <= verdicts


@pytest.mark.parametrize("call, message", [
    ("gaussian_symbolic.expected_w2sq_constant(5, 3)", None),
    ("gaussian_symbolic.ratio_moment(1, 5, 'unbiased')", None),
    ("gaussian_symbolic.ratio_moment(1, 1, 'unbiased')", "size"),
    ("multivariate_symbolic.log_det_ratio_mean(5, dim=2.5)", "dim"),
    ("multivariate.compare_in_distribution(PATHS, PATHS, [1, 2], alpha=0).passed", "alpha"),
    ("stats.z_scores(stats.Estimate(1.0, 0.1), [1.0, 2.0])", "exact"),
    ("gaussian.chi_square(np.random.default_rng(0), np.nan, 3)", "dof"),
    ("gaussian.start_paths(2, 2, 0.0, -1.0)", "sigma2"),
    ("validation.variance_denominator([1, 5], 'unbiased')", "sizes"),
    ("wasserstein.w2_squared_normal('0', '1', 0, 2)", "mean_a"),
    ("multivariate.full_rank_sizes([5, 5], dim=-3)", "dim"),
    ("multivariate.mean_vector([0, 0], dim=None)", "dim"),
    ("gaussian_laws.expected_w2sq([5, 5], sigma2=1.4e154)", "sigma2"),
    ("gaussian_laws.variance_w2sq([5, 5], sigma2=1.4e154)", "sigma2"),
    ("gaussian_laws.variance_w2sq_series([5, 5], sigma2=1.4e154)", "sigma2"),
    ("gaussian_laws.published_variance_w2sq([5, 5], sigma2=1.4e154)", "sigma2"),
    ("strategies.accumulate_variance_fourth_moment(5, 3, sigma2=1.4e154)", "sigma2"),
    ("gaussian.simulate_exact([5], 10**12)", "n_chains"),
    ("strategies.simulate_mix(10, 0.5, 3, 10**12)", "n_chains"),
])
def test_the_reproducers_of_issue_8(call, message):
    """Each line of issue 8, item 3: a clear ValueError naming the argument, or an exact result."""
    import sympy as sp

    from collapse_lib import (gaussian, gaussian_laws, gaussian_symbolic, multivariate,  # noqa: F401
                              multivariate_symbolic, stats, strategies, validation, wasserstein)

    namespace = dict(locals(), np=np, PATHS=multivariate.simulate_exact([5, 5, 5], 20, np.eye(2), rng=0))
    if message is None:
        result = eval(call, namespace)
        assert isinstance(result, sp.Basic) and not result.has(sp.Float, sp.nan, sp.zoo), result
        return
    with pytest.raises(ValueError, match=message):
        eval(call, namespace)


def test_exact_results_from_plain_numbers():
    import sympy as sp

    from collapse_lib import gaussian_symbolic as gs

    assert gs.ratio_moment(1, 5, "unbiased") == 1
    assert gs.ratio_moment(0.5, 5, "mle") == gs.ratio_moment(sp.Rational(1, 2), sp.Integer(5), "mle")
    # n/M + 2 - 2 g^n with g = E[S^(1/2)] = Gamma(5/2) / (Gamma(2) sqrt(2)) at M = 5 (unbiased)
    g = sp.gamma(sp.Rational(5, 2)) / sp.sqrt(2)
    expected = gs.sigma**2 * (sp.Rational(3, 5) + 2 - 2 * g**3)
    assert sp.simplify(gs.expected_w2sq_constant(5, 3) - expected) == 0
    assert float(gs.expected_w2sq_constant(5, 3).subs(gs.sigma, 1)) > 0


def test_variance_gamma_density_far_from_its_centre_is_zero_not_nan(monkeypatch):
    from collapse_lib import gaussian_laws

    density = gaussian_laws.variance_gamma_pdf([0.0], 1.0, 2.2e8, 10.0)
    assert np.all(np.isfinite(density)) and density[0] == 0.0
    # where scipy's kve fails (NaN) the Hankel expansion takes over: force it at z = 400 > 100 (1 + 1.5^2)
    # and compare with scipy's own value there (the neglected term is O(z^-3), about 1e-8 relative)
    reference = gaussian_laws.variance_gamma_pdf([400.0, -450.0], 2.0, 1.0)
    monkeypatch.setattr(gaussian_laws.special, "kve", lambda order, z: np.full(np.shape(z), np.nan))
    np.testing.assert_allclose(gaussian_laws.variance_gamma_pdf([400.0, -450.0], 2.0, 1.0), reference, rtol=1e-7)
    assert np.all(reference > 0)

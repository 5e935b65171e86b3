"""The 1D Gaussian widgets compute the chapter's quantities, draw, and wire."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from collapse_lib import gaussian_laws, gaussian_widgets as gw, schedules
from collapse_lib.widgets import render_once

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("compute, draw, params", [
    (gw.compute_variance_paths, gw.draw_variance_paths, dict(size=5, generations=30, estimator="mle")),
    (gw.compute_w2, gw.draw_w2, dict(kind="quadratic", size=4, generations=25)),
    (gw.compute_generation_one, gw.draw_generation_one, dict(size=2)),
])
def test_one_update_renders_a_png(compute, draw, params):
    figure = plt.figure()
    png = render_once(compute, draw, figure, **params)
    plt.close(figure)
    assert png.startswith(PNG_MAGIC) and len(png) > 5000


def test_variance_paths_carry_the_exact_theory():
    data = gw.compute_variance_paths(size=8, generations=40, estimator="mle", n_chains=500)
    sizes = schedules.constant(8, 40)
    assert data.paths.shape == (41, gw.SHOWN_PATHS)
    assert np.allclose(data.expected, gaussian_laws.expected_fitted_variance(sizes, 1.0, "mle"))
    assert np.allclose(np.log(data.typical), gaussian_laws.log_variance_drift(sizes, "mle"))
    # the simulated mean sits within 5 standard errors of the exact expectation at generation 5
    assert abs(data.mean.value[5] - data.expected[5]) < 5 * data.mean.se[5]


def test_w2_widget_handles_the_largest_schedule_on_its_sliders():
    # quadratic growth to 400 generations reaches M = 200 * 400^2 = 3.2e7 points
    data = gw.compute_w2(kind="quadratic", size=200, generations=400, n_chains=50)
    assert np.all(np.isfinite(data.exact)) and np.all(np.isfinite(data.second_order))


def test_w2_curves_use_the_requested_schedule():
    data = gw.compute_w2(kind="linear", size=3, generations=10)
    assert data.sizes.tolist() == [3 * (i + 1) for i in range(10)]
    assert np.allclose(data.exact, gaussian_laws.expected_w2sq(data.sizes))


def test_matched_variance_gamma_has_the_moments_of_generation_one():
    data = gw.compute_generation_one(size=6)
    step = data.x[1] - data.x[0]
    variance = gaussian_laws.sample_variance([6])[1]
    assert (data.x**2 * data.matched_vg * step).sum() == pytest.approx(variance, rel=2e-2)
    assert gaussian_laws.generation_one_excess_kurtosis(6) == pytest.approx(6 * 36 / (5 * 49))


def _controls(widget):
    """Every control inside a widget box (sliders, dropdowns), depth first."""
    import ipywidgets

    if isinstance(widget, ipywidgets.Output):
        return []
    if hasattr(widget, "children"):
        return [control for child in widget.children for control in _controls(child)]
    is_control = isinstance(widget, ipywidgets.ValueWidget) and (
        hasattr(widget, "options") or (hasattr(widget, "min") and hasattr(widget, "max")))
    return [widget] if is_control else []       # sliders and dropdowns, not the figure's Image


def _another_value(control):
    """A valid value of ``control`` different from its current one (the cheapest end of a slider)."""
    if hasattr(control, "options"):
        values = [option[1] if isinstance(option, tuple) else option for option in control.options]
        return next(value for value in values if value != control.value)
    return control.min if control.value != control.min else control.min + control.step


@pytest.mark.parametrize("factory, draw", [
    ("variance_paths_widget", "draw_variance_paths"),
    ("w2_widget", "draw_w2"),
    ("generation_one_widget", "draw_generation_one"),
])
def test_widgets_redraw_once_per_real_change_of_each_control(monkeypatch, factory, draw):
    """Every control is wired: changing its value to a different valid one redraws the figure exactly once
    (the draw function is counted), and setting a control to its own value does not redraw."""
    calls = []
    original = getattr(gw, draw)
    monkeypatch.setattr(gw, draw, lambda figure, data: (calls.append(data), original(figure, data))[1])
    box = getattr(gw, factory)()
    controls = _controls(box)
    assert len(controls) >= 2 and len(calls) >= 1          # the initial view (and any precomputed frames)
    for control in controls:
        before = len(calls)
        control.value = control.value
        assert len(calls) == before, f"{control.description}: re-set to its own value redrew"
        control.value = _another_value(control)
        assert len(calls) == before + 1, f"{control.description}: a new value did not redraw once"
    plt.close("all")


def test_bad_widget_arguments_raise():
    with pytest.raises(ValueError, match="kind"):
        gw.compute_w2(kind="exponential")
    with pytest.raises(ValueError, match="estimator"):
        gw.compute_variance_paths(estimator="biased")


def test_chains_collection_has_one_polyline_per_column():
    from collapse_lib.widgets import chains_collection
    x = np.arange(4.0)
    ys = np.arange(12.0).reshape(4, 3)
    segments = chains_collection(x, ys, colors="k").get_segments()
    assert len(segments) == 3
    for k, segment in enumerate(segments):
        np.testing.assert_array_equal(segment, np.column_stack([x, ys[:, k]]))

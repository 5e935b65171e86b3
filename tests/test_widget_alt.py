"""Alternative texts of the widgets' figures (issue 21): every frame names its figure and slider values."""

from __future__ import annotations

import ipywidgets
import pytest

from collapse_lib import widgets


def compute(a, b, c):
    return a, b, c


def draw(figure, data):
    a, b, c = data
    left, right = figure.subplots(1, 2)
    left.plot([0, 1], [0, a], label="straight line")
    left.plot([0, 1], [a, 0], label=r"$\hat\sigma_n^2$")
    left.set(xlabel="generation $n$", ylabel=r"$\mathbb{E}[\sigma_n^2]/\sigma^2$", title=f"a = {a}")
    left.legend()
    right.plot([0, 1], [b, c])
    right.set(xlabel="x", ylabel="y", title="second panel")


def controls():
    return {"a": ipywidgets.IntSlider(value=1, min=1, max=3, description="M₀"),
            "b": ipywidgets.FloatSlider(value=0.5, min=0, max=1, description="real fraction f"),
            "c": ipywidgets.IntSlider(value=7, description="c")}


def frames(box):
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)
    return [widget for widget in walk(box.stack) if isinstance(widget, ipywidgets.Image)]


def test_every_precomputed_frame_names_its_slider_values_and_its_figure():
    box = widgets.precomputed_figure(compute, draw, controls(), {"a": [1, 2], "b": [0.5, 0.75]}, figsize=(4, 2))
    images = frames(box)
    assert len(images) == 4
    alts = [image.tooltip for image in images]
    assert len(set(alts)) == 4, alts
    for (a, b), alt in zip([(1, 0.5), (1, 0.75), (2, 0.5), (2, 0.75)], alts):
        assert alt.startswith(f"Widget figure for M₀ = {a}, real fraction f = {b:g}. A plot in 2 panels."), alt
        assert f"Left, a = {a}, shows E[σ_n^2]/σ^2 against generation n" in alt, alt
        assert "curves: straight line, σ_n hat^2." in alt and "Right, second panel, shows y against x." in alt, alt
    # the view writes the tooltip into the image's title only with an empty description (ipywidgets 8)
    assert all(image.get_state()["description"] == "" for image in images)


def test_a_live_widget_updates_its_alternative_text_with_its_controls():
    box = widgets.interactive_figure(compute, draw, controls(), figsize=(4, 2))
    image = box.children[-1]
    assert "M₀ = 1, real fraction f = 0.5, c = 7" in image.tooltip
    box.children[0].children[0].value = 3
    assert "M₀ = 3, real fraction f = 0.5, c = 7" in image.tooltip and "Left, a = 3" in image.tooltip


@pytest.mark.parametrize("label, text", [
    ("generation $n$", "generation n"),
    (r"$\mathbb{E}[W_2^2] / \sigma^2$", "E[W_2^2] / σ^2"),
    (r"$\log \operatorname{cond}(\Sigma_n)$", "log cond(Σ_n)"),
    (r"first order $\frac{3}{2}\sum 1/M_i$", "first order 3/2 sum 1/M_i"),
    ("plain\ntwo lines", "plain two lines"),
])
def test_labels_become_plain_words(label, text):
    assert widgets.plain_text(label) == text

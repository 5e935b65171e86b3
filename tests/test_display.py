"""collapse_lib.display: numbers written as maths for the chapters' prose."""

import pytest

from collapse_lib import display


@pytest.mark.parametrize("value, digits, latex", [
    (9.87e-6, 1, r"9.9 \times 10^{-6}"),
    (9.96e-6, 1, r"1.0 \times 10^{-5}"),      # rounding reaches 10: the exponent moves up
    (-2.9e-4, 1, r"-2.9 \times 10^{-4}"),
    (7e-9, 0, r"7 \times 10^{-9}"),
    (123456.0, 4, r"1.2346 \times 10^{5}"),
])
def test_scientific_latex(value, digits, latex):
    assert display.scientific_latex(value, digits) == latex


def test_scientific_is_inline_maths_for_glue():
    assert display.scientific(9.87e-6, 1).data == r"$9.9 \times 10^{-6}$"


@pytest.mark.parametrize("value, digits, name", [(0.0, 1, "value"), (float("nan"), 1, "value"),
                                                  (1.0, -1, "digits"), (1.0, 2.5, "digits")])
def test_bad_input_names_the_argument(value, digits, name):
    with pytest.raises(ValueError, match=name):
        display.scientific_latex(value, digits)

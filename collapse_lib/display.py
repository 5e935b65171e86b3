"""Numbers written as maths for the chapters' prose and figure labels.

A glued number such as ``9.9e-06`` is computer text, not maths; the chapters write it
as $9.9 \\times 10^{-6}$ instead.
"""

from __future__ import annotations

import numpy as np
from IPython.display import Markdown

from . import validation


def scientific_latex(value, digits: int = 1) -> str:
    r"""``value`` as the LaTeX $m \times 10^{e}$ with ``digits`` decimals, $1 \le |m| < 10$.

    ``scientific_latex(9.87e-6, 1) == "9.9 \\times 10^{-6}"``; the exponent moves up
    when rounding reaches 10 (``9.96e-6`` gives ``1.0 \times 10^{-5}``).
    """
    value = validation.finite_real(value, "value")
    if value == 0:
        raise ValueError("value must be non-zero: 0 has no exponent to write.")
    digits = validation.integer(digits, "digits", minimum=0, maximum=15)
    exponent = int(np.floor(np.log10(abs(value))))
    if round(abs(value) / 10.0**exponent, digits) >= 10:
        exponent += 1
    return f"{value / 10.0**exponent:.{digits}f} \\times 10^{{{exponent}}}"


def scientific(value, digits: int = 1) -> Markdown:
    """``value`` as inline maths $m \\times 10^{e}$ (:func:`scientific_latex`), for ``{glue:md}``."""
    return Markdown(f"${scientific_latex(value, digits)}$")

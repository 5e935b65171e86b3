"""Importing a numeric module of collapse_lib does not import sympy (issue 18).

sympy costs about a second to import (more on a loaded machine); a student's kernel imports a
chapter's widgets and numeric modules before the first figure, so only the ``*_symbolic`` modules
(and the symbolic functions, at their call) may import it. Each module is imported in a fresh
interpreter, so that no other test's imports hide an indirect one.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import collapse_lib

ROOT = Path(__file__).resolve().parent.parent

NUMERIC = sorted(name for name in collapse_lib.__all__
                 if not name.endswith("_symbolic") and name != "bibliography_style")
"""Every module of the package but the sympy ones (and the pybtex plugin, which the build alone loads)."""


def test_the_numeric_list_covers_the_widgets_and_simulators():
    for name in ("validation", "widgets", "gaussian", "gaussian_laws", "discrete", "multivariate", "strategies",
                 "regression", "language_model", "lexical", "ngram", "corpus", "phenomenon",
                 *(name for name in collapse_lib.__all__ if name.endswith("_widgets"))):
        assert name in NUMERIC


@pytest.mark.parametrize("module", NUMERIC)
def test_importing_a_numeric_module_does_not_import_sympy(module):
    code = (f"import sys; import collapse_lib.{module}; "
            "print(sorted(name for name in sys.modules if name == 'sympy' or name.startswith('sympy.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"collapse_lib.{module} imports sympy: {result.stdout[:300]}"

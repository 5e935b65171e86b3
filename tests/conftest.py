"""Shared settings and fixtures of the test suite."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # a non-interactive backend for every test

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/seeding.py
sys.path.insert(0, str(ROOT / "tools"))  # tools/cell_budget.py


def jupyter_book() -> str:
    candidate = Path(sys.executable).with_name("jupyter-book")
    return str(candidate) if candidate.exists() else shutil.which("jupyter-book")


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the whole book once per test session, as the README's build command does.

    Returns (CompletedProcess, path of the html folder). It builds into a temporary
    folder, so it never touches _build/html.
    """
    output = tmp_path_factory.mktemp("book")
    # the chapters' kernels must use the inline backend, whatever the caller's environment says
    environment = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run(
        [jupyter_book(), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(output)],
        capture_output=True, text=True, timeout=2400, env=environment,
    )
    return result, output / "_build" / "html"


@pytest.fixture(scope="session")
def built_html(request) -> Path:
    """The html folder of the whole-book build, which must have succeeded.

    ``COLLAPSE_SITE_HTML=_build/html`` reads an existing build instead (for development);
    the notebook editions are beside it, in ``../notebooks``.
    """
    existing = os.environ.get("COLLAPSE_SITE_HTML")
    if existing:
        return Path(existing).resolve()
    result, html = request.getfixturevalue("built_book")
    assert result.returncode == 0, "the book did not build; see test_book_builds_without_warnings"
    return html

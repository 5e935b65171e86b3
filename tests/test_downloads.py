"""The notebooks a reader downloads from the built site show each printed line once.

myst-nb merges a cell's stream outputs only in its own copy while it renders the page;
the executed notebooks it writes (``_build/jupyter_execute`` and the download button's
``_sources/*.ipynb``) kept every chunk, so lines printed in several chunks appeared
twice. tools/cell_budget.py now merges them in the notebook itself.
"""

import json

import pytest

pytestmark = pytest.mark.book


def notebooks(html):
    build = html.parent
    found = sorted((html / "_sources").rglob("*.ipynb")) + sorted((build / "jupyter_execute").rglob("*.ipynb"))
    return [path for path in found if ".ipynb_checkpoints" not in path.parts]


def test_downloadable_notebooks_have_one_stream_per_name_per_cell(built_book):
    result, html = built_book
    assert result.returncode == 0, "the book did not build"
    paths = notebooks(html)
    assert len(paths) >= 10, paths  # every chapter, in both folders
    repeated, streams = [], 0
    for path in paths:
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            names = [output["name"] for output in cell.get("outputs", []) if output["output_type"] == "stream"]
            streams += len(names)
            if len(names) != len(set(names)):
                repeated.append(f"{path.name} cell {index}: {names}")
    assert streams > 50, "the chapters print; no stream output was found at all"
    assert not repeated, "\n".join(repeated)

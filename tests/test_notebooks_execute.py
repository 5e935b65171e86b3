"""Every chapter runs top to bottom as a notebook, as it does on Binder or in a student's Jupyter.

Each chapter of _toc.yml that has code cells is converted with jupytext and
executed with nbclient (kernel python3, in the chapter's folder); any error
fails. The student version of each chapter with exercises (the notebook that
``tools/coursework.py assign`` releases: answers replaced by nbgrader's stub,
hidden tests removed) must run too. Its unanswered stubs raise
NotImplementedError and the test cells after them then fail; those are the only
errors allowed: an error in any other cell means that a later cell depends on
an exercise's answer. These tests take a few minutes; deselect them with
``-m "not slow"``.

Every execution runs under the cell budget (tools/cell_budget.py, 60 s): a cell
that takes longer, or an execution that stalls between cells, fails the test.
"""

import importlib.util
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

import cell_budget  # tools/cell_budget.py, on the path through conftest.py

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = cell_budget.TIMEOUT  # nbclient's last resort; the cell budget is what fails a slow cell

spec = importlib.util.spec_from_file_location("coursework", ROOT / "tools" / "coursework.py")
coursework = importlib.util.module_from_spec(spec)
sys.modules["coursework"] = coursework  # its dataclasses look their module up
spec.loader.exec_module(coursework)

CHAPTERS = [path for path in coursework.toc_chapters(ROOT) if path.suffix == ".md" and coursework.is_notebook(path)]
ASSIGNED = coursework.assignment_chapters(ROOT)

pytestmark = pytest.mark.slow


def execute(notebook, folder: Path, allow_errors: bool = False) -> None:
    client = cell_budget.BudgetedClient(notebook, timeout=TIMEOUT, kernel_name="python3", allow_errors=allow_errors,
                                        resources={"metadata": {"path": str(folder)}})
    client.execute()


def test_there_are_chapters_to_run():
    assert len(CHAPTERS) >= 5 and len(ASSIGNED) >= 5


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_executes(chapter):
    execute(jupytext.read(chapter), chapter.parent)


@pytest.mark.parametrize("chapter", ASSIGNED, ids=[path.stem for path in ASSIGNED])
def test_student_version_of_chapter_executes(chapter, tmp_path):
    coursework.assign([chapter.stem], course=tmp_path / "course")
    notebook = nbformat.read(tmp_path / "course" / "release" / chapter.stem / f"{chapter.stem}.ipynb", as_version=4)
    execute(notebook, chapter.parent, allow_errors=True)
    unexpected, stubs = [], 0
    for index, cell in enumerate(notebook.cells):
        grading = cell.metadata.get("nbgrader", {})
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if grading.get("solution") and output["ename"] == "NotImplementedError":
                stubs += 1
            elif not grading.get("grade"):
                unexpected.append(f"cell {index + 1} ({grading.get('grade_id', 'no nbgrader id')}): "
                                  f"{output['ename']}: {output['evalue']}\n{cell.source[:300]}")
    assert not unexpected, "\n\n".join(unexpected)
    assert stubs == sum(1 for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution"))

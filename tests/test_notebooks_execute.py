"""Every chapter runs top to bottom as a notebook, as it does on Binder or in a student's Jupyter.

Each chapter of _toc.yml that has code cells is converted with jupytext and
executed with nbclient (kernel python3, in the chapter's folder); any error
fails. The student edition of each chapter (solutions removed, see
tools/student_edition.py) must run too: no later cell may depend on a removed
solution cell. These tests take a few minutes; deselect them with
``-m "not slow"``.
"""

import importlib.util
from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300  # seconds per cell, as in _config.yml (the slowest cell takes well under a minute)

spec = importlib.util.spec_from_file_location("student_edition", ROOT / "tools" / "student_edition.py")
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)

CHAPTERS = [path for path in student_edition.toc_chapters(ROOT) if path.suffix == ".md" and student_edition.has_code(path)]

pytestmark = pytest.mark.slow


def execute(notebook, folder: Path) -> None:
    client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()


def test_there_are_chapters_to_run():
    assert len(CHAPTERS) >= 5


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_executes(chapter):
    execute(jupytext.read(chapter), chapter.parent)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_student_edition_of_chapter_executes(chapter):
    notebook = student_edition.student_notebook(chapter)
    execute(notebook, chapter.parent)

#!/usr/bin/env python3
"""Coursework with nbgrader: assign the chapters' exercises, grade what students hand in.

Usage (from the repository root; ``python3 tools/book.py assign|grade ...`` runs
this inside the book's environment)::

    coursework.py assign [CHAPTER ...] [--course DIR]
    coursework.py grade SUBMISSIONS [--course DIR] [--deadline ISO-TIME] [--workers N] [--regrade]

``assign`` builds the nbgrader course folder (default ``coursework/``)::

    DIR/nbgrader_config.py               course id, kernel timeout; nbgrader's own CLI uses it too
    DIR/source/<chapter>/<chapter>.ipynb the teacher's version: the chapter with its answer and test cells
    DIR/release/<chapter>/<chapter>.ipynb what students get (``nbgrader generate_assignment``)
    DIR/gradebook.db                     nbgrader's gradebook (SQLite)
    DIR/model-collapse-student.zip       the released chapters, the library, requirements, a README

Every chapter of ``_toc.yml`` whose cells carry nbgrader metadata is an
assignment named after its file (``phenomenon``, ``discrete``, ...); CHAPTER
restricts to some of them. The source notebook is the chapter converted by
jupytext, without outputs and without its prose solutions (``{solution}``
blocks and gated ``{solution-start}``/``{solution-end}`` regions); nbgrader then
replaces each ``### BEGIN SOLUTION`` region by a stub and drops every
``### BEGIN HIDDEN TESTS`` region. Cells tagged ``solution`` that carry no
nbgrader metadata are dropped too.

``grade`` autogrades a folder of submitted notebooks. Accepted layouts (any
mix, searched recursively):

- ``SUBMISSIONS/<student>/<chapter>.ipynb`` (one folder per student, also with
  a ``<chapter>/`` folder in between, as in nbgrader's ``submitted/``);
- a flat folder as a learning-management system exports it,
  ``SUBMISSIONS/<student>_<anything>_<chapter>.ipynb`` (the student is the text
  before the first ``_``; a trailing ``-1`` or `` (1)`` copy mark is ignored);
- nbgrader's exchange inbound folder,
  ``SUBMISSIONS/<student>+<chapter>+<timestamp>[+...]/<chapter>.ipynb``
  (the newest timestamp of each student and chapter is graded).

A notebook named after no chapter is identified by its nbgrader cell ids
when they match exactly one chapter. Grading (tools/grading.py) runs each new
or changed submission in a bubblewrap sandbox (tools/grading_sandbox.py),
reads the values of its answers as plain data (tools/answers.py) and runs the
teacher's tests on them in a separate process; it records the scores in
nbgrader's gradebook, copies each submission to ``DIR/submitted/<student>/<chapter>/``,
writes the notebook as graded to ``DIR/autograded/`` and feedback HTML to
``DIR/feedback/<student>/<chapter>/``. The scores of the whole class go to
``DIR/scores.csv`` (one row per student and chapter, with the submission time
and a late flag) and ``DIR/scores_by_exercise.csv``; ``DIR/grading_state.json``
remembers what was graded. Problems (not a notebook, unreadable, unknown
chapter, damaged cells, cells that raised, time-outs) are reported per student,
one line each, in ``DIR/grading_report.txt`` and grading goes on for the
others. The exit status is 0 when every submission was graded without a
problem, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "coursework"
COURSE_ID = "model-collapse"
EDITION = "model-collapse-student"
CELL_TIMEOUT = 300  # seconds per cell, as in _config.yml
SOLUTION_TAG = "solution"

# ---- the chapters ---------------------------------------------------------------------------------


def toc_chapters(root: Path = ROOT) -> list[Path]:
    """The source files of _toc.yml (root page included), in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    names: list[str] = [toc["root"]] if "root" in toc else []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    paths = []
    for name in names:
        candidates = [root / name] if Path(name).suffix else [root / f"{name}{ext}" for ext in (".md", ".ipynb")]
        paths.extend([path for path in candidates if path.exists()][:1])
    return paths


def is_notebook(source: Path) -> bool:
    """Whether the page is a notebook (it names a kernel) with at least one code cell."""
    import jupytext

    notebook = jupytext.read(source)
    return "kernelspec" in notebook.metadata and any(cell.cell_type == "code" for cell in notebook.cells)


def nbgrader_ids(notebook) -> list[str]:
    """The grade ids of the cells that carry nbgrader metadata, in order."""
    return [cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})]


def assignment_chapters(root: Path = ROOT) -> list[Path]:
    """The chapters of _toc.yml with nbgrader exercise cells: each is one assignment."""
    import jupytext

    return [path for path in toc_chapters(root)
            if path.suffix == ".md" and is_notebook(path) and nbgrader_ids(jupytext.read(path))]


def select(chapters: list[Path], names: list[str]) -> list[Path]:
    """The chapters named in ``names`` (``phenomenon``, ``phenomenon.md`` or a path), or all."""
    if not names:
        return chapters
    by_stem = {path.stem: path for path in chapters}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise ValueError(f"chapter must be one of the chapters with exercises {sorted(by_stem)}, got {name!r}")
        chosen.append(by_stem[stem])
    return list(dict.fromkeys(chosen))


# ---- the teacher's source notebook ----------------------------------------------------------------

# A fence line: indentation, three or more backticks, tildes or colons, then the info string.
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")


def _closes(fence: str, line: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence`` (same character, at least as long, nothing after)."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def strip_solutions(markdown: str, gated: bool = False) -> tuple[str, bool]:
    """Remove the prose solutions from MyST ``markdown``; return the text and whether a gated one is open.

    ``{solution}`` directives (backtick, tilde or colon fence) go with their
    body; the closing fence is, as in CommonMark and MyST, the first later line
    made only of the same fence character, at least as many as the opening
    fence, so a solution may contain shorter fenced blocks. A gated solution
    goes from its ``{solution-start}`` block to the end of its
    ``{solution-end}`` block, which may lie in a later markdown cell: pass the
    returned flag as ``gated`` for the next markdown cell (the code cells in
    between are the exercise's answer and test cells and stay). A
    ``{solution}`` shown inside a literal code block is kept. Runs of blank
    lines left behind collapse to one.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (fence, literal) of each open block, innermost last
    dropping_at: int | None = None  # depth of the solution block being dropped
    opens_gate = False  # the block being dropped is a {solution-start}
    removed = gated
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line.rstrip("\n"))
        if gated and dropping_at is None:
            if match and not stack and match["info"].strip().startswith("{solution-end}"):
                stack.append((match["fence"], False))
                dropping_at, gated = 0, False
            continue
        literal = bool(stack) and stack[-1][1]
        if stack and _closes(stack[-1][0], line):
            stack.pop()
            if dropping_at is None:
                out.append(line)
            elif len(stack) == dropping_at:
                dropping_at, gated, opens_gate = None, opens_gate, False
            continue
        if match and not literal:
            info = match["info"].strip()
            is_directive = info.startswith("{") or match["fence"][0] == ":"
            stack.append((match["fence"], not is_directive))
            if dropping_at is None and info.startswith(("{solution}", "{solution-start}")):
                if info.startswith("{solution-start}") and len(stack) > 1:
                    raise ValueError("a {solution-start} must not sit inside another directive")
                dropping_at, opens_gate, removed = len(stack) - 1, info.startswith("{solution-start}"), True
                continue
        if dropping_at is None:
            out.append(line)
    if dropping_at is not None:
        raise ValueError("a solution block is not closed")
    text = "".join(out)
    if removed:
        text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip("\n")
        text += "\n" if text and markdown.endswith("\n") else ""
    return text, gated


def student_edition(chapter: Path, root: Path = ROOT, notebooks: Path | None = None) -> Path:
    """The chapter's student notebook written by the book build (tools/notebook_edition.py).

    ``notebooks`` is the folder of that edition (default ``root/_build/notebooks/student``).
    """
    folder = Path(notebooks) if notebooks else root / "_build" / "notebooks" / "student"
    return folder / chapter.relative_to(root).with_suffix(".ipynb")


def ensure_student_editions(chapters: list[Path], root: Path = ROOT) -> None:
    """Write the book's notebook editions (``tools/notebook_edition.py``) unless every chapter's is up to date."""
    def stale(chapter: Path) -> bool:
        clean = student_edition(chapter, root)
        return not clean.exists() or clean.stat().st_mtime < chapter.stat().st_mtime

    if any(stale(chapter) for chapter in chapters):
        print("writing the clean notebooks of the chapters (tools/notebook_edition.py; "
              "every changed chapter is executed)", flush=True)
        import notebook_edition

        if notebook_edition.main([]) != 0:
            raise RuntimeError("the notebook editions could not be written: see the build's output above")


def source_notebook(chapter: Path, root: Path = ROOT, notebooks: Path | None = None):
    """The chapter as the teacher's nbgrader source notebook (an nbformat node).

    The student edition of the book build when it exists and is newer than the
    chapter: its Markdown reads like the page (boxes, numbers, references, maths
    resolved; see tools/notebook_edition.py), its prose solutions are gone and its
    answer and test cells keep their nbgrader metadata. Without a build (or with an
    older one) the chapter is converted by jupytext instead, and its Markdown stays
    MyST source: ``assign`` says so. Either way: outputs cleared, prose solutions
    removed, cells tagged ``solution`` without nbgrader metadata removed.
    """
    import jupytext
    import nbformat

    clean = student_edition(chapter, root, notebooks)
    if clean.exists() and clean.stat().st_mtime >= chapter.stat().st_mtime:
        notebook = nbformat.read(clean, as_version=4)
    else:
        notebook = jupytext.read(chapter)
    cells, gated = [], False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source, gated = strip_solutions(cell.source, gated)
            if not cell.source.strip():
                continue
        elif SOLUTION_TAG in cell.metadata.get("tags", []) and "nbgrader" not in cell.metadata:
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    if gated:
        raise ValueError(f"{chapter.name}: a {{solution-start}} has no {{solution-end}}")
    notebook.cells = cells
    notebook.metadata.pop("jupytext", None)
    return notebook


# ---- nbgrader --------------------------------------------------------------------------------------

CONFIG = f'''\
# nbgrader configuration of the book's coursework; written by tools/coursework.py.
# Run nbgrader's own commands (formgrader, release_assignment, collect, ...) from this folder.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{COURSE_ID}"
# seconds per cell when autograding; the slowest cell of any chapter takes well under a minute
c.Execute.timeout = {CELL_TIMEOUT}
# feedback without the hidden tests (nbgrader's default shows them): see tools/coursework.py
import sys  # noqa: E402
sys.path.insert(0, {str(ROOT / "tools")!r})
from coursework import feedback_preprocessor  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402
c.GenerateFeedback.preprocessors = [GetGrades, feedback_preprocessor(), CSSHTMLHeaderPreprocessor]
# For a JupyterHub exchange, set the shared folder here, e.g.
# c.Exchange.root = "/srv/nbgrader/exchange"
'''


def feedback_preprocessor():
    """nbgrader's ClearHiddenTests for feedback: also cuts the tracebacks of test cells to their last line.

    nbgrader's autograde puts the hidden tests back into the graded notebook, and
    its feedback shows them, with tracebacks whose context lines quote them. The
    feedback goes to students, so it shows neither: a failed test appears as its
    error and message (the hint of a visible test, the message of a hidden one).
    """
    from nbgrader import utils
    from nbgrader.preprocessors import ClearHiddenTests

    class HideHiddenTests(ClearHiddenTests):
        def preprocess_cell(self, cell, resources, cell_index):
            cell, resources = super().preprocess_cell(cell, resources, cell_index)
            if utils.is_grade(cell):
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        output.traceback = [f"{output.ename}: {output.evalue}"]
            return cell, resources

    return HideHiddenTests


def api(course: Path):
    """nbgrader's Python API on the course folder ``course`` (its nbgrader_config.py applied)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the gradebook's migrations with the `alembic` program of this environment
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    config.GenerateFeedback.preprocessors = [GetGrades, feedback_preprocessor(), CSSHTMLHeaderPreprocessor]
    if "root" not in config.Exchange:
        # the API checks an exchange folder even though assign and grade never use one: give it a local,
        # writable one (a JupyterHub course sets c.Exchange.root in nbgrader_config.py instead)
        (course / "exchange").mkdir(exist_ok=True)
        config.Exchange.root = str(course / "exchange")
    return NbGraderAPI(config=config)


def _log_tail(result: dict, lines: int = 12) -> str:
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    return "\n".join(text.strip().splitlines()[-lines:])


STUDENT_README = """\
# Model collapse: the exercises

These notebooks are chapters of the book *Model collapse, derived and
simulated* ({url}), with their exercises and without their solutions.
The text, figures and formulas read as in the book; every reference links
to the online page.

## Install (once)

With Python 3.11 or newer, in this folder:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install -r requirements.txt
```

(On Windows: `.venv\\Scripts\\python -m pip install -r requirements.txt`.) This installs
the versions the book was built with (numpy, scipy, sympy, matplotlib,
ipywidgets, JupyterLab, nltk). The book's library `collapse_lib` and the
texts it reads (`data/`) are in this folder: keep the notebooks beside them.

## Work on a chapter

```bash
.venv/bin/jupyter lab
```

then open a chapter: {chapters}. Run the cells from the top, one after
the other (Shift+Enter): later cells use what earlier ones computed. Each
exercise is followed by an **answer cell**, which says
`raise NotImplementedError()`: replace that line with your work, defining
the variables the exercise names. Until you do, running that cell stops
with a `NotImplementedError`, and so does *Run → Run All Cells*: this is
expected; answer the exercise, then run on. After your answer, run the
**test cell** that follows it: no output means your answer has the right
form and passes the checks you can see; an `AssertionError` says what is
wrong, with a hint. It never shows the answer: your teacher's grading runs
further, hidden tests. Do not delete, copy or rename cells or files.

## Hand in

Save the notebook and hand it in under its own name (for example
`{first}`), as your teacher asks.
"""

RUNTIME_END = "# the book's Sphinx stack"
"""The line of binder/requirements.txt after which come the packages that only write the notebooks."""


def student_requirements(root: Path = ROOT) -> str:
    """What a student installs: binder/requirements.txt up to the book's Sphinx stack (no build, test or grading tools)."""
    binder = root / "binder" / "requirements.txt"
    if not binder.exists():  # a book without a binder/ folder: its requirements as they are
        return (root / "requirements.txt").read_text()
    text = binder.read_text()
    if RUNTIME_END not in text:
        raise ValueError(f"binder/requirements.txt must mark the start of the Sphinx stack with {RUNTIME_END!r}")
    runtime = text[: text.index(RUNTIME_END)]
    return "# What the exercises need (the book's binder/requirements.txt without its Sphinx stack).\n" + "".join(
        line + "\n" for line in runtime.splitlines() if line and not line.startswith("#"))


def book_url(root: Path = ROOT) -> str:
    """The online book (``html.baseurl`` of _config.yml), or the words "online" without one."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text()) if (root / "_config.yml").exists() else {}
    return ((config or {}).get("html") or {}).get("baseurl") or "online"


def _zip_edition(course: Path, chapters: list[Path], root: Path) -> Path:
    """The student zip: the released notebooks, the library, requirements and a README."""
    edition = course / EDITION
    if edition.exists():
        shutil.rmtree(edition)
    edition.mkdir(parents=True)
    for chapter in chapters:
        shutil.copy2(course / "release" / chapter.stem / f"{chapter.stem}.ipynb", edition / f"{chapter.stem}.ipynb")
    shutil.copytree(root / "collapse_lib", edition / "collapse_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.lock"))
    if (root / "data").is_dir():  # the texts collapse_lib.corpus reads (data/austen)
        shutil.copytree(root / "data", edition / "data")
    (edition / "requirements.txt").write_text(student_requirements(root))
    (edition / "README.md").write_text(STUDENT_README.format(
        url=book_url(root), chapters=", ".join(f"`{c.stem}.ipynb`" for c in chapters),
        first=f"{chapters[0].stem}.ipynb"))
    archive = course / f"{EDITION}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(edition.rglob("*")):
            bundle.write(path, path.relative_to(course))
    shutil.rmtree(edition)
    return archive


def assign(names: list[str] | None = None, course: Path = COURSE, root: Path = ROOT,
           notebooks: Path | None = None) -> Path:
    """Build the course folder for the chapters ``names`` (default: all with exercises); return the zip.

    Regenerates the source and release versions of those chapters (an earlier
    gradebook and earlier submissions are kept). The source notebooks are the
    book's student edition (``notebooks``, default ``root/_build/notebooks/student``;
    for this book it is written first when missing or older than a chapter). Raises ValueError for an
    unknown chapter and RuntimeError when nbgrader refuses a notebook.
    """
    import nbformat

    chapters = select(assignment_chapters(root), list(names or []))
    if not chapters:
        raise ValueError("no chapter of _toc.yml has nbgrader exercise cells")
    if notebooks is None and Path(root).resolve() == ROOT:
        ensure_student_editions(chapters, root)
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG)
    grader = api(course)
    for chapter in chapters:
        folder = course / "source" / chapter.stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        if not student_edition(chapter, root, notebooks).exists():
            print(f"{chapter.stem}: no clean notebook (tools/notebook_edition.py); its Markdown stays MyST source",
                  file=sys.stderr)
        nbformat.write(source_notebook(chapter, root, notebooks), folder / f"{chapter.stem}.ipynb")
        result = grader.generate_assignment(chapter.stem, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {chapter.stem}:\n{_log_tail(result)}")
    return _zip_edition(course, chapters, root)


# ---- grading --------------------------------------------------------------------------------------

@dataclass
class Submission:
    """One notebook handed in: who, for which chapter, from which file, and what went wrong."""

    student: str
    chapter: str | None
    path: Path
    problems: list[str] = field(default_factory=list)
    stamp: str = ""


_COPY_MARK = re.compile(r"(?:-\d+| ?\(\d+\))$")
_SAFE = re.compile(r"[^A-Za-z0-9.@-]+")


def student_id(text: str) -> str:
    """A student id that nbgrader can use as a folder name (spaces and other characters become -)."""
    return _SAFE.sub("-", text.strip()).strip("-.") or "unknown"


def _chapter_of_name(stem: str, chapters: list[str]) -> str | None:
    stem = _COPY_MARK.sub("", stem)
    if stem in chapters:
        return stem
    ends = [name for name in chapters if stem.endswith("_" + name)]
    return max(ends, key=len) if ends else None


def find_submissions(folder: Path, chapters: list[str]) -> list[Submission]:
    """Every file under ``folder`` as a Submission (student, chapter or None, path), see the layouts above."""
    found: list[Submission] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
            continue
        parts = path.relative_to(folder).parts
        exchange = next((part for part in parts[:-1] if part.count("+") >= 2), None)
        if exchange:
            student, chapter, stamp = exchange.split("+")[:3]
            submission = Submission(student_id(student), chapter if chapter in chapters else None, path, stamp=stamp)
            named = _chapter_of_name(path.stem, chapters)
            if named and named != chapter:
                submission.chapter = None
        elif len(parts) == 1:
            head, _, _ = path.stem.partition("_")
            submission = Submission(student_id(head), _chapter_of_name(path.stem, chapters), path)
        else:
            submission = Submission(student_id(parts[0]), _chapter_of_name(path.stem, chapters), path)
        found.append(submission)
    # the exchange keeps every submission: grade the newest of each student and chapter
    newest: dict[tuple[str, str | None], Submission] = {}
    for submission in found:
        if submission.stamp and submission.path.suffix == ".ipynb":
            key = (submission.student, submission.chapter)
            if key not in newest or submission.stamp > newest[key].stamp:
                newest[key] = submission
    return [s for s in found if not s.stamp or s.path.suffix != ".ipynb" or newest[(s.student, s.chapter)] is s]


def grade(submissions: Path, course: Path = COURSE, deadline: str | None = None, workers: int = 2,
          regrade: bool = False, **options) -> tuple[list[Submission], Path]:
    """Grade the new or changed submissions under ``submissions``; return them (with problems) and the report path.

    The work is done by tools/grading.py: student code runs in a sandbox
    (tools/grading_sandbox.py) and only reports its answer values, which the
    teacher's tests judge in a separate process (tools/answers.py).
    ``deadline`` (ISO 8601, UTC unless it says otherwise) flags late work;
    ``workers`` notebooks run at once; ``regrade`` grades unchanged
    submissions again; ``options`` go to grading.grade_folder.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import grading

    return grading.grade_folder(submissions, course, deadline=deadline, workers=workers, regrade=regrade,
                                **options)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    assigning = commands.add_parser("assign", help="build the course folder and the student zip")
    assigning.add_argument("chapters", nargs="*", help="chapter names (default: every chapter with exercises)")
    grading = commands.add_parser("grade", help="autograde a folder of submissions")
    grading.add_argument("submissions", type=Path)
    grading.add_argument("--deadline", help="flag work submitted after this time (ISO 8601, UTC by default)")
    grading.add_argument("--workers", type=int, default=2, help="notebooks run at once (default 2)")
    grading.add_argument("--regrade", action="store_true", help="grade unchanged submissions again")
    for sub in (assigning, grading):
        sub.add_argument("--course", type=Path, default=COURSE, help=f"the course folder (default {COURSE})")
    args = parser.parse_args(argv)
    try:
        if args.command == "assign":
            archive = assign(args.chapters, args.course)
            print(f"course folder {Path(args.course).resolve()}\n"
                  f"released: {', '.join(sorted(p.name for p in (Path(args.course) / 'release').iterdir()))}\n"
                  f"to hand out: {archive}")
            return 0
        found, report = grade(args.submissions, args.course, deadline=args.deadline, workers=args.workers,
                              regrade=args.regrade)
    except (ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(report.read_text(), end="")
    return 1 if any(s.problems for s in found) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

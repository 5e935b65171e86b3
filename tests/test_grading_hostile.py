"""Hostile and malformed submissions against the grader (tools/grading.py), on the phenomenon chapter.

Each fixture is made here from the released notebook: the answer cells get
either quick right answers (one-line library calls, so that the notebooks run
in seconds: a student may hand in a notebook without the chapter's other
cells) or wrong answers of the right form, plus one attack. All of them are
graded in one ``grade`` call, two at a time, with short time limits. The
expected score of each is asserted, and so is what the attack must not have
done: a canary file in the course folder and one in $HOME keep their content and
modification time, the course folder changes only where grading writes, the
gradebook holds no manual score, no process of a submission is alive after
grading, and no hidden test reaches a feedback page.

Attacks that would earn points if they worked are written so that they do
earn them when they succeed (a notebook that can read the teacher's source
answers right, one that can write outside the sandbox answers right), so an
attack that got through fails its expected score, not only the side checks.
"""

import csv
import hashlib
import html
import json
import os
import re
import sqlite3
import sys
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import coursework  # noqa: E402
import grading  # noqa: E402
import grading_sandbox  # noqa: E402

CHAPTER = "phenomenon"
ANSWER = {name: f"ex-phenomenon-{name}-answer" for name in ("spread", "late", "expressivity", "combined", "accumulate")}
TEST = {name: f"ex-phenomenon-{name}-tests" for name in ANSWER}
RIGHT = {
    "spread": "n_half = float(np.log(2) / -np.log(1 - 1 / 200))",
    "late": "n_predicted = float(np.log(1e-2) / gaussian_laws.log_variance_drift(schedules.constant(10, 1))[1])",
    "expressivity": "filtered = phenomenon.infinite_data_variances(10, weights=(0.5, 0.5), means=(-2.0, 2.0), "
                    "variances=(1.0, 1.0), trim=3.0)[[1, 2, 10]]",
    "combined": "_both = phenomenon.simulate_sources(50, 40, 2000, trim=2.5, rng=31)\n"
                "drift = float(stats.mean(np.log(_both.variances[40] / _both.variances[1]) / 39).value)",
    "accumulate": "estimates = stats.mean(strategies.simulate_accumulate(20, 400, 4000, rng=32)"
                  ".means[[10, 100, 400]] ** 2).value",
}
WRONG = {"spread": "n_half = 100.0", "late": "n_predicted = 20.0", "expressivity": "filtered = [5.0, 4.5, 3.0]",
         "combined": "drift = -0.2", "accumulate": "estimates = [0.05, 0.06, 0.07]"}
TAG = f"collapse-grading-hostile-{uuid.uuid4().hex[:8]}"  # in the command line of every process a fixture starts


def slim(released):
    """The released notebook without the chapter's own computations: the import cell and every exercise cell."""
    notebook = nbformat.from_dict(json.loads(json.dumps(released)))
    first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    notebook.cells = [cell for i, cell in enumerate(notebook.cells)
                      if cell.cell_type != "code" or i == first or "nbgrader" in cell.metadata]
    return notebook


def with_answers(released, answers: dict[str, str], attack: str = "", where: str = "spread", after: bool = False):
    """A slim copy of ``released`` with the answer cells filled and ``attack`` before (or after) one answer."""
    notebook = slim(released)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        for name, answer_id in ANSWER.items():
            if grade_id == answer_id:
                cell.source = answers[name]
                if name == where and attack:
                    cell.source = cell.source + "\n" + attack if after else attack + "\n" + cell.source
    return notebook


def cell_of(notebook, grade_id):
    return next(cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def fixtures(released, course: Path, canaries: dict[str, Path]) -> dict:
    """{student: (notebook or bytes, expected score, what it tries)}."""
    source = course / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    secrets = [str(source), str(course / "gradebook.db"), str(ROOT / "chapters" / f"{CHAPTER}.md"),
               str(course / "nbgrader_config.py")]
    right_if = "n_half = float(np.log(2) / -np.log(1 - 1 / 200)) if _got else 100.0\n"
    cheats = {
        "isclose": ("redefines np.isclose, np.allclose, np.all, math.isclose and abs to always pass",
                    "import math, builtins\nnp.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
                    "np.all = lambda *a, **k: True\nmath.isclose = lambda *a, **k: True\n"
                    "builtins.abs = lambda x: 0\n"),
        "assertion": ("redefines AssertionError and swallows every exception with a custom handler",
                      "import builtins\nclass AssertionError(Exception):\n    pass\n"
                      "builtins.AssertionError = AssertionError\n"
                      "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"),
        "hook": ("registers IPython hooks that print 'passed' and clear errors after every cell",
                 "def _after(result=None):\n    print('passed')\n    if result is not None:\n"
                 "        result.error_in_exec = None\n"
                 "get_ipython().events.register('post_run_cell', _after)\n"
                 "get_ipython().events.register('post_execute', lambda: print('All tests passed'))\n"),
        "spy": ("registers a pre_run_cell hook that prints every cell run after it (to see hidden tests)",
                "get_ipython().events.register('pre_run_cell', lambda info: print('CELL:', info.raw_cell))\n"),
        "printed": ("prints forged grader output: 'passed', a forged result line and a forged run report",
                    "import json\nprint('All tests passed. Score: 10/10')\n"
                    "_forged = {'x': {test: {'passed': True} for test in " + repr(list(TEST.values())) + "}}\n"
                    "print('@@collapse-grading-results@@' + json.dumps(_forged))\n"
                    "print('@@collapse-grading-run@@' + json.dumps({'cells': [], 'notebook': {'cells': []}}))\n"),
        "exits": ("ends its own kernel on purpose (os._exit) after printing 'passed'",
                  "import os\nprint('passed')\nos._exit(0)\n"),
        "reads": ("reads the teacher's source notebook, the gradebook, the chapter source and the config; "
                  "answers right if any read works",
                  f"_got = []\nfor _path in {secrets!r}:\n    try:\n        open(_path, 'rb').read(10)\n"
                  "        _got.append(_path)\n    except OSError:\n        pass\n" + right_if),
        "writes": ("writes the canaries, scores.csv and nbgrader_config.py in the course folder and in $HOME; "
                   "answers right if any write works",
                   f"_got = []\nfor _path in {[str(p) for p in canaries.values()] + [str(course / 'scores.csv')]!r}:\n"
                   "    try:\n        open(_path, 'a').write('pwned')\n        _got.append(_path)\n"
                   "    except OSError:\n        pass\n"
                   "try:\n"
                   f"    open({str(course / 'nbgrader_config.py')!r}, 'a').write('\\nimport os; os.system(\"id\")\\n')\n"
                   "    _got.append('config')\nexcept OSError:\n    pass\n" + right_if),
        "system": ("runs shell commands with os.system (write into the course folder, copy the answers, network)",
                   f"import os\nos.system('echo pwned > {course}/pwned.txt; cp {source} /tmp/stolen.ipynb; "
                   "python3 -c \"import urllib.request; urllib.request.urlopen(\\'https://pypi.org\\', timeout=5)\" "
                   f"&& echo net > {course}/network.txt')\n"
                   f"_got = os.path.exists({str(course / 'pwned.txt')!r}) or os.path.exists({str(course / 'network.txt')!r})\n"
                   + right_if),
        "detached": ("starts a detached process (new session, double fork) meant to rewrite scores.csv later",
                     "import subprocess, sys\n"
                     "subprocess.Popen([sys.executable, '-c', "
                     + repr(f"import time; time.sleep(8); open({str(course / 'scores.csv')!r}, 'w').write('x')")
                     + f", {TAG!r}], start_new_session=True, "
                     "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
                     f"subprocess.Popen(['sh', '-c', '(setsid {sys.executable} -c \"import time; time.sleep(600)\" "
                     f"{TAG} &)'])\n"),
        "config": ("appends code to nbgrader_config.py (it would run at every later grade)",
                   f"try:\n    open({str(course / 'nbgrader_config.py')!r}, 'a').write('\\nprint(\"pwned\")\\n')\n"
                   "    _got = True\nexcept OSError:\n    _got = False\n" + right_if),
        "gradebook": ("writes manual scores into gradebook.db",
                      f"import sqlite3\ntry:\n    _db = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
                      "    _db.execute('UPDATE grade SET manual_score = 2')\n    _db.commit()\n    _got = True\n"
                      "except Exception:\n    _got = False\n" + right_if),
    }
    made = {}
    for student, (what, attack) in cheats.items():
        made[student] = (with_answers(released, WRONG, attack, after=True), 0, what)
    full = 10
    made["right"] = (with_answers(released, RIGHT), full, "nothing: right answers (control)")
    made["wrong"] = (with_answers(released, WRONG), 0, "nothing: wrong answers of the right form (control)")
    made["loop"] = (with_answers(released, RIGHT, "while True:\n    pass", "late"), full - 2,
                    "an infinite loop in one answer cell")
    made["sleeps"] = (with_answers(released, RIGHT, "import time\ntime.sleep(10**6)", "combined"), full - 2,
                      "sleeps for ever in one answer cell")
    made["memory"] = (with_answers(released, RIGHT, "_big = np.ones(10**11)", "expressivity"), full - 2,
                      "allocates 800 GB in one answer cell")
    made["processes"] = (with_answers(released, RIGHT, "import subprocess, sys\n_children = [subprocess.Popen("
                                      f"[sys.executable, '-c', 'import time; time.sleep(600)', {TAG!r}]) "
                                      "for _ in range(30)]"), full, "starts 30 processes (a bounded number)")
    made["output"] = (with_answers(released, RIGHT, "print('x' * 30_000_000)"), full, "prints 30 MB")
    numpy = dict(RIGHT, spread="n_half = np.int64(139)",
                 late="n_predicted = np.float32(np.log(1e-2) / gaussian_laws.log_variance_drift("
                      "schedules.constant(10, 1))[1])")
    made["numpy"] = (with_answers(released, numpy), full, "numpy scalars (np.int64, np.float32) as answers")
    kernel = with_answers(released, RIGHT)
    kernel.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    made["kernel"] = (kernel, full, "names the R kernel")
    types = with_answers(released, RIGHT)
    turned = cell_of(types, ANSWER["accumulate"])
    turned.cell_type = "markdown"
    del turned["outputs"], turned["execution_count"]
    data = json.loads(nbformat.writes(types))
    data["cells"].append({"cell_type": "heading", "source": "# x", "metadata": {}, "level": 1})
    made["celltypes"] = (json.dumps(data).encode(), full - 2, "an answer cell turned into markdown, a cell of no type")
    renamed = with_answers(released, RIGHT)
    cell_of(renamed, TEST["late"]).metadata["nbgrader"]["grade_id"] = "my-own-id"
    made["renamed-test"] = (renamed, full, "renamed a test cell's grade id")
    ungraded = with_answers(released, RIGHT)
    cell_of(ungraded, TEST["late"]).metadata["nbgrader"]["grade"] = False
    made["grade-false"] = (ungraded, full, "set grade: false on a test cell")
    extra = with_answers(released, RIGHT)
    extra.cells.append(nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {
        "grade": True, "grade_id": "bonus", "locked": False, "points": 100, "schema_version": 3, "solution": False,
        "task": False}}))
    made["extra-grade"] = (extra, full, "added a grade cell worth 100 points")
    deleted = with_answers(released, RIGHT)
    deleted.cells = [cell for cell in deleted.cells
                     if cell.metadata.get("nbgrader", {}).get("grade_id") != TEST["expressivity"]]
    made["deleted-test"] = (deleted, full, "deleted a test cell")
    moved = with_answers(released, RIGHT)
    cell_of(moved, ANSWER["spread"]).metadata["nbgrader"]["grade_id"] = "renamed-answer"
    made["renamed-answer"] = (moved, full, "renamed an answer cell's grade id")
    made["junk"] = (os.urandom(4000), None, "binary junk named phenomenon.ipynb")
    assert all(coursework.student_id(name) == name for name in made)  # the report and CSVs use these ids
    return made


def tree(folder: Path) -> dict[str, tuple]:
    """Every file under ``folder``: (size, mtime_ns, sha256)."""
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns,
                                            hashlib.sha256(path.read_bytes()).hexdigest())
            for path in sorted(folder.rglob("*")) if path.is_file()}


GRADING_WRITES = ("gradebook.db", "scores.csv", "scores_by_exercise.csv", "grading_report.txt",
                  "grading_state.json", "submitted/", "autograded/", "feedback/", "exchange/")


def alive_with_tag(tag: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if tag.encode() in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not grading_sandbox.available()[0]:
        # CI (.ci/run) sets COLLAPSE_REQUIRE_SANDBOX: there a missing sandbox is a failure, not a skip
        (pytest.fail if os.environ.get("COLLAPSE_REQUIRE_SANDBOX") else pytest.skip)(
            f"no sandbox here: {grading_sandbox.available()[1]}")
    base = tmp_path_factory.mktemp("hostile")
    course = base / "course"
    coursework.assign([CHAPTER], course=course)
    released = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    canaries = {"course": course / "canary.txt", "home": Path.home() / f".{TAG}-canary.txt"}
    for path in canaries.values():
        path.write_text(f"canary {TAG}\n")
    try:
        made = fixtures(released, course, canaries)
        submissions = base / "submissions"
        for student, (notebook, _, _) in made.items():
            (submissions / student).mkdir(parents=True)
            target = submissions / student / f"{CHAPTER}.ipynb"
            if isinstance(notebook, bytes):
                target.write_bytes(notebook)
            else:
                nbformat.write(notebook, target)
        before = tree(course)
        canary_state = {name: (path.read_text(), path.stat().st_mtime_ns) for name, path in canaries.items()}
        limits = grading_sandbox.Limits(cell_seconds=15, wall_seconds=240, memory_bytes=3 * 1024 ** 3)
        found, report = coursework.grade(submissions, course=course, workers=2, limits=limits)
        after = tree(course)
        canary_after = {name: (path.read_text(), path.stat().st_mtime_ns) for name, path in canaries.items()}
        alive = alive_with_tag(TAG)
        yield dict(course=course, made=made, found=found, report=report.read_text(), before=before, after=after,
                   canaries=(canary_state, canary_after), alive=alive, submissions=submissions)
    finally:
        canaries["home"].unlink(missing_ok=True)


def scores(course: Path) -> dict[str, float]:
    return {row["student"]: float(row["score"]) for row in csv.DictReader(open(course / "scores.csv"))}


@pytest.mark.slow
def test_each_hostile_submission_scores_what_it_earned(graded):
    obtained = scores(graded["course"])
    table = []
    for student, (_, expected, what) in graded["made"].items():
        table.append((student, what, expected, obtained.get(student)))
    print("\n".join(f"{s:15} expected {e!s:5} obtained {o!s:5} {w}" for s, w, e, o in table))
    assert [row for row in table if row[2] != row[3]] == [], graded["report"]


@pytest.mark.slow
def test_no_file_outside_the_sandbox_was_written(graded):
    assert graded["canaries"][0] == graded["canaries"][1]
    before, after = graded["before"], graded["after"]
    changed = sorted(name for name in set(before) | set(after)
                     if before.get(name) != after.get(name) and not name.startswith(GRADING_WRITES))
    assert changed == []
    assert not (graded["course"] / "pwned.txt").exists() and not (graded["course"] / "network.txt").exists()
    with sqlite3.connect(graded["course"] / "gradebook.db") as db:
        assert db.execute("SELECT count(*) FROM grade WHERE manual_score IS NOT NULL").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM grade").fetchone()[0] > 0


@pytest.mark.slow
def test_no_process_of_a_submission_outlives_grading(graded):
    assert graded["alive"] == []
    assert alive_with_tag(TAG) == []


@pytest.mark.slow
def test_each_problem_is_one_line_and_time_outs_are_reported(graded):
    problems = {s.student: s.problems for s in graded["found"]}
    assert all("\n" not in line for lines in problems.values() for line in lines)
    assert any("time-out" in line for line in problems["loop"]), problems["loop"]
    assert any("time-out" in line for line in problems["sleeps"]), problems["sleeps"]
    assert any("MemoryError" in line for line in problems["memory"]), problems["memory"]
    assert any("kernel died" in line for line in problems["exits"]), problems["exits"]
    assert any("not a readable notebook" in line for line in problems["junk"])
    assert any("'ir'" in line for line in problems["kernel"])
    assert any("markdown" in line for line in problems["celltypes"])
    assert any("no known type" in line for line in problems["celltypes"])
    assert any("bonus" in line for line in problems["extra-grade"])
    assert any("renamed-answer" in line or "ex-phenomenon-spread-answer" in line for line in problems["renamed-answer"])
    assert problems["right"] == [] and problems["wrong"] == []
    for student in ("right", "loop", "junk"):
        assert f"{student}:" in graded["report"]


@pytest.mark.slow
def test_feedback_shows_no_hidden_test_even_to_a_spy(graded):
    source = nbformat.read(graded["course"] / "source" / CHAPTER / f"{CHAPTER}.ipynb", as_version=4)
    hidden = [line.strip() for cell in source.cells if cell.metadata.get("nbgrader", {}).get("grade")
              for line in cell.source.split("### BEGIN HIDDEN TESTS")[-1].splitlines()
              if len(line.strip()) >= 12 and "END HIDDEN" not in line]
    assert hidden
    for student in ("spy", "right", "wrong"):
        page = graded["course"] / "feedback" / student / CHAPTER / f"{CHAPTER}.html"
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert [line for line in hidden if line in text] == [], student
        assert "HIDDEN TESTS" not in text


@pytest.mark.slow
def test_a_second_run_regrades_nothing_and_keeps_the_class(graded):
    course = graded["course"]
    before = scores(course)
    late = graded["submissions"].parent / "late"
    (late / "newcomer").mkdir(parents=True)
    (late / "newcomer" / f"{CHAPTER}.ipynb").write_bytes((graded["submissions"] / "wrong" / f"{CHAPTER}.ipynb")
                                                         .read_bytes())
    found, report = coursework.grade(late, course=course, deadline="2000-01-01T00:00")
    after = scores(course)
    assert set(after) == set(before) | {"newcomer"}
    assert {k: v for k, v in after.items() if k != "newcomer"} == before
    rows = {row["student"]: row for row in csv.DictReader(open(course / "scores.csv"))}
    assert rows["newcomer"]["late"] == "yes" and rows["right"]["late"] == ""
    found, report = coursework.grade(late, course=course)
    assert "0 notebook(s) graded" in report.read_text()

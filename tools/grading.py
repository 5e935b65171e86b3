"""Grade submitted notebooks so that a student can neither cheat the score nor touch the teacher's files.

Called by ``coursework.py grade`` (see its docstring for the submission
layouts). For each new or changed submission:

1. **Prepare** (here, no student code runs): read the notebook with a size
   limit; keep its code cells, drop every test cell (any cell marked as graded,
   or carrying a test cell's grade id) and every output; after each exercise's
   answer cell (found by its grade id; at the end of the notebook when it is
   missing) insert an extraction cell that prints the values of the names the
   exercise asks for (:mod:`answers`).
2. **Run** the student's cells and the extraction cells in a fresh kernel
   inside the sandbox (:mod:`grading_sandbox`): bubblewrap, no course folder,
   no network, limits; submissions run two at a time.
3. **Check** in another fresh kernel, which never runs student code: the
   teacher's chapter cells, then every exercise's test cell (visible and hidden
   tests) with the answer names bound to the student's values, decoded strictly
   from the extraction's untrusted output (:func:`answers.checker_notebook`).
   One such kernel grades every submission of a chapter.
4. **Record**: nbgrader's gradebook (auto scores of the grade cells), the
   student's notebook as graded in ``autograded/`` (the released test cells
   restored, each with a one-line pass or fail note) and nbgrader's feedback
   HTML made from it; ``grading_state.json`` keeps, per student and chapter, the
   hash of what was graded, the scores, the submission time and the problems, so
   that a later ``grade`` regrades only new or changed notebooks and the CSVs
   always hold the whole class.

nbgrader's ``autograde`` is not used: it runs the hidden tests in the student's
kernel after the student's code, where the student can redefine anything. What
nbgrader still does here: the gradebook, the released test cells (taken from its
release, as its ``OverwriteCells`` would restore them), the feedback HTML
(``generate_feedback`` with the book's preprocessor that hides hidden tests).
"""

from __future__ import annotations

import concurrent.futures
import copy
import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import answers  # noqa: E402
import grading_sandbox  # noqa: E402

MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2
RUN_MARKER = "@@collapse-grading-run@@"
STATE = "grading_state.json"
WORKERS = 2


@dataclass
class Outcome:
    """The grading of one submission."""

    student: str
    chapter: str
    digest: str
    submitted_at: str
    late: bool = False
    exercises: dict = field(default_factory=dict)  # test id -> {"score", "max_score", "message"}
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sandboxed: bool = True

    @property
    def score(self) -> float:
        return sum(item["score"] for item in self.exercises.values())

    @property
    def max_score(self) -> float:
        return sum(item["max_score"] for item in self.exercises.values())


# ---- 1. prepare -----------------------------------------------------------------------------------------

def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) else None


def prepare(notebook, exercises: list[answers.Exercise]) -> tuple[object, dict[str, int], list[str]]:
    """The notebook to run for the student's ``notebook``: (notebook, {test id: extraction cell index}, problems)."""
    import nbformat

    problems: list[str] = []
    tests = {exercise.test_id for exercise in exercises}
    answers_at = {exercise.answer_id: exercise for exercise in exercises if exercise.answer_id}
    cells, where = [], {}
    dropped = []
    for number, cell in enumerate(notebook.cells, 1):
        grade_id = _grade_id(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code":
            if grade_id in answers_at:
                problems.append(f"the answer cell {grade_id} is a {cell.get('cell_type')} cell: it does not run")
            cells.append(nbformat.v4.new_markdown_cell(cell.source) if cell.cell_type == "markdown"
                         else nbformat.v4.new_raw_cell(cell.source))
            continue
        if (isinstance(meta, dict) and meta.get("grade") and grade_id not in answers_at) or grade_id in tests:
            if grade_id not in tests:
                dropped.append(repr(str(grade_id)[:40]))
            continue  # test cells never run in the student's kernel: the checker runs the teacher's
        source = cell.get("source", "")
        cells.append(nbformat.v4.new_code_cell(source if isinstance(source, str) else "".join(source)))
        cells[-1].metadata["student_cell"] = f"cell {number}" + (f" ({grade_id})" if grade_id in answers_at else "")
        if grade_id in answers_at:
            exercise = answers_at[grade_id]
            cells.append(nbformat.v4.new_code_cell(answers.extraction_cell(exercise)))
            where[exercise.test_id] = len(cells) - 1  # the last copy of an answer cell counts
    if dropped:
        problems.append(f"graded cells that are not the chapter's test cells were ignored: {', '.join(dropped[:5])}")
    missing = [exercise for exercise in exercises if exercise.test_id not in where]
    for exercise in missing:
        cells.append(nbformat.v4.new_code_cell(answers.extraction_cell(exercise)))
        where[exercise.test_id] = len(cells) - 1
    if missing:
        problems.append("answer cell(s) not found (renamed, deleted or their metadata lost): "
                        + ", ".join(str(e.answer_id) for e in missing)
                        + "; their answers were read at the end of the notebook")
    run = nbformat.v4.new_notebook(cells=cells)
    run.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return run, where, problems


def read_submission(path: Path):
    """The notebook at ``path`` (nbformat node) and problems; ValueError when it cannot be graded at all."""
    import nbformat

    problems = []
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name}: {size / 1e6:.0f} MB, larger than {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB, not graded")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValueError(f"{path.name}: not a readable notebook ({type(error).__name__}), not graded") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError(f"{path.name}: not a readable notebook (no list of cells), not graded")
    cells = []
    for cell in data["cells"]:
        if not isinstance(cell, dict) or not isinstance(cell.get("source", ""), (str, list)):
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
                "raw": nbformat.v4.new_raw_cell}.get(cell.get("cell_type"))
        if make is None:
            continue
        made = make(source)
        made.metadata = nbformat.from_dict(cell["metadata"]) if isinstance(cell.get("metadata"), dict) else {}
        cells.append(made)
    if len(cells) < len(data["cells"]):
        problems.append(f"{len(data['cells']) - len(cells)} cell(s) of no known type (code, markdown, raw) ignored")
    kernel = data.get("metadata", {}).get("kernelspec", {}) if isinstance(data.get("metadata"), dict) else {}
    name = kernel.get("name") if isinstance(kernel, dict) else None
    if name not in (None, "python3"):
        problems.append(f"the notebook names the kernel {str(name)[:40]!r}; it was run with Python 3")
    notebook = nbformat.from_dict({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return notebook, problems


# ---- 2. run ---------------------------------------------------------------------------------------------

def _parse_run(result: grading_sandbox.Result) -> dict | None:
    """The runner's report (untrusted), or None."""
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(RUN_MARKER):
            try:
                report = json.loads(line[len(RUN_MARKER):])
            except (ValueError, RecursionError):
                return None
            if isinstance(report, dict) and isinstance(report.get("cells"), list):
                return report
            return None
    return None


def _stream_text(cell) -> str:
    if not isinstance(cell, dict) or not isinstance(cell.get("outputs"), list):
        return ""
    return "".join(str(output.get("text", "")) for output in cell["outputs"]
                   if isinstance(output, dict) and output.get("output_type") == "stream")


def run_submission(run, where: dict[str, int], limits: grading_sandbox.Limits, force_unsandboxed: bool = False):
    """Run the prepared notebook; return (reports by test id, executed cells, events as lines, seconds, sandboxed)."""
    import nbformat

    result = grading_sandbox.run_notebook(nbformat.writes(run).encode(), limits, force_unsandboxed)
    events: list[str] = []
    report = _parse_run(result)
    if result.timed_out:
        events.append(f"time-out: the notebook ran longer than {limits.wall_seconds:g} s and was stopped")
    if report is None:
        if not result.timed_out:
            last = result.stderr.strip().splitlines()[-1:] or ["no message"]
            events.append(f"the notebook could not be run to the end (exit {result.returncode}: {last[0][:160]})")
        return {}, [], events, result.seconds, result.sandboxed
    executed = report.get("notebook", {}).get("cells") if isinstance(report.get("notebook"), dict) else None
    executed = executed if isinstance(executed, list) and len(executed) == len(run.cells) else []
    extraction = set(where.values())
    raised: list[str] = []
    for entry in report["cells"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("index"), int):
            continue
        if entry["index"] >= len(run.cells):
            continue
        place = run.cells[entry["index"]].metadata.get("student_cell", "an answer-reading step")
        if entry.get("timeout"):
            events.append(f"time-out: {place} ran longer than {limits.cell_seconds:g} s and was interrupted")
        if entry.get("error") == "DeadKernelError":
            events.append(f"the kernel died in {place} (out of memory or killed); later cells did not run")
        elif entry.get("error") and not entry.get("timeout") and entry["index"] not in extraction:
            raised.append(f"{place}: {str(entry['error'])[:60]}")
    if raised:
        events.append(f"{len(raised)} cell(s) raised (later cells may have failed because of them): "
                      + "; ".join(raised[:5]))
    found = {}
    for test_id, index in where.items():
        text = _stream_text(executed[index]) if index < len(executed) else ""
        mine = [item for item in answers.reports(text) if item.get("exercise") == test_id]
        if mine:
            found[test_id] = mine[-1]
    return found, executed, events, result.seconds, result.sandboxed


# ---- 3. check -------------------------------------------------------------------------------------------

def check(source, exercises: list[answers.Exercise], submitted: dict[str, dict], limits: grading_sandbox.Limits,
          force_unsandboxed: bool = False) -> dict[str, dict]:
    """Run the hidden tests for every submission of one chapter in one fresh kernel; {key: {test id: result}}."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="grading-check-") as folder:
        path = Path(folder) / "answers.json"
        path.write_text(json.dumps(submitted))
        path.chmod(0o644)
        tools = Path(__file__).resolve().parent
        inside = grading_sandbox.INSIDE
        sandboxed = not force_unsandboxed and grading_sandbox.available()[0]
        notebook = answers.checker_notebook(source, exercises, f"{inside}/answers.json" if sandboxed else str(path),
                                            f"{inside}/tools" if sandboxed else str(tools))
        checker_limits = grading_sandbox.Limits(wall_seconds=limits.wall_seconds + 30 * len(submitted),
                                                cell_seconds=limits.wall_seconds + 30 * len(submitted),
                                                memory_bytes=limits.memory_bytes)
        result = grading_sandbox.run_notebook(
            nbformat.writes(notebook).encode(), checker_limits, force_unsandboxed,
            extra_binds={str(path): f"{inside}/answers.json", str(tools / "answers.py"): f"{inside}/tools/answers.py"})
    report = _parse_run(result)
    cells = report.get("notebook", {}).get("cells", []) if report else []
    text = _stream_text(cells[-1]) if cells else ""
    for line in reversed(text.splitlines()):
        if line.startswith(answers.CHECK_MARKER):
            return json.loads(line[len(answers.CHECK_MARKER):])
    errors = [f"cell {entry.get('index')}: {entry.get('error')} {entry.get('message')}"
              for entry in (report or {}).get("cells", []) if entry.get("error")]
    raise RuntimeError("the checker (the teacher's chapter and tests, no student code) failed: "
                       + ("; ".join(errors[:3]) or result.stderr.strip()[-500:] or "no output"))


# ---- 4. record ------------------------------------------------------------------------------------------

def _stamp_time(stamp: str, path: Path) -> str:
    """The submission time, ISO 8601 in UTC: nbgrader's exchange timestamp if any, else the file's mtime."""
    if stamp:
        text = re.sub(r"\s*UTC$", "", stamp.strip())
        for form in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S"):
            try:
                return dt.datetime.strptime(text, form).replace(tzinfo=dt.timezone.utc).isoformat(timespec="seconds")
            except ValueError:
                continue
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")


def parse_deadline(text: str | None) -> dt.datetime | None:
    """The deadline ``text`` (ISO 8601; UTC when it names no zone) as an aware datetime, or None."""
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"deadline must be a date and time like 2026-03-01T23:59 (UTC), got {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _feedback_notebook(released, executed: list, where: dict[str, int], outcome: Outcome, run):
    """The student's notebook as graded: executed cells, released test cells restored with a pass or fail note."""
    import nbformat

    extraction = {index: test_id for test_id, index in where.items()}
    by_test = {_grade_id(cell): cell for cell in released.cells if _grade_id(cell)}
    cells = []
    for index, cell in enumerate(run.cells):
        if index in extraction:
            test_id = extraction[index]
            test = copy.deepcopy(by_test[test_id]) if test_id in by_test else None
            if test is None:
                continue
            result = outcome.exercises.get(test_id, {})
            if result.get("score", 0) >= result.get("max_score", 1) and result.get("max_score"):
                test.outputs = [nbformat.v4.new_output("stream", name="stdout", text="passed\n")]
            else:
                test.outputs = [nbformat.v4.new_output("error", ename="Not passed",
                                                       evalue=result.get("message", "not graded"),
                                                       traceback=[f"Not passed: {result.get('message', '')}"])]
            test.execution_count = None
            cells.append(test)
            continue
        if cell.cell_type != "code":
            cells.append(copy.deepcopy(cell))
            continue
        done = executed[index] if index < len(executed) and isinstance(executed[index], dict) else {}
        copied = nbformat.v4.new_code_cell(cell.source)
        outputs = done.get("outputs") if isinstance(done.get("outputs"), list) else []
        try:
            copied.outputs = [nbformat.from_dict(output) for output in map(_safe_output, outputs) if output]
            nbformat.validate(nbformat.v4.new_notebook(cells=[copied]))
        except Exception:  # malformed outputs from the sandbox are dropped
            copied.outputs = []
        cells.append(copied)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=dict(released.metadata))
    return notebook


def _safe_output(output) -> dict | None:
    """An output of the sandbox (untrusted) as the feedback may show it: text and PNG only, no HTML or script."""
    if not isinstance(output, dict):
        return None
    kind = output.get("output_type")
    if kind == "stream" and isinstance(output.get("text"), str):
        return {"output_type": "stream", "name": "stdout" if output.get("name") != "stderr" else "stderr",
                "text": output["text"][:20_000]}
    if kind == "error":
        return {"output_type": "error", "ename": str(output.get("ename", "Error"))[:100],
                "evalue": str(output.get("evalue", ""))[:2000],
                "traceback": [str(line)[:2000] for line in output.get("traceback", [])[-30:]]
                if isinstance(output.get("traceback"), list) else []}
    if kind in ("display_data", "execute_result") and isinstance(output.get("data"), dict):
        data = {key: value for key, value in output["data"].items()
                if key in ("text/plain", "image/png") and isinstance(value, str) and len(value) <= 2_000_000}
        if not data:
            return None
        made = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            made["execution_count"] = None
        return made
    return None


def _load_state(course: Path) -> dict:
    path = course / STATE
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text())
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}


def _write_tables(course: Path, state: dict) -> None:
    rows = [["student", "chapter", "score", "max_score", "submitted_at", "late"]]
    by_exercise = [["student", "chapter", "exercise", "score", "max_score", "message"]]
    for key in sorted(state):
        entry = state[key]
        rows.append([entry["student"], entry["chapter"], f"{entry['score']:g}", f"{entry['max_score']:g}",
                     entry["submitted_at"], "yes" if entry.get("late") else ""])
        for test_id, item in entry["exercises"].items():
            by_exercise.append([entry["student"], entry["chapter"], test_id, f"{item['score']:g}",
                                f"{item['max_score']:g}", item.get("message", "")])
    for name, table in (("scores.csv", rows), ("scores_by_exercise.csv", by_exercise)):
        with open(course / name, "w", newline="") as handle:
            csv.writer(handle).writerows(table)


def _linked(path: Path, folder: Path) -> bool:
    """Whether ``path`` or a folder between it and ``folder`` is a symbolic link."""
    here = path
    while here != folder and here != here.parent:
        if here.is_symlink():
            return True
        here = here.parent
    return False


def _identify(notebook, submission, ids: dict[str, list[str]]) -> bool:
    """Name the chapter of a notebook named after none by its exercise cells; False when none fits."""
    if submission.chapter is not None:
        return True
    present = {grade_id for cell in notebook.cells for grade_id in [_grade_id(cell)] if grade_id}
    overlap = {name: len(present & set(wanted)) for name, wanted in ids.items()}
    best = max(overlap, key=overlap.get) if overlap else None
    if best is None or overlap[best] == 0 or list(overlap.values()).count(overlap[best]) > 1:
        submission.problems.append(f"{submission.path.name}: not named after a chapter ({', '.join(ids)}) "
                                   "and its cells match none, not graded")
        return False
    submission.chapter = best
    submission.problems.append(f"{submission.path.name}: not named after a chapter; identified as "
                               f"{best} by its exercise cells (graded as {best})")
    return True


def _record(course: Path, outcome: Outcome, grader, notebook, feedback) -> list[str]:
    """Gradebook, submitted/ and autograded/ copies, nbgrader's feedback HTML; problems as lines."""
    import nbformat
    from nbgrader.api import Gradebook

    problems = []
    chapter, student = outcome.chapter, outcome.student
    target = course / "submitted" / student / chapter
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    nbformat.write(notebook, target / f"{chapter}.ipynb")
    submitted_at = dt.datetime.fromisoformat(outcome.submitted_at)
    (target / "timestamp.txt").write_text(submitted_at.strftime("%Y-%m-%d %H:%M:%S.%f UTC") + "\n")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        book.update_or_create_student(student)
        book.update_or_create_submission(chapter, student, timestamp=submitted_at.replace(tzinfo=None))
        for test_id, item in outcome.exercises.items():
            grade = book.find_grade(test_id, chapter, chapter, student)
            grade.auto_score = item["score"]
            grade.needs_manual_grade = False
        book.db.commit()
    autograded = course / "autograded" / student / chapter
    if autograded.exists():
        shutil.rmtree(autograded)
    autograded.mkdir(parents=True)
    nbformat.write(feedback, autograded / f"{chapter}.ipynb")
    shutil.copy2(target / "timestamp.txt", autograded / "timestamp.txt")
    result = grader.generate_feedback(chapter, student, force=True)
    if not result["success"]:
        tail = ((result.get("error") or "") + (result.get("log") or "")).strip().splitlines()[-1:]
        problems.append(f"no feedback written ({tail[0][:160] if tail else 'nbgrader failed'})")
    return problems


def grade_folder(submissions: Path, course: Path, deadline: str | None = None, workers: int = WORKERS,
                 regrade: bool = False, limits: grading_sandbox.Limits | None = None,
                 force_unsandboxed: bool = False):
    """Grade the new or changed submissions under ``submissions``; return (submissions found, report path).

    Each submission found gets ``problems`` (lines for the report) and, when
    graded, an ``outcome`` (:class:`Outcome`). ``deadline`` (ISO 8601, UTC by
    default) flags later submissions as late; ``regrade`` grades unchanged
    submissions again.
    """
    import warnings

    import nbformat

    import coursework

    warnings.filterwarnings("ignore", message="Object of type <Submitted")
    warnings.filterwarnings("ignore", message="Your element with mimetype")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    due = parse_deadline(deadline)
    limits = limits or grading_sandbox.Limits(cell_seconds=coursework.CELL_TIMEOUT)
    course = Path(course).resolve()
    submissions = Path(submissions).resolve()
    if not submissions.is_dir():
        raise ValueError(f"SUBMISSIONS must be a folder of handed-in notebooks, got {submissions}")
    released = sorted(path.name for path in (course / "release").glob("*") if path.is_dir())
    if not (course / "nbgrader_config.py").exists() or not released:
        raise ValueError(f"{course} has no released assignment: run `python3 tools/book.py assign` first")
    sources = {name: nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4) for name in released}
    releases = {name: nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4) for name in released}
    chapter_digest = {name: hashlib.sha256((course / "source" / name / f"{name}.ipynb").read_bytes()).hexdigest()
                      for name in released}
    found_exercises = {name: answers.exercises(sources[name]) for name in released}
    ids = {name: coursework.nbgrader_ids(sources[name]) for name in released}
    found = coursework.find_submissions(submissions, released)
    if not found:
        raise ValueError(f"no file found under {submissions}")
    sandbox_ok, why = grading_sandbox.available()
    warning = None
    if force_unsandboxed or not sandbox_ok:
        warning = ("WARNING: student code runs WITHOUT a sandbox: it can read and change every file the grader "
                   f"can (answers, gradebook, config) and use the network. Reason: "
                   f"{'sandbox switched off' if force_unsandboxed else why}")
        print(warning, file=sys.stderr, flush=True)
    state = _load_state(course)
    jobs, seen = [], set()
    for submission in found:
        submission.outcome = None
        if submission.path.suffix != ".ipynb":
            submission.problems.append(f"{submission.path.name}: not a notebook (.ipynb), not graded")
            continue
        if _linked(submission.path, submissions):
            # on a shared exchange a student could link the teacher's source notebook in as their own
            submission.problems.append(f"{submission.path.name}: a symbolic link (or inside one), not graded")
            continue
        try:
            notebook, problems = read_submission(submission.path)
        except (ValueError, OSError) as error:
            submission.problems.append(str(error))
            continue
        if not _identify(notebook, submission, ids):
            continue
        key = f"{submission.student}/{submission.chapter}"
        if key in seen:
            submission.problems.append(f"{submission.path.name}: a second notebook for {submission.chapter}; "
                                       "only the first one found was graded")
            continue
        seen.add(key)
        submission.problems += [f"{submission.chapter}: {line}" for line in problems]
        digest = hashlib.sha256(submission.path.read_bytes() + chapter_digest[submission.chapter].encode()).hexdigest()
        submitted_at = _stamp_time(submission.stamp, submission.path)
        previous = state.get(key)
        if previous and previous.get("digest") == digest and not regrade:
            submission.unchanged = True
            submission.problems = list(previous.get("problems", []))
            continue
        outcome = Outcome(submission.student, submission.chapter, digest, submitted_at)
        outcome.late = bool(due and dt.datetime.fromisoformat(submitted_at) > due)
        present = {grade_id for cell in notebook.cells for grade_id in [_grade_id(cell)] if grade_id}
        deleted = [test for test in (e.test_id for e in found_exercises[submission.chapter]) if test not in present]
        if deleted:
            submission.problems.append(f"{submission.chapter}: test cell(s) deleted or their metadata lost: "
                                       f"{', '.join(deleted)} (restored from the release; they count as usual)")
        run, where, prepared = prepare(notebook, found_exercises[submission.chapter])
        submission.problems += [f"{submission.chapter}: {line}" for line in prepared]
        jobs.append((submission, outcome, notebook, run, where))

    def execute(job):
        submission, outcome, notebook, run, where = job
        return run_submission(run, where, limits, force_unsandboxed)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(execute, jobs))
    for (submission, outcome, _, run, where), (reports, executed, events, seconds, sandboxed) in zip(jobs, results):
        outcome.seconds, outcome.sandboxed = seconds, sandboxed
        submission.problems += [f"{outcome.chapter}: {line}" for line in events]
        outcome.reports = reports
        outcome.executed = executed
    grader = coursework.api(course)
    for chapter in released:
        mine = [(s, o, nb, run, where) for (s, o, nb, run, where) in jobs if o.chapter == chapter]
        if not mine:
            continue
        submitted = {f"{o.student}/{o.chapter}": o.reports for _, o, _, _, _ in mine}
        try:
            checked = check(sources[chapter], found_exercises[chapter], submitted, limits, force_unsandboxed)
        except RuntimeError as error:
            # the teacher's side failed: nobody of this chapter is scored, and the next run retries them
            for submission, *_ in mine:
                submission.problems.append(f"{chapter}: not graded: {' '.join(str(error).split())[:300]}")
            continue
        for submission, outcome, notebook, run, where in mine:
            results_of = checked.get(f"{outcome.student}/{outcome.chapter}", {})
            for exercise in found_exercises[chapter]:
                result = results_of.get(exercise.test_id, {})
                passed = result.get("passed") is True
                outcome.exercises[exercise.test_id] = {
                    "score": exercise.points if passed else 0.0, "max_score": exercise.points,
                    "message": "" if passed else str(result.get("message", "not graded"))[:300]}
            feedback = _feedback_notebook(releases[chapter], outcome.executed, where, outcome, run)
            submission.problems += [f"{chapter}: {line}" for line in _record(course, outcome, grader, notebook,
                                                                             feedback)]
            submission.outcome = outcome
            entry = {"student": outcome.student, "chapter": chapter, "digest": outcome.digest,
                     "score": outcome.score, "max_score": outcome.max_score, "submitted_at": outcome.submitted_at,
                     "late": outcome.late, "exercises": outcome.exercises, "seconds": round(outcome.seconds, 1),
                     "sandboxed": outcome.sandboxed,
                     "graded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "problems": [line for line in submission.problems]}
            state[f"{outcome.student}/{chapter}"] = entry
    elapsed = time.monotonic() - started
    for submission in found:  # file names and grade ids come from students: one line each, bounded
        submission.problems = [" ".join(str(line).split())[:600] for line in submission.problems]
    (course / STATE).write_text(json.dumps(state, indent=1, sort_keys=True))
    _write_tables(course, state)
    report = course / "grading_report.txt"
    report.write_text(_report(found, state, course, warning, elapsed, len(jobs), workers))
    return found, report


def _report(found, state: dict, course: Path, warning: str | None, elapsed: float, graded: int,
            workers: int) -> str:
    lines = [f"Grading report, {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}"]
    if warning:
        lines += ["", warning]
    lines += [f"{graded} notebook(s) graded in {elapsed:.0f} s with {workers} worker(s)"
              + (f", {elapsed / graded:.1f} s per notebook" if graded else "")
              + f"; {sum(1 for s in found if getattr(s, 'unchanged', False))} unchanged since their last grading "
              "(not regraded)", ""]
    for student in sorted({s.student for s in found}):
        lines.append(f"{student}:")
        for submission in (s for s in found if s.student == student):
            key = f"{student}/{submission.chapter}"
            if key in state and (getattr(submission, "outcome", None) or getattr(submission, "unchanged", False)):
                entry = state[key]
                feedback = course / "feedback" / student / submission.chapter / f"{submission.chapter}.html"
                lines.append(f"  {submission.chapter}: {entry['score']:g} / {entry['max_score']:g} points, "
                             f"submitted {entry['submitted_at']}" + (" LATE" if entry.get("late") else "")
                             + (" (unchanged, not regraded)" if getattr(submission, "unchanged", False) else "")
                             + (f", feedback {feedback.relative_to(course)}" if feedback.exists() else ""))
            for problem in submission.problems:
                lines.append(f"  problem: {' '.join(problem.split())}")
    lines += ["", f"scores of the whole class: {course / 'scores.csv'} (by exercise: "
              f"{course / 'scores_by_exercise.csv'})", f"gradebook: {course / 'gradebook.db'}"]
    return "\n".join(lines) + "\n"

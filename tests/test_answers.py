"""The answers of a graded notebook as plain data (tools/answers.py): names, extraction, strict decoding.

Fast: no kernel, no sandbox. The extraction cell is run here with ``exec`` in
a plain namespace, as the student's kernel would run it, and its printed
report is decoded back; the decoder is fed malformed and hostile reports.
"""

import contextlib
import io
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import answers  # noqa: E402
import coursework  # noqa: E402
import grading  # noqa: E402
import grading_sandbox  # noqa: E402


@pytest.mark.parametrize("chapter", coursework.assignment_chapters(ROOT), ids=lambda path: path.stem)
def test_every_exercise_has_answer_names_that_its_answer_cell_defines(chapter):
    notebook = coursework.source_notebook(chapter)
    found = answers.exercises(notebook)
    tests = [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert len(found) == len(tests) >= 5
    for exercise in found:
        assert exercise.names and exercise.answer_id and exercise.answer_id.endswith("-answer")
        answer = next(cell for cell in notebook.cells
                      if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise.answer_id)
        for name in exercise.names:
            assert name in answer.source and name in exercise.test_source, (exercise.test_id, name)


def test_answer_names_skip_the_tests_own_parameters_and_helpers():
    import nbformat

    answer = nbformat.v4.new_code_cell("def f(x):\n    return x\nschedule = 3\nbest = f(2)\nhelper = 1",
                                       metadata={"nbgrader": {"grade_id": "a-answer", "solution": True}})
    test = nbformat.v4.new_code_cell("grid = [f for f in range(3)]\n_g = lambda schedule: schedule\n"
                                     "assert best == max(grid) - 0", metadata={"nbgrader": {
                                         "grade_id": "a-tests", "grade": True, "points": 1}})
    found = answers.exercises(nbformat.v4.new_notebook(cells=[answer, test]))
    assert [e.names for e in found] == [["best"]]
    test.metadata["answer_names"] = ["best", "helper"]
    assert answers.exercises(nbformat.v4.new_notebook(cells=[answer, test]))[0].names == ["best", "helper"]
    test.metadata["answer_names"] = "best"
    with pytest.raises(ValueError, match="answer_names"):
        answers.exercises(nbformat.v4.new_notebook(cells=[answer, test]))


def extract(values: dict, names: list[str]) -> dict:
    """Run the extraction cell on ``values`` as a kernel would; return the printed report."""
    exercise = answers.Exercise("a-answer", "a-tests", 1.0, names, "")
    space = dict(values)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(answers.extraction_cell(exercise), space)  # noqa: S102
    assert "__collapse_grading_extract" not in space  # it leaves the student's namespace as it was
    [report] = answers.reports(out.getvalue())
    return report


def test_answers_survive_the_trip_as_plain_data():
    M = sp.Symbol("M", positive=True)
    values = {"a": np.int64(9), "b": np.float32(0.5), "c": 1.25, "d": [1, 2.5, (3, "x")], "e": np.arange(6).reshape(2, 3),
              "f": 1 - sp.pi ** 2 / (6 * M), "g": "text", "h": True, "i": 2 ** 80, "j": float("nan"),
              "k": np.array([0.1, np.inf]), "m": {"x": 1}, "n": 1 + 2j, "o": sp.Matrix([[1, M]])}
    names = sorted(values) + ["missing"]
    decoded, why = answers.decode(extract(values, names), names)
    assert why == {"missing": "missing is not defined"}
    assert type(decoded["a"]) is int and decoded["a"] == 9  # numpy integers are ints
    assert type(decoded["b"]) is float and decoded["b"] == 0.5
    assert decoded["d"] == [1, 2.5, (3, "x")] and decoded["g"] == "text" and decoded["h"] is True
    assert decoded["e"].shape == (2, 3) and decoded["e"].dtype == np.int64 and decoded["e"][1, 2] == 5
    assert sp.simplify(decoded["f"] - values["f"]) == 0 and decoded["f"].free_symbols == {M}
    assert decoded["i"] == 2 ** 80 and np.isnan(decoded["j"]) and decoded["k"][1] == np.inf
    assert decoded["m"] == {"x": 1} and decoded["n"] == 1 + 2j and decoded["o"] == sp.Matrix([[1, M]])


def test_objects_that_are_not_data_are_refused_with_a_reason():
    class Sneaky(float):
        def __eq__(self, other):
            return True

    decoded, why = answers.decode(extract({"x": lambda: 1, "y": Sneaky(3.0), "z": object()}, ["x", "y", "z"]),
                                  ["x", "y", "z"])
    assert decoded == {"y": 3.0} and type(decoded["y"]) is float  # a float subclass arrives as a plain float
    assert "function cannot be graded" in why["x"] and "object cannot be graded" in why["z"]


@pytest.mark.parametrize("item", [
    {"t": "float", "v": "__import__('os')"}, {"t": "float", "v": 1.5}, {"t": "int", "v": "1" * 5000},
    {"t": "ndarray", "kind": "f", "shape": [2, 2], "v": [{"t": "float", "v": "1.0"}]},
    {"t": "ndarray", "kind": "O", "shape": [1], "v": [{"t": "int", "v": "1"}]},
    {"t": "sympy", "v": "__import__('os').system('touch /tmp/x')"},
    {"t": "sympy", "v": "Symbol('x').__class__"}, {"t": "sympy", "v": "sympify('x')"},
    {"t": "sympy", "v": "(lambda: 1)()"}, {"t": "sympy", "v": "Add(Symbol('x'), open('/etc/passwd'))"},
    {"t": "code", "v": "1"}, "just a string", {"t": "list", "v": "not a list"},
])
def test_malformed_or_hostile_reports_are_refused(item):
    decoded, why = answers.decode({"values": {"x": item}}, ["x"])
    assert decoded == {} and "x" in why


def test_sizes_and_nesting_are_bounded():
    deep = {"t": "int", "v": "1"}
    for _ in range(50):
        deep = {"t": "list", "v": [deep]}
    assert "nested" in answers.decode({"values": {"x": deep}}, ["x"])[1]["x"]
    huge = {"t": "ndarray", "kind": "f", "shape": [answers.MAX_ELEMENTS + 1],
            "v": [{"t": "float", "v": "1.0"}] * (answers.MAX_ELEMENTS + 1)}
    assert "more than" in answers.decode({"values": {"x": huge}}, ["x"])[1]["x"]


def test_reports_and_decode_refuse_bad_arguments():
    with pytest.raises(ValueError, match="string"):
        answers.reports(b"bytes")
    with pytest.raises(ValueError, match="names"):
        answers.decode({}, "x")
    assert answers.decode(None, ["x"])[1]["x"].startswith("no answer reported")
    assert answers.reports(answers.MARKER + "{not json\n" + answers.MARKER + '"a string"') == []
    with pytest.raises(ValueError, match="positive"):
        grading_sandbox.Limits(wall_seconds=0)
    with pytest.raises(ValueError, match="bytes"):
        grading_sandbox.run_notebook("a notebook as text")
    with pytest.raises(ValueError, match="deadline"):
        grading.parse_deadline("next friday")
    with pytest.raises(ValueError, match="workers"):
        grading.grade_folder(ROOT, ROOT / "nothing", workers=0)
    assert json.loads(json.dumps(grading.parse_deadline("2026-03-01T23:59").isoformat())).endswith("+00:00")


def test_feedback_keeps_text_and_images_only_from_the_sandbox():
    assert grading._safe_output({"output_type": "display_data", "data": {"text/html": "<script>x()</script>"}}) is None
    kept = grading._safe_output({"output_type": "execute_result", "data": {"text/plain": "1", "text/html": "<b>"},
                                 "metadata": {"x": 1}, "execution_count": 3})
    assert kept == {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {},
                    "execution_count": None}
    assert grading._safe_output({"output_type": "stream", "name": "evil", "text": "a" * 50_000})["text"] == "a" * 20_000
    assert grading._safe_output("not an output") is None
    assert grading._safe_output({"output_type": "error", "ename": "E", "traceback": "not a list"})["traceback"] == []


def test_the_checker_binds_the_values_and_judges_each_test_alone(tmp_path):
    """The checker notebook's cells, run here with exec in one namespace as its fresh kernel would run them."""
    import nbformat

    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import math\nx = 'the chapter also has an x'"),
        nbformat.v4.new_code_cell("x = 4.0", metadata={"nbgrader": {"grade_id": "one-answer", "solution": True}}),
        nbformat.v4.new_code_cell("assert x == math.sqrt(16), 'x is not the root'",
                                  metadata={"nbgrader": {"grade_id": "one-tests", "grade": True, "points": 1}}),
        nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": {"grade_id": "two-answer", "solution": True}}),
        nbformat.v4.new_code_cell("while y == 2:\n    pass",
                                  metadata={"nbgrader": {"grade_id": "two-tests", "grade": True, "points": 1}}),
    ])
    found = answers.exercises(source)
    assert [e.names for e in found] == [["x"], ["y"]]
    report = lambda test, values: {"exercise": test, "values": {  # noqa: E731
        name: {"t": "float", "v": repr(float(value))} for name, value in values.items()}}
    submitted = {"right/c": {"one-tests": report("one-tests", {"x": 4}), "two-tests": report("two-tests", {"y": 3})},
                 "wrong/c": {"one-tests": report("one-tests", {"x": 5}), "two-tests": report("two-tests", {"y": 2})},
                 "blank/c": {}}
    (tmp_path / "answers.json").write_text(json.dumps(submitted))
    notebook = answers.checker_notebook(source, found, str(tmp_path / "answers.json"), str(ROOT / "tools"), seconds=1)
    space, out = {}, io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in notebook.cells:
            exec(cell.source, space)  # noqa: S102
    [line] = [line for line in out.getvalue().splitlines() if line.startswith(answers.CHECK_MARKER)]
    results = json.loads(line[len(answers.CHECK_MARKER):])
    assert results["right/c"] == {"one-tests": {"passed": True, "message": ""},
                                  "two-tests": {"passed": True, "message": ""}}
    assert results["wrong/c"]["one-tests"] == {"passed": False, "message": "x is not the root"}
    assert results["wrong/c"]["two-tests"] == {"passed": False,
                                               "message": "TimeoutError: the check of this answer took longer than 1.0 s"}
    # no report at all: the exercise fails, whatever the chapter's own x is
    assert results["blank/c"]["one-tests"]["passed"] is False
    assert "no answer reported" in results["blank/c"]["one-tests"]["message"]


def test_without_bwrap_the_sandbox_says_why(monkeypatch):
    monkeypatch.setattr(grading_sandbox, "_AVAILABLE", None)
    monkeypatch.setattr(grading_sandbox.shutil, "which", lambda name: None)
    usable, why = grading_sandbox.available()
    assert not usable and "apt-get install bubblewrap" in why
    with pytest.raises(ValueError, match="not installed"):
        grading_sandbox.bwrap_command(["true"], {}, grading_sandbox.Limits())


def test_files_mounted_under_tmp_stay_visible_in_the_sandbox(tmp_path):
    """In CI the virtual environment lives under /tmp: the sandbox's own /tmp must not hide it."""
    import subprocess

    if not grading_sandbox.available()[0]:
        (pytest.fail if os.environ.get("COLLAPSE_REQUIRE_SANDBOX") else pytest.skip)(grading_sandbox.available()[1])
    (tmp_path / "seen.txt").write_text("visible\n")
    (tmp_path / "seen.txt").chmod(0o644)
    command = grading_sandbox.bwrap_command(["cat", "/tmp/deep/er/seen.txt"], {
        str(tmp_path / "seen.txt"): "/tmp/deep/er/seen.txt"}, grading_sandbox.Limits())
    assert subprocess.run(command, capture_output=True, text=True, timeout=60).stdout == "visible\n"
    outside = grading_sandbox.bwrap_command(["ls", str(tmp_path)], {}, grading_sandbox.Limits())
    assert subprocess.run(outside, capture_output=True, text=True, timeout=60).returncode != 0  # the real /tmp is not there

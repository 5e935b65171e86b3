"""The answers of a graded notebook as plain data, and their checking outside the student's kernel.

Grading must not trust anything the student's kernel computes about the tests:
a student can redefine ``np.isclose`` or ``AssertionError``, register IPython
hooks, or print what looks like a pass. So the student's kernel only *reports
the answers*: after each answer cell, an extraction cell (:func:`extraction_cell`)
writes the values of the names that exercise asks for as JSON (numbers, arrays
as lists, strings, sympy expressions as ``srepr``). That report is untrusted
input: the student may have patched ``json``, ``repr`` or numpy, or printed a
forged report; whatever it says, it can only claim *values*, which the student
could have typed in anyway. :func:`decode` parses it strictly (types, sizes,
nesting; sympy through a whitelist of sympy classes, never ``eval`` of free
text), and the hidden tests then run in a separate, fresh Python process that
has never run student code (:func:`checker_notebook`): the teacher's chapter
cells, then each exercise's test cell with the answer names bound to the
decoded values.

An exercise is a grade cell (``nbgrader.grade`` true) and the answer cell
(``nbgrader.solution`` true) before it. Its answer names are the names the test
cell reads at its top level that the reference answer cell assigns (found with
:mod:`symtable`, so parameters of the test's own functions and lambdas do not
count); a test cell may list them instead in its metadata, ``answer_names:
[name, ...]``.
"""

from __future__ import annotations

import ast
import json
import math
import re
import symtable
from dataclasses import dataclass, field

MARKER = "@@collapse-grading-answers@@"
MAX_ELEMENTS = 1_000_000  # numbers in one notebook's answers, all exercises together
MAX_DEPTH = 12
MAX_STRING = 100_000
MAX_REPORT_BYTES = 32_000_000


@dataclass
class Exercise:
    """One graded exercise of a source notebook."""

    answer_id: str | None  # grade id of the answer cell (None: the test cell has none before it)
    test_id: str
    points: float
    names: list[str]
    test_source: str  # the teacher's test cell, hidden tests included
    visible_source: str = ""
    cell_index: int = 0  # index of the test cell in the source notebook
    problems: list[str] = field(default_factory=list)


def _top_level_names(source: str) -> tuple[set[str], set[str]]:
    """(names assigned or imported at the top level, global names read anywhere) of ``source``."""
    table = symtable.symtable(source, "<cell>", "exec")
    assigned = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    read: set[str] = set()

    def walk(scope, top: bool) -> None:
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (top or symbol.is_global()):
                read.add(symbol.get_name())
        for child in scope.get_children():
            walk(child, False)

    walk(table, True)
    return assigned, read


def _ipython_free(source: str) -> str:
    """``source`` with IPython's magics and shell escapes blanked (symtable reads plain Python)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def exercises(notebook) -> list[Exercise]:
    """The graded exercises of the teacher's source ``notebook`` (an nbformat node), in order."""
    found: list[Exercise] = []
    answer = None
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            answer = cell
            continue
        if not meta.get("grade"):
            continue
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        exercise = Exercise(answer.metadata["nbgrader"]["grade_id"] if answer is not None else None,
                            meta["grade_id"], float(meta.get("points", 0)), [], cell.source, visible, index)
        declared = cell.metadata.get("answer_names")
        if declared is not None:
            if not (isinstance(declared, list) and all(isinstance(n, str) and n.isidentifier() for n in declared)):
                raise ValueError(f"{meta['grade_id']}: answer_names must be a list of Python names, got {declared!r}")
            exercise.names = list(declared)
        elif answer is not None:
            assigned, _ = _top_level_names(_ipython_free(answer.source))
            _, read = _top_level_names(_ipython_free(cell.source))
            exercise.names = sorted(read & assigned)
        if not exercise.names:
            raise ValueError(f"{meta['grade_id']}: no answer name found (the names the test cell reads that the "
                             "answer cell assigns); list them in the test cell's metadata as answer_names")
        found.append(exercise)
        answer = None
    return found


# ---- in the student's kernel -------------------------------------------------------------------------

_EXTRACT = r'''
def __collapse_grading_extract(names, label, marker):
    import sys, json
    np = sys.modules.get("numpy")
    sp = sys.modules.get("sympy")
    budget = [1000000]

    def scalar(value):
        if isinstance(value, bool) or (np is not None and isinstance(value, np.bool_)):
            return {"t": "bool", "v": bool(value)}
        if isinstance(value, int) or (np is not None and isinstance(value, np.integer)):
            return {"t": "int", "v": str(int(value))}
        if isinstance(value, float) or (np is not None and isinstance(value, np.floating)):
            return {"t": "float", "v": repr(float(value))}
        if isinstance(value, complex) or (np is not None and isinstance(value, np.complexfloating)):
            return {"t": "complex", "v": [repr(float(value.real)), repr(float(value.imag))]}
        return None

    def encode(value, depth):
        budget[0] -= 1
        if budget[0] < 0 or depth > 10:
            return {"t": "unsupported", "type": "too large or too deeply nested"}
        plain = scalar(value)
        if plain is not None:
            return plain
        if value is None:
            return {"t": "none"}
        if isinstance(value, str):
            return {"t": "str", "v": str(value)}
        if np is not None and isinstance(value, np.ndarray):
            if value.dtype.kind in "biufc" and value.size <= budget[0]:
                budget[0] -= value.size
                flat = value.ravel().tolist()
                return {"t": "ndarray", "kind": value.dtype.kind, "shape": list(value.shape),
                        "v": [scalar(item) for item in flat]}
            return {"t": "unsupported", "type": "numpy array of dtype " + str(value.dtype)}
        if sp is not None and isinstance(value, (sp.Basic, sp.MatrixBase)):
            return {"t": "sympy", "v": sp.srepr(value)}
        if isinstance(value, (list, tuple)):
            return {"t": type(value).__name__ if type(value) in (list, tuple) else "list",
                    "v": [encode(item, depth + 1) for item in value]}
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return {"t": "dict", "v": {key: encode(item, depth + 1) for key, item in value.items()}}
        return {"t": "unsupported", "type": type(value).__name__}

    report = {}
    space = globals()
    for name in names:
        try:
            report[name] = encode(space[name], 0) if name in space else {"t": "missing"}
        except Exception as error:
            report[name] = {"t": "unsupported", "type": "error while reading it: " + type(error).__name__}
    print(marker + json.dumps({"exercise": label, "values": report}))


__collapse_grading_extract(%(names)r, %(label)r, %(marker)r)
del __collapse_grading_extract
'''


def extraction_cell(exercise: Exercise, marker: str = MARKER) -> str:
    """The code that reports the values of ``exercise``'s answer names (run in the student's kernel)."""
    return _EXTRACT % {"names": list(exercise.names), "label": exercise.test_id, "marker": marker}


def reports(text: str, marker: str = MARKER) -> list[dict]:
    """The answer reports printed in ``text`` (untrusted: JSON objects, each checked by :func:`decode` later)."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    found = []
    for line in text.splitlines():
        if line.startswith(marker):
            try:
                report = json.loads(line[len(marker):])
            except (ValueError, RecursionError):
                continue
            if isinstance(report, dict):
                found.append(report)
    return found


# ---- the strict decoder, in the grader ------------------------------------------------------------------

_FLOAT = re.compile(r"-?(?:inf|nan|\d+(?:\.\d*)?(?:e[-+]?\d+)?)")
_INT = re.compile(r"-?\d{1,4000}")


class _Budget:
    def __init__(self, elements: int):
        self.left = elements

    def take(self, count: int = 1) -> None:
        self.left -= count
        if self.left < 0:
            raise ValueError(f"the answers hold more than {MAX_ELEMENTS} values")


def _float(text) -> float:
    if not isinstance(text, str) or len(text) > 40 or not _FLOAT.fullmatch(text):
        raise ValueError(f"not a float: {str(text)[:40]!r}")
    return float(text)


def _scalar(item: dict):
    kind = item.get("t")
    if kind == "bool" and isinstance(item.get("v"), bool):
        return item["v"]
    if kind == "int" and isinstance(item.get("v"), str) and _INT.fullmatch(item["v"]):
        return int(item["v"])
    if kind == "float":
        return _float(item.get("v"))
    if kind == "complex" and isinstance(item.get("v"), list) and len(item["v"]) == 2:
        return complex(_float(item["v"][0]), _float(item["v"][1]))
    raise ValueError(f"not a number: {str(item)[:60]}")


_SYMPY_NAMES: dict | None = None


def _sympy_names() -> dict:
    """The names srepr may use: sympy's expression, function and matrix classes and its constants.

    Nothing that parses or runs text (``sympify``, ``parse_expr``, ``lambdify``)
    is a sympy class, function class or constant, so none of them is allowed.
    """
    global _SYMPY_NAMES
    if _SYMPY_NAMES is None:
        import sympy
        from sympy.core.function import FunctionClass

        allowed = {}
        for name in dir(sympy):
            obj = getattr(sympy, name)
            if isinstance(obj, type) and (issubclass(obj, sympy.Basic) or issubclass(obj, sympy.MatrixBase)):
                allowed[name] = obj
            elif isinstance(obj, (FunctionClass, sympy.Basic)):  # functions; constants such as pi, E, I, oo
                allowed[name] = obj
        for name in ("Symbol", "Dummy", "Integer", "Rational", "Float", "Function", "Tuple",
                     "ImmutableDenseMatrix", "MutableDenseMatrix"):
            allowed[name] = getattr(sympy, name)
        from sympy.core.numbers import Half, NegativeOne, One, Zero
        allowed.update(Half=Half, NegativeOne=NegativeOne, One=One, Zero=Zero)
        _SYMPY_NAMES = allowed
    return _SYMPY_NAMES


def sympy_from_srepr(text: str):
    """The sympy object that ``srepr`` printed as ``text``; ValueError for anything else.

    Only calls of sympy classes by name, with numbers, strings, booleans,
    tuples and lists as arguments, are accepted: no attribute, subscript,
    operator, lambda or free name, so nothing but sympy constructors runs.
    """
    if not isinstance(text, str) or len(text) > MAX_STRING:
        raise ValueError("a sympy answer must be an srepr string of at most 100000 characters")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(f"not an srepr expression ({type(error).__name__})") from None
    names = _sympy_names()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.Call, ast.keyword, ast.Load, ast.Tuple, ast.List)):
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            continue
        if isinstance(node, ast.USub):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool, type(None))):
            if isinstance(node.value, str) and len(node.value) > 1000:
                raise ValueError("a string in the sympy answer is too long")
            if isinstance(node.value, int) and abs(node.value) > 10 ** 400:
                raise ValueError("an integer in the sympy answer is too large")
            continue
        if isinstance(node, ast.Name) and node.id in names:
            continue
        raise ValueError(f"not an srepr of a sympy expression: {type(node).__name__} "
                         f"{getattr(node, 'id', '')}".rstrip())
    try:
        return eval(compile(tree, "<srepr>", "eval"), {"__builtins__": {}}, dict(names))  # noqa: S307
    except Exception as error:  # the constructors' own complaints
        raise ValueError(f"sympy could not rebuild the expression ({type(error).__name__})") from None


def _decode(item, depth: int, budget: _Budget):
    if not isinstance(item, dict) or not isinstance(item.get("t"), str):
        raise ValueError("malformed answer report")
    if depth > MAX_DEPTH:
        raise ValueError("the answer is nested too deeply")
    budget.take()
    kind = item["t"]
    if kind in ("bool", "int", "float", "complex"):
        return _scalar(item)
    if kind == "none":
        return None
    if kind == "str":
        if not isinstance(item.get("v"), str) or len(item["v"]) > MAX_STRING:
            raise ValueError("a string answer is too long or malformed")
        return item["v"]
    if kind in ("list", "tuple"):
        if not isinstance(item.get("v"), list):
            raise ValueError("malformed list")
        values = [_decode(element, depth + 1, budget) for element in item["v"]]
        return values if kind == "list" else tuple(values)
    if kind == "dict":
        if not isinstance(item.get("v"), dict):
            raise ValueError("malformed dict")
        return {str(key): _decode(value, depth + 1, budget) for key, value in item["v"].items()}
    if kind == "ndarray":
        import numpy as np

        shape, values, dtype = item.get("shape"), item.get("v"), item.get("kind")
        if (not isinstance(shape, list) or len(shape) > 8 or not all(type(n) is int and n >= 0 for n in shape)
                or not isinstance(values, list) or dtype not in ("b", "i", "u", "f", "c")):
            raise ValueError("malformed array")
        if math.prod(shape) != len(values):
            raise ValueError("an array's shape does not match its values")
        budget.take(len(values))
        scalars = [_scalar(value) for value in values]
        target = {"b": bool, "i": np.int64, "u": np.uint64, "f": np.float64, "c": np.complex128}[dtype]
        try:
            return np.array(scalars, dtype=target).reshape(shape)
        except OverflowError:
            raise ValueError("an integer of the array does not fit in 64 bits") from None
    if kind == "sympy":
        return sympy_from_srepr(item.get("v"))
    if kind == "missing":
        raise LookupError("not defined")
    if kind == "unsupported":
        raise TypeError(f"a {str(item.get('type'))[:60]} cannot be graded "
                        "(give a number, a list or array of numbers, a string or a sympy expression)")
    raise ValueError(f"unknown answer type {kind[:20]!r}")


def decode(report: dict, names: list[str]) -> tuple[dict, dict]:
    """The values of ``names`` in one untrusted answer report: (values, {name: why it was not read}).

    A name absent from ``values`` was missing or could not be read; the
    reason says why in a line a student understands.
    """
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("names must be a list of strings")
    values, why = {}, {}
    reported = report.get("values") if isinstance(report, dict) else None
    if not isinstance(reported, dict):
        return {}, {name: "no answer reported (the notebook stopped before this exercise?)" for name in names}
    budget = _Budget(MAX_ELEMENTS)
    for name in names:
        if name not in reported:
            why[name] = f"{name} was not reported"
            continue
        try:
            values[name] = _decode(reported[name], 0, budget)
        except LookupError:
            why[name] = f"{name} is not defined"
        except TypeError as error:
            why[name] = f"{name}: {error}"
        except (ValueError, RecursionError, MemoryError, OverflowError) as error:
            why[name] = f"{name} could not be read: {str(error)[:120]}"
    return values, why


# ---- the checker: a fresh process that never ran student code -----------------------------------------

CHECK_MARKER = "@@collapse-grading-results@@"

_CHECK = r'''
def __collapse_grading_check(answers_path, tools, marker, seconds):
    import json, signal, sys
    sys.path.insert(0, tools)
    import answers as grading_answers
    sys.path.remove(tools)
    exercises = %(exercises)r
    with open(answers_path) as handle:
        submissions = json.load(handle)
    results = {}
    for key, reports in submissions.items():
        mine = {}
        for test_id, names, source in exercises:
            report = reports.get(test_id)
            values, why = grading_answers.decode(report, names)
            if why:
                mine[test_id] = {"passed": False, "message": "; ".join(why.values())}
                continue
            space = dict(__collapse_grading_snapshots[test_id])
            for name in names:
                space.pop(name, None)
            space.update(values)
            def stop(signum, frame):
                raise TimeoutError(f"the check of this answer took longer than {seconds} s")

            previous = signal.signal(signal.SIGALRM, stop)
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                exec(compile(source, "<test " + test_id + ">", "exec"), space)
                signal.setitimer(signal.ITIMER_REAL, 0)
            except AssertionError as error:
                message = str(error).strip().splitlines()
                mine[test_id] = {"passed": False, "message": message[0][:300] if message else "a hidden check failed"}
            except BaseException as error:
                text = (type(error).__name__ + ": " + str(error).strip()).splitlines()[0][:300]
                mine[test_id] = {"passed": False, "message": text}
            else:
                mine[test_id] = {"passed": True, "message": ""}
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        results[key] = mine
    print("\n" + marker + json.dumps(results))


__collapse_grading_check(%(answers_path)r, %(tools)r, %(marker)r, %(seconds)r)
'''


def checker_notebook(source, found: list[Exercise], answers_path: str, tools: str, seconds: float = 60.0):
    """The trusted notebook that grades every submission of one chapter in a fresh kernel.

    ``source`` is the teacher's source notebook: its cells run except the answer
    and test cells; before each test cell's place, the namespace is kept (a
    shallow copy), and the last cell runs each test cell, visible and hidden
    tests, in that namespace with the student's decoded answer values bound.
    ``answers_path`` is the JSON file {submission key: {test id: report}}.
    One test cell may run ``seconds`` on one submission's answers (a huge
    sympy answer could make ``simplify`` run for ever); then it fails.
    """
    import nbformat

    tests = {exercise.cell_index: exercise for exercise in found}
    cells = [nbformat.v4.new_code_cell("__collapse_grading_snapshots = {}")]
    for index, cell in enumerate(source.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if index in tests:
            cells.append(nbformat.v4.new_code_cell(
                f"__collapse_grading_snapshots[{tests[index].test_id!r}] = dict(globals())"))
            continue
        if meta.get("solution") or meta.get("grade"):
            continue
        cells.append(nbformat.v4.new_code_cell(cell.source))
    cells.append(nbformat.v4.new_code_cell(_CHECK % {
        "exercises": [(e.test_id, e.names, e.test_source) for e in found],
        "answers_path": answers_path, "tools": tools, "marker": CHECK_MARKER, "seconds": float(seconds)}))
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=dict(source.metadata))
    return notebook

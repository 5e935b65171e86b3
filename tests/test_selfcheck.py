"""The exercises' self-checks: wrong answers fail, the reference passes, the reference is never shown,
and every registered answer is wired to its exercise in a chapter."""

import re
from pathlib import Path

import jupytext
import numpy as np
import pytest
import sympy as sp

from collapse_lib import selfcheck

ROOT = Path(__file__).resolve().parent.parent
STORED = selfcheck.decode(selfcheck.STORE.read_bytes()) if selfcheck.STORE.exists() else {}

# one record of each kind, for tests that must run even before any answer is registered
SYNTHETIC = {
    "ex-test-number": {"kind": "number", "value": 0.25, "rtol": 1e-6, "atol": 0.01, "hint": "a quarter"},
    "ex-test-array": {"kind": "array", "value": [1.5, -2.0, 30.0], "rtol": 1e-3, "atol": 0.0, "hint": "three"},
    "ex-test-expression": {"kind": "expression", "value": "sigma**2*(1 + 1/M_0)", "rtol": 1e-6, "atol": 0.0,
                           "hint": "total variance"},
}


@pytest.fixture
def synthetic_store(tmp_path, monkeypatch):
    store = tmp_path / "answers.dat"
    store.write_bytes(selfcheck.encode(SYNTHETIC))
    monkeypatch.setattr(selfcheck, "STORE", store)
    selfcheck._answers.cache_clear()
    yield
    selfcheck._answers.cache_clear()


def reference(record):
    return sp.sympify(record["value"]) if record["kind"] == "expression" else np.asarray(record["value"], float)


def wrong(record):
    value = reference(record)
    return value + 1 if record["kind"] == "expression" else value * 1.1 + 1


def shown_forms(record) -> list[str]:
    """Ways the reference could be printed in a message."""
    if record["kind"] == "expression":
        value = sp.sympify(record["value"])
        return [str(value), sp.sstr(value), str(record["value"])]
    values = np.atleast_1d(np.asarray(record["value"], float))
    forms = {str(record["value"])}
    for x in values:
        forms |= {repr(float(x)), f"{x:g}", f"{x:.3g}", f"{x:.4g}", np.format_float_positional(x)}
    # a short form such as "2" or "0.5" could occur in any hint by chance: keep the distinctive ones
    return [form for form in forms if len(form.strip("-0.")) >= 3]


def assert_behaves(label, record):
    for answer in (None, wrong(record)):
        result = selfcheck.check(label, answer)
        assert not result and not result.right, (label, answer)
        assert "not yet" in result.message and label in result.message
        for form in shown_forms(record):
            assert form not in result.message and form not in result._repr_markdown_(), (label, form)
    right = selfcheck.check(label, reference(record))
    assert right and "right" in right.message, (label, right.message)
    for form in shown_forms(record):
        assert form not in right.message


@pytest.mark.parametrize("label", selfcheck.exercises())
def test_stored_answer_behaves(label):
    assert_behaves(label, STORED[label])


@pytest.mark.parametrize("label", sorted(SYNTHETIC))
def test_synthetic_answer_behaves(label, synthetic_store):
    assert_behaves(label, SYNTHETIC[label])


def test_wrong_shapes_and_types_fail_with_a_reason(synthetic_store):
    assert not selfcheck.check("ex-test-array", [1.5, -2.0])
    assert "shape" in selfcheck.check("ex-test-array", [1.5, -2.0]).message
    assert not selfcheck.check("ex-test-number", "abc")
    assert not selfcheck.check("ex-test-number", float("nan"))
    assert not selfcheck.check("ex-test-expression", "sigma**2 +")


def test_expression_symbols_are_matched_by_name(synthetic_store):
    sigma, m0 = sp.symbols("sigma M_0", positive=True)
    assert selfcheck.check("ex-test-expression", sigma**2 + sigma**2 / m0)
    assert selfcheck.check("ex-test-expression", "sigma**2*(M_0 + 1)/M_0")


def test_tolerance_is_applied(synthetic_store):
    assert selfcheck.check("ex-test-number", 0.259)
    assert not selfcheck.check("ex-test-number", 0.261)


@pytest.mark.parametrize("label", ["ex-no-such-exercise", "", "EX-GAUSS"])
def test_unknown_label_raises(label):
    with pytest.raises(ValueError, match="exercise"):
        selfcheck.check(label, 1.0)


@pytest.mark.parametrize("label", [3, None, ["ex-gauss"]])
def test_non_string_label_raises(label):
    with pytest.raises(ValueError, match="exercise"):
        selfcheck.check(label, 1.0)


def test_unknown_label_raises_with_synthetic_store(synthetic_store):
    with pytest.raises(ValueError):
        selfcheck.check("ex-not-there", 1.0)


def test_encode_decode_round_trip():
    assert selfcheck.decode(selfcheck.encode(SYNTHETIC)) == SYNTHETIC
    assert selfcheck.decode(selfcheck.encode(STORED)) == STORED
    blob = selfcheck.encode(SYNTHETIC)
    assert b"sigma" not in blob and b"0.25" not in blob  # masked, not readable at a glance


def test_exercises_lists_the_store(synthetic_store):
    assert selfcheck.exercises() == sorted(SYNTHETIC)


# ---- every registered answer is wired to its exercise ------------------------------------------

def chapter_cells():
    cells = []
    for chapter in sorted((ROOT / "chapters").glob("*.md")):
        for cell in jupytext.read(chapter).cells:
            cells.append((chapter.name, cell))
    return cells


def call(label: str) -> re.Pattern:
    return re.compile(r"check\(\s*[\"']" + re.escape(label) + r"[\"']")


@pytest.mark.parametrize("label", selfcheck.exercises())
def test_registered_answer_is_wired(label):
    cells = chapter_cells()
    in_text = [name for name, cell in cells if "solution" not in cell.metadata.get("tags", [])
               and call(label).search(re.sub(r"```\{solution\}.*?\n```", "", cell.source, flags=re.S))]
    assert in_text, f"no chapter tells the student to call check({label!r}, ...)"
    asserted = [name for name, cell in cells if "solution" in cell.metadata.get("tags", [])
                and re.search(r"assert\s+" + call(label).pattern, cell.source)]
    assert asserted, f"no solution cell runs assert check({label!r}, ...)"
    exercise = [name for name, cell in cells if re.search(r":label:\s*" + re.escape(label) + r"\s*$",
                                                          cell.source, re.M)]
    assert exercise, f"no exercise has :label: {label}"


def test_every_check_call_in_the_chapters_is_registered():
    labels = set(selfcheck.exercises())
    called = {match for _, cell in chapter_cells()
              for match in re.findall(r"check\(\s*[\"'](ex-[^\"']+)[\"']", cell.source)}
    assert called <= labels, f"check() called with labels that have no answer: {sorted(called - labels)}"

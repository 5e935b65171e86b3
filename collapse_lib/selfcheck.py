"""Self-checks for the book's exercises: right or wrong, with a hint, never the answer.

A student calls, in the chapter's notebook::

    from collapse_lib.selfcheck import check
    check("ex-gauss-schedule", my_value)

and reads "right" or "not yet" with a hint. The reference answers live in
``answers.dat`` beside this module, compressed and masked so that they are not
readable at a glance (a determined student can decode them; the self-check
is a learning aid, not an exam lock). Teachers and authors manage them with
``python3 tools/answers.py``.

Kinds of answer:

- ``number``: a real number, right when |answer - reference| <= atol + rtol |reference|;
  for a simulated quantity the tolerance is set from the simulation's standard error.
- ``array``: the same, elementwise, for an array of the reference's shape.
- ``expression``: a sympy expression, right when ``simplify(answer - reference) == 0``
  (with the reference's symbols, matched by name).
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

STORE = Path(__file__).with_name("answers.dat")
_MASK = b"model-collapse-self-check"
KINDS = ("number", "array", "expression")


@dataclass(frozen=True)
class Result:
    """What a check says: right or not, and a hint."""

    exercise: str
    right: bool
    message: str

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return ("✅ " if self.right else "❌ ") + self.message


def _mask(data: bytes) -> bytes:
    return bytes(byte ^ _MASK[i % len(_MASK)] for i, byte in enumerate(data))


def encode(answers: dict) -> bytes:
    """The stored form of ``answers`` (label -> record): JSON, compressed, masked, base64."""
    return base64.b64encode(_mask(zlib.compress(json.dumps(answers, sort_keys=True).encode())))


def decode(blob: bytes) -> dict:
    """Inverse of :func:`encode`."""
    return json.loads(zlib.decompress(_mask(base64.b64decode(blob))).decode())


@lru_cache(maxsize=1)
def _answers() -> dict:
    return decode(STORE.read_bytes()) if STORE.exists() else {}


def exercises() -> list[str]:
    """Labels of the exercises that have a self-check."""
    return sorted(_answers())


def _not_yet(exercise: str, record: dict, reason: str) -> Result:
    hint = record.get("hint", "")
    return Result(exercise, False, f"{exercise}: not yet. {reason}" + (f" Hint: {hint}" if hint else ""))


def _check_numbers(exercise, record, answer):
    reference = np.asarray(record["value"], dtype=float)
    try:
        value = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return _not_yet(exercise, record, "The answer should be a number or an array of numbers.")
    if value.shape != reference.shape:
        return _not_yet(exercise, record, f"The answer should have shape {reference.shape}, not {value.shape}.")
    if not np.all(np.isfinite(value)):
        return _not_yet(exercise, record, "The answer contains NaN or infinite values.")
    tolerance = record.get("atol", 0.0) + record.get("rtol", 1e-6) * np.abs(reference)
    if np.all(np.abs(value - reference) <= tolerance):
        return Result(exercise, True, f"{exercise}: right.")
    return _not_yet(exercise, record, "The value is outside the tolerance of the reference.")


def _check_expression(exercise, record, answer):
    import sympy as sp

    reference = sp.sympify(record["value"])
    try:
        value = sp.sympify(answer)
    except (sp.SympifyError, TypeError):
        return _not_yet(exercise, record, "The answer should be a sympy expression.")
    by_name = {symbol.name: symbol for symbol in reference.free_symbols}
    value = value.subs({symbol: by_name[symbol.name] for symbol in value.free_symbols if symbol.name in by_name})
    if sp.simplify(value - reference) == 0:
        return Result(exercise, True, f"{exercise}: right.")
    return _not_yet(exercise, record, "The expression is not equivalent to the reference.")


def check(exercise: str, answer) -> Result:
    """Check ``answer`` to the exercise labelled ``exercise``; return a truthy Result if right.

    Never shows the reference answer. Raises ValueError for an unknown label.
    """
    if not isinstance(exercise, str):
        raise ValueError(f"exercise must be a label (a string), got {exercise!r}.")
    answers = _answers()
    if exercise not in answers:
        raise ValueError(f"exercise must be one of the labels with a self-check {sorted(answers)}, got {exercise!r}.")
    record = answers[exercise]
    if answer is None:
        return _not_yet(exercise, record, "No answer yet (the value is None).")
    if record["kind"] == "expression":
        return _check_expression(exercise, record, answer)
    return _check_numbers(exercise, record, answer)

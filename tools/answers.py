#!/usr/bin/env python3
"""Manage the reference answers of the exercises' self-checks (collapse_lib/answers.dat).

Usage (with the book's environment, e.g. .venv/bin/python tools/answers.py ...)::

    answers.py list
    answers.py add LABEL number VALUE [--rtol R] [--atol A] --hint "..."
    answers.py add LABEL array "[1.0, 2.5]" [--rtol R] [--atol A] --hint "..."
    answers.py add LABEL expression "sigma**2*(1 + 1/M_0)" --hint "..."
    answers.py remove LABEL

For a simulated quantity set --atol from the simulation's standard error
(5 standard errors of the simulation the exercise asks for).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from collapse_lib import selfcheck  # noqa: E402


def load() -> dict:
    return selfcheck.decode(selfcheck.STORE.read_bytes()) if selfcheck.STORE.exists() else {}


def save(answers: dict) -> None:
    selfcheck.STORE.write_bytes(selfcheck.encode(answers) + b"\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    add = commands.add_parser("add")
    add.add_argument("label")
    add.add_argument("kind", choices=selfcheck.KINDS)
    add.add_argument("value")
    add.add_argument("--rtol", type=float, default=1e-6)
    add.add_argument("--atol", type=float, default=0.0)
    add.add_argument("--hint", required=True)
    remove = commands.add_parser("remove")
    remove.add_argument("label")
    args = parser.parse_args(argv)

    # several authors may add answers at once: hold a lock from load to save
    with open(selfcheck.STORE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return apply(args)


def apply(args) -> int:
    answers = load()
    if args.command == "list":
        for label, record in sorted(answers.items()):
            print(f"{label:40} {record['kind']:10} hint: {record['hint']}")
        return 0
    if args.command == "remove":
        answers.pop(args.label, None)
    else:
        if args.kind == "expression":
            import sympy as sp

            value = str(sp.sympify(args.value))
        else:
            value = json.loads(args.value)
        answers[args.label] = {"kind": args.kind, "value": value, "rtol": args.rtol, "atol": args.atol,
                               "hint": args.hint}
    save(answers)
    print(f"{len(answers)} answers stored in {selfcheck.STORE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

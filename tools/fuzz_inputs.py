"""Fuzz every public collapse_lib function with clearly bad inputs and report how it answers.

    python3 tools/fuzz_inputs.py            # the summary figures
    python3 tools/fuzz_inputs.py --failures # and every call that did not answer with a clear ValueError

Uses the tables of ``tests/bad_inputs.py`` (the same net as ``tests/test_bad_input.py``,
which draws from it with hypothesis), but runs every bad value of every argument. A
call counts as a *clear refusal* when it raises ValueError and, for an argument in the
name table, the message names the argument; for the generic fallback a finite result
also counts as correct. Figures are split into numeric and symbolic (``*_symbolic``)
modules. It also lists the functions whose good call fails (the net cannot reach them).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import bad_inputs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failures", action="store_true", help="print every failing call")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a call counts as a hang")
    options = parser.parse_args()
    start = time.perf_counter()
    totals = {kind: collections.Counter() for kind in ("numeric", "symbolic")}
    functions = collections.Counter()
    failures, unreachable = [], []
    for module, name, function in bad_inputs.public_functions():
        kind = "symbolic" if bad_inputs.symbolic(module) else "numeric"
        functions[kind] += 1
        good = bad_inputs.good_kwargs(module, name, function)
        outcome = bad_inputs.call(bad_inputs.Case(module, name, "", None, False, good), function, 120.0)
        if outcome[0] != "ok":
            unreachable.append(f"{module}.{name}: {outcome[1]}")
        for case in bad_inputs.cases(module, name, function):
            verdict, detail = bad_inputs.call(case, function, options.timeout)
            totals[kind][verdict] += 1
            if verdict != "ok":
                failures.append(f"{bad_inputs.describe(case)}: {verdict}: {detail}")
    print(f"{'':10}{'functions':>10}{'bad inputs':>12}{'clear ValueError':>18}  other outcomes")
    for kind in ("numeric", "symbolic"):
        count = sum(totals[kind].values())
        good = totals[kind]["ok"]
        others = ", ".join(f"{k} {v}" for k, v in sorted(totals[kind].items()) if k != "ok") or "-"
        print(f"{kind:10}{functions[kind]:>10}{count:>12}{good:>10} ({100 * good / max(count, 1):5.1f} %)  {others}")
    count = sum(sum(t.values()) for t in totals.values())
    good = sum(t["ok"] for t in totals.values())
    print(f"{'all':10}{sum(functions.values()):>10}{count:>12}{good:>10} ({100 * good / max(count, 1):5.1f} %)")
    print(f"functions whose good call fails (not reached by the net): {len(unreachable)}")
    for line in unreachable:
        print("  ", line)
    if options.failures:
        print("\nfailures:")
        for line in failures:
            print("  ", line)
    print(f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Execute every chapter N times in a row under the cell budget, and print the slowest cells.

    .venv/bin/python tools/soak_execution.py 10            # live widgets, as in Jupyter
    .venv/bin/python tools/soak_execution.py 10 regression # only the chapters named
    COLLAPSE_BOOK_STATIC=1 .venv/bin/python tools/soak_execution.py 10   # as the book build

The evidence that execution no longer stalls: with the old Output-widget cells, a
run like this showed cells waiting exactly nbclient's timeout between two cells.
Each run prints one line per chapter: its total time, its slowest cell and that cell's time.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import jupytext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cell_budget  # noqa: E402


def chapters() -> list[Path]:
    names = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())
    paths = [ROOT / f"{name}.md" for name in names]
    return [path for path in paths if path.exists() and "```{code-cell}" in path.read_text()]


def main(runs: int, names: list[str]) -> int:
    slowest = (0.0, "")
    for run in range(1, runs + 1):
        for chapter in chapters():
            if names and chapter.stem not in names:
                continue
            notebook = jupytext.read(chapter)
            client = cell_budget.BudgetedClient(notebook, kernel_name="python3",
                                                timeout=cell_budget.TIMEOUT,
                                                resources={"metadata": {"path": str(chapter.parent)}})
            start = time.monotonic()
            client.execute()
            total = time.monotonic() - start
            index, seconds = max(client.durations, key=lambda pair: pair[1])
            print(f"run {run:2d}  {chapter.stem:<20} {total:6.1f} s   slowest cell {index:3d}: {seconds:5.1f} s",
                  flush=True)
            if seconds > slowest[0]:
                slowest = (seconds, f"{chapter.stem} cell {index} (run {run})")
    print(f"slowest cell of all runs: {slowest[0]:.1f} s, {slowest[1]}; budget {cell_budget.budget():g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10, sys.argv[2:]))

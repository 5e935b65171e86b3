"""Run every chapter's benchmark and print its table: python3 tools/book.py bench.

Each ``bench_<topic>.py`` module beside this file has a ``run()`` that prints
its own numbers. Pass topic names to run only those (``bench gaussian``).
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# the collapse_lib of this checkout, not whichever one the environment installed (editable installs
# point at one checkout; a second worktree benchmarked with the same environment measured the first)
sys.path.insert(1, str(HERE.parent))


def main(topics: list[str]) -> int:
    available = sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))
    unknown = [topic for topic in topics if topic not in available]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {available}")
        return 2
    import numpy

    print(f"python {platform.python_version()}, numpy {numpy.__version__}, {os.cpu_count()} cores, "
          f"{platform.machine()}; {time.strftime('%Y-%m-%d %H:%M')}")
    for topic in topics or available:
        print(f"\n=== {topic} " + "=" * (60 - len(topic)))
        start = time.perf_counter()
        importlib.import_module(f"bench_{topic}").run()
        print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Build the book, run its tests or its benchmark, from a fresh machine.

Usage (from the repository root, with any Python 3.11+)::

    python3 tools/book.py build     # the book, into _build/html
    python3 tools/book.py test      # the whole test suite (it builds the book too)
    python3 tools/book.py bench     # the speed benchmark, printed as a table
    python3 tools/book.py assign    # the coursework: nbgrader assignments and the student zip
    python3 tools/book.py grade DIR # autograde the submitted notebooks in DIR, with feedback
    python3 tools/book.py lab       # JupyterLab on the chapters' reader notebooks (after a build)

The first call creates a virtual environment in ``.venv`` and installs
``requirements.txt`` into it (the same file Binder installs); later calls
reinstall only when ``requirements.txt`` has changed.  Everything then runs
inside that environment, so the only thing the machine needs is Python.
Extra arguments are passed on (``test -k gaussian``, ``build --all``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("BOOK_VENV", ROOT / ".venv"))
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / "requirements.sha256"

COMMANDS = {
    "build": ["jupyter-book", "build", str(ROOT), "-W", "-n", "--keep-going"],
    "test": ["python", "-m", "pytest", "--durations=15"],  # the slowest tests are listed at the end
    "bench": ["python", str(ROOT / "benchmarks" / "run.py")],
    "assign": ["python", str(ROOT / "tools" / "coursework.py"), "assign"],
    "grade": ["python", str(ROOT / "tools" / "coursework.py"), "grade"],
    # the reader notebooks the build writes (tools/notebook_edition.py), as Binder opens them
    "lab": ["jupyter", "lab", f"--ServerApp.root_dir={ROOT / '_build' / 'notebooks' / 'reader'}"],
}


def venv_python() -> Path:
    """The interpreter of the book's virtual environment."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    """Create ``.venv`` and install ``requirements.txt`` unless it is up to date."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = venv_python()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    if not python.exists():
        print(f"creating the virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing requirements.txt (once per change of that file)", flush=True)
    subprocess.run([python, "-m", "pip", "install", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([python, "-m", "pip", "install", "-r", str(REQUIREMENTS)], check=True, cwd=ROOT)
    # the same step Binder runs: JupyterLab opens chapters/*.md as notebooks (jupytext)
    subprocess.run(["bash", str(ROOT / "postBuild")], check=True, cwd=ROOT,
                   env={**os.environ, "PATH": f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    STAMP.write_text(wanted + "\n")
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    python = ensure_environment()
    program, *arguments = COMMANDS[argv[0]]
    command = [str(python.with_name(program)), *arguments, *argv[1:]]
    print("running:", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

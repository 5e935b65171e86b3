#!/usr/bin/env python3
"""Make the student edition: the chapters as notebooks without solutions, zipped for handing out.

Usage (from the repository root, with the book's environment)::

    .venv/bin/python tools/student_edition.py                   # into student_edition/<date-time>/
    .venv/bin/python tools/student_edition.py --output DIR      # into DIR (new or empty)

It writes, into a fresh folder (it refuses a folder that exists and is not empty)::

    DIR/model-collapse-student/           the edition, ready to open in Jupyter
        <chapter>.ipynb                   every chapter of _toc.yml that has code cells
        collapse_lib/                     the book's library, with the masked self-check answers
        requirements.txt, pyproject.toml  what ``pip install -r requirements.txt`` needs
        README.md                         how to install, open the notebooks and use check()
    DIR/model-collapse-student.zip        the same folder, zipped: the one file to hand out

Each chapter is converted with jupytext; cells tagged ``solution`` are removed
with nbconvert's TagRemovePreprocessor, outputs are cleared with its
ClearOutputPreprocessor, and every ``{solution}`` directive is cut out of the
markdown cells by :func:`strip_solutions`. Exercises and their ``check(...)``
calls stay. The teacher's guide (chapters/teachers_guide.md) explains how to
hand the zip out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDITION = "model-collapse-student"
SOLUTION_TAG = "solution"

# A fence line: indentation, three or more backticks, tildes or colons, then the info string.
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")


def _closes(fence: str, line: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence`` (same character, at least as long, nothing after)."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def strip_solutions(markdown: str) -> str:
    """Remove every ``{solution}`` directive (backtick, tilde or colon fence) from MyST ``markdown``.

    The closing fence of a block is, as in CommonMark and MyST, the first later
    line made only of the same fence character, at least as many of them as the
    opening fence. So a solution written with four backticks may contain
    three-backtick code blocks or directives, and a colon-fenced solution may
    contain backtick blocks; all of it goes. A ``{solution}`` shown inside a
    literal code block (e.g. an example of the syntax) is kept, since it is not a
    directive there. The gated form ``{solution-start}``/``{solution-end}`` is not
    supported and raises ValueError rather than leaking a solution.

    Runs of blank lines left where a solution was are collapsed to one.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (fence, literal) of each open block, innermost last
    dropping_at: int | None = None  # depth of the solution being dropped
    removed = False
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line.rstrip("\n"))
        literal = bool(stack) and stack[-1][1]
        if stack and _closes(stack[-1][0], line):
            stack.pop()
            if dropping_at is None:
                out.append(line)
            elif len(stack) == dropping_at:
                dropping_at = None
            continue
        if match and not literal:
            info = match["info"].strip()
            if info.startswith(("{solution-start}", "{solution-end}")):
                raise ValueError(f"gated solutions ({info.split()[0]}) are not supported; use {{solution}} blocks")
            is_directive = info.startswith("{") or match["fence"][0] == ":"
            stack.append((match["fence"], not is_directive))
            if dropping_at is None and info.startswith("{solution}"):
                dropping_at = len(stack) - 1
                removed = True
                continue
        if dropping_at is None:
            out.append(line)
    if dropping_at is not None:
        raise ValueError("a {solution} block is not closed")
    text = "".join(out)
    if removed:
        text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip("\n")
        text += "\n" if text and markdown.endswith("\n") else ""
    return text


def toc_chapters(root: Path = ROOT) -> list[Path]:
    """The source files of _toc.yml (root page included), in reading order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    names: list[str] = [toc["root"]] if "root" in toc else []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    paths = []
    for name in names:
        candidates = [root / name] if Path(name).suffix else [root / f"{name}{ext}" for ext in (".md", ".ipynb")]
        paths.extend([path for path in candidates if path.exists()][:1])
    return paths


def student_notebook(source: Path):
    """The chapter ``source`` as a notebook without solutions and outputs (an nbformat node)."""
    import jupytext
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

    notebook = jupytext.read(source)
    resources: dict = {}
    notebook, resources = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(notebook, resources)
    notebook, resources = ClearOutputPreprocessor().preprocess(notebook, resources)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_solutions(cell.source)
    notebook.cells = [cell for cell in notebook.cells if cell.cell_type != "markdown" or cell.source.strip()]
    notebook.cells = [new for cell in notebook.cells for new in (cell, *answer_cells(cell))]
    notebook.metadata.pop("jupytext", None)
    return notebook


_EXERCISE_LABEL = re.compile(r"^[ \t]*(?:`{3,}|~{3,}|:{3,})\{exercise\}[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*?"
                             r"[ \t]*:label:[ \t]*(?P<label>\S+)", re.M)
_CHECK_CALL = re.compile(r"check\(\s*[\"'](?P<label>[^\"']+)[\"'][^`\n]*\)")


def answer_cells(cell) -> list:
    """An empty code cell for the student's work after each exercise in a markdown ``cell``.

    It imports ``check`` (so a ``check`` defined earlier in the chapter, e.g. in
    its verification section, does not hide it) and lists, commented out, the
    ``check(...)`` calls that the exercise text asks for.
    """
    from nbformat.v4 import new_code_cell

    if cell.cell_type != "markdown":
        return []
    cells = []
    for match in _EXERCISE_LABEL.finditer(cell.source):
        label = match["label"]
        calls = [call[0] for call in _CHECK_CALL.finditer(cell.source) if call["label"] == label]
        lines = [f"# Your work on {label}."]
        if calls:
            lines += ["from collapse_lib.selfcheck import check", "", "# when you have your answer, uncomment:"]
            lines += [f"# {call}" for call in dict.fromkeys(calls)]
        cells.append(new_code_cell("\n".join(lines), metadata={"tags": ["student-answer"]}))
    return cells


def has_code(source: Path) -> bool:
    """Whether the chapter is a notebook (it names a kernel) with at least one code cell.

    A plain Markdown page is not a notebook even if jupytext would read its
    fenced code examples as code cells.
    """
    import jupytext

    notebook = jupytext.read(source)
    return "kernelspec" in notebook.metadata and any(cell.cell_type == "code" for cell in notebook.cells)


README = """\
# Model collapse: the student edition

These notebooks are the chapters of the book *Model collapse, derived and
simulated*, with the exercises and without their solutions.

## Install (once)

With Python 3.11 or newer, in this folder:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install -r requirements.txt{extra}
```

(On Windows: `.venv\\Scripts\\python -m pip ...`.) This installs the same
versions the book was built with, and the book's library `collapse_lib`.

## Open the notebooks

```bash
.venv/bin/jupyter lab
```

then open a chapter, for example `{first}`. Run the cells from the top
(*Run → Run All Cells*): later cells use what earlier ones computed. The
chapters are: {chapters}.

## Check your answers

Each exercise with a self-check tells you what to compute and how to check it,
for example:

```python
from collapse_lib.selfcheck import check
check("ex-some-label", my_answer)
```

`check` says **right**, or **not yet** with a hint. It never shows the
reference answer. A number is right within a stated tolerance (for a
simulated quantity, a few standard errors of the simulation the exercise asks
for, so use the seed it gives); a sympy expression is right when it simplifies
to the reference. `from collapse_lib.selfcheck import exercises; exercises()`
lists the labels that have a self-check. What to hand in is written in each
exercise.
"""


def make(output: Path, root: Path = ROOT) -> Path:
    """Write the student edition into the fresh folder ``output``; return the zip's path."""
    output = Path(output)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise FileExistsError(f"output must be a new or empty folder, got {output} (it exists and is not empty)")
    edition = output / EDITION
    edition.mkdir(parents=True)
    import nbformat

    chapters = [path for path in toc_chapters(root) if path.suffix == ".md" and has_code(path)]
    if not chapters:
        raise ValueError("no chapter of _toc.yml has code cells")
    for chapter in chapters:
        nbformat.write(student_notebook(chapter), edition / f"{chapter.stem}.ipynb")
    shutil.copytree(root / "collapse_lib", edition / "collapse_lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.lock"))
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(root / name, edition / name)
    requirements = (root / "requirements.txt").read_text()
    extra = "" if re.search(r"^jupyterlab\b", requirements, re.M) else " jupyterlab"
    (edition / "README.md").write_text(README.format(
        extra=extra, first=f"{chapters[0].stem}.ipynb", chapters=", ".join(f"`{c.stem}.ipynb`" for c in chapters)))
    archive = output / f"{EDITION}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(edition.rglob("*")):
            bundle.write(path, path.relative_to(output))
    return archive


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, help="a new or empty folder (default: student_edition/<date-time>)")
    args = parser.parse_args(argv)
    output = args.output or ROOT / "student_edition" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        archive = make(output)
    except (FileExistsError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"student edition in {archive.parent / EDITION}\nto hand out: {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The student edition (tools/student_edition.py) keeps the exercises and drops every solution.

The solutions are found here independently of the tool: solution directives
with markdown-it (the parser MyST uses, with its colon-fence plugin) and
solution cells with jupytext. Every non-trivial line of them that is not also
part of the chapter's student-visible text must be absent from every file of
the edition and of its zip.
"""

import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "student_edition.py"

spec = importlib.util.spec_from_file_location("student_edition", TOOL)
student_edition = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student_edition)
strip_solutions = student_edition.strip_solutions

PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)


def chapters() -> list[Path]:
    return [path for path in student_edition.toc_chapters(ROOT) if path.suffix == ".md" and student_edition.has_code(path)]


def is_solution_cell(cell) -> bool:
    return "solution" in cell.metadata.get("tags", [])


def split_markdown(source: str) -> tuple[list[str], str]:
    """(bodies of the solution directives, the source without them), by markdown-it."""
    lines = source.splitlines()
    bodies, hidden = [], set()
    for token in PARSER.parse(source):
        if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{solution}"):
            bodies.append(token.content)
            hidden.update(range(*token.map))
    return bodies, "\n".join(line for i, line in enumerate(lines) if i not in hidden)


def solutions_and_visible(chapter: Path) -> tuple[list[str], str]:
    """Every solution text of ``chapter`` (directive bodies, solution cell sources) and its other text."""
    solutions, visible = [], []
    for cell in jupytext.read(chapter).cells:
        if is_solution_cell(cell):
            solutions.append(cell.source)
        elif cell.cell_type == "markdown":
            bodies, rest = split_markdown(cell.source)
            solutions += bodies
            visible.append(rest)
        else:
            visible.append(cell.source)
    return solutions, "\n".join(visible)


def public_text() -> str:
    """What students may see: every chapter without its solutions, and the library."""
    return "\n".join([solutions_and_visible(chapter)[1] for chapter in chapters()]
                     + [path.read_text() for path in sorted((ROOT / "collapse_lib").glob("*.py"))])


def secret_lines(chapter: Path, public: str | None = None) -> list[str]:
    """The non-trivial lines of the chapter's solutions that appear nowhere in the public text."""
    public = public_text() if public is None else public
    lines = {line.strip() for text in solutions_and_visible(chapter)[0] for line in text.splitlines()}
    return sorted(line for line in lines
                  if len(line) >= 12 and not re.fullmatch(r":\w[\w-]*:.*", line) and line not in public)


def edition_texts(output: Path) -> dict[str, str]:
    """Every file of the edition folder and of the zip, as searchable text (notebooks as their cell sources)."""
    def readable(name: str, data: bytes) -> str:
        if name.endswith(".ipynb"):
            notebook = nbformat.reads(data.decode(), as_version=4)
            return "\n".join(cell.source for cell in notebook.cells) + json.dumps(notebook.metadata)
        return data.decode(errors="replace")

    texts = {str(path.relative_to(output)): readable(path.name, path.read_bytes())
             for path in output.rglob("*") if path.is_file() and path.suffix != ".zip"}
    with zipfile.ZipFile(output / f"{student_edition.EDITION}.zip") as bundle:
        texts.update({f"zip:{name}": readable(name, bundle.read(name)) for name in bundle.namelist()
                      if not name.endswith("/")})
    return texts


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    output = tmp_path_factory.mktemp("edition") / "out"
    result = subprocess.run([sys.executable, str(TOOL), "--output", str(output)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return output


# ---- the text transform -------------------------------------------------------------------------

def test_strip_removes_a_backtick_solution_and_keeps_the_exercise():
    text = ("```{exercise} T\n:label: ex-a\n\nDo it; `check(\"ex-a\", x)`.\n```\n\n"
            "```{solution} ex-a\n:class: dropdown\n\nThe secret answer is 42.\n```\n\nAfter.\n")
    out = strip_solutions(text)
    assert "secret" not in out and "{solution}" not in out
    assert '```{exercise} T\n:label: ex-a\n\nDo it; `check("ex-a", x)`.\n```' in out and out.endswith("```\n\nAfter.\n")


def test_strip_handles_nested_fences_in_a_longer_fence():
    text = ("````{solution} ex-a\n:class: dropdown\n\n```python\nsecret_code = 1\n```\n\n"
            "```{math}\nsecret = 2\n```\nstill secret\n````\nvisible\n")
    assert strip_solutions(text) == "visible\n"


def test_strip_handles_colon_fences_containing_backticks():
    text = ":::{solution} ex-a\n```\nsecret\n:::\n```\nstill secret\n:::\nvisible\n::::{note}\nkept\n::::\n"
    assert strip_solutions(text) == "visible\n::::{note}\nkept\n::::\n"


def test_strip_handles_tildes_long_closers_and_indentation():
    assert strip_solutions("~~~{solution} x\nsecret\n~~~~~\nvisible\n") == "visible\n"
    assert strip_solutions("- item\n\n  ```{solution} x\n  secret\n  ```\n- next\n") == "- item\n\n- next\n"


def test_strip_keeps_a_solution_shown_inside_a_code_block_and_other_directives():
    example = "````markdown\n```{solution} ex-a\nexample\n```\n````\n"
    assert strip_solutions(example) == example
    other = "```{note}\nkept\n```\n\n```{code-cell} ipython3\nx = 1\n```\n"
    assert strip_solutions(other) == other


def test_strip_removes_a_solution_nested_in_another_directive():
    text = "````{tip}\nbefore\n```{solution} ex-a\nsecret\n```\nafter\n````\n"
    assert strip_solutions(text) == "````{tip}\nbefore\nafter\n````\n"


def test_strip_refuses_gated_and_unclosed_solutions():
    with pytest.raises(ValueError, match="gated"):
        strip_solutions("```{solution-start} ex-a\n```\nsecret\n```{solution-end}\n```\n")
    with pytest.raises(ValueError, match="not closed"):
        strip_solutions("```{solution} ex-a\nsecret\n")


def test_the_independent_oracle_finds_what_strip_removes():
    text = "A\n\n````{solution} ex-a\n```\ncode\n```\n````\n\n:::{solution} ex-b\nB\n:::\n"
    bodies, rest = split_markdown(text)
    assert bodies == ["```\ncode\n```\n", "B\n"]
    assert strip_solutions(text).strip() == rest.strip() == "A"


# ---- the edition --------------------------------------------------------------------------------

def test_chapters_have_solutions_to_hide():
    # guards the test below against passing because it found nothing to look for
    for chapter in chapters():
        if "{exercise}" in chapter.read_text():
            secrets = secret_lines(chapter)
            assert secrets, chapter
            assert all(secret in chapter.read_text() for secret in secrets)


def test_no_solution_text_or_code_in_the_edition(edition):
    texts, public = edition_texts(edition), public_text()
    leaks = [f"{name}: {secret!r} (from {chapter.name})"
             for chapter in chapters() for secret in secret_lines(chapter, public)
             for name, text in texts.items() if secret in text]
    assert not leaks, "\n".join(leaks[:20])
    for name, text in texts.items():
        assert "{solution" not in text, name


def test_exercises_and_check_calls_are_kept(edition):
    for chapter in chapters():
        notebook = nbformat.read(edition / student_edition.EDITION / f"{chapter.stem}.ipynb", as_version=4)
        student = "\n".join(cell.source for cell in notebook.cells)
        source = chapter.read_text()
        for label in re.findall(r"^:label:\s*(ex-\S+)", source, re.M):
            assert f":label: {label}" in student, (chapter.name, label)
        _, visible = solutions_and_visible(chapter)
        for call in re.findall(r"check\(\s*[\"']ex-[^\n`]*", visible):
            assert call in student, (chapter.name, call)
        assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
        assert not any(is_solution_cell(cell) for cell in notebook.cells)


def test_the_zip_holds_notebooks_library_requirements_and_readme(edition):
    with zipfile.ZipFile(edition / f"{student_edition.EDITION}.zip") as bundle:
        names = set(bundle.namelist())
    prefix = student_edition.EDITION
    for chapter in chapters():
        assert f"{prefix}/{chapter.stem}.ipynb" in names
    for name in ("collapse_lib/__init__.py", "collapse_lib/selfcheck.py", "requirements.txt", "README.md",
                 "pyproject.toml"):
        assert f"{prefix}/{name}" in names, name
    if (ROOT / "collapse_lib" / "answers.dat").exists():
        assert f"{prefix}/collapse_lib/answers.dat" in names
    assert not any("__pycache__" in name for name in names)
    readme = (edition / prefix / "README.md").read_text()
    assert "pip install -r requirements.txt" in readme and "check(" in readme


def test_the_command_refuses_a_folder_that_is_not_empty(edition, tmp_path):
    (tmp_path / "something").write_text("keep me")
    result = subprocess.run([sys.executable, str(TOOL), "--output", str(tmp_path)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode != 0 and "not empty" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["something"]
    with pytest.raises(FileExistsError):
        student_edition.make(edition)

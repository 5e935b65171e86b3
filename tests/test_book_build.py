"""The whole book builds with warnings as errors, as the README says.

This is the slowest test (every chapter is executed; about a minute on two
cores). It builds into a temporary folder so that it never touches _build/.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built(built_book):
    return built_book


def test_book_builds_without_warnings(built):
    result, _ = built
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line and "Kernel is running over TCP" not in line]
    assert result.returncode == 0, "\n".join(warnings) or log[-4000:]
    assert not warnings, "\n".join(warnings)


def chapters():
    toc = (ROOT / "_toc.yml").read_text()
    return re.findall(r"file:\s*(\S+)", toc)


MATH = re.compile(r'<(?:span|div) class="math notranslate nohighlight">\s*(?:\\\(|\\\[|\$\$)')
"""A MathJax element as Sphinx writes it: inline \\( ... \\) or display \\[ ... \\] in a "math" span/div."""


def test_every_chapter_page_exists_with_its_figures_and_math(built):
    """Each page exists; a page whose source has mathematics ($...$, {math}) renders MathJax elements
    (not merely the word "math", which every page has in its CSS); a page with figure cells shows images."""
    _, html = built
    for chapter in chapters():
        page = html / f"{chapter}.html"
        assert page.exists(), chapter
        text = page.read_text()
        source = (ROOT / f"{chapter}.md").read_text()
        if "$" in source or "{math}" in source:
            assert len(MATH.findall(text)) >= source.count("$$") // 2 + 1, f"{chapter}: mathematics not rendered"
        if "figure:" in source:
            assert "<img" in text, f"{chapter}: no figure rendered"


def test_the_math_pattern_rejects_a_page_without_math():
    page = '<link href="_static/mathjax.css"><p class="math-hint">math</p>'
    assert "math" in page and not MATH.search(page)
    assert MATH.search('<span class="math notranslate nohighlight">\\(x^2\\)</span>')
    assert MATH.search('<div class="math notranslate nohighlight">\n\\[E[W]\\]</div>')


def test_sympy_output_is_rendered_as_math(built):
    _, html = built
    text = (html / "chapters" / "gaussian_1d.html").read_text()
    # a sympy result cell renders as display math (MathJax), not as plain text
    assert re.search(r'class="math notranslate nohighlight">\\\[\\displaystyle', text) or "\\displaystyle" in text
    assert text.count("<img") >= 5
    assert "Theorem" in text and "Exercise" in text


def test_executed_notebooks_are_offered_for_download(built):
    _, html = built
    assert (html / "_sources" / "chapters" / "gaussian_1d.ipynb").exists()

"""Sphinx extension of the book (``_config.yml``: ``sphinx.local_extensions``): accessibility.

WCAG 2.1 AA fixes that need the build rather than CSS (issue 21; checked on every page
by axe-core in ``tests/test_accessibility.py``):

1. the bibliography: docutils writes each entry as ``role="doc-biblioentry"`` inside a
   ``role="list"``; that role is deprecated (DPUB-ARIA 1.1) and is no list item, so the
   list had no allowed children (axe ``aria-required-children``, critical). The entries
   are written with ``role="listitem"`` instead, the same markup otherwise;
2. myst-nb's hidden-code toggles: ``<summary aria-label="Toggle hidden content">``
   around the visible text "Show code cell source"; a label that does not contain the
   visible text fails WCAG 2.5.3 "Label in Name" (axe ``label-content-name-mismatch``),
   and speech-input users say what they see. The summary is written without the
   aria-label, so its name is its visible text; otherwise the same markup;
3. theme templates overridden from ``tools/site_templates/`` (see the comment at the top
   of each), for the same rule: the search button ("Search" against "Search Ctrl+K")
   and the colour-mode button (its icons' titles counted as its visible text).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

TEMPLATES = Path(__file__).resolve().parent / "site_templates"


def visit_citation(self, node) -> None:
    """docutils' ``visit_citation`` with ``role="listitem"`` for ``role="doc-biblioentry"``."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def visit_hidden_code(self, node) -> None:
    """myst-nb's ``visit_HideCellInput`` (1.x) without ``aria-label`` on the summary."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def add_templates(app, config) -> None:
    # before the theme's own templates, so that a file of the same name replaces the theme's
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def setup(app):
    # loaded after myst-nb and docutils' writer, so these visitors replace theirs
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_code, depart_HideCellInput))
    app.connect("config-inited", add_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

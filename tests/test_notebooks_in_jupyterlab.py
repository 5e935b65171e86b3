"""The reader notebooks in a real JupyterLab, started from Binder's slim environment.

The build writes every chapter as a plain notebook (``tools/notebook_edition.py``).
Here they are opened as a student opens them after the launch button: a JupyterLab
served on 127.0.0.1 from a virtual environment made from ``binder/requirements.txt``
only (no nbgrader, no jupytext, no test tools), with ``collapse_lib`` on its path as
``binder/postBuild`` installs it. Headless Chromium (as in test_site_in_browser.py)
then checks, for every chapter:

- the notebook reads like the page: no MyST directive fence, role, ``:label:``
  option or glue key in the rendered Markdown, and MathJax typesets every formula
  with no error (the book's macros are expanded by the edition);
- Run All completes with no error output;
- every widget reacts: one slider per widget moved with the keyboard changes its
  figure, and the time from key press to new image is recorded.

It prints, per chapter, the time to the first figure on opening, the Run All time,
and the median slider latency. The slim environment is made once per change of
``binder/requirements.txt`` in ``_build/.slim-venv`` (``COLLAPSE_SLIM_VENV`` moves it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import time
import venv
from pathlib import Path

import pytest

from test_site_in_browser import browser, require_chromium  # noqa: F401  (browser: the shared fixture)

pytestmark = [pytest.mark.book, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
SLIM_REQUIREMENTS = ROOT / "binder" / "requirements.txt"
TOKEN = "collapse-book-test"
RAW_MARKERS = ("{prf:", "{cite", "{numref", "{eq}", "{doc}", "{glue", "{ref}", "```{", ":label:", ":class:",
               "{exercise", "{solution", "{admonition")


def slim_environment() -> Path:
    """A venv of binder/requirements.txt with collapse_lib on its path (as Binder's postBuild); its python."""
    folder = Path(os.environ.get("COLLAPSE_SLIM_VENV", ROOT / "_build" / ".slim-venv"))
    python = folder / "bin" / "python"
    wanted = hashlib.sha256(SLIM_REQUIREMENTS.read_bytes()).hexdigest()
    stamp = folder / "requirements.sha256"
    if not (python.exists() and stamp.exists() and stamp.read_text().strip() == wanted):
        if folder.exists():
            shutil.rmtree(folder)
        venv.EnvBuilder(with_pip=True).create(folder)
        started = time.perf_counter()
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", SLIM_REQUIREMENTS], check=True)
        print(f"\nslim environment installed in {time.perf_counter() - started:.0f} s")
        stamp.write_text(wanted + "\n")
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "collapse_book.pth").write_text(str(ROOT) + "\n")
    # every cell rendered (JupyterLab 4 renders only the visible ones by default): the checks read all of them
    settings = folder / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())  # as binder/postBuild installs them
    overrides["@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    (settings / "overrides.json").write_text(json.dumps(overrides))
    return python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def reader_notebooks(built_html, tmp_path_factory) -> Path:
    """The folder of the reader notebooks, copied where JupyterLab serves them (as Binder's ``notebooks/``)."""
    source = built_html.parent / "notebooks" / "reader"
    target = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(source, target)
    return target


@pytest.fixture(scope="module")
def slim_python() -> Path:
    """The interpreter of the slim environment (made or updated once per module)."""
    require_chromium()
    return slim_environment()


@pytest.fixture(scope="module")
def lab(reader_notebooks, slim_python):
    """A JupyterLab from the slim environment on a free loopback port; yields its base URL."""
    python = slim_python
    port = free_port()
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("MPLBACKEND", "COLLAPSE_BOOK_STATIC", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")}
    environment["JUPYTER_CONFIG_DIR"] = str(reader_notebooks.parent / "config")  # none of the user's settings
    # the slim environment's own commands first: `python -m jupyter lab` would take the first jupyter-lab on PATH
    environment["PATH"] = os.pathsep.join([str(python.parent), environment.get("PATH", "")])
    environment.pop("VIRTUAL_ENV", None)
    server = subprocess.Popen(
        [python.with_name("jupyter-lab"), "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={reader_notebooks}",
         "--LabApp.expose_app_in_browser=True", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment, cwd=reader_notebooks)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None:
                pytest.fail("JupyterLab did not start: " + server.stderr.read().decode()[-3000:])
            time.sleep(0.5)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


WAIT_RENDERED = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  const within = (promise, seconds) => Promise.race([promise, new Promise(resolve => setTimeout(resolve, seconds * 1000))]);
  await within(panel.context.ready, 120);
  await within(panel.sessionContext.ready, 120);
  const typeset = () => document.querySelectorAll('.jp-MarkdownOutput mjx-container').length;
  for (let tries = 0; tries < 100; tries++) {
    const cells = panel.content.widgets;
    if (cells.length && cells.every(cell => cell.model.type !== 'markdown' || cell.rendered)) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  let last = -1;
  for (let tries = 0; tries < 100 && typeset() !== last; tries++) {  // MathJax settles
    last = typeset();
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  return panel.content.widgets.length;
}"""

MARKDOWN_TEXT = """() => [...document.querySelectorAll('.jp-MarkdownOutput')].map(node => {
  const clone = node.cloneNode(true);
  clone.querySelectorAll('mjx-container, code, pre').forEach(e => e.remove());
  return clone.innerText;
}).join('\\n')"""

RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const kernelReady = async () => {  // a kernel that is connected and idle, at most 2 minutes
    for (let tries = 0; tries < 1200; tries++) {
      const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
      if (kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle') return true;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return false;
  };
  if (!(await kernelReady())) return {seconds: 0, errors: ['the kernel did not start within 2 minutes']};
  const started = performance.now();
  app.commands.execute('notebook:run-all-cells');  // not awaited: the loop below is bounded
  await new Promise(resolve => setTimeout(resolve, 1000));
  const cells = panel.content.widgets.filter(cell => cell.model.type === 'code');
  // the command resolves when the last cell has run, or when a cell raised (the rest then never runs):
  // wait until the kernel has been idle for 2 s, at most 10 minutes
  let idleSince = null;
  for (let tries = 0; tries < 6000; tries++) {
    const idle = panel.sessionContext.session.kernel.status === 'idle';
    const pending = cells.some(cell => cell.promptNode.textContent.includes('*'));
    idleSince = idle && !pending ? (idleSince ?? performance.now()) : null;
    if (idleSince !== null && performance.now() - idleSince > 2000) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const errors = [];
  cells.forEach((cell, index) => {
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'error') errors.push(`cell ${index}: ${output.ename}: ${output.evalue}`);
    }
    if (cell.model.executionCount === null) errors.push(`cell ${index} did not run`);
  });
  const seconds = (performance.now() - started) / 1000;
  return {seconds, errors};
}"""

SHUT_DOWN = """async () => {
  const session = window.jupyterapp.shell.currentWidget.sessionContext;
  await Promise.race([session.shutdown(), new Promise(resolve => setTimeout(resolve, 10000))]);
}"""

KERNEL_PYTHON = """async () => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code: 'import sys; print(sys.prefix)'});
  let text = '';
  future.onIOPub = message => { if (message.header.msg_type === 'stream') text += message.content.text; };
  await Promise.race([future.done, new Promise(resolve => setTimeout(resolve, 30000))]);
  return text.trim();
}"""

MOVE_SLIDER = """async (index) => {
  const widgets = [...document.querySelectorAll('.jp-OutputArea-output')].filter(
      area => area.querySelector('.widget-slider') && area.querySelector('img'));
  const area = widgets[index];
  const image = [...area.querySelectorAll('img')].pop();
  const handle = area.querySelector('.noUi-handle');
  const before = image.src;
  handle.focus();
  const started = performance.now();
  const changed = new Promise(resolve => {
    const observer = new MutationObserver(() => {
      if (image.src !== before) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(image, {attributes: true});
    setTimeout(() => { observer.disconnect(); resolve(null); }, 15000);
  });
  // one step up, or down when the slider already stands at its maximum
  const atMax = handle.getAttribute('aria-valuenow') === handle.getAttribute('aria-valuemax');
  const key = atMax ? 'ArrowLeft' : 'ArrowRight', keyCode = atMax ? 37 : 39;
  for (const type of ['keydown', 'keyup']) {
    handle.dispatchEvent(new KeyboardEvent(type, {key, code: key, keyCode, which: keyCode, bubbles: true}));
  }
  return await changed;
}"""

COUNT_WIDGETS = """() => [...document.querySelectorAll('.jp-OutputArea-output')].filter(
    area => area.querySelector('.widget-slider') && area.querySelector('img')).length"""


def notebook_chapters() -> list[str]:
    """The chapters that are notebooks (they have code cells), as paths of their reader notebooks."""
    return [f"chapters/{path.stem}.ipynb" for path in sorted((ROOT / "chapters").glob("*.md"))
            if "```{code-cell}" in path.read_text()]


@pytest.mark.parametrize("chapter", notebook_chapters())
def test_a_reader_notebook_reads_like_its_page_and_runs_in_jupyterlab(chapter, lab, slim_python, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(f"{lab}/lab/tree/{chapter}?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.content", timeout=120_000)
    page.wait_for_selector(".jp-OutputArea-output img", state="attached", timeout=120_000)
    first_figure = time.perf_counter() - started
    page.evaluate(WAIT_RENDERED)
    text = page.evaluate(MARKDOWN_TEXT)
    raw = sorted({marker for marker in RAW_MARKERS if marker in text})
    merrors = page.locator(".jp-MarkdownOutput mjx-merror").count()
    typeset = page.locator(".jp-MarkdownOutput mjx-container").count()
    untypeset = [token for token in ("$", "\\frac", "\\mathbb") if token in text]
    run = page.evaluate(RUN_ALL)
    kernel_python = page.evaluate(KERNEL_PYTHON)
    latencies, frozen = [], []
    for index in range(page.evaluate(COUNT_WIDGETS)):
        latency = page.evaluate(MOVE_SLIDER, index)
        (frozen.append(index) if latency is None else latencies.append(latency))
    page.evaluate(SHUT_DOWN)  # one kernel at a time on a 2-core machine
    page.close()
    median = f"{statistics.median(latencies):.0f} ms" if latencies else "-"
    print(f"\n{chapter}: first figure {first_figure:.1f} s, Run All {run['seconds']:.1f} s, "
          f"{len(latencies)} widgets, slider to new figure: median {median} {[round(x) for x in latencies]}")
    assert Path(kernel_python).resolve() == slim_python.parent.parent.resolve(), \
        f"the kernel ran in {kernel_python}, not in the slim environment"
    assert not raw, f"raw MyST in the rendered notebook: {raw}"
    assert typeset and not merrors and not untypeset, (typeset, merrors, untypeset)
    assert not run["errors"], run["errors"][:5]
    assert not frozen, f"moving a slider did not change the figure of widgets {frozen}"
    assert not errors, errors[:5]

"""The built site in a real browser: self-contained, typeset, and its widgets move without a kernel.

Headless Chromium (Debian's ``chromium``), driven by Playwright with
``executable_path`` set to it, opens every page of the built book served from a free
loopback port. Chromium is launched so that it can resolve no host but 127.0.0.1:
a page that needs anything from outside fails here as it would offline.

For every page: no failed request, no JavaScript error, MathJax typeset with no
``merror`` and no raw TeX left in the article, and at a phone width of 400 px no
display equation or code block widens the page (they scroll inside themselves).
For every precomputed widget: moving each slider with the keyboard shows the frame
of the new grid point (read from the frame's class, not from a screenshot).

Without Chromium these tests are skipped with a message saying how to install it;
when ``CI`` is set they fail instead (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.book, pytest.mark.browser]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE_WIDTH = 400


def chromium_path() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path:
        return path
    message = ("headless Chromium is needed for the browser tests: install it with "
               "`sudo apt-get install chromium` (Debian/Ubuntu) or your system's package manager.")
    if os.environ.get("CI"):
        pytest.fail(message + " CI must run them (.ci/run installs it).")
    pytest.skip(message)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def site(built_html):
    """(base URL, html folder) of the built book (conftest's ``built_html``), served on a free loopback port."""
    html = built_html
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


def pages(html: Path) -> list[str]:
    """Every page of the book: each file of _toc.yml, in the TOC's order (index.html only redirects)."""
    import re

    toc = Path(__file__).resolve().parent.parent / "_toc.yml"
    names = re.findall(r"(?:root|file):\s*(\S+)", toc.read_text())
    return [f"{name}.html" for name in names]


class PageRecord:
    """What went wrong while a page loaded: failed requests, bad responses, script errors."""

    def __init__(self, page, base: str):
        self.failed, self.errors, self.outside = [], [], []
        page.on("requestfailed", lambda request: self.failed.append(f"{request.url} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400 and self.failed.append(
            f"{response.url} (HTTP {response.status})"))
        page.on("request", lambda request: not request.url.startswith((base, "data:", "blob:", "about:"))
                and self.outside.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))


WAIT_FOR_MATHJAX = """async () => {
  const loads = [...document.scripts].some(script => (script.src || '').includes('mathjax'));
  if (!loads) return false;
  for (let tries = 0; tries < 300; tries++) {
    const mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
      await mathjax.startup.promise;
      return true;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error('MathJax did not start within 30 s');
}"""


def open_page(browser, base: str, name: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    record = PageRecord(page, base)
    page.goto(f"{base}/{name}", wait_until="load")
    # MathJax 3 resolves startup.promise once the page is typeset (if the page loads MathJax)
    page.evaluate(WAIT_FOR_MATHJAX)
    if page.locator(".collapse-precomputed").count() or "widget-state" in page.content():
        page.wait_for_selector(".collapse-precomputed", timeout=30_000)
    page.wait_for_load_state("networkidle")
    return page, record


RAW_TEX = ("\\(", "\\[", "\\frac", "\\begin{", "$$")
TEXT_OF_ARTICLE = """() => {
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, .highlight, mjx-container, script, style').forEach(e => e.remove());
  return clone.innerText;
}"""


def test_every_page_is_self_contained_and_typeset(site, browser):
    base, html = site
    problems = []
    for name in pages(html):
        page, record = open_page(browser, base, name)
        has_maths = page.evaluate("() => !!window.MathJax")
        typeset = page.locator("mjx-container").count()
        merrors = page.locator("mjx-merror").count()
        text = page.evaluate(TEXT_OF_ARTICLE)
        raw = [token for token in RAW_TEX if token in text]
        if record.failed or record.outside or record.errors or merrors or raw:
            problems.append(f"{name}: failed={record.failed} outside={record.outside} errors={record.errors} "
                            f"merror={merrors} raw TeX={raw}")
        if name.startswith("chapters/") and "bibliography" not in name and name not in (
                "chapters/how_to_use.html", "chapters/teachers_guide.html"):
            if not (has_maths and typeset):
                problems.append(f"{name}: MathJax did not run (MathJax={has_maths}, typeset={typeset})")
        page.close()
    assert not problems, "\n".join(problems)


def test_the_root_redirects_to_the_front_page_without_a_failed_request(site, browser):
    base, _ = site
    page = browser.new_page()
    record = PageRecord(page, base)
    page.goto(f"{base}/index.html")
    page.wait_for_url("**/intro.html")
    page.wait_for_load_state("networkidle")
    assert not record.failed and not record.outside and not record.errors, (record.failed, record.outside, record.errors)
    page.close()


def test_bibliography_has_no_untypeset_maths(site, browser):
    base, _ = site
    page, record = open_page(browser, base, "chapters/bibliography.html")
    text = page.evaluate(TEXT_OF_ARTICLE)
    assert "$" not in text and "\\pi" not in text, text[:2000]
    assert not record.failed and not record.errors
    page.close()


def visible_frame(page, box) -> str:
    """The class collapse-frame-* of the one frame of ``box`` that is visible."""
    return box.evaluate("""box => {
      const shown = [...box.querySelectorAll('img')].filter(img =>
          img.offsetParent !== null && img.getBoundingClientRect().width > 0);
      if (shown.length !== 1) return 'visible frames: ' + shown.length;
      return [...shown[0].classList].find(c => c.startsWith('collapse-frame-')) || 'no frame class';
    }""")


def slider_index(slider) -> int:
    """The index shown by a SelectionSlider (its handle's aria-valuenow)."""
    return int(float(slider.locator("[aria-valuenow]").first.get_attribute("aria-valuenow")))


def test_every_precomputed_widget_follows_its_sliders(site, browser):
    base, html = site
    checked, problems = 0, []
    for name in pages(html):
        if "collapse-precomputed" not in (html / name).read_text():
            continue
        page, record = open_page(browser, base, name)
        boxes = page.locator(".collapse-precomputed")
        for number in range(boxes.count()):
            box = boxes.nth(number)
            box.scroll_into_view_if_needed()
            sliders = [box.locator(f".collapse-axis-{axis}") for axis in range(2)
                       if box.locator(f".collapse-axis-{axis}").count()]
            for axis, slider in enumerate(sliders):
                handle = slider.locator("[aria-valuenow]").first
                before = [slider_index(s) for s in sliders]
                maximum = int(float(handle.get_attribute("aria-valuemax")))
                key = "ArrowRight" if before[axis] < maximum else "ArrowLeft"
                handle.focus()
                page.keyboard.press(key)
                page.wait_for_timeout(100)
                after = [slider_index(s) for s in sliders]
                expected = list(before)
                expected[axis] += 1 if key == "ArrowRight" else -1
                wanted = "collapse-frame-" + "-".join(str(index) for index in expected)
                shown = visible_frame(page, box)
                if after != expected or shown != wanted:
                    problems.append(f"{name} widget {number} axis {axis}: sliders {before} -> {after} "
                                    f"(wanted {expected}); visible {shown}, wanted {wanted}")
                checked += 1
        if record.failed or record.errors:
            problems.append(f"{name}: failed={record.failed} errors={record.errors}")
        page.close()
    assert checked >= 7, f"only {checked} slider moves were checked: are the widgets precomputed?"
    assert not problems, "\n".join(problems)


def test_pages_fit_a_phone(site, browser):
    base, html = site
    problems = []
    for name in pages(html):
        page, _ = open_page(browser, base, name, width=PHONE_WIDTH)
        overflow = page.evaluate("""() => {
          const width = document.documentElement.clientWidth;
          // an element past the right edge is fine inside a box that scrolls and itself fits
          const scrolls = el => {
            for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
              const style = getComputedStyle(box);
              if (['auto', 'scroll'].includes(style.overflowX)) return box.getBoundingClientRect().right <= width + 1;
            }
            return false;
          };
          const wide = [];
          for (const el of document.querySelectorAll('article *')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1 && !scrolls(el) && !el.closest('mjx-assistive-mml'))
              wide.push(el.tagName + '.' + el.className + ': ' + (el.textContent || '').slice(0, 40));
          }
          const scroll = document.documentElement.scrollWidth > width + 1;
          return {scroll, wide: wide.slice(0, 5)};
        }""")
        cut = page.evaluate("""() => [...document.querySelectorAll('mjx-container[display="true"]')].filter(el => {
            const style = getComputedStyle(el);
            return el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll'].includes(style.overflowX);
          }).length""")
        if overflow["scroll"] or overflow["wide"] or cut:
            problems.append(f"{name}: page scrolls sideways={overflow['scroll']} wide elements={overflow['wide']} "
                            f"display equations cut off={cut}")
        page.close()
    assert not problems, "\n".join(problems)

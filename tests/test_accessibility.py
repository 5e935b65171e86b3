"""WCAG 2.1 AA on every page of the built book, checked in a real browser (issue 21).

axe-core (pinned in ``tools/site_assets/package-lock.json``, installed by the build's own
``npm ci`` into ``_build/.site_assets``; it is read from there and injected into each
page, never published with the site) runs its WCAG 2.0/2.1 A and AA rules on every page
of the built book, in the light and the dark colour mode. The per-page counts are
printed (``pytest -s`` shows them); any violation of impact "critical" or "serious"
fails the test.

The other tests check what axe cannot judge: that every figure's alternative text is a
sentence written for it (not a file path), that a precomputed widget's frame names the
slider values it shows and changes with them, that every slider is named by its visible
label, and that MathJax gives assistive technology the maths as MathML.

They use the browser and the served site of ``test_site_in_browser.py`` (same Chromium,
same flags, same skip-or-fail rule when Chromium is missing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_site_in_browser import browser, open_page, pages, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.book, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "_build" / ".site_assets" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")

RUN_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                summary: (n.failureSummary || '').slice(0, 300)}))}));
}"""


def axe_script() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: the book build installs axe-core with npm ci "
                    "(tools/site_assets/package-lock.json); build the book first.")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, script: str) -> list[dict]:
    page.add_script_tag(content=script)  # inline: the page itself requests nothing
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def counts(violations: list[dict]) -> dict[str, int]:
    """Number of failing elements per impact."""
    result = dict.fromkeys(IMPACTS, 0)
    for violation in violations:
        result[violation["impact"]] = result.get(violation["impact"], 0) + len(violation["nodes"])
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_critical_or_serious_violation_on_any_page(site, browser, scheme):  # noqa: F811
    """Both colour modes: the theme follows the reader's system setting ("auto")."""
    base, html = site
    script = axe_script()
    table, problems = [], []
    for name in pages(html):
        page, _ = open_page(browser, base, name)
        page.emulate_media(color_scheme=scheme)
        page.wait_for_function("scheme => document.documentElement.dataset.theme === scheme", arg=scheme)
        violations = axe_violations(page, script)
        page.close()
        number = counts(violations)
        rules = ", ".join(f"{v['id']}({v['impact']}) x{len(v['nodes'])}" for v in violations) or "-"
        table.append(f"{name:34s} " + " ".join(f"{number[impact]:3d}" for impact in IMPACTS) + f"  {rules}")
        for violation in violations:
            if violation["impact"] in FAILING_IMPACTS:
                for node in violation["nodes"][:3]:
                    problems.append(f"{name}: {violation['id']} ({violation['impact']}: {violation['help']}) "
                                    f"at {node['target']}: {node['html']} -- {node['summary']}")
    header = f"{'page':34s} " + " ".join(f"{impact[:3]:>3s}" for impact in IMPACTS) + "  rules (elements)"
    print("\naxe-core " + "/".join(WCAG_TAGS) + f" violations, {scheme} mode, failing elements per impact:")
    print("\n".join([header, *table]))
    assert len(table) == len(pages(html)) >= 10, "axe did not run on every page"
    assert not problems, "\n".join(problems)


def test_axe_reports_a_violation_that_is_there(site, browser):  # noqa: F811
    """The axe check can fail: an image without alt put into a real page is reported."""
    base, html = site
    page, _ = open_page(browser, base, pages(html)[0])
    page.evaluate("""() => { const img = document.createElement('img');
      img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.querySelector('article').append(img); }""")
    violations = axe_violations(page, axe_script())
    page.close()
    assert "image-alt" in {violation["id"] for violation in violations}, violations


PATH_LIKE = re.compile(r"(_images/|\.(png|jpe?g|svg|webp|gif)\b|^[0-9a-f]{16,})", re.IGNORECASE)

IMAGES = """() => [...document.querySelectorAll('article img')].map(img => ({
    alt: img.getAttribute('alt'), src: (img.getAttribute('src') || '').slice(0, 60),
    frame: [...img.classList].find(c => c.startsWith('collapse-frame-')) || null,
    hidden: img.closest('[aria-hidden="true"]') !== null || img.getAttribute('role') === 'presentation'}))"""


def real_alt(alt: str | None) -> bool:
    """A sentence or two written for the figure: not empty, not a file name, at least six words."""
    return bool(alt) and not PATH_LIKE.search(alt) and len(alt.split()) >= 6


def test_every_figure_has_a_written_alternative_text(site, browser):  # noqa: F811
    base, html = site
    problems, figures, frames = [], 0, 0
    for name in pages(html):
        page, _ = open_page(browser, base, name)
        for image in page.evaluate(IMAGES):
            if image["hidden"]:
                continue
            if image["frame"]:
                frames += 1
            else:
                figures += 1
            if not real_alt(image["alt"]):
                problems.append(f"{name}: {image['src']} {image['frame'] or ''} alt={image['alt']!r}")
        page.close()
    # a widget's Stack puts only its selected frame in the page: one frame per widget
    assert figures >= 30 and frames >= 10, f"only {figures} figures and {frames} widget frames were found"
    assert not problems, "\n".join(problems)


SLIDERS = """box => [...box.querySelectorAll('.widget-slider, .widget-hslider')].map(el => ({
    label: (el.querySelector('.widget-label') || {}).textContent || '',
    name: (el.querySelector('[role="slider"]') || {getAttribute: () => null}).getAttribute('aria-label'),
    valuetext: (el.querySelector('[role="slider"]') || {getAttribute: () => null}).getAttribute('aria-valuetext'),
    readout: (el.querySelector('.widget-readout') || {}).textContent || ''}))"""

VISIBLE_ALT = """box => { const shown = [...box.querySelectorAll('img')].filter(img =>
    img.offsetParent !== null && img.getBoundingClientRect().width > 0);
  return shown.length === 1 ? shown[0].getAttribute('alt') : 'visible frames: ' + shown.length; }"""


def test_widget_sliders_are_named_by_their_label_and_frames_by_their_values(site, browser):  # noqa: F811
    """Every slider's accessible name is its visible label and its value text its readout;
    the visible frame's alt names every slider's value, and follows a keyboard move."""
    base, html = site
    problems, moves = [], 0
    for name in pages(html):
        if "collapse-precomputed" not in (html / name).read_text():
            continue
        page, _ = open_page(browser, base, name)
        boxes = page.locator(".collapse-precomputed")
        for number in range(boxes.count()):
            box = boxes.nth(number)
            box.scroll_into_view_if_needed()
            for slider in box.evaluate(SLIDERS):
                named = slider["label"] and slider["name"] == slider["label"]
                if not named or slider["valuetext"] != slider["readout"]:
                    problems.append(f"{name} widget {number}: slider {slider}")
            handles = box.locator('[role="slider"]')
            for axis in range(handles.count()):
                handle = handles.nth(axis)
                before = box.evaluate(VISIBLE_ALT)
                handle.focus()
                maximum, now = (float(handle.get_attribute(a)) for a in ("aria-valuemax", "aria-valuenow"))
                page.keyboard.press("ArrowRight" if now < maximum else "ArrowLeft")
                page.wait_for_timeout(100)
                after = box.evaluate(VISIBLE_ALT)
                sliders = box.evaluate(SLIDERS)
                missing = [f"{s['label']} = {s['readout']}" for s in sliders
                           if f"{s['label']} = {s['readout']}" not in (after or "")]
                if after == before or missing or not real_alt(after):
                    problems.append(f"{name} widget {number} axis {axis}: alt {before!r} -> {after!r}; "
                                    f"missing {missing}")
                moves += 1
        page.close()
    assert moves >= 7, f"only {moves} slider moves were checked"
    assert not problems, "\n".join(problems)


def test_maths_reaches_assistive_technology_as_mathml(site, browser):  # noqa: F811
    """MathJax's assistive MathML: every typeset formula carries a hidden MathML copy for screen readers."""
    base, html = site
    problems, formulas = [], 0
    for name in pages(html):
        page, _ = open_page(browser, base, name)
        found = page.evaluate("""() => { const all = [...document.querySelectorAll('mjx-container')];
            return {all: all.length, mml: all.filter(c => c.querySelector('mjx-assistive-mml math')).length}; }""")
        formulas += found["all"]
        if found["mml"] != found["all"]:
            problems.append(f"{name}: {found['all'] - found['mml']} of {found['all']} formulas without assistive MathML")
        page.close()
    assert formulas > 100, f"only {formulas} typeset formulas found"
    assert not problems, "\n".join(problems)


def test_what_a_screen_reader_gets_for_a_figure_and_a_widget(site, browser):  # noqa: F811
    """The accessibility tree (Playwright's ARIA snapshot) of a static figure and of a widget."""
    base, html = site
    page, _ = open_page(browser, base, "chapters/gaussian_1d.html")
    figure = page.locator("article .cell_output img").first
    widget = page.locator(".collapse-precomputed").first
    figure_tree, widget_tree = figure.aria_snapshot(), widget.aria_snapshot()
    page.close()
    print("\nfigure:\n" + figure_tree + "\nwidget:\n" + widget_tree)
    # the YAML of the snapshot quotes a line that holds a colon: - 'img "..."'
    assert re.match(r"""- '?img "[^"]{30,}""", figure_tree), figure_tree
    assert re.search(r"""- '?slider "[^"]+""", widget_tree), widget_tree
    assert re.search(r"""- '?img "Widget figure for [^"]{30,}""", widget_tree), widget_tree

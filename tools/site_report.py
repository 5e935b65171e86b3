"""Weigh every page of the built site: what a reader downloads, raw and gzipped.

    .venv/bin/python tools/site_report.py [_build/html]

For each page: the HTML itself (precomputed widget frames are inside it, in the
widget state), everything the page references from the site (scripts, styles,
images), the total, and the number of precomputed frames. Fonts and MathJax
components that are loaded on demand are not counted.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlparse

REFERENCE = re.compile(r'(?:src|href)="([^"#?]+)(?:\?[^"]*)?"')
WEIGHED = (".js", ".css", ".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif")


def weigh(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6))


def resources(page: Path, html: Path) -> set[Path]:
    found = set()
    for reference in REFERENCE.findall(page.read_text(errors="replace")):
        if urlparse(reference).scheme or not reference.endswith(WEIGHED):
            continue
        target = (page.parent / reference).resolve()
        if target.is_file() and html in target.parents:
            found.add(target)
    return found


def main(folder: str) -> int:
    html = Path(folder).resolve()
    pages = sorted(html.glob("*.html")) + sorted((html / "chapters").glob("*.html"))
    print(f"{'page':<34}{'html raw':>10}{'gzip':>9}{'+ assets raw':>14}{'gzip':>9}{'total gzip':>12}{'frames':>8}")
    for page in pages:
        if page.name in ("genindex.html", "search.html"):
            continue
        raw, packed = weigh(page)
        extra = [weigh(path) for path in resources(page, html)]
        extra_raw, extra_packed = sum(r for r, _ in extra), sum(p for _, p in extra)
        frames = len(re.findall(r"collapse-frame-[0-9-]+", page.read_text(errors="replace")))
        name = str(page.relative_to(html))
        print(f"{name:<34}{raw / 1e6:>9.2f}M{packed / 1e6:>8.2f}M{extra_raw / 1e6:>13.2f}M{extra_packed / 1e6:>8.2f}M"
              f"{(packed + extra_packed) / 1e6:>11.2f}M{frames:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))

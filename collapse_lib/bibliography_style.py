"""The bibliography's author-year labels (a pybtex style used by the book's build, not by the chapters).

The text cites author-year ("Gerstgrasser et al. (2024)", ``bibtex_reference_style: author_year``),
so the list is labelled the same way, "[Gerstgrasser et al., 2024]", instead of pybtex's numbers.
Two works with the same authors' label and year get the suffixes a, b, ... in the sorted order of
the list, and the suffix is written into their ``year`` field, so that the citations in the text
read "Dohmatob et al. (2024a)" and "(2024b)" as well: sphinxcontrib-bibtex formats every label
before it resolves the first citation.

pyproject.toml registers both as pybtex plugins named ``authoryear`` (a formatting style, which
``chapters/bibliography.md`` selects with ``:style: authoryear``, and its label style).
"""

from __future__ import annotations

import re
from collections import Counter
from string import ascii_lowercase

from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitleSorting

_YEAR = re.compile(r"^\s*(\d{4})")


def _surnames(entry) -> str:
    """'Last' for one author, 'Last and Last' for two, 'Last et al.' for more (as in the text)."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    if not persons:
        return entry.fields.get("organization", entry.key)
    names = [" ".join(person.last_names).replace("{", "").replace("}", "") for person in persons]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _year(entry) -> str:
    """The four digits of the year field, without any suffix added by an earlier run."""
    match = _YEAR.match(entry.fields.get("year", ""))
    return match.group(1) if match else "n.d."


class AuthorYearLabelStyle(BaseLabelStyle):
    """Labels 'Surname et al., 2024', with a, b, ... when two entries would share one."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        bases = [f"{_surnames(entry)}, {_year(entry)}" for entry in entries]
        repeated = Counter(bases)
        seen: Counter = Counter()
        for entry, base in zip(entries, bases):
            suffix = ""
            if repeated[base] > 1:
                suffix = ascii_lowercase[seen[base]]
                seen[base] += 1
            if _YEAR.match(entry.fields.get("year", "")):
                # idempotent: the suffix replaces any earlier one (Sphinx re-runs this on every build)
                entry.fields["year"] = _year(entry) + suffix
            yield base + suffix


class AuthorYearSorting(AuthorYearTitleSorting):
    """pybtex's author, year, title order, with the braces of a name left out of its sort key.

    A corporate author is braced so that BibTeX does not split it into first and last names,
    ``{Contributeurs de Wikipédia}``; with the brace in its key it sorted after Z ('{' follows the
    letters), while its label reads "Contributeurs de Wikipédia". It now sorts under C.
    """

    def person_key(self, person) -> str:
        return super().person_key(person).replace("{", "").replace("}", "")


class AuthorYearStyle(PlainStyle):
    """pybtex's plain style (sorted by author, year, title) with author-year labels."""

    default_label_style = AuthorYearLabelStyle
    default_sorting_style = AuthorYearSorting

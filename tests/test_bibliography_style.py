"""The bibliography's author-year labels (collapse_lib.bibliography_style) on the book's references.bib."""

from pathlib import Path

import pybtex.plugin
from pybtex.database import parse_file

from collapse_lib.bibliography_style import AuthorYearStyle

ROOT = Path(__file__).resolve().parent.parent


def labels():
    entries = parse_file(str(ROOT / "references.bib")).entries
    style = AuthorYearStyle()
    ordered = list(style.sort(entries.values()))
    return {entry.key: label for entry, label in zip(ordered, style.format_labels(ordered))}, entries


def test_labels_are_author_year_as_in_the_text():
    found, _ = labels()
    assert found["shumailov2024nature"] == "Shumailov et al., 2024"
    assert found["dey2024universality"] == "Dey and Donoho, 2024"
    assert found["cochran1934quadratic"] == "Cochran, 1934"
    # the version of the article the book grew from is undated: no year is invented for it
    assert found["wikipedia2024effondrement"] == "Contributeurs de Wikipédia, n.d."
    assert len(set(found.values())) == len(found), "two entries share a label"


def test_a_braced_corporate_author_sorts_by_its_name_not_after_z():
    entries = parse_file(str(ROOT / "references.bib")).entries
    ordered = [entry.key for entry in AuthorYearStyle().sort(entries.values())]
    wikipedia = ordered.index("wikipedia2024effondrement")
    # "contributeurs de wikipédia" falls between Cochran and Covington, far from the end
    assert ordered[wikipedia - 1] == "cochran1934quadratic", ordered[wikipedia - 1]
    assert ordered[wikipedia + 1] == "covington2010mattr", ordered[wikipedia + 1]


def test_same_authors_and_year_get_a_and_b_in_the_list_and_in_the_year_field():
    found, entries = labels()
    assert found["dohmatob2024demystified"] == "Dohmatob et al., 2024a"
    assert found["dohmatob2024tails"] == "Dohmatob et al., 2024b"
    # the citations in the text read the year field: it carries the suffix too
    assert entries["dohmatob2024demystified"].fields["year"] == "2024a"
    assert entries["dohmatob2024tails"].fields["year"] == "2024b"
    assert entries["shumailov2024nature"].fields["year"] == "2024"


def test_labelling_twice_gives_the_same_labels():
    entries = parse_file(str(ROOT / "references.bib")).entries
    style = AuthorYearStyle()
    ordered = list(style.sort(entries.values()))
    first = list(style.format_labels(ordered))
    assert list(style.format_labels(ordered)) == first
    assert entries["dohmatob2024tails"].fields["year"] == "2024b"


def test_the_style_is_registered_for_the_bibliography_directive():
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", "authoryear") is AuthorYearStyle

#!/usr/bin/env python3
"""Extract Jane Austen's six novels from Debian's ``r-cran-janeaustenr`` into ``data/austen/``.

The book ships the extracted text (``data/austen/*.txt``), so readers and Binder need
neither Debian nor R; this tool only says, reproducibly, where that text comes from.

Source: the R package *janeaustenr* 1.0.0 by Julia Silge (MIT licence; the novels
themselves are in the public domain, from Project Gutenberg, with the Gutenberg
header and licence already removed by the R package), as packaged by Debian::

    apt-get install -y r-cran-janeaustenr        # Debian/Ubuntu, version 1.0.0-1
    python3 tools/extract_corpus.py              # writes data/austen/*.txt and prints checksums
    python3 tools/extract_corpus.py --check      # compares with the committed files instead

The R package stores each novel as a character vector of printed lines (``""`` between
paragraphs) in the lazy-load database ``data/Rdata.rdb``, indexed by ``data/Rdata.rdx``.
Both use R's serialization format (XDR, big-endian): the index is one gzip-compressed
serialized list; every object in the database is a 4-byte big-endian length followed by
a zlib stream. The small reader below understands exactly the R types those two files
use (lists, pairlists, symbols, logical, integer and character vectors, references) and nothing
more; any other type raises an error rather than guessing.

Cross-check (optional, tool time only, not a dependency of the book): the PyPI package
``rdata`` (``pip install rdata``) parses the same serialized objects::

    import zlib, rdata
    raw = open(RDB, "rb").read()[offset + 4: offset + length]
    rdata.conversion.convert(rdata.parser.parse_data(zlib.decompress(raw)))

Each output file holds one paragraph per line (the printed lines of a paragraph joined
by single spaces), UTF-8, ending with a newline. Title lines and chapter headings
("CHAPTER 1") are paragraphs like any other.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("/usr/lib/R/site-library/janeaustenr/data")
OUTPUT = ROOT / "data" / "austen"

NOVELS = {  # R object name -> file name (publication order)
    "sensesensibility": "sense_and_sensibility",
    "prideprejudice": "pride_and_prejudice",
    "mansfieldpark": "mansfield_park",
    "emma": "emma",
    "northangerabbey": "northanger_abbey",
    "persuasion": "persuasion",
}

# R SEXP types used by these files
SYMSXP, LISTSXP, CHARSXP, LGLSXP, INTSXP, STRSXP, VECSXP = 1, 2, 9, 10, 13, 16, 19
REFSXP, NILVALUE_SXP = 255, 254


class Reader:
    """A minimal reader of R's XDR serialization (format versions 2 and 3)."""

    def __init__(self, data: bytes):
        self.data, self.position, self.references = data, 0, []
        if data[:2] != b"X\n":
            raise ValueError("not an XDR-serialized R object (expected the header 'X\\n')")
        self.position = 2
        version = self.integer()
        self.integer(), self.integer()  # writer's R version, minimal reader version
        if version == 3:
            length = self.integer()  # then the native encoding's name
            self.position += length
        elif version != 2:
            raise ValueError(f"unknown R serialization version {version}")

    def integer(self) -> int:
        (value,) = struct.unpack_from(">i", self.data, self.position)
        self.position += 4
        return value

    def item(self):
        flags = self.integer()
        kind, has_attributes, has_tag = flags & 0xFF, bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if kind == NILVALUE_SXP:
            return None
        if kind == REFSXP:
            return self.references[(flags >> 8) - 1]
        if kind == SYMSXP:
            name = self.item()  # a CHARSXP
            self.references.append(name)
            return name
        if kind == LISTSXP:  # a pairlist: returned as a list of (tag, value)
            attributes = self.item() if has_attributes else None
            tag = self.item() if has_tag else None
            value = self.item()
            rest = self.item()
            del attributes
            return [(tag, value)] + (rest or [])
        if kind == CHARSXP:
            length = self.integer()
            if length == -1:
                return None  # NA_character_
            text = self.data[self.position:self.position + length].decode("utf-8")
            self.position += length
            return text
        if kind in (INTSXP, LGLSXP):
            length = self.integer()
            values = list(struct.unpack_from(f">{length}i", self.data, self.position))
            self.position += 4 * length
            result = values
        elif kind == STRSXP:
            result = [self.item() for _ in range(self.integer())]
        elif kind == VECSXP:
            result = [self.item() for _ in range(self.integer())]
        else:
            raise ValueError(f"R type {kind} is not handled by this small reader")
        if has_attributes:
            attributes = dict(self.item())
            if "names" in attributes:
                return dict(zip(attributes["names"], result))
        return result


def read_index(path: Path) -> dict:
    """The lazy-load index: object name -> (offset, length) in the database."""
    index = Reader(gzip.decompress(path.read_bytes())).item()
    return {name: tuple(place) for name, place in index["variables"].items()}


def read_object(database: bytes, offset: int, length: int):
    """One object of the lazy-load database: 4-byte length, then a zlib stream."""
    (expected,) = struct.unpack_from(">I", database, offset)
    raw = zlib.decompress(database[offset + 4:offset + length])
    if len(raw) != expected:
        raise ValueError(f"object at {offset}: {len(raw)} bytes after decompression, expected {expected}")
    return Reader(raw).item()


def paragraphs(lines: list[str]) -> list[str]:
    """Join printed lines into paragraphs (blank lines separate them); strip spaces."""
    result, current = [], []
    for line in lines + [""]:
        line = (line or "").strip()
        if line:
            current.append(line)
        elif current:
            result.append(" ".join(current))
            current = []
    return result


def extract(package: Path = PACKAGE) -> dict[str, str]:
    """File name -> text (one paragraph per line) of every novel."""
    index = read_index(package / "Rdata.rdx")
    database = (package / "Rdata.rdb").read_bytes()
    texts = {}
    for name, stem in NOVELS.items():
        lines = read_object(database, *index[name])
        if not all(isinstance(line, str) for line in lines):
            raise ValueError(f"{name}: expected a character vector without NA")
        texts[f"{stem}.txt"] = "\n".join(paragraphs(lines)) + "\n"
    return texts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with data/austen instead of writing")
    parser.add_argument("--package", type=Path, default=PACKAGE, help="the janeaustenr data directory")
    arguments = parser.parse_args(argv)
    texts = extract(arguments.package)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    status = 0
    for name, text in texts.items():
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        path = OUTPUT / name
        if arguments.check:
            same = path.exists() and path.read_bytes() == data
            status |= not same
            print(f"{'same' if same else 'DIFFERENT'}  {name}")
        else:
            path.write_bytes(data)
            print(f"{digest}  {name}  ({len(data)} bytes, {text.count(chr(10))} paragraphs)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

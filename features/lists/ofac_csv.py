"""Rows of OFAC's legacy CSV files: `sdn.csv`, `alt.csv`, `add.csv` and `sdn_comments.csv`.

The files have no header row, are Latin-1, write `-0- ` for an empty field and may end with
the DOS end-of-file byte 0x1A. With no header, the column count is the only check that a
file is what it claims to be, so every row must have exactly its file's width and a numeric
`ent_num`: a short row means a truncated or mangled file, which is refused, not half-read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from features.lists.csv_rows import rows
from features.lists.errors import ListFormatError
from features.lists.files import text_lines

END_OF_FILE = "\x1a"
EMPTY = "-0-"
# Widths of the four files of the set.
SDN_WIDTH, ALT_WIDTH, ADD_WIDTH, COMMENTS_WIDTH = 12, 5, 6, 2
# alt_type values; an alias file's third column is one of these.
ALIAS_TYPES = frozenset({"aka", "fka", "nka"})


def _clean(row: list[str]) -> list[str]:
    """Map OFAC's `-0- ` to "". Values are otherwise kept as written: a Remarks field cut in
    `sdn.csv` continues in `sdn_comments.csv` and must be joined without trimming."""
    return ["" if value.strip() == EMPTY else value for value in row]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """The file's Latin-1 lines (every byte is a Latin-1 character: decoding never fails), the final
    0x1A dropped; a 0x1A anywhere else, or a NUL, refuses the file: it is not an OFAC CSV file."""
    early = "not an OFAC CSV file: end-of-file byte 0x1A before the end"
    end = 0  # the line a 0x1A ends: the end of the file, unless more than line breaks follows
    for lineno, line in text_lines(path, "latin-1"):
        body = line.rstrip("\r\n")
        if end and body:
            raise ListFormatError(path, end, early)
        if "\x00" in body:
            raise ListFormatError(path, lineno, "not an OFAC CSV file: NUL byte: binary data")
        if END_OF_FILE in body[:-1]:
            raise ListFormatError(path, lineno, early)
        if body.endswith(END_OF_FILE):
            end, line = lineno, body[:-1]
        yield lineno, line


def read_rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for each row of an OFAC CSV file of `width` columns."""
    for start, row in rows(path, _lines(path), strict=True):
        if row == []:
            continue
        if len(row) != width:
            raise ListFormatError(path, start, f"expected {width} columns, found {len(row)} (truncated or not this file?)")
        if not row[0].strip().isdigit():
            raise ListFormatError(path, start, f"ent_num {row[0]!r} is not a number")
        yield start, _clean(row)


def sniff_rows(head: bytes, limit: int = 3) -> list[list[str]]:
    """The first complete rows of a file's first bytes, cleaned; [] when they do not parse."""
    text = head.decode("latin-1")
    if len(head) >= 4096 and "\n" in text:  # the last line may be cut by the 4 KB read
        text = text[: text.rindex("\n")]
    try:
        rows = [row for _, row in zip(range(limit), csv.reader(io.StringIO(text, newline=""), strict=True))]
    except csv.Error:
        return []
    return [_clean(row) for row in rows if row and row != [END_OF_FILE]]

"""The rows of a CSV list file (the UK FCDO list, the US CSL, OFAC's legacy set), read within
the bounds of `features.lists.limits`.

The csv module's field size limit is one setting for the whole process: `rows` sets it to
MAX_CSV_FIELD_CHARS as it starts, whatever ran before (raising it to sys.maxsize is a common
idiom), so a field that a stray quote runs over the rest of the file is refused at that size.
The project's other CSV readers (reference data, name pairs) read far shorter fields.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from features.lists.errors import ListFormatError
from features.lists.limits import MAX_CSV_FIELD_CHARS


def rows(path: Path, lines: Iterable[tuple[int, str]], strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """(the line a row starts on, its fields) of each row of `lines`, as `files.text_lines`
    gives them, one physical line each; malformed CSV is refused at the line its row starts on."""
    csv.field_size_limit(MAX_CSV_FIELD_CHARS)
    reader = csv.reader((text for _, text in lines), strict=strict)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise ListFormatError(path, start, f"malformed CSV: {exc}") from None
        if row is None:
            return
        yield start, row

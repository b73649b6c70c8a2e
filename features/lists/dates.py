"""The latest of a list's dates: what a list without a stated publication date is as of.

A list that states no publication date is at least as current as its newest designation, so
that date stands in for it (the issue's rule for the UK list and the CSL); values that do not
parse, or lie in the future of the machine's clock (typos such as 2202), are passed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from features.lists.csv_rows import rows
from features.lists.errors import ListFormatError
from features.lists.files import text_lines


def latest_date(values: Iterable[str], fmt: str = "%Y-%m-%d") -> dt.date | None:
    today = dt.date.today()
    latest = None
    for value in values:
        try:
            day = dt.datetime.strptime(value.strip()[:10], fmt).date()
        except ValueError:
            continue
        if day <= today and (latest is None or day > latest):
            latest = day
    return latest


def latest_in_column(path: Path, column: str, fmt: str = "%Y-%m-%d") -> dt.date | None:
    """The latest date of a CSV file's `column` (perhaps gzipped); None when the file does not
    read, which its reader then refuses with the line."""
    found = rows(path, text_lines(path))
    try:
        header = next(found, (1, []))[1]
        if column not in header:
            return None
        at = header.index(column)
        return latest_date((row[at] if at < len(row) else "" for _, row in found), fmt)
    except ListFormatError:
        return None

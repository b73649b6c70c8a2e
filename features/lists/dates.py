"""The latest of a list's dates: what a list without a stated publication date is as of.

A list that states no publication date is at least as current as its newest designation, so
that date stands in for it (the issue's rule for the UK list and the CSL); values that do not
parse, or lie in the future of the machine's clock (typos such as 2202), are passed over.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from features.lists.files import open_text


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
    with open_text(path) as handle:
        try:
            return latest_date((row.get(column) or "" for row in csv.DictReader(handle)), fmt)
        except (csv.Error, UnicodeDecodeError, OSError, EOFError):
            return None

"""The UK FCDO "UK Sanctions List" as CSV: one row per designation, primary names only."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

from features.lists.csv_rows import rows
from features.lists.dates import latest_in_column
from features.lists.entities import Entity, Link
from features.lists.errors import ListFormatError
from features.lists.files import text_lines
from features.lists.limits import checked

HEADER = ["Unique ID", "OFSI Group ID", "Name", "Regime Name", "Type", "Designation source", "Date Designated", "Sanctions Imposed"]
SCHEMAS = {"Individual": "Person", "Entity": "Organization", "Ship": "Vessel"}
log = logging.getLogger(__name__)


def looks_like_uk_fcdo(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"Unique ID,OFSI Group ID,Name")


def _date(value: str) -> str:
    try:
        return dt.datetime.strptime(value.strip(), "%d-%m-%Y").date().isoformat()
    except ValueError:
        return value.strip()


def as_of(path: Path) -> dt.date | None:
    """The latest "Date Designated": the sheet states no publication date of its own."""
    return latest_in_column(path, "Date Designated", "%d-%m-%Y")


def read_uk_fcdo(path: Path) -> Iterator[Entity | Link]:
    found = rows(path, text_lines(path))
    if next(found, (1, None))[1] != HEADER:
        raise ListFormatError(path, 1, "header is not the UK FCDO list's: " + ",".join(HEADER))
    for lineno, row in found:
        if (entity := _entity(path, lineno, row)) is not None:
            yield entity


def _entity(path: Path, lineno: int, row: list[str]) -> Entity | None:
    if len(row) != len(HEADER):
        raise ListFormatError(path, lineno, f"expected {len(HEADER)} columns, found {len(row)}")
    uid, _, name, regime, kind, authority, designated, imposed = (v.strip() for v in row)
    if not uid or kind not in SCHEMAS:
        raise ListFormatError(path, lineno, "a row needs a Unique ID and a Type of " + "/".join(SCHEMAS))
    if not name:  # the official list has a few of these: nothing to screen against
        log.warning("%s:%d: designation %s has no name; skipped", path, lineno, uid)
        return None
    return checked(path, lineno, Entity(
        id=f"gb-fcdo-{uid}",
        schema=SCHEMAS[kind],
        names=[name],
        source=path.name,
        sanctions=[f"UK FCDO ({authority}): {regime} regime, designated {_date(designated)}; {imposed}"],
    ))

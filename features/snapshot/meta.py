"""A snapshot's meta.json, refused unless it has the shape its readers rely on.

It is the one file of a snapshot that is plain JSON, so the one a hand edits: `[]`, a string, or
a field of the wrong type would otherwise load, and fail later at the request or the command
that reads the field. Each field is checked for the type its readers take (a source's `as_of`
is a date `oldest_as_of` compares and the metrics parse; `created` a timestamp with its zone).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

META = "meta.json"
# The snapshot format `build` writes and the readers take (here, apart from the builder, so a
# command that reads only meta.json imports nothing of the builder's).
FORMAT = 12  # 2: exact-name index and schema codes; 3: bracketed aliases indexed; 4: country codes; 5: name skeletons;
# 6: the names' vocabulary (features.matching.vocab); 7: its non-ASCII flag; 8: its word and name records; 9: bitmaps
# of the common blocking keys, where each vocabulary word's blocking keys are, a name record's person bit; 10: named sources, each with its as-of date
# 11: blocking keys of word starts and ends and of names run together; keys with numbers read, glossary translated
# 12: skeletons fold ts and tz into c


def _text(value) -> bool:
    return isinstance(value, str)


def _optional(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or check(value)


def _count(value) -> bool:
    return type(value) is int and value >= 0


def _texts(value) -> bool:
    return isinstance(value, list) and all(map(_text, value))


def _parses(parse: Callable[[str], object]) -> Callable[[object], bool]:
    def check(value) -> bool:
        try:
            return _text(value) and parse(value) is not None
        except ValueError:
            return False
    return check


_date = _parses(dt.date.fromisoformat)
_timestamp = _parses(lambda text: dt.datetime.fromisoformat(text).tzinfo)

# What a snapshot says of each source it was built from (service.sources.snapshot_entry writes
# it): each field's check, applied when present (benchmarks build snapshots of bare sources).
SOURCE_FIELDS = {
    "name": _text, "version": _text, "sha256": _text, "origin": _text, "fetched_at": _optional(_text),
    "as_of": _optional(_date), "as_of_basis": _optional(_text), "formats": _texts,
    "entities": _count, "sanctioned": _count, "links": _count,
}
# The fields of this format's meta, all required.
FIELDS = {
    "created": _timestamp,
    "schemas": _texts,
    "counts": lambda value: isinstance(value, dict) and all(map(_count, value.values())),
    "sources": lambda value: isinstance(value, list),
}


def read_meta(directory: Path) -> dict:
    """The meta.json of a snapshot of any format: ValueError unless it is a JSON object of
    sources as `check_sources` wants them, OSError if it cannot be read."""
    try:
        meta = json.loads((Path(directory) / META).read_text())
    except RecursionError:  # brackets nested deeper than the parser goes
        raise ValueError(f"{META} is nested too deep") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{META} is not a JSON object")
    return check_sources(meta)


def check_sources(meta: dict) -> dict:
    """`meta` if its `sources` (when present) are a list of objects whose fields pass SOURCE_FIELDS,
    and a source that states an as-of date names itself (the metrics label it by name)."""
    sources = meta.get("sources", [])
    if not isinstance(sources, list):
        raise ValueError(f"{META}: sources is not a list")
    for i, source in enumerate(sources):
        if not isinstance(source, dict):
            raise ValueError(f"{META}: sources[{i}] is not an object")
        wrong = [field for field, valid in SOURCE_FIELDS.items() if field in source and not valid(source[field])]
        if wrong:
            raise ValueError(f"{META}: sources[{i}].{wrong[0]} is not what a snapshot writes there")
        if source.get("as_of") is not None and "name" not in source:
            raise ValueError(f"{META}: sources[{i}] states an as_of date but no name")
    return meta


def check_meta(meta: dict, complete: bool = False) -> dict:
    """`meta` (as `read_meta` gives it) if it has every field of this format, each as FIELDS
    checks it; `complete`: and every source has every field of SOURCE_FIELDS, as a home's
    snapshots do. ValueError naming the first field that is off."""
    wrong = [field for field, valid in FIELDS.items() if not valid(meta.get(field))]
    if wrong:
        raise ValueError(f"{META}: {wrong[0]} is missing or not what a snapshot writes there")
    if complete:
        for i, source in enumerate(meta["sources"]):
            if missing := sorted(set(SOURCE_FIELDS) - set(source)):
                raise ValueError(f"{META}: sources[{i}] has no {missing[0]}")
    return meta

"""Readers of sanctions lists and registries, one module per format, all yielding `Entity` and `Link`
(and, from FtM delta files, `Deletion`).

Each format says how to recognise a file, how to read it, the publication date its data states
(`as_of`: what "how current is this list" means for it) and which source of a home a file of it
belongs to when the user names none. `read_list` picks the reader from the file's content unless
the format is named; any file may be gzip-compressed. Every reader reads within the bounds of
`lists.limits` and refuses, with the file and the line, what lies beyond them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from features.lists import csl, eu_fsf, ftm, ftm_delta, ofac, uk_fcdo, un_sc
from features.lists.entities import Record
from features.lists.errors import ListFormatError
from features.lists.files import read_head

Reader = Callable[[Path], Iterator[Record]]


def _none(_: Path) -> list[Path]:
    return []


@dataclass(frozen=True)
class ListFormat:
    name: str
    sniff: Callable[[bytes], bool]
    read: Reader
    # The publication date the file's data states (None when it states none), and what it is.
    as_of: Callable[[Path], dt.date | None]
    as_of_basis: str
    source: str  # the home's source a file of this format replaces when none is named
    # Files read together with this one (OFAC's alt.csv beside sdn.csv): stored with it, never read alone.
    companions: Callable[[Path], list[Path]] = _none


# The first sniffer that accepts a file's first bytes wins. A delta line also holds an entity's
# "schema", so the delta sniffer goes before the FtM one.
FORMATS: list[ListFormat] = [
    ListFormat("ftm-delta", ftm_delta.looks_like_ftm_delta, ftm_delta.read_ftm_delta, ftm.last_change,
               "latest last_change", "ftm"),
    ListFormat("ftm", ftm.looks_like_ftm, ftm.read_ftm, ftm.last_change, "latest last_change", "ftm"),
    ListFormat("uk-fcdo", uk_fcdo.looks_like_uk_fcdo, uk_fcdo.read_uk_fcdo, uk_fcdo.as_of,
               "latest designation date", "uk-fcdo"),
    ListFormat("ofac-sdn", ofac.looks_like_ofac_sdn, ofac.read_ofac_sdn, ofac.as_of, "none in the legacy CSV",
               "ofac", ofac.companions),
    # An alias file alone adds names to the entries of another source: a source of its own.
    ListFormat("ofac-alt", ofac.looks_like_ofac_alt, ofac.read_ofac_alt, ofac.as_of, "none in the legacy CSV", "ofac-alt"),
    ListFormat("us-csl", csl.looks_like_csl, csl.read_csl, csl.as_of, "latest start_date", "us-csl"),
    ListFormat("un-sc", un_sc.looks_like_un_sc, un_sc.read_un_sc, un_sc.as_of, "dateGenerated", "un"),
    ListFormat("eu-fsf", eu_fsf.looks_like_eu_fsf, eu_fsf.read_eu_fsf, eu_fsf.as_of, "generationDate", "eu-fsf"),
]
BY_NAME = {f.name: f for f in FORMATS}


def detect_format(path: Path) -> str:
    head = read_head(path)
    for known in FORMATS:
        if known.sniff(head):
            return known.name
    raise ListFormatError(path, 1, "format not recognised; name it with --format " + "|".join(BY_NAME))


def get_format(name: str) -> ListFormat:
    if name not in BY_NAME:
        raise ListFormatError(Path(name), 0, f"unknown format {name!r}; one of {', '.join(BY_NAME)}")
    return BY_NAME[name]


def read_list(path: Path, fmt: str | None = None) -> Iterator[Record]:
    """Yield the records of one list file, in the named or the detected format."""
    return get_format(fmt or detect_format(path)).read(path)


__all__ = ["BY_NAME", "FORMATS", "ListFormat", "ListFormatError", "detect_format", "get_format", "read_list"]

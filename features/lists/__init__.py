"""Readers of sanctions lists and registries, one module per format, all yielding `Entity` and `Link`
(and, from FtM delta files, `Deletion`).

`read_list` picks the reader from the file's content unless the format is named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from features.entities import Record
from features.lists.csl import looks_like_csl, read_csl
from features.lists.errors import ListFormatError
from features.lists.ftm import looks_like_ftm, read_ftm
from features.lists.ftm_delta import looks_like_ftm_delta, read_ftm_delta
from features.lists.ofac import looks_like_ofac_alt, looks_like_ofac_sdn, read_ofac_alt, read_ofac_sdn
from features.lists.uk_fcdo import looks_like_uk_fcdo, read_uk_fcdo

Reader = Callable[[Path], Iterator[Record]]

# (name, sniffer, reader): the first sniffer that accepts a file's first bytes wins. A delta
# line also holds an entity's "schema", so the delta sniffer goes before the FtM one.
FORMATS: list[tuple[str, Callable[[bytes], bool], Reader]] = [
    ("ftm-delta", looks_like_ftm_delta, read_ftm_delta),
    ("ftm", looks_like_ftm, read_ftm),
    ("uk-fcdo", looks_like_uk_fcdo, read_uk_fcdo),
    ("ofac-sdn", looks_like_ofac_sdn, read_ofac_sdn),
    ("ofac-alt", looks_like_ofac_alt, read_ofac_alt),
    ("us-csl", looks_like_csl, read_csl),
]


def detect_format(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096)
    for name, sniff, _ in FORMATS:
        if sniff(head):
            return name
    raise ListFormatError(path, 1, "format not recognised; name it with --format " + "|".join(f[0] for f in FORMATS))


def read_list(path: Path, fmt: str | None = None) -> Iterator[Record]:
    """Yield the records of one list file, in the named or the detected format."""
    name = fmt or detect_format(path)
    for known, _, reader in FORMATS:
        if known == name:
            return reader(path)
    raise ListFormatError(path, 0, f"unknown format {name!r}")


__all__ = ["FORMATS", "ListFormatError", "detect_format", "read_list"]

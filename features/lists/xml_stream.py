"""Streaming an official XML list: the UN Security Council list and the EU FSF file.

Both are large XML files read the same way, so the same code reads both: one safe parser
(entities, DTDs and network access off; a DOCTYPE refused, as neither list has one), bounded
memory (lxml's iterparse, each entry cleared once read) and errors that name the file and the
line, also where a gzipped file is truncated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from features.lists.errors import ListFormatError
from features.lists.files import open_binary
from features.lists.limits import MAX_RECORD_BYTES

# The XML prolog (declaration, comments, a DOCTYPE), then the root element's name as written
# (group 1) and its local name (group 2). The UN copy captured the name as written, the FSF
# copy the local name; one pattern now captures both, each exactly as its copy did, so the UN
# reader still refuses a prefixed <x:CONSOLIDATED_LIST> and the FSF reader accepts <fsd:export>.
ROOT_TAG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*"
                      rb"<((?:[\w.-]+:)?([\w.-]+)[\w.:-]*)", re.S)
PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                      huge_tree=False, remove_comments=True, remove_pis=True)


def root_name(head: bytes) -> tuple[bytes, bytes] | None:
    """(the root element's name as written, its local name) from a file's first bytes, or None."""
    match = ROOT_TAG.match(head)
    return (match.group(1), match.group(2)) if match else None


def qname(element: etree._Element) -> tuple[str | None, str]:
    """(namespace or None, local name) of an element's tag. Not `etree.QName`, which raises for a
    tag that libxml2 reads but a namespace-aware name may not be (`<:export>`)."""
    tag = element.tag if isinstance(element.tag, str) else ""  # an entity reference's tag is a function
    namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else (None, "", tag)
    return namespace, local


def clean(value: str | None) -> str:
    return " ".join((value or "").split())


def xsd_date(value: str | None) -> str | None:
    """An xsd:date or dateTime, which may carry a zone ("2015-04-07-04:00",
    "2026-02-26T18:01:46.367+01:00"), as YYYY-MM-DD: the day as the publisher wrote it.
    The value is cleaned first (the FSF copy did; the UN copy's callers cleaned it beforehand)."""
    try:
        return dt.date.fromisoformat(clean(value)[:10]).isoformat()
    except ValueError:
        return None


class Counted:
    """The stream, counting the lines handed to the parser (where a truncated gzip stream ends) and
    the bytes since the last entry ended, at most MAX_RECORD_BYTES: an entry of a hundred
    megabytes would otherwise be parsed whole into memory before anything could refuse it."""

    def __init__(self, path: Path, handle):
        self.path, self.handle, self.lines, self.held = path, handle, 1, 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read1(size)  # only what is at hand, so a truncated stream gives its last lines first
        self.lines += data.count(b"\n")
        self.held += len(data)
        if self.held > MAX_RECORD_BYTES:
            raise ListFormatError(self.path, self.lines, f"an entry running to this line has more than "
                                  f"{MAX_RECORD_BYTES:,} bytes: no list has one")
        return data


def events(path: Path, source: str, entries: frozenset[str] = frozenset()) -> Iterator[tuple[str, etree._Element]]:
    """(event, element) pairs of the file, streamed; every parse failure becomes a ListFormatError.
    `source` names the list in the message refusing a DOCTYPE ("the UN list", "the FSF file"),
    the one place where the two copies differed. `entries` are the tags of the elements the
    reader reads and releases one by one: from one's end to the next's, at most MAX_RECORD_BYTES
    may come (the root's first bytes, before any entry, too)."""
    with open_binary(path) as handle:
        stream = Counted(path, handle)
        try:
            for event, element in etree.iterparse(stream, events=("start", "end"), **PARSER_OPTIONS):
                if event == "start" and element.getparent() is None and element.getroottree().docinfo.doctype:
                    raise ListFormatError(path, element.sourceline or 1, "a DOCTYPE precedes the root element: "
                                          f"{source} has none, and its entities are not read")
                if event == "end" and element.tag in entries:
                    stream.held = 0
                yield event, element
        except etree.XMLSyntaxError as exc:
            raise ListFormatError(path, exc.lineno or stream.lines, f"not well-formed XML: {exc.msg}") from None
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise ListFormatError(path, stream.lines, f"the compressed stream is truncated or corrupt: {exc}") from None


def release(element: etree._Element) -> None:
    """Free a read entry and the siblings before it, so memory stays flat over a large file."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def root_date(path: Path, attribute: str, source: str) -> dt.date | None:
    """The date in the root element's `attribute`, as the publisher wrote it; only the root is parsed."""
    for _, root in events(path, source):
        generated = xsd_date(root.get(attribute))
        return dt.date.fromisoformat(generated) if generated else None
    return None

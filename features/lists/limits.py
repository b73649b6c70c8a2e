"""What one list file may hold, stated once: every reader reads its lines, CSV fields and XML
entries within these bounds and passes each entity it makes through `checked`, so a poisoned or
garbled file is refused with its file and line, never read into a stall, an exhausted importer
or a snapshot that cannot answer.

The bounds sit far above what real lists hold (the bundled 2026 lists: the longest name has 383
characters, a US CSL entry; at most 96 names, 47 addresses and 23 countries to one entity; the
longest other value 253 characters; the longest CSV field 8,241 characters; the longest JSON line
1,093 bytes) and far below what breaks the build or the resolver. A value out of bounds is
refused, not truncated: a cut name is a name no list holds, and a field of a megabyte is nearly
always a stray quote that swallowed the rows after it, or an attack. A refused import changes
nothing: the active snapshot keeps serving, and `lists sync` keeps the source's previous data.
"""

from __future__ import annotations

import re
from pathlib import Path

from features.lists.entities import Entity
from features.lists.errors import ListFormatError

MAX_NAME_CHARS = 1_000  # a name's characters
MAX_TEXT_CHARS = 4_000  # any other value of an entity: id, address, designation, phone...
MAX_VALUES = 1_000  # values of one kind (names, addresses...) in one entity
# One record as read: a JSON line, a CSV line or an XML entry. Holds an entity within the bounds above.
MAX_RECORD_BYTES = 4 << 20
MAX_CSV_FIELD_CHARS = 64 << 10  # a CSV field, also one that a quote runs over several lines

_SURROGATE = re.compile("[\ud800-\udfff]")
# What an entity holds besides names: lists of values, each value at most MAX_TEXT_CHARS.
_TEXT_LISTS = ("countries", "addresses", "phones", "emails", "sanctions")


def text_problem(value: str, limit: int) -> str | None:
    """What is wrong with one value, or None: too long, or not Unicode text (a lone surrogate,
    which JSON's \\ud800 escapes and non-UTF-8 file names make, and which no file can store)."""
    if len(value) > limit:
        return f"{len(value):,} characters, more than {limit:,}"
    if not value.isascii() and (found := _SURROGATE.search(value)):
        return f"a lone surrogate (\\u{ord(found.group()):04x}): not Unicode text"
    return None


def _problem(what: str, values: list[str], limit: int) -> str | None:
    if len(values) > MAX_VALUES:
        return f"{len(values):,} {what}, more than {MAX_VALUES:,}"
    if values and (max(map(len, values)) > limit or not all(map(str.isascii, values))):  # the rare case: say which
        return next((f"one of its {what}: {p}" for v in values if (p := text_problem(v, limit))), None)
    return None


def entity_problem(entity: Entity) -> str | None:
    """What is wrong with an entity's values, or None."""
    return (_problem("names", entity.names, MAX_NAME_CHARS)
            or _problem("id and source", [entity.id, entity.source], MAX_TEXT_CHARS)
            or _problem("identifiers", [i.value for i in entity.identifiers], MAX_TEXT_CHARS)
            or next((p for what in _TEXT_LISTS if (p := _problem(what, getattr(entity, what), MAX_TEXT_CHARS))), None))


def checked(path: Path, line: int, entity: Entity) -> Entity:
    """`entity`, or the ListFormatError at `line` of `path` saying which value is out of bounds."""
    if problem := entity_problem(entity):
        raise ListFormatError(path, line, f"entity {entity.id[:80]!r}: {problem}")
    return entity

"""FollowTheMoney delta files: JSON lines `{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`.

A delta changes a snapshot built from other files, so it is read after them, in the order
given. ADD adds an entity (merged with an earlier one of the same id, as two lists are);
MOD replaces it; DEL removes it. Replacing and removing are expressed as `Deletion` records,
which the snapshot builder applies to what came before them: this file's `Deletion`s come
first, then its entities and links. Within the file the last operation on an id decides
whether it is present. Limits: a DEL of a relation (Ownership...) cannot be expressed, since a
`Link` has no id, and a Sanction or Address in a delta only applies to entities in the delta.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from features.lists.entities import Deletion, Record
from features.lists.errors import ListFormatError
from features.lists.ftm import FtmCollector, json_lines, parse_json, parse_proxy

OPS = ("ADD", "MOD", "DEL")
_OP = re.compile(rb'"op"\s*:\s*"(?:ADD|MOD|DEL)"')


def looks_like_ftm_delta(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and _OP.search(first) is not None


def read_ftm_delta(path: Path) -> Iterator[Record]:
    collector = FtmCollector(path)
    replaced: dict[str, None] = {}  # ids removed or replaced, in file order
    for lineno, line in json_lines(path):
        data = parse_json(path, lineno, line)
        if not isinstance(data, dict) or data.get("op") not in OPS or not isinstance(data.get("entity"), dict):
            raise ListFormatError(path, lineno, 'a delta line is {"op": "ADD"|"MOD"|"DEL", "entity": {...}}')
        op, entity = data["op"], data["entity"]
        if op == "DEL":
            if not isinstance(entity.get("id"), str) or not entity["id"]:
                raise ListFormatError(path, lineno, "a DEL needs the entity's id")
            replaced[entity["id"]] = None
            collector.discard(entity["id"])
            continue
        proxy = parse_proxy(path, lineno, entity)
        if op == "MOD":
            replaced[proxy.id] = None
        collector.add(lineno, proxy)
    yield from (Deletion(entity_id) for entity_id in replaced)
    yield from collector.records()

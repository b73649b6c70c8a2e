"""What changed between two lists snapshots that could make a past party newly listed.

An alert can only come from an entity that is sanctioned, or within `max_hops` links of one, in
the new snapshot and was not so, or not with this record and distance, in the old one: added
entities, changed records (a new alias, a new designation) and links that changed distances.
Those entities form a small index of their own (`delta_index`), built like any snapshot, that
each past party is resolved against first: a party that matches none of them cannot have
changed status, and only the few that match one are resolved against the whole new snapshot.
"""

from __future__ import annotations

import re
from pathlib import Path

from features.identifiers import normalize_identifier
from features.lists.entities import Entity
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot

_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def flagged_changes(old: Snapshot | None, new: Snapshot, max_hops: int) -> list[int]:
    """Rows of `new` within `max_hops` of a sanctioned entity whose record or distance `old`
    (None: an empty snapshot) does not hold within `max_hops` alike."""
    held = {} if old is None else {old.record_text(r): old.hops(r) for r in old.within(max_hops).tolist()}
    return [r for r in new.within(max_hops).tolist() if held.get(new.record_text(r), -1) != new.hops(r)]


def entity_of(record: dict) -> Entity:
    """A snapshot record as the entity it was built from (what resolution reads of it)."""
    return Entity(
        id=record["id"], schema=record["schema"], names=list(record["names"]), source=record["source"],
        countries=list(record["countries"]),
        identifiers=[normalize_identifier(i["scheme"], i["value"]) for i in record["identifiers"]],
        addresses=list(record["addresses"]), sanctions=list(record["sanctions"]),
    )


def delta_index(new: Snapshot, rows: list[int], directory: Path) -> Snapshot:
    """The entities of `rows` of `new` as a snapshot of their own, written into empty `directory`."""
    build_snapshot((entity_of(new.record(r)) for r in rows), directory, [])
    return Snapshot(directory)


def designated(sanctions: list[str]) -> str | None:
    """The earliest date a designation line states ("UK FCDO: Russia (2022-03-24)"), if any does."""
    dates = [m for line in sanctions for m in _DATE.findall(line)]
    return min(dates) if dates else None

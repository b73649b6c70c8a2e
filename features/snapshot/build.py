"""Build a lists snapshot: entities and links in, memory-mappable arrays on disk out.

The snapshot is written into an empty directory and never changed after; the service swaps
whole directories. Everything the resolver and the graph need at request time is
precomputed here: the name index, the identifier index and each entity's distance to the
nearest sanctioned one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from features.bulk import gc_paused
from features.lists.entities import Deletion, Entity, Link, Record
from features.matching.rules import MAX_POSTING
from features.matching.skeletons import write_name_skeletons
from features.matching.vocab import write_name_vocab
from features.snapshot.graph import build_edges, nearest_sanctioned
from features.snapshot.meta import FORMAT
from features.snapshot.rows import EPOCH, UNKNOWN_DATE, all_rows, link_rows
from features.stringtable import write_packed, write_strings

# A blocking key shared by more than `rules.MAX_POSTING` names ("trading", "group") brings no
# candidates when a rarer key is there, only counts for those it brings (`Snapshot.candidate_names`):
# a query never scans a large part of the list. Such keys' names are also kept as bitmaps (`_bitmaps`).
# Distances are kept up to this many links; the service's max_hops setting cuts below it.
MAX_HOPS_STORED = 6
__all__ = ["EPOCH", "FORMAT", "UNKNOWN_DATE", "build_snapshot", "collect"]


def _merge(into: Entity, other: Entity) -> None:
    """The same id in two files is one entity: union of names, designations and attributes."""
    for attr in ("names", "countries", "identifiers", "addresses", "phones", "emails", "sanctions"):
        have = getattr(into, attr)
        have.extend(v for v in getattr(other, attr) if v not in have)
    into.incorporation_date = into.incorporation_date or other.incorporation_date


def _index(hashed: np.ndarray, rows: np.ndarray, directory: Path, name: str) -> None:
    """A sorted key array plus, per distinct key, a range of `postings` rows."""
    order = np.argsort(hashed, kind="stable")
    hashed = hashed[order]
    unique, starts = np.unique(hashed, return_index=True)
    np.save(directory / f"{name}_keys.npy", unique)
    np.save(directory / f"{name}_offsets.npy", np.append(starts, len(hashed)).astype(np.int64))
    np.save(directory / f"{name}_postings.npy", rows.astype(np.int32)[order])


def _bitmaps(directory: Path, name: str, size: int) -> None:
    """The postings of each key of index `name` with more than `MAX_POSTING` as a row of a
    bitmap of `size` bits (bit n of uint64 word n // 64 for row n), and those keys' indices:
    whether a name has a common key is then one bit, not a search of thousands of names."""
    offsets = np.load(directory / f"{name}_offsets.npy")
    postings = np.load(directory / f"{name}_postings.npy", mmap_mode="r")
    common = np.flatnonzero(np.diff(offsets) > MAX_POSTING)
    words = (size + 63) // 64
    bitmaps = np.zeros((len(common), words), dtype="<u8")
    bits = np.zeros(words * 64, dtype=bool)
    for row, key in enumerate(common.tolist()):
        bits[:] = False
        bits[postings[offsets[key]: offsets[key + 1]]] = True
        bitmaps[row] = np.packbits(bits, bitorder="little").view("<u8")
    np.save(directory / f"{name}_bitmap_keys.npy", common.astype(np.int64))
    np.save(directory / f"{name}_bitmaps.npy", bitmaps)


class _Packed:
    """Strings packed by chunks (see `stringtable.pack`), read by position without unpacking all."""

    def __init__(self, parts: list[tuple[bytes, np.ndarray]]):
        self.blob = b"".join(blob for blob, _ in parts)
        self.lengths = np.concatenate([lengths for _, lengths in parts])
        self.offsets = np.concatenate(([0], np.cumsum(self.lengths)))

    def __getitem__(self, i: int) -> str:
        return self.blob[self.offsets[i]: self.offsets[i + 1]].decode("utf-8")


def collect(records: Iterable[Record]) -> tuple[list[Entity], list[Link]]:
    """Entities by id, in order: a repeated id merges, a `Deletion` drops what came before it."""
    entities: dict[str, Entity] = {}
    links: list[Link] = []
    for record in records:
        if isinstance(record, Link):
            links.append(record)
        elif isinstance(record, Deletion):
            entities.pop(record.id, None)
        elif record.id in entities:
            _merge(entities[record.id], record)
        else:
            entities[record.id] = record
    return list(entities.values()), links


def build_snapshot(records: Iterable[Record], directory: Path, sources: list[dict]) -> dict:
    """Write a snapshot of `records` into the empty `directory`; return its metadata."""
    with gc_paused():  # millions of long-lived objects, no cycles (see features.bulk)
        return _build(records, directory, sources)


def _build(records: Iterable[Record], directory: Path, sources: list[dict]) -> dict:
    entities, links = collect(records)
    chunks = list(all_rows(entities))
    joined = lambda field: np.concatenate([getattr(c, field) for c in chunks])  # noqa: E731
    for field, path in (("records", "entities"), ("names", "names"), ("countries", "countries")):
        parts = [getattr(c, field) for c in chunks]
        write_packed(directory / path, (blob for blob, _ in parts), np.concatenate([n for _, n in parts]))
    sanctioned = joined("sanctioned")
    np.save(directory / "sanctioned.npy", sanctioned)
    np.save(directory / "incorporated.npy", joined("incorporated"))
    # Each entity's schema as an index into meta["schemas"], for the name matcher at request time.
    schemas = sorted({e.schema for e in entities})
    code = {schema: i for i, schema in enumerate(schemas)}
    np.save(directory / "schema.npy", np.fromiter((code[e.schema] for e in entities), dtype=np.uint8, count=len(entities)))
    name_rows = joined("name_entity")
    np.save(directory / "name_entity.npy", name_rows)
    write_name_skeletons(directory, schemas)  # for the resolver's bound (features.matching.bound)
    name_base = np.cumsum([0] + [len(c.name_entity) for c in chunks[:-1]])
    _index(joined("block_hash"), np.concatenate([c.block_name + base for c, base in zip(chunks, name_base)]),
           directory, "block")
    _bitmaps(directory, "block", len(name_rows))
    write_name_vocab(directory, schemas)  # for its prefilter (features.matching.prefilter)
    _index(joined("exact_hash"), np.arange(len(name_rows)), directory, "exact")
    _index(joined("ident_hash"), joined("ident_row"), directory, "ident")

    *link_arrays, dangling = link_rows(links, {e.id: i for i, e in enumerate(entities)})
    held = (joined("held_hash"), joined("held_row"), joined("held_code"))
    edges = build_edges(len(entities), tuple(link_arrays), held, _Packed([c.held_labels for c in chunks]))
    hops, pred, ptype = nearest_sanctioned(edges, np.append(sanctioned, np.zeros(len(edges.attributes), bool)), MAX_HOPS_STORED)
    np.save(directory / "hops.npy", hops)
    np.save(directory / "pred.npy", pred)
    np.save(directory / "ptype.npy", ptype)
    write_strings(directory / "attributes", edges.attributes)

    meta = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "sources": sources,
        "schemas": schemas,
        "counts": {
            "entities": len(entities),
            "sanctioned": int(sanctioned.sum()),
            "names": len(name_rows),
            "links": len(links) - dangling,
            "dangling_links": dangling,
            "shared_attributes": len(edges.attributes),
            "linked_to_sanctioned": int(((hops[: len(entities)] > 0)).sum()),
        },
    }
    (directory / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta

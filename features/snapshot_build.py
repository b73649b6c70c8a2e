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

from features.entities import Deletion, Entity, Link, Record
from features.graph import build_edges, nearest_sanctioned
from features.hashing import keys64
from features.names import block_keys, name_key
from features.stringtable import write_strings

FORMAT = 2  # 2: exact-name index and per-entity schema codes
# Distances are kept up to this many links; the service's max_hops setting cuts below it.
MAX_HOPS_STORED = 6
UNKNOWN_DATE = np.iinfo(np.int32).min
EPOCH = dt.date(1970, 1, 1)


def _merge(into: Entity, other: Entity) -> None:
    """The same id in two files is one entity: union of names, designations and attributes."""
    for attr in ("names", "countries", "identifiers", "addresses", "phones", "emails", "sanctions"):
        have = getattr(into, attr)
        have.extend(v for v in getattr(other, attr) if v not in have)
    into.incorporation_date = into.incorporation_date or other.incorporation_date


def _record(entity: Entity) -> str:
    return json.dumps({
        "id": entity.id,
        "schema": entity.schema,
        "names": entity.names,
        "source": entity.source,
        "countries": entity.countries,
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in entity.identifiers],
        "incorporation_date": entity.incorporation_date.isoformat() if entity.incorporation_date else None,
        "addresses": entity.addresses,
        "sanctions": entity.sanctions,
    }, ensure_ascii=False)


def _index(keys: list[str], rows: list[int], directory: Path, name: str) -> None:
    """A sorted key array plus, per distinct key, a range of `postings` rows."""
    hashed = keys64(keys)
    order = np.argsort(hashed, kind="stable")
    hashed = hashed[order]
    unique, starts = np.unique(hashed, return_index=True)
    np.save(directory / f"{name}_keys.npy", unique)
    np.save(directory / f"{name}_offsets.npy", np.append(starts, len(hashed)).astype(np.int64))
    np.save(directory / f"{name}_postings.npy", np.asarray(rows, dtype=np.int32)[order])


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
    entities, links = collect(records)
    row = {e.id: i for i, e in enumerate(entities)}
    write_strings(directory / "entities", map(_record, entities))
    sanctioned = np.fromiter((e.sanctioned for e in entities), dtype=bool, count=len(entities))
    np.save(directory / "sanctioned.npy", sanctioned)
    np.save(directory / "incorporated.npy", np.fromiter(
        ((e.incorporation_date - EPOCH).days if e.incorporation_date else UNKNOWN_DATE for e in entities),
        dtype=np.int32, count=len(entities)))
    # Each entity's schema as an index into meta["schemas"], for the name matcher at request time.
    schemas = sorted({e.schema for e in entities})
    code = {schema: i for i, schema in enumerate(schemas)}
    np.save(directory / "schema.npy", np.fromiter((code[e.schema] for e in entities), dtype=np.uint8, count=len(entities)))

    name_rows, name_tokens, block, block_rows = [], [], [], []
    for i, entity in enumerate(entities):
        for name in dict.fromkeys(entity.names):
            key = name_key(name)
            if not key.tokens:
                continue
            for k in block_keys(key):
                block.append(k)
                block_rows.append(len(name_rows))
            name_rows.append(i)
            name_tokens.append(" ".join(key.tokens))
    write_strings(directory / "names", name_tokens)
    np.save(directory / "name_entity.npy", np.asarray(name_rows, dtype=np.int32))
    _index(block, block_rows, directory, "block")
    _index(name_tokens, list(range(len(name_tokens))), directory, "exact")

    idents = [(ident.value, i) for i, e in enumerate(entities) for ident in e.identifiers if ident.value]
    _index([v for v, _ in idents], [i for _, i in idents], directory, "ident")

    edges, dangling = build_edges(entities, links, row)
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

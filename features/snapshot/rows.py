"""Per-entity work of a snapshot build, done in chunks, in parallel on large builds.

Keying names (`name_key`), hashing index keys and encoding records cost tens of microseconds
per entity; at a million entities that is minutes on one core. Each chunk of entity rows is
turned into flat arrays and byte blobs, which are cheap to send back from a worker process
and to concatenate in row order, so the snapshot is the same whatever the number of workers.
The links' rows (`link_rows`) are looked up in parallel the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from features.hashing import key64, keys64
from features.lists.entities import Entity, Link
from features.matching.names import block_keys, name_key
from features.matching.variants import listed_name_variants
from features.snapshot import graph
from features.snapshot.graph import attribute_labels
from features.stringtable import pack

UNKNOWN_DATE = np.iinfo(np.int32).min
EPOCH = dt.date(1970, 1, 1)
CHUNK = 20_000
# Below this many entities a worker pool costs more than it saves.
PARALLEL_FROM = 50_000
# Blocking keys are word skeletons, shared by many names: each is hashed once per worker.
_block_key64 = lru_cache(maxsize=500_000)(key64)


@dataclass
class Rows:
    """What a chunk of entities contributes to the snapshot; row numbers are absolute, name
    numbers (`block_name`) are relative to the chunk's first name."""

    records: tuple[bytes, np.ndarray]
    sanctioned: np.ndarray
    incorporated: np.ndarray
    name_entity: np.ndarray
    names: tuple[bytes, np.ndarray]
    countries: tuple[bytes, np.ndarray]  # each entity's country codes, space-separated
    exact_hash: np.ndarray  # of each name's canonical tokens, for the exact-name index
    block_hash: np.ndarray
    block_name: np.ndarray
    ident_hash: np.ndarray
    ident_row: np.ndarray
    held_hash: np.ndarray
    held_row: np.ndarray
    held_code: np.ndarray
    held_labels: tuple[bytes, np.ndarray]


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


def entity_rows(entities: list[Entity], start: int) -> Rows:
    """The rows of `entities`, the first of which is snapshot row `start`."""
    name_entity, names, block_hashes, block_name, idents, ident_rows, held, held_rows = [], [], [], [], [], [], [], []
    for i, entity in enumerate(entities, start):
        for name in dict.fromkeys(v for listed in entity.names for v in listed_name_variants(listed)):
            key = name_key(name)
            if not key.tokens:
                continue
            for k in block_keys(key):
                block_hashes.append(_block_key64(k))
                block_name.append(len(names))
            name_entity.append(i)
            names.append(" ".join(key.tokens))
        for ident in entity.identifiers:
            if ident.value:
                idents.append(ident.value)
                ident_rows.append(i)
        for label in attribute_labels(entity):
            held.append(label)
            held_rows.append(i)
    as_int32 = lambda values: np.asarray(values, dtype=np.int32)  # noqa: E731
    return Rows(
        records=pack(map(_record, entities)),
        sanctioned=np.fromiter((e.sanctioned for e in entities), dtype=bool, count=len(entities)),
        incorporated=np.fromiter(
            ((e.incorporation_date - EPOCH).days if e.incorporation_date else UNKNOWN_DATE for e in entities),
            dtype=np.int32, count=len(entities)),
        name_entity=as_int32(name_entity),
        names=pack(names),
        countries=pack(" ".join(e.countries) for e in entities),
        exact_hash=keys64(names),
        block_hash=np.array(block_hashes, dtype=np.uint64),
        block_name=as_int32(block_name),
        ident_hash=keys64(idents),
        ident_row=as_int32(ident_rows),
        held_hash=keys64([label for label, _ in held]),
        held_row=as_int32(held_rows),
        held_code=np.fromiter((code for _, code in held), dtype=np.uint8, count=len(held)),
        held_labels=pack(label for label, _ in held),
    )


_forked: list[Entity] = []  # the entities a forked worker reads, inherited rather than sent


def _forked_rows(start: int) -> Rows:
    return entity_rows(_forked[start: start + CHUNK], start)


def all_rows(entities: list[Entity]) -> Iterator[Rows]:
    """`entity_rows` of every chunk, in row order; forked workers share `entities` copy-on-write."""
    global _forked
    workers = os.cpu_count() or 1
    if len(entities) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield entity_rows(entities, 0)
        return
    _forked = entities
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_forked_rows, range(0, len(entities), CHUNK))
    finally:
        _forked = []


_forked_links: tuple[list[Link], dict[str, int]] = ([], {})  # what link-row workers read, inherited


def _forked_link_rows(bounds: tuple[int, int]) -> tuple:
    links, row = _forked_links
    return graph.link_rows(links[bounds[0]: bounds[1]], row)


def link_rows(links: list[Link], row: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """`graph.link_rows`, the links split between forked workers: millions of id lookups in a
    dict of a million ids wait on memory (~3 us a link), ~9 s on one core for 3 M links."""
    global _forked_links
    workers = os.cpu_count() or 1
    if len(links) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return graph.link_rows(links, row)
    step = -(-len(links) // workers)
    _forked_links = (links, row)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_forked_link_rows, [(i, i + step) for i in range(0, len(links), step)])
    finally:
        _forked_links = ([], {})
    return (*(np.concatenate([part[k] for part in parts]) for k in range(3)), sum(part[3] for part in parts))

"""The link graph: declared relations plus shared addresses, identifiers, phones and emails.

Entities are nodes 0..n-1. Each shared attribute value (an address two companies give) is a
node of its own, joined to its holders by half-weight edges, so "A shares an address with B"
is one link, as an ownership is, without k*(k-1)/2 edges for k holders. The distance of every
node to the nearest sanctioned entity is one multi-source Dijkstra (scipy), run once per snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from features.lists.entities import LINK_PHRASES, LINK_TYPES, Entity, Link
from features.matching.names import clean_text

# An attribute held by more holders than this is not evidence of a link: a city given as
# an address, a call-centre phone. Mass-registration addresses stay well under it.
MAX_SHARED = 500
MIN_ADDRESS_CHARS = 12
SHARED_KINDS = {"address": "SharedAddress", "identifier": "SharedIdentifier", "phone": "SharedPhone", "email": "SharedEmail"}
SHARED_CODES = {kind: 2 * LINK_TYPES.index(link) for kind, link in SHARED_KINDS.items()}


def phrase(code: int) -> str:
    """The words of an edge code: even codes read along the link, odd ones against it."""
    return LINK_PHRASES[LINK_TYPES[code // 2]][code % 2]


def link_type(code: int) -> str:
    return LINK_TYPES[code // 2]


def _attribute_values(entity: Entity) -> dict[str, set[str]]:
    addresses = {clean_text(a) for a in entity.addresses}
    return {
        "address": {a for a in addresses if len(a) >= MIN_ADDRESS_CHARS},
        "identifier": {i.value for i in entity.identifiers if len(i.value) >= 6},
        "phone": {"".join(ch for ch in p if ch.isdigit()) for p in entity.phones} - {""},
        "email": {e.strip().lower() for e in entity.emails} - {""},
    }


def attribute_labels(entity: Entity) -> list[tuple[str, int]]:
    """The attribute nodes an entity would join, as (label, edge code): "address: ...", "phone: ..."."""
    return [(f"{kind}: {value}", SHARED_CODES[kind])
            for kind, values in _attribute_values(entity).items() for value in values]


@dataclass
class Edges:
    """Directed edge list (both directions stored); `attributes` labels nodes n, n+1, ..."""

    n_entities: int
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    code: np.ndarray
    attributes: list[str]


def link_rows(links: list[Link], row: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(source rows, target rows, link codes) of the links between known entities, and how many
    links named an entity not in the snapshot."""
    codes = {name: 2 * t for t, name in enumerate(LINK_TYPES)}
    src = np.fromiter((row.get(link.source, -1) for link in links), dtype=np.int64, count=len(links))
    dst = np.fromiter((row.get(link.target, -1) for link in links), dtype=np.int64, count=len(links))
    code = np.fromiter((codes[link.type] for link in links), dtype=np.uint8, count=len(links))
    known = (src >= 0) & (dst >= 0)
    return src[known], dst[known], code[known], int(len(links) - known.sum())


def build_edges(n_entities: int, links: tuple[np.ndarray, np.ndarray, np.ndarray],
                held: tuple[np.ndarray, np.ndarray, np.ndarray], labels) -> Edges:
    """All edges of the graph, both directions.

    `links` are (source, target, code) rows from `link_rows`; `held` is one (key, holder row,
    code) triple per attribute an entity holds, keyed by a hash of its label, and `labels[i]`
    the label of triple i. An attribute becomes a node when 2..MAX_SHARED entities hold it;
    nodes are numbered in the order their first holder comes, from `n_entities` on.
    """
    keys, holders, codes = held
    order = np.argsort(keys, kind="stable")
    _, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    shared = (counts >= 2) & (counts <= MAX_SHARED)
    first = order[starts[shared]]
    rank = np.argsort(first, kind="stable")
    node_of_group = np.full(len(starts), -1, dtype=np.int64)
    node_of_group[np.flatnonzero(shared)[rank]] = n_entities + np.arange(len(rank))
    node = np.repeat(node_of_group, counts)
    member = node >= 0
    node, holder, code = node[member], holders[order][member], codes[order][member]
    src, dst, link_code = links
    return Edges(
        n_entities,
        np.concatenate((src, dst, holder, node)),
        np.concatenate((dst, src, node, holder)),
        np.concatenate((np.ones(2 * len(src), np.float32), np.full(2 * len(holder), 0.5, np.float32))),
        np.concatenate((link_code, link_code + 1, code, code)).astype(np.uint8),
        [labels[i] for i in first[rank]],
    )


def nearest_sanctioned(edges: Edges, sanctioned: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every node: links to the nearest sanctioned entity (-1 beyond `limit`), the next node
    on that shortest path (-1 at a sanctioned entity or when unreached) and the code of that edge."""
    n = edges.n_entities + len(edges.attributes)
    hops = np.full(n, -1, dtype=np.int8)
    pred = np.full(n, -1, dtype=np.int32)
    ptype = np.zeros(n, dtype=np.uint8)
    sources = np.flatnonzero(sanctioned)
    if not len(sources):
        return hops, pred, ptype
    # One edge per ordered pair, the most specific link type (lowest code) winning.
    keys = edges.src * n + edges.dst
    order = np.lexsort((edges.code, keys))
    keys, first = np.unique(keys[order], return_index=True)
    chosen = order[first]
    graph = csr_matrix((edges.weight[chosen], (edges.src[chosen], edges.dst[chosen])), shape=(n, n))
    dist, predecessors, _ = dijkstra(graph, directed=True, indices=sources, min_only=True,
                                     return_predecessors=True, limit=limit + 0.25)
    reached = np.isfinite(dist)
    hops[reached] = np.rint(dist[reached]).astype(np.int8)
    has_pred = reached & (predecessors >= 0)
    pred[has_pred] = predecessors[has_pred]
    # The path is read from a node toward the sanctioned entity: edge (node -> pred[node]).
    nodes = np.flatnonzero(has_pred)
    where = np.searchsorted(keys, nodes.astype(np.int64) * n + pred[nodes])
    ptype[nodes] = edges.code[chosen[where]]
    return hops, pred, ptype

"""The link graph: declared relations plus shared addresses, identifiers, phones and emails.

Entities are nodes 0..n-1. Each shared attribute value (an address two companies give) is a
node of its own, joined to its holders by half-weight edges, so "A shares an address with B"
is one link, as an ownership is, without k*(k-1)/2 edges for k holders. The distance of every
node to the nearest sanctioned entity is one multi-source Dijkstra (scipy), run once per snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from features.entities import LINK_PHRASES, LINK_TYPES, Entity, Link
from features.names import clean_text

# An attribute held by more holders than this is not evidence of a link: a city given as
# an address, a call-centre phone. Mass-registration addresses stay well under it.
MAX_SHARED = 500
MIN_ADDRESS_CHARS = 12
SHARED_KINDS = {"address": "SharedAddress", "identifier": "SharedIdentifier", "phone": "SharedPhone", "email": "SharedEmail"}


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


@dataclass
class Edges:
    """Directed edge list (both directions stored); `attributes` labels nodes n, n+1, ..."""

    n_entities: int
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    code: np.ndarray
    attributes: list[str]


def build_edges(entities: list[Entity], links: list[Link], row: dict[str, int]) -> tuple[Edges, int]:
    """All edges of the graph; also returns how many links named an entity not in the snapshot."""
    src, dst, weight, code = [], [], [], []
    dangling = 0
    for link in links:
        a, b = row.get(link.source), row.get(link.target)
        if a is None or b is None:
            dangling += 1
            continue
        t = LINK_TYPES.index(link.type)
        src += [a, b]
        dst += [b, a]
        code += [2 * t, 2 * t + 1]
        weight += [1.0, 1.0]
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, entity in enumerate(entities):
        for kind, values in _attribute_values(entity).items():
            for value in values:
                holders[(kind, value)].append(i)
    attributes: list[str] = []
    for (kind, value), members in holders.items():
        if not 2 <= len(members) <= MAX_SHARED:
            continue
        node = len(entities) + len(attributes)
        attributes.append(f"{kind}: {value}")
        t = 2 * LINK_TYPES.index(SHARED_KINDS[kind])
        for member in members:
            src += [member, node]
            dst += [node, member]
            code += [t, t]
            weight += [0.5, 0.5]
    edges = Edges(
        len(entities),
        np.asarray(src, dtype=np.int64),
        np.asarray(dst, dtype=np.int64),
        np.asarray(weight, dtype=np.float32),
        np.asarray(code, dtype=np.uint8),
        attributes,
    )
    return edges, dangling


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

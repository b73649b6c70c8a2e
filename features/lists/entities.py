"""The records every list reader produces: entities, the links between them and deletions.

Readers of different formats (FtM, UK FCDO, OFAC...) all reduce to these two types, so the
snapshot builder, the resolver and the graph know nothing about file formats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from features.identifiers import Identifier

# Link types, each with the phrase read along and against its direction. The path evidence
# reads "consignee -shares address with-> X -owned by-> Y", so both directions need words.
LINK_PHRASES: dict[str, tuple[str, str]] = {
    "Ownership": ("owns", "owned by"),
    "Directorship": ("directs", "directed by"),
    "Family": ("related to", "related to"),
    "Associate": ("associated with", "associated with"),
    "UnknownLink": ("linked to", "linked to"),
    "Employment": ("works for", "employs"),
    "Membership": ("member of", "has member"),
    "Representation": ("represents", "represented by"),
    "SharedAddress": ("shares address with", "shares address with"),
    "SharedIdentifier": ("shares identifier with", "shares identifier with"),
    "SharedPhone": ("shares phone with", "shares phone with"),
    "SharedEmail": ("shares email with", "shares email with"),
}
LINK_TYPES = tuple(LINK_PHRASES)


@dataclass(slots=True)
class Entity:
    id: str
    schema: str
    names: list[str]
    source: str
    countries: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    incorporation_date: dt.date | None = None
    addresses: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    # One line per designation, e.g. "UK FCDO: Russia (2022-03-24)"; non-empty means sanctioned.
    sanctions: list[str] = field(default_factory=list)

    @property
    def sanctioned(self) -> bool:
        return bool(self.sanctions)


@dataclass(frozen=True, slots=True)
class Link:
    source: str  # entity id
    target: str  # entity id
    type: str  # a key of LINK_PHRASES


@dataclass(frozen=True, slots=True)
class Deletion:
    """An entity to drop from the snapshot being built: an FtM delta file's DEL (or the first half
    of a MOD, which replaces). It removes whatever the records before it gave that id."""

    id: str


Record = Entity | Link | Deletion

"""Party resolution: which snapshot entity, if any, a shipment's party is.

Identifiers first, because a valid INN or BIN names one company whatever its spelling; then
names through the blocking index, scored with `compare_names`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from features.identifiers import Identifier
from features.names import NameKey, compare_names, name_key
from features.shipment import Party
from features.snapshot import Snapshot

# Schemes whose values carry a checksum: an invalid one is a typo, never a match.
CHECKED_SCHEMES = frozenset({"inn", "ogrn", "bin", "iin", "lei", "imo"})


@dataclass(frozen=True)
class Resolution:
    row: int  # entity row in the snapshot
    score: float  # 1.0 for an identifier match
    method: str  # "identifier" or "name"
    matched: str  # the identifier or the listed name that matched


def _by_identifier(identifiers: tuple[Identifier, ...], snapshot: Snapshot) -> Resolution | None:
    for ident in identifiers:
        if ident.scheme in CHECKED_SCHEMES and not ident.valid:
            continue
        rows = snapshot.by_identifier(ident.value)
        if rows:
            # Several entities with one identifier are one company in several lists: prefer the
            # sanctioned record, which carries the designation.
            row = max(rows, key=lambda r: (bool(snapshot.sanctioned[r]), -r))
            return Resolution(row, 1.0, "identifier", f"{ident.scheme}:{ident.value}")
    return None


def _scored(query: NameKey, snapshot: Snapshot) -> Iterator[tuple[int, float, NameKey]]:
    """(entity row, score, listed name) of the names that may match `query`.

    A listed name of exactly the query's tokens is a full match, which no other name can beat,
    so only such names are returned when there are any (a name of the same words in another
    order, which would tie, is not looked for; nor is a better-placed fuzzy match when the exact
    one is in another country); else the blocking candidates, each compared as the kind of
    entity it is (a Roman numeral is a series in a company's name, not in a person's).
    """
    exact = snapshot.exact_names(query)
    if exact:
        yield from ((row, 1.0, query) for row in exact)
        return
    for row, key in snapshot.name_candidates(query):
        yield row, compare_names(query, key, schema=snapshot.schema(row)), key


def _by_name(name: str, country: str | None, snapshot: Snapshot, threshold: float) -> Resolution | None:
    query = name_key(name)
    best: Resolution | None = None
    for row, score, key in _scored(query, snapshot):
        if score < threshold:
            continue
        if country:  # a name match in another country is weaker evidence
            countries = snapshot.countries(row)
            if countries and country.lower() not in countries:
                score *= 0.9
                if score < threshold:
                    continue
        candidate = Resolution(row, round(score, 4), "name", " ".join(key.tokens))
        if best is None or (candidate.score, snapshot.sanctioned[row]) > (best.score, snapshot.sanctioned[best.row]):
            best = candidate
    return best


def _resolve(snapshot: Snapshot, name: str, country: str | None, identifiers: tuple[Identifier, ...],
             threshold: float) -> Resolution | None:
    return _by_identifier(identifiers, snapshot) or _by_name(name, country, snapshot, threshold)


def resolve_party(party: Party, snapshot: Snapshot, threshold: float) -> Resolution | None:
    """The entity `party` is, or None when nothing in the snapshot is close enough.

    Only the party's name, country and identifiers count, so a party seen before is answered
    from the snapshot's memo (`Snapshot.memo`), whatever its role.
    """
    return snapshot.memo(_resolve)(party.name, party.country, party.identifiers, threshold)

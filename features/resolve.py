"""Party resolution: which snapshot entity, if any, a shipment's party is (`Resolver`).

Identifiers first, because a valid INN or BIN names one company whatever its spelling; then
names through the blocking index, scored with `compare_names`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from features.identifiers import CHECKED_SCHEMES, Identifier
from features.matching.bound import QueryBound
from features.matching.names import NameKey, compare_names, name_key
from features.matching.prefilter import LooseQuery, loose_upper
from features.matching.rules import MAX_QUERY_WORDS, OTHER_COUNTRY
from features.shipment import Party
from features.snapshot.reader import Snapshot


@dataclass(frozen=True)
class Resolution:
    row: int  # entity row in the snapshot
    score: float  # 1.0 for an identifier match
    method: str  # "identifier" or "name"
    matched: str  # the identifier or the listed name that matched


# Resolutions a resolver keeps, of parties and of name keys each: the parties of a trade recur
# from shipment to shipment.
MEMO_SIZE = 100_000


class Resolver:
    """Which entity of one snapshot a party is, if any: the cascade and its memo.

    Identifiers first, then the name: its exact key, else the blocking candidates, ruled out
    all at once by the loose bound (`features.matching.prefilter`), then one by one by the tight
    one (`features.matching.bound`), the rest compared in full (`compare_names`). The snapshot
    only reads its files; the memo lives and dies with the resolver, which a caller keeps for as
    long as it serves one snapshot at one threshold (a swapped-in snapshot gets a new, empty one).
    """

    def __init__(self, snapshot: Snapshot, threshold: float, memo_size: int = MEMO_SIZE):
        self.snapshot, self.threshold = snapshot, threshold
        # Only a party's name, country and identifiers count, so a party seen before is answered
        # from the memo whatever its role; by key, since one party's names differ mostly in what
        # keying removes ("Juniper Trading LLC", "ТОО «Juniper Trading»").
        self._party = lru_cache(maxsize=memo_size)(self._resolve)
        self._key = lru_cache(maxsize=memo_size)(self._by_key)

    def resolve(self, party: Party) -> Resolution | None:
        """The entity `party` is, or None when nothing in the snapshot is close enough."""
        return self._party(party.name, party.country, party.identifiers)

    def memo_info(self):
        """The party memo's hits and misses (`functools.lru_cache`'s cache_info)."""
        return self._party.cache_info()

    def _resolve(self, name: str, country: str | None, identifiers: tuple[Identifier, ...]) -> Resolution | None:
        return self._by_identifier(identifiers) or self.by_name(name, country)

    def _by_identifier(self, identifiers: tuple[Identifier, ...]) -> Resolution | None:
        snapshot = self.snapshot
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

    def by_name(self, name: str, country: str | None) -> Resolution | None:
        """The best-scoring listed name at least `threshold` alike, the sanctioned one on a tie.

        A listed name of exactly the query's tokens is a full match, which no other name can
        beat, so only such names count when there are any (a name of the same words in another
        order, which would tie, is not looked for; nor is a better-placed fuzzy match when the
        exact one is in another country); else the blocking candidates, each compared as the
        kind of entity it is (a Roman numeral is a series in a company's name, not in a
        person's). A name match in another country scores `OTHER_COUNTRY` (0.9) of its similarity:
        weaker evidence.

        Blocking and comparison read the query's first `MAX_QUERY_WORDS` words, whatever its
        length, so that no name costs more than such a one; the exact index is searched with all
        of them, at the cost of one look-up.

        Candidates are compared with `compare_names` only when a bound says they may reach the
        threshold, highest bound first, and only while they may still beat (or tie with) the
        best score found: the result is that of comparing every candidate in the index's order
        and keeping the first of the highest (score, sanctioned).
        """
        return self._key(name_key(name), country)

    def _by_key(self, query: NameKey, country: str | None) -> Resolution | None:
        snapshot, threshold = self.snapshot, self.threshold
        exact = snapshot.exact_names(query)
        if exact:
            scored = [(row, 1.0, query) for row in exact]
        else:
            scored = self._bounded(NameKey(query.tokens[:MAX_QUERY_WORDS]), country)
        best: Resolution | None = None
        for row, score, key in scored:
            if score < threshold or (score := self._placed(score, country, row)) < threshold:
                continue
            candidate = Resolution(row, round(score, 4), "name", " ".join(key.tokens))
            if best is None or (candidate.score, snapshot.sanctioned[row]) > (best.score, snapshot.sanctioned[best.row]):
                best = candidate
        return best

    def _placed(self, score: float, country: str | None, row: int) -> float:
        """A name score as evidence for the party's country: `OTHER_COUNTRY` of it when the
        party's country is known and the entity's countries, known too, lack it."""
        if not country:
            return score
        countries = self.snapshot.countries(row)
        return score * OTHER_COUNTRY if countries and country.lower() not in countries else score

    def _bounded(self, query: NameKey, country: str | None) -> list[tuple[int, float, NameKey]]:
        """(entity row, score, listed name) of the blocking candidates that may be the best match,
        in the index's order; the others cannot reach the threshold or the best score.

        A skipped candidate's bound, times `OTHER_COUNTRY` in another country as its score would
        be, is below the threshold, or rounds below the best rounded score already found; scores
        only rise as candidates are compared, so it could neither pass nor displace the best,
        ties included.
        """
        snapshot, threshold = self.snapshot, self.threshold
        names = snapshot.candidate_names(query)
        loose = LooseQuery(query, snapshot.vocab)
        survivors = range(len(names))
        if loose.usable and len(names):
            uppers = loose_upper(loose, names, threshold)
            survivors = [index for index, upper in enumerate(uppers) if upper >= threshold]
        bound = QueryBound(query, snapshot.vocab)
        open_: list[tuple[float, int, int, NameKey]] = []
        for index in survivors:
            name = int(names[index])
            row, key = snapshot.entity_of(name), snapshot.listed_name(name)
            upper = bound.upper(key, snapshot.schema(row), snapshot.listed_skeletons(name))
            if upper < threshold or (upper := self._placed(upper, country, row)) < threshold:
                continue
            open_.append((upper, index, row, key))
        open_.sort(key=lambda item: -item[0])  # stable: the index's order among equal bounds
        scored: list[tuple[int, int, float, NameKey]] = []
        best = -1.0
        for upper, index, row, key in open_:
            if round(upper, 4) < best:
                break  # nor can any later one: bounds are sorted
            score = compare_names(query, key, schema=snapshot.schema(row))
            scored.append((index, row, score, key))
            final = self._placed(score, country, row)
            if final >= threshold:
                best = max(best, round(final, 4))
        scored.sort(key=lambda item: item[0])
        return [(row, score, key) for _, row, score, key in scored]


def party_identity(party: Party) -> str:
    """What resolution reads of a party (name, country, identifiers in order), as canonical JSON:
    two parties of one identity resolve alike in any snapshot, whatever their roles."""
    return json.dumps([party.name, party.country, [[i.scheme, i.value, i.valid] for i in party.identifiers]],
                      ensure_ascii=False, separators=(",", ":"))


def party_key(party: Party) -> str:
    """The SHA-256 of `party_identity`: how the decision store names a distinct party."""
    return hashlib.sha256(party_identity(party).encode()).hexdigest()


def party_of_identity(identity: str, role: str = "consignee") -> Party:
    name, country, identifiers = json.loads(identity)
    return Party(role, name, country, tuple(Identifier(*i) for i in identifiers))

"""The signals table: one line per signal, each a small pure function of a shipment's facts.

A signal returns its value (a number, or None when unknown: unknown is not zero) and the
evidence an analyst needs to check it. The model learns a weight curve per signal; `monotone`
tells it the direction the domain demands (closer to a sanctioned party never lowers risk).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from features.facts import Facts, PartyFacts
from features.identifiers import kz_bin_registration
from features.matching.explain import explain
from features.matching.names import NameKey, name_key
from features.matching.rules import MAX_QUERY_WORDS


@dataclass(frozen=True)
class Value:
    value: float | None
    evidence: dict | None = None
    reason: str | None = None  # a more precise reason code than the table's, for this value


@dataclass(frozen=True)
class Signal:
    name: str
    compute: Callable[[Facts], Value]
    reason: str  # the stable reason code this signal reports under
    monotone: int  # +1: a higher value never lowers risk; -1: never raises it
    neutral: float | None = 0.0  # the unremarkable value reasons are measured from (None: unknown)
    red_flags: tuple[str, ...] = ()  # ids in features/data/export_evasion_red_flags.csv it answers to


def chpl_tier(f: Facts) -> Value:
    """Highest CHPL tier among the items, as a rank (Tier 1 = 6 ... Tier 4.B = 1, none = 0).

    The CHPL's 50 HS codes are the items found in Russian weapons; Tier 1 chips are the ones
    Russia cannot make."""
    hits = [i for i in f.items if i.chpl]
    if not hits:
        return Value(0.0)
    best = max(hits, key=lambda i: i.chpl.rank)
    return Value(float(best.chpl.rank), {
        "hs6": best.hs6, "tier": best.chpl.tier, "tier_definition": f.reference.tiers.get(best.chpl.tier),
        "description": best.chpl.description,
        "items": [{"hs_code": i.item.hs_code, "hs6": i.hs6, "tier": i.chpl.tier} for i in hits],
    })


def chpl_value_share(f: Facts) -> Value:
    """Share of the declared value in CHPL items; unknown when no item declares a value.

    A pallet of furniture with one microcontroller is not a chip shipment."""
    valued = [i for i in f.items if i.item.value is not None]
    total = sum(i.item.value for i in valued)
    if not valued or total <= 0:
        return Value(None)
    chpl_value = sum(i.item.value for i in valued if i.chpl)
    return Value(round(chpl_value / total, 6), {"chpl_value": chpl_value, "total_value": total} if chpl_value else None)


def uav_item(f: Facts) -> Value:
    """1 when an item is an unmanned aircraft or part (HS 8806/8807) that is not on the CHPL.

    Drones and their parts reach the front as consumer goods; weaker than the CHPL itself."""
    hits = [i for i in f.items if i.uav]
    return Value(1.0 if hits else 0.0, {"items": [{"hs6": i.hs6, "description": i.uav} for i in hits]} if hits else None)


def eaeu_destination(f: Facts) -> Value:
    """1 when the destination is an EAEU member: goods then reach Russia with no customs border."""
    country = f.shipment.destination_country
    member = f.reference.eaeu.get(country)
    return Value(1.0 if member else 0.0, {"country": country, "name": member} if member else None)


def hub_destination(f: Facts) -> Value:
    """1 when the destination is one of the 18 transshipment points of FinCEN/BIS alert FIN-2022-Alert003."""
    country = f.shipment.destination_country
    hub = f.reference.hubs.get(country)
    return Value(1.0 if hub else 0.0, {"country": country, "name": hub, "as": "destination"} if hub else None)


def hub_transit(f: Facts) -> Value:
    """Number of transit countries that are transshipment points or EAEU members (not the destination)."""
    hits = [c for c in dict.fromkeys(f.shipment.transit_countries)
            if c != f.shipment.destination_country and (c in f.reference.hubs or c in f.reference.eaeu)]
    return Value(float(len(hits)), {"countries": hits, "as": "transit"} if hits else None)


def consignee_age_days(f: Facts) -> Value:
    """Days from the consignee's incorporation to the shipment date; unknown if no source dates it.

    Diversion runs through companies founded after February 2022. Sources, best first: the
    request, the registry entity it resolved to, the registration month in a Kazakh BIN."""
    consignee = f.consignee
    sources = [(consignee.party.incorporation_date, "request")]
    if consignee.record and consignee.record.get("incorporation_date"):
        sources.append((dt.date.fromisoformat(consignee.record["incorporation_date"]), f"registry:{consignee.record['id']}"))
    sources += [(kz_bin_registration(i.value), f"bin:{i.value}") for i in consignee.party.identifiers
                if i.scheme in ("bin", "registration_number", "tax_number")]
    for date, source in sources:
        if date is not None:
            age = max((f.shipment.date - date).days, 0)
            return Value(float(age), {"incorporation_date": date.isoformat(), "source": source, "age_days": age})
    # Unknown is its own value: a consignee no registry knows is itself a red flag.
    return Value(None, {"incorporation_date": None, "age_days": None,
                        "checked": [s for _, s in sources] + (["registry"] if consignee.record is None else [])},
                 reason="UNDATED_CONSIGNEE")


def cleared_matches(f: Facts, linked: bool) -> dict | None:
    """Evidence of the parties whose match to a sanctioned (or, `linked`, a linked) entity the
    tenant cleared: shown, not counted."""
    cleared = [{"role": p.party.role, "party_name": p.party.name, **p.cleared}
               for p in f.parties if p.cleared and (p.cleared["hops"] > 0) == linked]
    return {"parties": [], "cleared_by": cleared} if cleared else None


def sanctioned_match(f: Facts) -> Value:
    """Best match score of a party that resolves to a sanctioned entity itself (0 if none).

    A match the tenant cleared counts for nothing; the evidence says who cleared it and when."""
    hits = [p for p in f.parties if p.hops == 0]
    if not hits:
        return Value(0.0, cleared_matches(f, linked=False))
    return Value(max(p.resolution.score for p in hits), {"parties": [{
        "role": p.party.role, "party_name": p.party.name, "entity_id": p.record["id"],
        "name": p.record["names"][0], "lists": p.record["sanctions"],
        "match_score": p.resolution.score, "matched_by": p.resolution.method, "matched": p.resolution.matched,
        **_words(p),
    } for p in hits]})


def _words(p: PartyFacts) -> dict:
    """For a match by name, which words of the party's name matched which listed ones, and by
    which rule (`features.matching.explain`)."""
    if p.resolution.method != "name":
        return {}
    party = NameKey(name_key(p.party.name).tokens[:MAX_QUERY_WORDS])
    return {"words": explain(party, NameKey(tuple(p.resolution.matched.split())), p.record.get("schema"))}


def sanctioned_proximity(f: Facts) -> Value:
    """Closeness of the nearest party linked to a sanctioned entity: max_hops + 1 - links (0 if none).

    Intermediaries are one or two links (an owner, a director, a shared address) from the
    designated Russian buyer. A link the tenant cleared counts for nothing, as in `sanctioned_match`."""
    linked = [p for p in f.parties if p.path]
    if not linked:
        return Value(0.0, cleared_matches(f, linked=True))
    nearest = min(linked, key=lambda p: p.hops)
    return Value(float(f.max_hops + 1 - nearest.hops), {"parties": [{
        "role": p.party.role, "party_name": p.party.name, "entity_id": p.record["id"],
        "name": p.record["names"][0], "match_score": p.resolution.score, "hops": p.hops, "path": list(p.path),
    } for p in sorted(linked, key=lambda p: p.hops)]})


# A consignee's age is measured against a ten-year-old company: "younger than an established
# trader" is what the YOUNG_CONSIGNEE reason says.
ESTABLISHED_DAYS = 3650.0

SIGNALS: tuple[Signal, ...] = (
    Signal("chpl_tier", chpl_tier, "DUAL_USE_HS", +1, red_flags=("J22-05",)),
    Signal("chpl_value_share", chpl_value_share, "DUAL_USE_HS", +1, neutral=None, red_flags=("J22-05",)),
    Signal("uav_item", uav_item, "UAV_ITEM", +1),
    Signal("eaeu_destination", eaeu_destination, "EAEU_DESTINATION", +1, red_flags=("J22-05",)),
    Signal("hub_destination", hub_destination, "TRANSSHIPMENT_ROUTE", +1, red_flags=("J22-01",)),
    Signal("hub_transit", hub_transit, "TRANSSHIPMENT_ROUTE", +1, red_flags=("J22-01", "B-11")),
    Signal("consignee_age_days", consignee_age_days, "YOUNG_CONSIGNEE", -1, neutral=ESTABLISHED_DAYS, red_flags=("B-06",)),
    Signal("sanctioned_match", sanctioned_match, "SANCTIONED_PARTY", +1, red_flags=("N23-07", "B-01")),
    Signal("sanctioned_proximity", sanctioned_proximity, "LINKED_SANCTIONED_PARTY", +1, red_flags=("T23-03",)),
)
SIGNAL_NAMES = tuple(s.name for s in SIGNALS)


def compute_signals(facts: Facts) -> dict[str, Value]:
    return {signal.name: signal.compute(facts) for signal in SIGNALS}

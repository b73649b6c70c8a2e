"""Signals of the parties: a sanctioned party or one linked to it, the consignee's age and
trade, identifiers that fail their check digit."""

from __future__ import annotations

import datetime as dt

from features.facts import Facts, PartyFacts
from features.identifiers import CHECKED_SCHEMES, identifier_problem, kz_bin_registration
from features.matching.explain import explain
from features.matching.names import NameKey, name_key
from features.matching.origins import origins
from features.matching.rules import MAX_QUERY_WORDS
from features.reference import IntermediaryWord
from features.signals.value import Value


def consignee_age_days(f: Facts) -> Value:
    """Days from the consignee's incorporation to the shipment date; unknown if no source dates it.

    Diversion runs through companies founded after February 2022. Sources, best first: the
    request, the registry entity it resolved to, the registration month in a Kazakh BIN (one
    that passes its check digit: an invalid one dates nothing)."""
    consignee = f.consignee
    sources = [(consignee.party.incorporation_date, "request")]
    if consignee.record and consignee.record.get("incorporation_date"):
        sources.append((dt.date.fromisoformat(consignee.record["incorporation_date"]), f"registry:{consignee.record['id']}"))
    sources += [(kz_bin_registration(i.value), f"bin:{i.value}" + ("" if i.valid else " (invalid)"))
                for i in consignee.party.identifiers if i.scheme in ("bin", "registration_number", "tax_number")]
    for date, source in sources:
        if date is not None:
            age = max((f.shipment.date - date).days, 0)
            return Value(float(age), {"incorporation_date": date.isoformat(), "source": source, "age_days": age})
    # Unknown is its own value, which the model weighs as the data weighs it.
    return Value(None, {"incorporation_date": None, "age_days": None,
                        "checked": [s for _, s in sources] + (["registry"] if consignee.record is None else [])},
                 reason="UNDATED_CONSIGNEE")


def invalid_identifiers(f: Facts) -> Value:
    """Number of the parties' identifiers (INN, OGRN, BIN/IIN, LEI, IMO) that fail their check:
    a typo or an invention, which resolution and dating ignore and an analyst should not."""
    bad = [(p.party, i, identifier_problem(i)) for p in f.parties for i in p.party.identifiers
           if i.scheme in CHECKED_SCHEMES and not i.valid]
    return Value(float(len(bad)), {"identifiers": [
        {"role": p.role, "party_name": p.name, "scheme": i.scheme, "value": i.value, "problem": problem}
        for p, i, problem in bad]} if bad else None)


def _intermediary_words(name: str, words: tuple[IntermediaryWord, ...]) -> list[IntermediaryWord]:
    tokens = name_key(name).tokens
    return [w for w in words if (w.match == "word" and w.word in tokens) or (w.match == "han" and w.word in name)
            or (w.match == "part" and any(w.word in t for t in tokens))]


def trading_consignee(f: Facts) -> Value:
    """1 when the consignee's name, or a name of the registry entity it resolved to, says
    trading, logistics, freight, express or import-export (`intermediary_words.csv`, read after
    transliteration and the name glossary: "Торговый дом" and "Ticaret" say trading)."""
    consignee = f.consignee
    names = [(consignee.party.name, "request")]
    if consignee.record:
        names += [(n, f"registry:{consignee.record['id']}") for n in consignee.record["names"][:5]]
    for name, source in names:
        found = _intermediary_words(name, f.reference.intermediary_words)
        if found:
            return Value(1.0, {"party_name": consignee.party.name, "name": name, "source": source,
                               "words": [{"word": w.word, "kind": w.kind} for w in found]})
    return Value(0.0)


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
    listed = NameKey(tuple(p.resolution.matched.split()))
    written = next((n for n in p.record["names"] if name_key(n) == listed), None)  # the listed name that matched
    return {"words": explain(party, listed, p.record.get("schema"), origins(p.party.name),
                             origins(written) if written else None)}


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


def young_message(e: dict) -> str:
    d = e["consignee_age_days"]
    return f"Consignee incorporated {d['incorporation_date']}, {d['age_days']} days before the shipment (source: {d['source']})"


def undated_message(e: dict) -> str:
    checked = ", ".join(e["consignee_age_days"]["checked"])
    return f"The consignee's incorporation date is unknown (checked: {checked})"


def invalid_message(e: dict) -> str:
    i = e["invalid_identifiers"]["identifiers"][0]
    more = len(e["invalid_identifiers"]["identifiers"]) - 1
    return (f"The {i['role']}'s {i['scheme'].upper()} {i['value']} fails its check ({i['problem']}): a typo or an "
            f"invented number, ignored for matching and dating" + (f"; {more} more" if more else ""))


def trading_message(e: dict) -> str:
    d = e["trading_consignee"]
    kinds = ", ".join(dict.fromkeys(w["kind"] for w in d["words"]))
    where = "its name" if d["source"] == "request" else f"its registry name '{d['name']}'"
    return f"The consignee is a {kinds} company by {where}: a consignee that is not the end user"


def sanctioned_message(e: dict) -> str:
    p = e["sanctioned_match"]["parties"][0]
    return (f"The {p['role']} '{p['party_name']}' resolves to the sanctioned entity {p['name']} "
            f"({p['lists'][0]}); band set to high whatever the score")


def linked_message(e: dict) -> str:
    p = e["sanctioned_proximity"]["parties"][0]
    steps = " ".join(f"-{s['phrase']}-> {s['name']}" for s in p["path"])
    return f"The {p['role']} '{p['party_name']}' is {p['hops']} link(s) from a sanctioned entity: {p['name']} {steps}"

"""Reasons: the signals that raised the score, in words an analyst can act on, with the
model's exact contribution (log-odds) and the evidence behind each."""

from __future__ import annotations

from collections.abc import Callable

from features.signals import SIGNALS, Value

REASON_CODES = ("DUAL_USE_HS", "UAV_ITEM", "EAEU_DESTINATION", "TRANSSHIPMENT_ROUTE", "YOUNG_CONSIGNEE",
                "UNDATED_CONSIGNEE", "SANCTIONED_PARTY", "LINKED_SANCTIONED_PARTY", "HISTORY_PATTERN")


def _dual_use(e: dict) -> str:
    return f"HS {e['chpl_tier']['hs6']} is on the Common High Priority List ({e['chpl_tier']['tier']}): {e['chpl_tier']['description']}"


def _uav(e: dict) -> str:
    return f"HS {e['uav_item']['items'][0]['hs6']}: unmanned aircraft or parts (not on the CHPL, a weaker signal)"


def _eaeu(e: dict) -> str:
    d = e["eaeu_destination"]
    return f"Destination {d['name']} is in the Eurasian Economic Union: goods reach Russia with no further customs border"


def _route(e: dict) -> str:
    places = ([e["hub_destination"]["name"] + " (destination)"] if "hub_destination" in e else []) + \
             [f"{c} (transit)" for c in e.get("hub_transit", {}).get("countries", [])]
    return f"Route through a transshipment point named by FinCEN/BIS alert FIN-2022-Alert003: {', '.join(places)}"


def _young(e: dict) -> str:
    d = e["consignee_age_days"]
    return f"Consignee incorporated {d['incorporation_date']}, {d['age_days']} days before the shipment (source: {d['source']})"


def _undated(e: dict) -> str:
    checked = ", ".join(e["consignee_age_days"]["checked"])
    return f"The consignee's incorporation date is unknown (checked: {checked}); an undated company is a red flag"


def _sanctioned(e: dict) -> str:
    p = e["sanctioned_match"]["parties"][0]
    return (f"The {p['role']} '{p['party_name']}' resolves to the sanctioned entity {p['name']} "
            f"({p['lists'][0]}); band set to high whatever the score")


def _linked(e: dict) -> str:
    p = e["sanctioned_proximity"]["parties"][0]
    steps = " ".join(f"-{s['phrase']}-> {s['name']}" for s in p["path"])
    return f"The {p['role']} '{p['party_name']}' is {p['hops']} link(s) from a sanctioned entity: {p['name']} {steps}"


MESSAGES: dict[str, Callable[[dict], str]] = {
    "DUAL_USE_HS": _dual_use, "UAV_ITEM": _uav, "EAEU_DESTINATION": _eaeu, "TRANSSHIPMENT_ROUTE": _route,
    "YOUNG_CONSIGNEE": _young, "UNDATED_CONSIGNEE": _undated, "SANCTIONED_PARTY": _sanctioned, "LINKED_SANCTIONED_PARTY": _linked,
}


def _learned(features: dict[str, object], contributions: dict[str, float]) -> list[dict]:
    """One HISTORY_PATTERN reason per non-signal feature of a history model that raised the score:
    the value seen (an importer, an HS code, a tax rate) and what past outcomes made of it."""
    return [{"code": "HISTORY_PATTERN",
             "message": f"{name} = {value}: records like this had more positive outcomes in the labelled history",
             "contribution": contributions[name], "evidence": {"feature": name, "value": value}, "red_flags": []}
            for name, value in features.items() if contributions.get(name, 0.0) > 0]


def build_reasons(signals: dict[str, Value], contributions: dict[str, float], sanctioned_override: bool,
                  features: dict[str, object] | None = None, red_flags: dict[str, str] | None = None) -> list[dict]:
    """One reason per code whose signals raised the score (or the sanctioned override), then one per
    learned `features` value (history models) that raised it, biggest first.

    A code's contribution is the sum over its signals (a signal the model does not read adds
    nothing), so the reasons and the rest of the signals add up to the score; a code is reported
    when it has evidence to show. Each reason cites the FinCEN/BIS red flags (`red_flags`: id ->
    text) its signals answer to."""
    totals: dict[str, float] = {}
    evidence: dict[str, dict] = {}
    flags: dict[str, dict[str, None]] = {}
    for signal in SIGNALS:
        value = signals[signal.name]
        code = value.reason or signal.reason
        totals[code] = totals.get(code, 0.0) + contributions.get(signal.name, 0.0)
        if value.evidence is not None:
            evidence.setdefault(code, {})[signal.name] = value.evidence
            flags.setdefault(code, {}).update(dict.fromkeys(signal.red_flags))
    texts = red_flags or {}
    reasons = _learned(features or {}, contributions) + [
        {"code": code, "message": MESSAGES[code](found), "contribution": totals[code], "evidence": found,
         "red_flags": [{"id": f, "text": texts.get(f, "")} for f in flags[code]]}
        for code, found in evidence.items()
        if totals[code] > 0 or (code == "SANCTIONED_PARTY" and sanctioned_override)
    ]
    return sorted(reasons, key=lambda r: (r["code"] != "SANCTIONED_PARTY" or not sanctioned_override, -r["contribution"]))

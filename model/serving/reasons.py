"""Reasons: the signals that raised the score, in words an analyst can act on, with the
model's exact contribution (log-odds) and the evidence behind each."""

from __future__ import annotations

from features.shipment import ROLES
from features.signals import MESSAGES, SIGNALS, Value
from model.serving.spec import CROSS

# Every code a reason may carry: the signals' (their messages are declared with them), then
# the learned columns of a history model.
REASON_CODES = tuple(MESSAGES) + ("HISTORY_PATTERN",)


def _subject(name: str, value) -> str:
    """A learned column's value as a reason names it: "this consignee (radian kaspy)", "HS 854231"."""
    role, _, part = name.rpartition("_")
    if role in ROLES and part in ("id", "name"):
        return f"this {role.replace('_', ' ')} ({'identifier ' if part == 'id' else ''}{value})"
    if role in ROLES and part == "country":
        return f"{role.replace('_', ' ')} country {value}"
    if name in ("hs6", "hs4"):
        return f"HS {value}"
    if CROSS in name:
        return f"this {' and '.join(p.replace('_', ' ') for p in name.split(CROSS))} together ({value})"
    return f"{name.replace('_', ' ')} {value}"


def _learned_message(name: str, value, outcomes: tuple[int, int] | None) -> str:
    subject = _subject(name, value)
    subject = subject[0].upper() + subject[1:]
    if outcomes is None:
        return f"{subject}: records with values like it had more positive outcomes in the labelled history"
    records, positives = outcomes
    if records == 0:
        return f"{subject} is in none of the labelled history's records, and unseen values were more often positive"
    return f"{subject}: its past records in the labelled history had a positive outcome {positives} times in {records}"


def _learned(features: dict[str, object], contributions: dict[str, float],
             outcomes: dict[str, tuple[int, int] | None]) -> list[dict]:
    """One HISTORY_PATTERN reason per non-signal feature of a history model that raised the score:
    the value seen (an importer, an HS code, a tax rate) and what past outcomes made of it
    (`outcomes`: a categorical's records and positive ones in the training data)."""
    reasons = []
    for name, value in features.items():
        if contributions.get(name, 0.0) <= 0:
            continue
        found = outcomes.get(name)
        evidence = {"feature": name, "value": value}
        if found is not None:
            evidence |= {"records": found[0], "positives": found[1]}
        reasons.append({"code": "HISTORY_PATTERN", "message": _learned_message(name, value, found),
                        "contribution": contributions[name], "evidence": evidence, "red_flags": []})
    return reasons


def build_reasons(signals: dict[str, Value], contributions: dict[str, float], sanctioned_override: bool,
                  features: dict[str, object] | None = None, red_flags: dict[str, str] | None = None,
                  outcomes: dict[str, tuple[int, int] | None] | None = None) -> list[dict]:
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
    reasons = _learned(features or {}, contributions, outcomes or {}) + [
        {"code": code, "message": MESSAGES[code](found), "contribution": totals[code], "evidence": found,
         "red_flags": [{"id": f, "text": texts.get(f, "")} for f in flags[code]]}
        for code, found in evidence.items()
        if totals[code] > 0 or (code == "SANCTIONED_PARTY" and sanctioned_override)
    ]
    return sorted(reasons, key=lambda r: (r["code"] != "SANCTIONED_PARTY" or not sanctioned_override, -r["contribution"]))

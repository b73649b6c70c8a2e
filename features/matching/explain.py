"""Which words of a party's name matched which words of the listed name, and by which rule, so
that a reviewer can see why a name matched (the evidence of a name match; `features.signals`).

The pairs are the ones `compare_names` scores (`names._alignment`), with the rule of each
taken from `names.token_rule`, and the rules are not stated a second time here. When the words run
together compare better than they do one by one, that comparison is the match instead. Numbers
must agree in both names and are listed as such.
"""

from __future__ import annotations

from features.matching.names import NameKey, _aligned, _alignment, _numbers, token_rule
from features.matching.rules import EXTRA_COST, FLOOR, PERSON_EXTRA_COST, PERSON_SCHEMAS


def explain(party: NameKey, listed: NameKey, schema: str | None) -> list[dict]:
    """[{"party": word, "listed": word, "similarity": s, "rule": ...}] of a name match, numbers first."""
    na, nb = _numbers(party, schema), _numbers(listed, schema)
    out = [{"party": n, "listed": n, "similarity": 1.0, "rule": "number"} for n in sorted(na & nb)]
    wa = tuple(t for t in party.words if t not in na)
    wb = tuple(t for t in listed.words if t not in nb)
    if not wa or not wb:
        return out
    person = schema in PERSON_SCHEMAS
    aligned = _aligned(wa, wb, FLOOR, PERSON_EXTRA_COST if person else EXTRA_COST, person)
    if len(wa) != len(wb):
        joined, rule = token_rule("".join(wa), "".join(wb))
        if joined > aligned:
            return out + [{"party": " ".join(wa), "listed": " ".join(wb), "similarity": round(joined, 4),
                           "rule": f"run together, {rule}"}]
    return out + [{"party": wa[i], "listed": wb[j], "similarity": round(sim, 4), "rule": token_rule(wa[i], wb[j])[1]}
                  for sim, i, j in _alignment(wa, wb, FLOOR)[2]]

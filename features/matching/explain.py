"""Which words of a party's name matched which words of the listed name, and by which rule, so
that a reviewer can see why a name matched (the evidence of a name match; `features.signals`).

The pairs are the ones `compare_names` scores (`names._alignment`), with the rule of each
taken from `names.token_rule`, and the rules are not stated a second time here. When the words run
together compare better than they do one by one, that comparison is the match instead. Numbers
both names have are listed as such, and numbers they do not share with what they cost
(`names.number_factor`). Given the names as written, each word also says what it was written as
and how it became the word compared (`origins`: transliteration, translation, acronym...).
"""

from __future__ import annotations

from features.matching.names import NameKey, _aligned, _alignment, _numbers, number_factor, token_rule
from features.matching.origins import Origin
from features.matching.rules import EXTRA_COST, FLOOR, PERSON_EXTRA_COST, PERSON_SCHEMAS


def explain(party: NameKey, listed: NameKey, schema: str | None, party_origins: list[Origin] | None = None,
            listed_origins: list[Origin] | None = None) -> list[dict]:
    """[{"party": word, "listed": word, "similarity": s, "rule": ...}] of a name match, numbers first;
    with the origins of either name, also what each word was written as and how it became this one."""
    na, nb = _numbers(party, schema), _numbers(listed, schema)
    out = [{"party": n, "listed": n, "similarity": 1.0, "rule": "number"} for n in sorted(na & nb)]
    if na != nb:
        rule = "different numbers" if na and nb else "number on one side only"
        out.append({"party": " ".join(sorted(na - nb)), "listed": " ".join(sorted(nb - na)),
                    "similarity": number_factor(na, nb), "rule": rule})
    wa = tuple(t for t in party.words if t not in na)
    wb = tuple(t for t in listed.words if t not in nb)
    if not wa or not wb:
        return out
    person = schema in PERSON_SCHEMAS
    aligned = _aligned(wa, wb, FLOOR, PERSON_EXTRA_COST if person else EXTRA_COST, person)
    if len(wa) != len(wb):
        joined, rule = token_rule("".join(wa), "".join(wb))
        if joined > aligned:
            pairs = [{"party": " ".join(wa), "listed": " ".join(wb), "similarity": round(joined, 4),
                      "rule": f"run together, {rule}"}]
            return out + [_with_origins(p, wa, wb, party_origins, listed_origins) for p in pairs]
    return out + [_with_origins({"party": wa[i], "listed": wb[j], "similarity": round(sim, 4),
                            "rule": token_rule(wa[i], wb[j])[1]}, (wa[i],), (wb[j],), party_origins, listed_origins)
                  for sim, i, j in _alignment(wa, wb, FLOOR)[2]]


def _with_origins(pair: dict, party_words, listed_words, party_origins: list[Origin] | None,
             listed_origins: list[Origin] | None) -> dict:
    """`pair` with, for each side whose origins are known, the words as written and how they became these."""
    for side, words, known in (("party", party_words, party_origins), ("listed", listed_words, listed_origins)):
        if not known:
            continue
        by_word = {}
        for word, written, applied in known:
            by_word.setdefault(word, (written, applied))
        found = [by_word[w] for w in words if w in by_word]
        written = " ".join(dict.fromkeys(w for w, _ in found))
        applied = [r for _, rules in found for r in rules]
        if found and (applied or written != " ".join(words)):
            pair[f"{side}_written"] = written
            pair[f"{side}_via"] = list(dict.fromkeys(applied))
    return pair

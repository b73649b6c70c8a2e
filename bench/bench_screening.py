"""Screening recall: SIMULATED spellings of real designated companies, and invented innocent
company names, each resolved against the full default snapshot as a shipment's party is.

Not pair scores: every spelling meets every listed entity that blocking puts forward, so a
spelling is *found* when it resolves to an entity listed under the name it was made from, a
*wrong entity* when it resolves to another, *missed* when to none. The spellings are one edit
of a listed name of a sanctioned company or organisation (`bench/spellings.py`: another
romanisation inside a word, a letter dropped or doubled, a word split, words run together),
upper or lower case, with a legal form in Latin or Cyrillic script added half the time. The
innocent names are SIMULATED (invented stems with business words and legal forms); any
resolution of one is a false positive.

    python -m bench.bench_screening [--spellings 3000] [--seed 0]

The last line holds the figures as `name=value` pairs: recall, the wrong-entity and miss rates,
recall per kind of spelling, and the false-positive rate on innocent names.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from bench.bench_names import BUSINESS, LEGAL_FORMS, STEMS
from bench.common import prepared_home, report
from bench.spellings import spelling
from features.matching import names
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot.reader import Snapshot

SCREENED_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity"})


def designated_names(snapshot: Snapshot) -> list[int]:
    """The name indices of sanctioned companies and organisations."""
    return [name for name in range(len(snapshot._name_entity))
            if snapshot.sanctioned[(row := snapshot.entity_of(name))] and snapshot.schema(row) in SCREENED_SCHEMAS]


def innocent(rng: random.Random) -> str:
    words = rng.sample(STEMS, rng.choice([1, 1, 2])) + rng.sample(BUSINESS, rng.choice([1, 2]))
    return " ".join(words + ([rng.choice(LEGAL_FORMS)] if rng.random() < 0.7 else []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spellings", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    home = prepared_home()
    snapshot = Snapshot(home.lists.path(home.lists.active()))
    names.warm_up()
    resolver = Resolver(snapshot, MATCH_THRESHOLD)
    pool = designated_names(snapshot)
    found, wrong, missed, tried = Counter(), Counter(), Counter(), Counter()
    while sum(tried.values()) < args.spellings:
        name = rng.choice(pool)
        listed = " ".join(snapshot.listed_name(name).tokens)
        made = spelling(listed, rng)
        if made is None:
            continue
        kind, text = made
        if rng.random() < 0.5:
            text = f"{text} {rng.choice(LEGAL_FORMS)}"
        text = text.upper() if rng.random() < 0.5 else text.title()
        tried[kind] += 1
        resolution = resolver.resolve(Party("consignee", text))
        if resolution is None:
            missed[kind] += 1
        elif resolution.row in snapshot.exact_names(snapshot.listed_name(name)):
            found[kind] += 1
        else:
            wrong[kind] += 1
    innocents = [innocent(rng) for _ in range(args.spellings)]
    false = sum(resolver.resolve(Party("consignee", text)) is not None for text in innocents)
    total = sum(tried.values())
    figures = {"spellings": total, "recall": round(sum(found.values()) / total, 4),
               "wrong_entity_rate": round(sum(wrong.values()) / total, 4),
               "missed_rate": round(sum(missed.values()) / total, 4),
               **{f"recall_{kind}": round(found[kind] / tried[kind], 4) for kind in sorted(tried)},
               "innocent_names": len(innocents), "false_positive_rate": round(false / len(innocents), 4),
               "designated_names": len(pool), "entities": len(snapshot)}
    report("screening", figures)


if __name__ == "__main__":
    main()

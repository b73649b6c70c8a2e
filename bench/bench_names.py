"""Timings of the name matcher and of party resolution against a snapshot of the bundled lists.

    PYTHONPATH=. python bench/bench_names.py [--queries N] [--seed S]

Builds a snapshot of the UK FCDO list and the OFAC SDN set into a temporary directory, then
times, per call: `name_key` of a name never seen before, `compare_names` of a query and a listed
name with the matcher's caches empty, and `Resolver.resolve` of new queries (perturbed listed names
and unrelated company names) with warm caches for the listed side, as in a running service,
and once more for the same queries (the parties of a trade recur). The last line holds the
figures as `name=value` pairs, in microseconds.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from features.lists import read_list
from features.matching.names import compare_names, name_key
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from model.metrics import figures_line

LISTS = Path(__file__).resolve().parents[1] / "service" / "data" / "default_lists"
# The bundled UK list and OFAC legacy set (SDN.CSV reads its ALT/ADD/COMMENTS siblings).
LIST_FILES = [LISTS / "uk-fcdo" / "uk_fcdo_sanctions_list_2025-08-11.csv.gz", LISTS / "ofac" / "SDN.CSV.gz"]

# Romanisation variants, each applied both ways, and legal forms in several scripts.
TRANSLITERATIONS = [("kh", "h"), ("y", "i"), ("v", "w"), ("ch", "tch"), ("j", "dzh"), ("ks", "x"), ("ou", "u")]
LEGAL_FORMS = ["LLC", "OOO", "ООО", "TOO", "JSC", "Ltd.", "GmbH", "S.A.", "LLP"]
# Words of unrelated company names: invented stems and common business words.
STEMS = ["Brava", "Coralis", "Dunmore", "Eskelund", "Fenwick", "Galvora", "Hartwell", "Ivory Coast",
         "Juniper", "Kestrel", "Lumora", "Marrow", "Norrland", "Orbiton", "Pellucid", "Quarry Hill",
         "Redcliffe", "Silvan", "Tamsin", "Umbra", "Vantor", "Westmark", "Yarrow", "Zenthe"]
BUSINESS = ["Trading", "Logistics", "Shipping", "Components", "Electronics", "Machinery", "Holdings",
            "Freight", "Industrial", "Supply", "Engineering", "Systems", "Metals", "Optics"]


def typo(name: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, doubled, swapped with its neighbour or replaced."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + rng.choice("aeiourstnlk") + name[i + 1:]


def transliterate(name: str, rng: random.Random) -> str:
    """Another romanisation of one sound, where the name has it."""
    lower = name.lower()
    options = [(a, b) for a, b in TRANSLITERATIONS if a in lower] + [(b, a) for a, b in TRANSLITERATIONS if b in lower]
    if not options:
        return typo(name, rng)
    a, b = rng.choice(options)
    return lower.replace(a, b, 1)


def legal_form(name: str, rng: random.Random) -> str:
    form = rng.choice(LEGAL_FORMS)
    return f"{form} «{name}»" if rng.random() < 0.5 else f"{name} {form}"


def queries(snapshot: Snapshot, count: int, rng: random.Random) -> list[str]:
    """Half perturbed listed names, half company names made of words no list is about."""
    rows = rng.sample(range(len(snapshot)), count // 2)
    perturb: list[Callable[[str, random.Random], str]] = [typo, transliterate, legal_form]
    listed = [rng.choice(perturb)(snapshot.record(r)["names"][0], rng) for r in rows]
    unrelated = [f"{rng.choice(STEMS)} {rng.choice(BUSINESS)} {rng.choice(LEGAL_FORMS)}" for _ in range(count - len(listed))]
    return listed + [f"{name} {i}" if i % 3 == 0 else name for i, name in enumerate(unrelated)]


def clear_name_caches() -> None:
    """Empty every cache of the matcher, so that the next call computes from scratch."""
    import features.matching.names as names

    for value in vars(names).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def timed(calls: Sequence[Callable[[], object]], before: Callable[[], None] | None = None) -> np.ndarray:
    """Microseconds taken by each call; `before` runs untimed ahead of each."""
    out = np.empty(len(calls))
    for i, call in enumerate(calls):
        if before:
            before()
        start = time.perf_counter_ns()
        call()
        out[i] = (time.perf_counter_ns() - start) / 1_000
    return out


def percentiles(label: str, micros: np.ndarray) -> dict[str, float]:
    return {f"{label}_p50_us": float(np.percentile(micros, 50)), f"{label}_p99_us": float(np.percentile(micros, 99))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolutions", type=Path, help="write each query's resolution here, one line each, to diff versions")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        records = (record for path in LIST_FILES for record in read_list(path))
        meta = build_snapshot(records, Path(tmp), [{"file": p.name} for p in LIST_FILES])
        build_s = time.perf_counter() - start
        snapshot = Snapshot(Path(tmp))
        print(f"snapshot: {meta['counts']['entities']} entities, {meta['counts']['names']} names, built in {build_s:.1f} s")

        names = queries(snapshot, args.queries, rng)
        listed = [snapshot.record(rng.randrange(len(snapshot)))["names"][0] for _ in names]
        figures = {"queries": len(names)}

        # name_key and compare_names of names never seen: every cache emptied before each call.
        figures |= percentiles("name_key", timed([lambda n=n: name_key(n) for n in names], clear_name_caches))
        pairs = [(name_key(a), name_key(b)) for a, b in zip(names, listed)]
        figures |= percentiles("compare", timed([lambda p=p: compare_names(*p) for p in pairs], clear_name_caches))

        # Resolution: the listed side warmed by other queries, then new ones, then the same again.
        parties = [Party("consignee", n) for n in names]
        warm = [Party("consignee", typo(n, rng)) for n in names[: len(names) // 4]]
        clear_name_caches()
        resolver = Resolver(snapshot, MATCH_THRESHOLD)
        for party in warm:
            resolver.resolve(party)
        new = timed([lambda p=p: resolver.resolve(p) for p in parties])
        again = timed([lambda p=p: resolver.resolve(p) for p in parties])
        figures |= percentiles("resolve_new", new) | percentiles("resolve_repeat", again)
        if args.resolutions:
            args.resolutions.write_text("".join(f"{p.name!r}\t{resolver.resolve(p)!r}\n"
                                                for p in warm + parties))
        resolved = sum(resolver.resolve(p) is not None for p in parties[: len(parties) // 2])
        figures["perturbed_resolved_share"] = resolved / (len(parties) // 2)

    print(figures_line(figures))


if __name__ == "__main__":
    main()

"""The resolver's bound on `compare_names` is sound, and resolution with it is unchanged.

Soundness: `QueryBound.upper` >= `compare_names` on random names built to hit every rule of
`token_similarity` (skeleton variants, typos, initials, vowel-less words, prefixes, given names
rigour knows, name-forming endings, numbers and Roman numerals, generic company words) and on
the real pairs of the nomenklatura bench; `max_ratio` against brute force; the precomputed
skeleton lines against computing them. Resolution: the same answer as comparing every
candidate in the index's order, on a snapshot of the bundled excerpts and generated names.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from features.lists.entities import Entity
from features.matching.bound import QueryBound, max_ratio, sim_bound
from features.matching.evaluate import read_pairs
from features.matching.names import (_SKELETON_RULES, NameKey, compare_names, name_ids, name_key, skeleton,
                                     token_similarity)
from features.matching.rules import MATCH_THRESHOLD
from features.matching.skeletons import _lines, listed_skeletons, parse
from features.resolve import Resolution, Resolver
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.features.matching import name_gen

BENCH = (Path(__file__).resolve().parents[3] / "../shared/data/external/name-matching/nomenklatura_name_bench_cases.csv").resolve()
SCHEMAS = [None, "Person", "Company", "Organization", "LegalEntity", "Vessel"]


def _check(query: NameKey, listed: NameKey, schema: str | None) -> None:
    exact = compare_names(query, listed, schema=schema)
    line = listed_skeletons(listed.tokens, schema) if schema else None
    for bound in (QueryBound(query).upper(listed, schema), QueryBound(query).upper(listed, schema, line)):
        assert bound >= exact, (query, listed, schema, bound, exact)


def test_bound_is_never_below_the_score_on_random_names():
    rng = random.Random(20261123)
    for _ in range(6000):
        query, listed = name_gen.pair(rng)
        _check(query, listed, rng.choice(SCHEMAS))


def test_bound_on_the_nomenklatura_bench_pairs():
    if not BENCH.exists():
        pytest.skip(f"{BENCH} not available")
    for schema, name1, name2, _ in read_pairs(BENCH):
        for a, b in ((name1, name2), (name2, name1)):
            for kind in (schema, None, "Person", "Company"):
                _check(name_key(a), name_key(b), kind)


def test_bound_prunes_what_cannot_match():
    """Not only sound but useful: a name sharing one word of two scores far below the threshold."""
    query = name_key("Galvora Kestrel Trading")
    assert QueryBound(query).upper(name_key("Galvora Marrow Shipping"), "Company") < MATCH_THRESHOLD
    assert QueryBound(query).upper(name_key("Galvora Kestrel Trading LLC"), "Company") >= 1.0


def test_sim_bound_is_token_similarity_for_words_without_name_ids():
    rng = random.Random(7)
    for _ in range(5000):
        a, b = name_gen.word(rng), name_gen.variant(name_gen.word(rng), rng) if rng.random() < 0.5 else name_gen.word(rng)
        bound = sim_bound(a, skeleton(a), b, skeleton(b), bool(name_ids(a)))
        assert bound >= token_similarity(a, b), (a, b)
        if not name_ids(a):
            assert bound == token_similarity(a, b), (a, b)


def test_max_ratio_is_the_maximum_over_subsets_and_weights():
    rng = random.Random(3)
    for _ in range(400):
        terms = [(rng.uniform(0.6, 1.0), lo, lo * rng.choice([1.0, 2.0])) for lo in
                 (rng.uniform(0.5, 3.0) for _ in range(rng.randint(1, 5)))]
        fixed, cost = rng.choice([0.0, rng.uniform(0.5, 4.0)]), rng.choice([0.3, 0.7, 1.5])
        best = 0.0
        for chosen in itertools.product((None, "lo", "hi"), repeat=len(terms)):
            num = sum(s * (lo if c == "lo" else hi) for (s, lo, hi), c in zip(terms, chosen) if c)
            den = sum((lo if c == "lo" else hi) if c else cost * lo for (s, lo, hi), c in zip(terms, chosen)) + cost * fixed
            best = max(best, num / den)
        assert max_ratio(terms, fixed, cost) >= best - 1e-12
        assert max_ratio(terms, fixed, cost) <= best + 1e-9


def test_skeleton_guards_change_nothing():
    def reference(token: str) -> str:
        for pattern, repl in _SKELETON_RULES:
            token = pattern.sub(repl, token)
        return token

    rng = random.Random(11)
    words = {"".join(rng.choice("abcdehijkopqstuwxyz") for _ in range(rng.randint(1, 12))) for _ in range(20000)}
    words |= {"".join(rng.choice(name_gen.SYLLABLES) for _ in range(rng.randint(1, 5))) for _ in range(20000)}
    for word in words:
        assert skeleton.__wrapped__(word) == reference(word), word


def test_skeleton_lines():
    assert parse(listed_skeletons(("mekhanika", "22", "iv"), "Company")) == (["mehanika", "2", "iv"], "mehanika")
    assert parse(listed_skeletons(("mekhanika", "22", "iv"), "Person")) == (["mehanika", "2", "iv"], skeleton("mekhanikaiv"))
    assert parse(listed_skeletons((), "Company")) == ([], "")

    class Table(list):
        pass

    names = Table(["nebesnaya mekhanika", "fund ii", "", "ivan"])
    schemas = ["Company", "Company", "Company", "Person"]
    assert list(_lines(names, schemas)) == [listed_skeletons(tuple(n.split()), s) for n, s in zip(names, schemas)]


# --- resolution unchanged ---------------------------------------------------------------

def _reference(name: str, country: str | None, snapshot: Snapshot, threshold: float) -> Resolution | None:
    """Resolution as before the bound: every candidate compared, in the index's order."""
    query = name_key(name)
    exact = snapshot.exact_names(query)
    scored = [(row, 1.0, query) for row in exact] if exact else [
        (row, compare_names(query, key, schema=snapshot.schema(row)), key) for row, key in snapshot.name_candidates(query)]
    best = None
    for row, score, key in scored:
        if score < threshold:
            continue
        if country:
            countries = snapshot.countries(row)
            if countries and country.lower() not in countries:
                score *= 0.9
                if score < threshold:
                    continue
        candidate = Resolution(row, round(score, 4), "name", " ".join(key.tokens))
        if best is None or (candidate.score, snapshot.sanctioned[row]) > (best.score, snapshot.sanctioned[best.row]):
            best = candidate
    return best


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Snapshot, list[str]]:
    """A snapshot of names made to collide (shared words, variants, duplicates in two countries)."""
    rng = random.Random(5)
    entities, names = [], []
    for i in range(3000):
        words = [name_gen.word(rng) for _ in range(rng.randint(1, 4))]
        if i and rng.random() < 0.4:  # a relative of an earlier name
            words = [name_gen.variant(w, rng) for w in names[rng.randrange(len(names))].split()] + words[:1]
        name = " ".join(words)
        names.append(name)
        entities.append(Entity(id=f"g-{i}", source="test", schema=rng.choice(["Person", "Company", "Organization"]), names=[name],
                               countries=[rng.choice(["ru", "kz", "ae"])], sanctions=["x"] if rng.random() < 0.3 else []))
    directory = tmp_path_factory.mktemp("bound-snap")
    build_snapshot(entities, directory, [])
    queries = [" ".join(name_gen.variant(w, rng) for w in rng.choice(names).split()) for _ in range(900)]
    queries += [" ".join(name_gen.word(rng) for _ in range(rng.randint(1, 3))) for _ in range(300)]
    return Snapshot(directory), queries


def test_resolution_is_that_of_comparing_every_candidate(generated):
    snapshot, queries = generated
    rng = random.Random(9)
    resolved = 0
    for query in queries:
        country = rng.choice([None, "ru", "kz", "de"])
        for threshold in (MATCH_THRESHOLD, 0.7):
            expected = _reference(query, country, snapshot, threshold)
            assert Resolver(snapshot, threshold).by_name(query, country) == expected, (query, country, threshold)
            resolved += expected is not None
    assert resolved > 300  # the queries do resolve, so the comparison means something

"""A cheap upper bound on `compare_names`, so that resolution compares in full only the
blocking candidates that may still reach the threshold (or beat the best match found so far).

Why: a name never seen before meets up to 25 blocking candidates, and comparing each in full
(every word pair through `token_similarity`, rigour's name analysis of each new listed word for
its weight and name ids, the greedy alignment, two memo tables) cost ~1.4 ms per query on the
1 M-entity snapshot. Most candidates share one word with the query and differ in the rest,
which the spelling alone shows.

**The bound** (`QueryBound.upper`). `compare_names(q, c)` is the exact value when either side
has no word left, else `max(aligned, joined) × f` with `joined` only when the word counts differ
and `f` the numbers' factor (`names.number_factor`: 1 when they agree); the same cases are
decided here exactly, with the same code paths.

*Words.* The similarity of a query word and a listed word is `token_similarity`'s: its spelling
rules are stated once, in `names.spelling_similarity`, which `QueryBound._sims` calls with the
listed word's skeleton as stored in the snapshot (`features.matching.skeletons`) and exact down
to the floor (below it, only that a pair does not reach the floor counts); the listed word's name
ids are looked up only when the query's word has some, as `token_similarity` does. `sim_bound`,
used for the run-together form, grants the name-id rule ("Ted" / "Theodore") whenever the
query's side has name ids at all, so it is an upper bound. A pair whose words share a
name-forming ending (rare) is handed to `token_similarity` itself (it reads the stems' name ids).

*Alignment.* `_aligned` scores `Σ_pairs sim(i,j)·(w_i + w_j) / (Σ_paired w + cost·Σ_left w)`
over disjoint pairs with `sim >= floor`, where `cost >= extra_cost`, and `cost = CONFLICT_COST`
whenever both names have a word left. For every word k of either name let `s_k` be the largest
`sim_bound` between k and a word of the other name; k is *pairable* when `s_k >= floor`. A pair
contributes `sim(i,j)(w_i + w_j) <= s_i·w_i + s_j·w_j`, and both of its words are pairable. So,
with S the set of paired words, `aligned <= R(S, w) = Σ_S s_k·w_k / (Σ_S w_k + c·Σ_notS w_k)`,
where `c = CONFLICT_COST` when both names have a word left whatever the alignment (an unpairable
word, or more pairable words than the other name has) and `c = extra_cost` otherwise (a smaller
cost only raises the ratio). Pairs are one-to-one, so S holds at most as many words of either
name as the other has pairable words; which is what keeps the bound of a long query against a
short name low. Role constraints only restrict S further, so they are ignored. Weights:
each word's weight lies in `[lo_k, hi_k]`: exact (`_weight`) for the query's words and for
persons, and for a company's listed word full or half as rigour does or does not call it
generic, which is not looked up here. The bound is `max R(S, w)` over every S of pairable words
and every weight in its interval, computed exactly by Dinkelbach's iteration: for a fixed λ,
`Σ_S (s_k − λ)·w_k − λ·c·Σ_notS w_k` is a sum of one term per word, maximised word by word
(in S at `hi` when `s_k >= λ`, at `lo` otherwise, or out at `lo`; of each name's words, the
ones that gain most from being in S, as many as may be); λ rises strictly to the
maximum ratio in a few steps (at most one per subset, so it ends; capped all the same).

*Run-together form.* `joined <= sim_bound(A, B)` for the joined words, as for a pair of words.

The bound is raised by `EPSILON`, so float rounding in either computation can never make it
fall below the exact score. Checked by `tests/features/matching/test_bound.py` on random and real
name pairs.
"""

from __future__ import annotations

import heapq

from features.matching.names import (NameKey, _numbers, _weight, name_ids, number_factor, skeleton, spelling_similarity,
                                     token_similarity)
from features.matching.rules import (CONFLICT_COST, EPSILON, EXTRA_COST, FLOOR, GENERIC_WEIGHT, NAME_SUFFIXES,
                                     PERSON_EXTRA_COST, PERSON_SCHEMAS, SAME_NAME_SIMILARITY,
                                     length_weight)
from features.matching.skeletons import parse

_MAX_STEPS = 64


def sim_bound(a: str, sa: str, b: str, sb: str, named_a: bool) -> float:
    """An upper bound on `token_similarity(a, b)`, given both skeletons and whether `a` has name
    ids; equal to it unless `a` has name ids (see the module's docstring)."""
    if a.endswith(NAME_SUFFIXES) and b.endswith(NAME_SUFFIXES):  # name ids of the stems: the exact rule
        return token_similarity(a, b)
    edit = spelling_similarity(a, sa, b, sb)
    if edit < SAME_NAME_SIMILARITY and named_a and len(a) > 1 and len(b) > 1:
        edit = SAME_NAME_SIMILARITY
    return edit


def max_ratio(terms: list[tuple[float, float, float]], fixed: float, cost: float, split: int | None = None) -> float:
    """max over S ⊆ terms and w_k ∈ [lo_k, hi_k] of Σ_S s_k w_k / (Σ_S w_k + cost·(Σ_notS w_k + fixed)).

    `terms` are the pairable words as (s_k, lo_k, hi_k); `fixed` is the (lowest) weight of the
    words that cannot pair. With `split`, terms[:split] are one name's words and terms[split:]
    the other's, and S holds at most as many of either as the other has (a pair is one word of
    each). Dinkelbach's iteration (see the module's docstring); 1.0 (always an upper bound)
    should it not settle within `_MAX_STEPS`.
    """
    sides = (terms,) if split is None else (terms[:split], terms[split:])
    most = len(terms) if split is None else min(split, len(terms) - split)
    lam = 0.0
    for _ in range(_MAX_STEPS):
        num = den = 0.0
        for side in sides:
            gains = []  # of moving a term into S: (gain, its numerator, its change of the denominator)
            for s, lo, hi in side:
                w = hi if s >= lam else lo
                out = cost * lo
                den += out
                if (s - lam) * w >= -lam * out:  # better in S
                    gains.append(((s - lam) * w + lam * out, s * w, w - out))
            for _, n, d in (heapq.nlargest(most, gains) if len(gains) > most else gains):
                num += n
                den += d
        den += cost * fixed
        if den <= 0.0:
            return 0.0
        ratio = num / den
        if ratio <= lam:
            return lam
        lam = ratio
    return 1.0


class Lexicon:
    """Where a bound reads a word's skeleton, weight and name ids: computed, by default, or read
    from a snapshot's vocabulary (`features.matching.vocab.NameVocab`), which has them for every
    listed word and saves a cold query's words a rigour analysis each."""

    skeleton = staticmethod(skeleton)
    weight = staticmethod(_weight)
    name_ids = staticmethod(name_ids)


class _Side:
    """The query's words as `compare_names` sees them against one kind of entity."""

    __slots__ = ("numbers", "words", "skeletons", "weights", "named", "suffixed", "joined", "joined_skeleton",
                 "joined_named", "cost", "memo")

    def __init__(self, key: NameKey, schema: str | None, lexicon: Lexicon):
        person = schema in PERSON_SCHEMAS
        self.numbers = _numbers(key, schema)
        self.words = tuple(t for t in key.words if t not in self.numbers)
        self.skeletons = tuple(map(lexicon.skeleton, self.words))
        self.weights = tuple(lexicon.weight(t, person) for t in self.words)
        self.named: list[frozenset[str] | None] = [None] * len(self.words)  # name ids, looked up when first needed
        self.suffixed = tuple(t.endswith(NAME_SUFFIXES) for t in self.words)
        self.joined = "".join(self.words)
        self.joined_skeleton: str | None = None
        self.joined_named: bool | None = None
        self.cost = PERSON_EXTRA_COST if person else EXTRA_COST
        # listed word -> its sim_bound with each query word: words recur among the candidates.
        self.memo: dict[str, tuple[float, ...]] = {}


class QueryBound:
    """Upper bounds on `compare_names(query, listed, schema=...)` for one query and many listed names."""

    def __init__(self, query: NameKey, lexicon: Lexicon = Lexicon()):
        self.query = query
        self.lexicon = lexicon
        self._sides: dict[bool | None, _Side] = {}

    def _side(self, schema: str | None) -> _Side:
        # _numbers and _weight depend only on whether the schema is None, a person's or another.
        kind = None if schema is None else schema in PERSON_SCHEMAS
        side = self._sides.get(kind)
        if side is None:
            side = self._sides[kind] = _Side(self.query, schema, self.lexicon)
        return side

    def _sims(self, q: _Side, b: str, sb: str) -> tuple[float, ...]:
        """`token_similarity` of listed word `b` (skeleton `sb`) with each query word, exact where
        it may reach `FLOOR` (below, only whether a pair reaches the floor counts), from the
        listed word's stored skeleton; `b`'s name ids looked up only when the query word has some."""
        b_suffixed = b.endswith(NAME_SUFFIXES)
        long_b = len(b) > 1
        out = []
        for i, a in enumerate(q.words):
            if b_suffixed and q.suffixed[i]:
                out.append(token_similarity(a, b))
                continue
            edit = spelling_similarity(a, q.skeletons[i], b, sb, FLOOR)
            if edit < SAME_NAME_SIMILARITY and long_b and len(a) > 1:
                ids = q.named[i]
                if ids is None:
                    ids = q.named[i] = self.lexicon.name_ids(a)
                if ids and ids & self.lexicon.name_ids(b):  # token_similarity's rule
                    edit = SAME_NAME_SIMILARITY
            out.append(edit)
        return tuple(out)

    def upper(self, listed: NameKey, schema: str | None, skeletons: str | None = None) -> float:
        """A number >= `compare_names(self.query, listed, schema=schema)`; `skeletons`, the listed
        name's line of `features.matching.skeletons` for this schema, saves computing them."""
        q = self._side(schema)
        nb = _numbers(listed, schema)
        na = q.numbers
        if skeletons is None:
            token_skeletons, joined_skeleton = list(map(skeleton, listed.tokens)), None
        else:
            token_skeletons, joined_skeleton = parse(skeletons)
        # listed.words without nb, with their skeletons
        wb, sbs = [], []
        for t, st in zip(listed.tokens, token_skeletons):
            if not t.isdigit() and t not in nb:
                wb.append(t)
                sbs.append(st)
        if not q.words or not wb:
            return 1.0 if self.query.tokens == listed.tokens else 0.0
        person = schema in PERSON_SCHEMAS
        best_a = [0.0] * len(q.words)
        terms: list[tuple[float, float, float]] = []  # the listed name's pairable words, then the query's
        fixed = 0.0
        left_b = False
        memo = q.memo
        for b, sb in zip(wb, sbs):
            sims = memo.get(b)
            if sims is None:
                sims = memo[b] = self._sims(q, b, sb)
            best = 0.0
            for i, s in enumerate(sims):
                if s > best:
                    best = s
                if s > best_a[i]:
                    best_a[i] = s
            hi = length_weight(len(b))
            lo = hi if person else hi * GENERIC_WEIGHT
            if best >= FLOOR:
                terms.append((best, lo, hi))
            else:
                fixed += lo
                left_b = True
        left_a = False
        split = len(terms)
        for s, w in zip(best_a, q.weights):
            if s >= FLOOR:
                terms.append((s, w, w))
            else:
                fixed += w
                left_a = True
        # A pairing pairs as many words of each name: the name with more pairable words has some left.
        left_a = left_a or len(terms) - split > split
        left_b = left_b or split > len(terms) - split
        cost = CONFLICT_COST if left_a and left_b else q.cost
        score = max_ratio(terms, fixed, cost, split) if terms else 0.0
        if len(q.words) != len(wb) and score < 1.0:
            if q.joined_skeleton is None:
                q.joined_skeleton = self.lexicon.skeleton(q.joined)
                q.joined_named = bool(self.lexicon.name_ids(q.joined))
            joined = "".join(wb)
            if joined_skeleton is None:
                joined_skeleton = skeleton(joined)
            score = max(score, sim_bound(q.joined, q.joined_skeleton, joined, joined_skeleton, q.joined_named))
        return score * number_factor(na, nb) + EPSILON

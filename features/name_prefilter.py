"""A looser upper bound on `compare_names`, for all of a query's blocking candidates at once.

Why: the bound of `features.name_bound` is tight, but it walks each candidate's word pairs in
Python (~15 µs a candidate, 25 candidates a query). Most candidates share one word with the
query and have other words that pair with nothing; this bound sees that with a few numpy
operations over every candidate and one rapidfuzz distance matrix, so that only the
candidates it cannot rule out are decoded and bounded tightly. Hand-written, like the tight
bound: it bounds our own scoring function.

**Word pairs.** For a query word a and a listed word b, `token_similarity(a, b)` is at most
`s = 1 - TYPO_COST·min(d(a, b), d(sa, sb)) / max(|a|, |b|, |sa|, |sb|)` where d is the
optimal-string-alignment distance (at most Levenshtein's, and a swap of two adjacent letters
is one edit in both: so at most `_edits`), raised to 0.8 when the shorter has 3 letters or more
and d(a, b) is the difference in length (necessary for a prefix), to 0.85 when moreover the
shorter has no vowels (necessary for the vowel-less rule), to 0.85 for a one-letter word and
to 0.9 for two words rigour knows as one given name (looked up, as `token_similarity` does,
only for pairs where the listed word has name ids). Pairs of words with a name-forming ending
are scored by `token_similarity` itself (it compares their stems).

**Names.** `compare_names` scores an alignment `Σ sim·(w_i + w_j) / (Σ_paired w + c·Σ_left w)`
with the words' exact weights (`_weight`, known per listed word from `features.name_vocab`).
Let `s_k` be the best `s` of word k with any word of the other name, *pairable* when at least
the floor. Every paired word is pairable, the numerator is at most `N = Σ_pairable s_k·w_k`,
and the denominator at least `numerator + c·F`, F the weight of the words that cannot pair
(as `Σ_paired w >= Σ sim·w`), so the score is at most `N / (N + c·F)`, increasing in N, where
`c` is `CONFLICT_COST` when both names have an unpairable word and the extra cost otherwise.
Names of different word counts are also compared run together: that similarity is at most
`1 - min(gap in length, gap in skeleton length) / longest`, or the rule values above (a
shared name-forming ending: not bounded, 1).

Names with numbers (digits, Roman numerals) are not bounded here (`inf`): `compare_names`
treats them apart.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist
from rigour import env as rigour_env

from features.name_bound import EPSILON, FLOOR
from features.name_vocab import NAMED, SUFFIXED, NameVocab
from features.names import (
    _ROMAN, _VOWELS, CONFLICT_COST, EXTRA_COST, NAME_SUFFIXES, PERSON_EXTRA_COST,
    SAME_NAME_SIMILARITY, TYPO_COST, NameKey, name_ids, skeleton, token_similarity,
)

_MAX_LENGTH = rigour_env.MAX_NAME_LENGTH  # rigour compares only this many letters: not bounded


class LooseQuery:
    """What the loose bound needs of the query's words, computed once per query; for a word the
    snapshot's vocabulary has, read from it (`features.name_vocab`) rather than analysed again."""

    def __init__(self, key: NameKey, vocab: NameVocab):
        words = key.tokens
        # A query with numbers is compared apart (see the module's docstring).
        self.usable = bool(words) and not any(t.isdigit() or _ROMAN.match(t) for t in words)
        self.words = list(words)
        self.vocab = vocab
        self.skeletons = list(map(vocab.skeleton, words))
        self.length = np.array([len(t) for t in words], dtype=np.float64)[:, None]
        self.longest = np.maximum(self.length, [[len(s)] for s in self.skeletons])
        self.vowelless = np.array([not _VOWELS.search(t) for t in words])[:, None]
        self.suffixed = np.array([t.endswith(NAME_SUFFIXES) for t in words])[:, None]
        self.weight = {person: np.array([[vocab.weight(t, person)] for t in words]) for person in (False, True)}
        self.joined = "".join(words)
        self.joined_skeleton_length = len(skeleton(self.joined))
        self._named: list[frozenset[str] | None] = [None] * len(words)

    def named(self, i: int) -> frozenset[str]:
        """The name ids of word `i`, looked up when first needed."""
        if (ids := self._named[i]) is None:
            ids = self._named[i] = self.vocab.name_ids(self.words[i])
        return ids


def loose_upper(query: LooseQuery, vocab: NameVocab, names: np.ndarray, person: np.ndarray,
                threshold: float) -> np.ndarray:
    """An upper bound on `compare_names(query, name)` for each of `names` (name indices), whose
    entities are persons where `person` says so; `inf` where not bounded."""
    ids, valid = vocab.name_words(names)  # (C, L)
    unique, inverse = np.unique(ids[valid], return_inverse=True)
    per_word = np.zeros((len(query.words),) + ids.shape)
    per_word[:, valid] = _similarities(query, vocab, unique)[:, inverse]  # (k, C, L)
    listed_best, query_best = per_word.max(axis=0), per_word.max(axis=2)

    listed_weight = np.where(person[:, None], vocab.weights[True][ids], vocab.weights[False][ids]) * valid
    query_weight = np.where(person, query.weight[True], query.weight[False])  # (k, C)
    listed_pairs, query_pairs = listed_best >= FLOOR, query_best >= FLOOR
    covered = (
        np.where(listed_pairs, listed_best * listed_weight, 0).sum(axis=1)
        + np.where(query_pairs, query_best * query_weight, 0).sum(axis=0))
    listed_left = np.where(listed_pairs, 0, listed_weight).sum(axis=1)  # a word weighs > 0
    query_left = np.where(query_pairs, 0, query_weight).sum(axis=0)
    cost = np.where((listed_left > 0) & (query_left > 0), CONFLICT_COST, np.where(person, PERSON_EXTRA_COST, EXTRA_COST))
    upper = covered / np.maximum(covered + cost * (listed_left + query_left), 1e-300)

    joined = vocab.joined[names]
    differ = valid.sum(axis=1) != len(query.words)
    if differ.any():
        upper = np.where(differ, np.maximum(upper, _joined(query, joined, threshold, upper < threshold)), upper)
    return np.where(joined[:, 3] != 0, np.inf, upper + EPSILON)


def _similarities(query: LooseQuery, vocab: NameVocab, unique: np.ndarray) -> np.ndarray:
    """The bound `s` of each query word (rows) with each word of `unique` (columns)."""
    ids = unique.tolist()
    words = [vocab.words[i] for i in ids]
    spelled = cdist(query.words, words, scorer=OSA.distance, dtype=np.int32, workers=1)
    folded = cdist(query.skeletons, [vocab.skeletons[i] for i in ids], scorer=OSA.distance, dtype=np.int32, workers=1)
    sim = 1.0 - TYPO_COST * np.minimum(spelled, folded) / np.maximum(query.longest, vocab.longest[unique])
    # The rules for an initial, a prefix, a word's consonants and a shared name-forming ending
    # apply to few pairs, found by what they need; `token_similarity` scores those exactly.
    flags = vocab.flags[unique]
    la, lb = query.length, vocab.length[unique, 0]
    short = np.minimum(la, lb)
    special = (short == 1) | ((short >= 3) & (spelled == np.abs(la - lb)))
    special |= query.suffixed & ((flags & SUFFIXED) != 0)
    special |= np.maximum(la, lb) >= _MAX_LENGTH
    for i, j in zip(*np.nonzero(special)):
        sim[i, j] = token_similarity(query.words[i], words[j])
    for i, j in zip(*np.nonzero((sim < SAME_NAME_SIMILARITY) & ((flags & NAMED) != 0))):
        if (named := query.named(i)) and named & vocab.name_id_sets[ids[j]]:
            sim[i, j] = SAME_NAME_SIMILARITY
    return sim


def _joined(query: LooseQuery, joined: np.ndarray, threshold: float, below: np.ndarray) -> np.ndarray:
    """A bound on the similarity of the query's words run together with each name's (`joined`
    rows of `NameVocab.joined`)."""
    la, lsa = len(query.joined), query.joined_skeleton_length
    lb, lsb = joined[:, 0].astype(np.float64), joined[:, 1].astype(np.float64)
    gap = np.minimum(np.abs(la - lb), np.abs(lsa - lsb))
    sim = 1.0 - TYPO_COST * gap / np.maximum(max(la, lsa), np.maximum(lb, lsb))
    short = np.minimum(la, lb)
    vowelless = np.where(la <= lb, not _VOWELS.search(query.joined), joined[:, 2] != 0)
    floor = np.where(((short >= 3) & vowelless) | (short == 1), 0.85, np.where(short >= 3, 0.8, 0.0))
    if query.joined.endswith(NAME_SUFFIXES):  # stems are compared: not bounded here
        floor[joined[:, 4] != 0] = 1.0
    sim = np.maximum(sim, floor)
    if threshold <= SAME_NAME_SIMILARITY and (below & (sim < threshold)).any() and name_ids(query.joined):
        sim = np.maximum(sim, SAME_NAME_SIMILARITY)
    return sim

"""A looser upper bound on `compare_names`, for all of a query's blocking candidates at once.

Why: the bound of `features.matching.bound` is tight, but it walks each candidate's word pairs in
Python (~15 µs a candidate, 25 candidates a query). Most candidates share one word with the
query and have other words that pair with nothing; this bound sees that in one pass of C
(`features/matching/_prefilter.c`) over the candidates' word ids (`features.matching.vocab`), so that only
the candidates it cannot rule out are decoded and bounded tightly. Hand-written, like the
tight bound: it bounds our own scoring function.

**Word pairs.** For a query word a and a listed word b, `token_similarity(a, b)` is at most
`s = 1 - TYPO_COST·min(d(a, b), d(sa, sb)) / max(|a|, |b|, |sa|, |sb|)` where d is the
optimal-string-alignment distance (at most Levenshtein's, and a swap of two adjacent letters
is one edit in both: so at most `_edits`), raised to `PREFIX_SIMILARITY` when the shorter word
(the query's on equal lengths) has `ABRIDGED_LENGTH` letters or more and starts the longer, to
`CONSONANTS_SIMILARITY` when it is moreover the longer's consonants, to `INITIAL_SIMILARITY` for
a one-letter word and to `SAME_NAME_SIMILARITY` when their name ids meet (rigour's given names,
coded per snapshot by `features.matching.vocab`); every number from `features.matching.rules`. Pairs of words with a
name-forming ending (`token_similarity` compares their stems), words outside ASCII or longer
than rigour compares get 1.

**Names.** `compare_names` scores an alignment `Σ sim·(w_i + w_j) / (Σ_paired w + c·Σ_left w)`
with the words' exact weights (`_weight`, known per listed word from `features.matching.vocab`).
Let `s_k` be the best `s` of word k with any word of the other name, *pairable* when at least
the floor. Every paired word is pairable, the numerator is at most `N = Σ_pairable s_k·w_k`,
and the denominator at least `numerator + c·F`, F the weight of the words that cannot pair
(as `Σ_paired w >= Σ sim·w`), so the score is at most `N / (N + c·F)`, increasing in N and
decreasing in F, where `c` is `CONFLICT_COST` when both names have a word left whatever the
pairing and the extra cost otherwise. Pairs are one-to-one, so at most `m`, the fewer of the two
names' pairable words, are paired on either side: of the name with more, only its `m` largest
`s_k·w_k` count in N, and all but its `m` heaviest pairable words count in F, as left (which is
what rules out a long query against a short name).
Names of different word counts are also compared run together: that similarity is bounded
as a pair of words is (the listed name's run-together skeleton is the end of its line in
`features.matching.skeletons`), except that it is raised to `SAME_NAME_SIMILARITY` when rigour knows both names' words
run together as given names (the listed one's known from the snapshot, the query's looked up
only when that decides).

**Numbers.** As `compare_names` does, the numbers (digits, and in a name not a person's Roman
numerals) of both names are compared first, and the words without them are bounded as above,
the bound scaled as the score is (`names.number_factor`: `ONE_SIDED_NUMBERS` when only one name
has numbers, `DIFFERENT_NUMBERS` when both have and they differ). A name of numbers alone is
not bounded here (`inf`), nor is a name of another word count whose words alone bound it at the
threshold or more: it passes anyway. Whether a listed name's words run together are a given
name is known of all its words (`name_vocab.JOINED_NAMED`): once its numbers are left out, they
are taken to be one.
Distances are computed only as far as they matter: past the one that puts a pair below the
floor (or a run-together form below the threshold), the bound of that distance is used.
"""

from __future__ import annotations

import numpy as np
from rigour import env as rigour_env

from features.matching import _prefilter
from features.matching.names import _VOWELS, NameKey, skeleton
from features.matching.rules import C_RULES, EPSILON, MAX_QUERY_WORDS, NAME_SUFFIXES, SAME_NAME_SIMILARITY
from features.matching.vocab import DIGITS, PERSON, ROMAN, NameVocab, WordFacts

if rigour_env.MAX_NAME_LENGTH != 384:
    raise ImportError("features/matching/_prefilter.c bounds words up to rigour's MAX_NAME_LENGTH, 384")
_prefilter.configure(C_RULES)  # every number the C code computes with, from the rulebook


class _Words:
    """One list of the query's words as `_prefilter.bound` reads them, with the numbers left out."""

    def __init__(self, kept: list[tuple[str, WordFacts]], numbers: list[str]):
        self.size = len(kept)
        self.joined = "".join(word for word, _ in kept)
        words, facts = [word for word, _ in kept], [f for _, f in kept]
        skeletons, flags, ids, person, company, _ = map(list, zip(*facts)) if facts else ([],) * 6
        self.arrays = (words, skeletons, flags, ids, person, company, self.joined, skeleton(self.joined),
                       not _VOWELS.search(self.joined), self.joined.endswith(NAME_SUFFIXES), numbers)


class LooseQuery:
    """The query's words as `compare_names` aligns them against a person's name (without its
    digits) and against other names (without its Roman numerals either), each word's facts from
    the snapshot's vocabulary, which keeps those of the words it has seen (`NameVocab.facts`)."""

    def __init__(self, key: NameKey, vocab: NameVocab):
        self.vocab = vocab
        words = list(zip(key.tokens, map(vocab.facts, key.tokens)))
        sides = []
        for numbered in (DIGITS, DIGITS | ROMAN):
            numbers = sorted({word for word, f in words if f.flags & numbered})
            sides.append(([(word, f) for word, f in words if not f.flags & numbered], numbers))
        self.person = _Words(*sides[0])
        self.company = self.person if sides[1][1] == sides[0][1] else _Words(*sides[1])
        # A query of numbers alone, or of more words than the C code takes, is left to the tight bound.
        self.usable = all(0 < side.size <= MAX_QUERY_WORDS and len(numbers) <= MAX_QUERY_WORDS
                          for side, (_, numbers) in zip((self.person, self.company), sides))


def loose_upper(query: LooseQuery, names: np.ndarray, threshold: float) -> list[float]:
    """An upper bound on `compare_names(query, name)` for each of `names` (int32 name indices),
    each as the kind of entity its record says (`name_vocab.PERSON`); `inf` where not bounded."""
    uppers = _upper(query.vocab, query.person, names, threshold)
    if query.company is query.person:  # the same words against every kind of name
        return uppers
    company = _upper(query.vocab, query.company, names, threshold)
    persons = query.vocab.name_bits(names) & PERSON  # in range: `bound` checked them
    return [upper if person else other for upper, other, person in zip(uppers, company, persons.tolist())]


def _upper(vocab: NameVocab, words: _Words, names: np.ndarray, threshold: float) -> list[float]:
    """`_prefilter.bound` of one list of the query's words, its given-name cases settled."""
    uppers = _prefilter.bound(names, vocab.arrays, words.arrays, threshold)
    if uppers and min(uppers) < 0:  # another word count, below the threshold but for given names
        named = bool(vocab.name_ids(words.joined))  # see `_prefilter.bound`
        for i in [i for i, upper in enumerate(uppers) if upper < 0]:
            uppers[i] = SAME_NAME_SIMILARITY + EPSILON if named else -1.0 - uppers[i]
    return uppers

"""Names across scripts, legal forms and transliterations, reduced to comparable keys.

"ТОО «Аспан Арба»", "TOO Aspan Arba" and "Aspan Arba LLP" share one key; "Nebesnaya Mekhanika"
and "Nebesnaya Mejanica" differ by a transliteration the skeleton folds away. rigour does
script detection, transliteration, legal-form removal and edit distances; the skeleton and the
token alignment are ours, because no library folds the romanisations of Russian in
English, French, German and Spanish together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import remove_org_types
from rigour.text.distance import levenshtein_similarity
from rigour.text.translit import ascii_text

# Legal forms of Central Asia that rigour's table lacks (checked against rigour 2.6.1):
# Kazakh TOO/ТОО/ЖШС (LLP), individual entrepreneurs IP/ИП/ЖК, Uzbek XK/ХК, Kyrgyz ЖЧК.
EXTRA_LEGAL_FORMS = frozenset({"too", "тоо", "жшс", "zhshs", "ip", "ип", "жк", "xk", "хк", "жчк", "mchj", "мчж", "ooo", "ооо"})
STOPWORDS = frozenset({"the", "of", "and", "for", "de", "la", "el", "und"})

# Letters that look alike in Latin and Cyrillic, for names typed with mixed keyboards.
_CYR_TO_LAT = str.maketrans("аеорсхукмтвн", "aeopcxykmtbh")
_LAT_TO_CYR = str.maketrans("aeopcxykmtbh", "аеорсхукмтвн")
_PUNCT = re.compile(r"[^\w]+")
_SKELETON_RULES = [  # applied in order on an ASCII token; see `skeleton`
    (re.compile(r"shch|sch"), "sh"), (re.compile(r"tsch|tch"), "ch"), (re.compile(r"dzh|dj|zh"), "j"),
    (re.compile(r"kh"), "h"), (re.compile(r"(?<=i)j$|(?<=y)j$"), ""), (re.compile(r"j"), "h"),
    (re.compile(r"ph"), "f"), (re.compile(r"w"), "v"), (re.compile(r"x"), "ks"), (re.compile(r"q"), "k"),
    (re.compile(r"ck"), "k"), (re.compile(r"c(?=[ei])"), "s"), (re.compile(r"c(?!h)"), "k"), (re.compile(r"tz"), "ts"),
    (re.compile(r"y"), "i"), (re.compile(r"i(?=[aeu])"), ""), (re.compile(r"ou"), "u"), (re.compile(r"(.)\1+"), r"\1"),
]


@dataclass(frozen=True, slots=True)
class NameKey:
    """A name as comparable tokens: ASCII, lower case, legal forms and stopwords removed."""

    tokens: tuple[str, ...]

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(t for t in self.tokens if t.isdigit())

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t for t in self.tokens if not t.isdigit())


def _fix_homoglyphs(token: str) -> str:
    """Map look-alike letters of a mixed-script token to the script most of its letters are in."""
    cyrillic = sum(1 for ch in token if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in token if "a" <= ch <= "z")
    if not cyrillic or not latin:
        return token
    return token.translate(_LAT_TO_CYR if cyrillic > latin else _CYR_TO_LAT)


def clean_text(text: str) -> str:
    """NFKC, case-folded, without control, format (zero-width, bidi) or punctuation characters."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return _PUNCT.sub(" ", text.casefold()).replace("_", " ").strip()


@lru_cache(maxsize=200_000)
def name_key(name: str) -> NameKey:
    """The comparable key of a name, in any script."""
    text = " ".join(_fix_homoglyphs(t) for t in clean_text(name).split())
    stripped = [t for t in remove_org_types(text).split() if t not in EXTRA_LEGAL_FORMS]
    tokens = [ascii_text(t).lower() for t in stripped]
    tokens = [t for tok in tokens for t in _PUNCT.sub(" ", tok).split()]
    core = [t for t in tokens if t not in EXTRA_LEGAL_FORMS and t not in STOPWORDS]
    if not core:  # the whole name was a legal form or a stopword: keep what there was
        core = tokens or ascii_text(text).lower().split()
    return NameKey(tuple(t for t in core if t))


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Fold romanisation variants of one token: kh/h/j, ya/ia/a, -ev/-yev/-iev, c/k, w/v, doubles.

    "mekhanika" and "mejanica" both become "mehanika"; "yevgeniy" and "evgenii" become "evgeni".
    """
    for pattern, repl in _SKELETON_RULES:
        token = pattern.sub(repl, token)
    return token


def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    sa, sb = skeleton(a), skeleton(b)
    if sa == sb:
        return 0.95
    return max(levenshtein_similarity(a, b), levenshtein_similarity(sa, sb))


def _aligned(a: tuple[str, ...], b: tuple[str, ...], floor: float) -> float:
    """Share of the characters of both names covered by token pairs at least `floor` alike.

    Greedy alignment, best pairs first, so token order does not matter ("Ivanov Ivan" = "Ivan Ivanov").
    """
    pairs = sorted(
        ((token_similarity(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        reverse=True,
    )
    used_a, used_b, covered = set(), set(), 0.0
    for sim, i, j in pairs:
        if sim < floor:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        covered += sim * (len(a[i]) + len(b[j]))
    total = sum(map(len, a)) + sum(map(len, b))
    return covered / total if total else 0.0


def compare_names(a: NameKey, b: NameKey, floor: float = 0.7) -> float:
    """Similarity of two names in [0, 1].

    Numbers must agree ("DA GROUP 22" is not "DA GROUP 23"); words are aligned regardless of
    order, and the run-together form ("aspanarba" vs "aspan arba") is tried as well.
    """
    if a.numbers != b.numbers and a.numbers and b.numbers:
        return 0.0
    wa, wb = a.words, b.words
    if not wa or not wb:
        return 1.0 if a.tokens == b.tokens else 0.0
    score = max(_aligned(wa, wb, floor), token_similarity("".join(wa), "".join(wb)) if len(wa) != len(wb) else 0.0)
    if a.numbers != b.numbers:  # a number on one side only: maybe a branch or a successor
        score *= 0.8
    return score


def block_keys(key: NameKey) -> set[str]:
    """Index keys of a name: the skeleton of each word long enough to be selective."""
    return {skeleton(t) for t in key.words if len(t) >= 2} or set(key.tokens)

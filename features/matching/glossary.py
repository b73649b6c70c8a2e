"""Translations of the common words of company names, so that a name and its translation share a key.

Western lists often translate Russian, Kazakh and Turkish company names rather than
transliterate them: `Муромский приборостроительный завод` is listed as `Murom Instrument-Making
Plant`, `ООО «Специальный технологический центр»` as `Special Technology Centre LLC`, and
`NPO` stands for `научно-производственное объединение`. No library holds such a glossary of
company-name words, so `data/glossary.csv` does (hand-compiled from standard dictionaries and
the English renderings the OFAC, UK and EU lists use; each row names its languages): each
variant, a word or a phrase, stands for its row's canonical English words, or for nothing when
the row is a legal form written out. A variant word ending in `~` is a stem that takes any
Russian or Kazakh inflection (`ENDINGS`): `tehnologichesk~` is `tehnologicheskiy`,
`tehnologicheskaya`, `tehnologicheskogo`...

Variants are compared by their skeletons (`names.skeleton`), so every romanisation of a word
(`tekhnologicheskiy`, `tehnologichesky`) finds its entry. Applied to both names by `name_key`,
so a change here needs a bump of `features.snapshot.meta.FORMAT`.

Rows in Han characters (`zh`) are read differently: Chinese has no spaces, so such words are
found inside a word of Han characters before it is read in pinyin (`han_words`, used by
`translit_han`): `深圳市华为技术有限公司` reads "shen zhen hua wei technology".

Russian adjectives formed from a place name (`Муромский`, `Kazakhstanskaya`) keep the place:
`place_stem` gives the stem, which the keys use in their place.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary.csv"
# The inflections a `~` stem takes (nominative, genitive, dative, instrumental, prepositional of
# the adjective's genders and numbers, and the noun endings of -iya, -ie words), romanised.
ENDINGS = ("", "y", "yi", "yy", "iy", "ii", "ij", "i", "aya", "aia", "ia", "a", "oe", "oye", "ye", "ie", "e", "ogo",
           "ovo", "ego", "omu", "ykh", "ikh", "ym", "im", "oi", "oy", "o", "u", "yu", "iya", "iyu", "om", "em", "iye")
# Endings of Russian adjectives made of a place name ("Muromskiy", "Kazakhstanskaya"), romanised.
# Not Polish "-ski" ("Kowalski" is not "Kowal"). A stem shorter than PLACE_STEM_LENGTH is no place.
PLACE_ENDINGS = ("skiy", "skii", "skij", "sky", "skaya", "skaia", "skoe", "skoye", "skogo", "skikh", "skie")
PLACE_STEM_LENGTH = 4


class Glossary:
    """The glossary's phrases, by the skeleton of their first word: (the skeletons each of their
    words may have, the canonical words)."""

    def __init__(self, rows: Sequence[tuple[str, str]], skeleton: Callable[[str], str]):
        self.skeleton = skeleton
        self.phrases: dict[str, list[tuple[tuple[frozenset[str], ...], tuple[str, ...]]]] = {}
        # The first two letters of every form of every word, spelt and as skeletons: a token
        # starting otherwise is in no entry, and its skeleton (~3 µs cold) is not computed.
        self.starts: set[str] = set()
        for canonical, variants in rows:
            words = tuple(canonical.split())
            for variant in filter(None, variants.split("|")):
                if is_han_text(variant):
                    continue  # read before transliteration (`han_words`)
                forms = tuple(_forms(word, skeleton) for word in variant.split())
                for word, word_forms in zip(variant.split(), forms):
                    self.starts.update(f[:2] for f in word_forms)
                    self.starts.add(word.rstrip("~")[:2])
                for first in forms[0]:
                    self.phrases.setdefault(first, []).append((forms, words))
        for entries in self.phrases.values():
            entries.sort(key=lambda entry: -len(entry[0]))  # longest phrase first

    def translate(self, tokens: Sequence[str]) -> tuple[str, ...] | None:
        """The tokens with every phrase the glossary has in its canonical words, the longest
        phrase first, left to right; None when there is none (most names)."""
        spans = self.spans(tokens)
        return None if spans is None else tuple(word for _, _, words in spans for word in words)

    def spans(self, tokens: Sequence[str]) -> list[tuple[int, int, tuple[str, ...]]] | None:
        """`translate` as (start, length, words) per span of `tokens`: a phrase found and its
        canonical words, or a token kept as itself; None when no phrase is found."""
        skeletons = [self.skeleton(t) if t[:2] in self.starts else "" for t in tokens]
        if not any(s in self.phrases for s in skeletons):
            return None
        out: list[tuple[int, int, tuple[str, ...]]] = []
        i = 0
        while i < len(tokens):
            for forms, words in self.phrases.get(skeletons[i], ()):
                n = len(forms)
                if i + n <= len(tokens) and all(skeletons[i + k] in forms[k] for k in range(1, n)):
                    out.append((i, n, words))
                    i += n
                    break
            else:
                out.append((i, 1, (tokens[i],)))
                i += 1
        return out


def _forms(word: str, skeleton: Callable[[str], str]) -> frozenset[str]:
    if word.endswith("~"):
        return frozenset(skeleton(word[:-1] + ending) for ending in ENDINGS)
    return frozenset({skeleton(word)})


def read_glossary(path: Path = GLOSSARY) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["canonical"].strip(), row["variants"].strip()) for row in csv.DictReader(handle)]


@cache
def glossary(skeleton: Callable[[str], str]) -> Glossary:
    """The bundled glossary, read once per process."""
    return Glossary(read_glossary(), skeleton)


@cache
def han_words() -> dict[str, str]:
    """The glossary's words in Han characters, each with its canonical English words ("" for a
    legal form): Chinese has no spaces, so these are found inside a word before it is read in
    pinyin (`translit_han`)."""
    return {variant: canonical for canonical, variants in read_glossary()
            for variant in variants.split("|") if variant and is_han_text(variant)}


# The CJK Unified Ideographs and their extensions A to G, as Python's Unicode database assigns them.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x30000, 0x3134F))


def is_han(ch: str) -> bool:
    code = ord(ch)
    return any(a <= code <= b for a, b in HAN_RANGES)


def is_han_text(text: str) -> bool:
    return bool(text) and all(map(is_han, text))


def place_stem(token: str) -> str:
    """The place a Russian adjective of place names ("muromskiy" is "murom"), else the token."""
    if token.endswith(PLACE_ENDINGS):
        for ending in PLACE_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= PLACE_STEM_LENGTH:
                return token[: -len(ending)]
    return token

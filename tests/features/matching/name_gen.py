"""Random names built to hit every rule of the name matcher, for the property tests of its bounds.

Words: given names rigour knows (name ids), generic company words, numbers and Roman numerals,
initials, and syllables that exercise the skeleton's rules; variants: typos, romanisations,
cuts, consonants only, swapped letters.
"""

from __future__ import annotations

import random

from features.matching.names import NameKey

SYLLABLES = ["ka", "ra", "to", "mi", "kh", "zhe", "ya", "ia", "ov", "ev", "ch", "tch", "sch", "ph", "w", "x", "q", "ck",
             "ce", "tz", "y", "ou", "oo", "ee", "ij", "dj", "dzh", "mm", "nn", "al", "bek", "ul", "lah"]
# Words rigour knows as given names (name ids), generic company words, name-forming endings.
NAMED = ["ivan", "ivanov", "sergey", "sergei", "ted", "theodore", "alexander", "aleksandr", "sasha", "anna", "yuri",
         "kara", "mohammed", "muhammad", "mhmmd", "jonsdottir", "tomasdottir", "hamidullah", "ivanovich", "petrovich"]
GENERIC = ["trading", "group", "logistics", "invest", "technologies", "import", "holding", "shipping", "bank"]
NUMBERS = ["1", "22", "23", "ii", "iii", "iv", "xi", "vi", "2024"]


def word(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.25:
        return rng.choice(NAMED)
    if kind < 0.35:
        return rng.choice(GENERIC)
    if kind < 0.42:
        return rng.choice(NUMBERS)
    if kind < 0.47:
        return rng.choice("abcdefghijklmnopqrstuvwxyz")  # an initial
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def variant(word: str, rng: random.Random) -> str:
    """The word as another spelling might have it: a typo, a romanisation, a cut, its consonants."""
    kind = rng.randrange(6)
    if kind == 0 and len(word) > 2:
        i = rng.randrange(len(word))
        return word[:i] + rng.choice("aeiouktsrh") + word[i + 1:]
    if kind == 1:
        for a, b in (("kh", "h"), ("y", "i"), ("w", "v"), ("ch", "tch"), ("j", "dzh"), ("ks", "x"), ("ou", "u"), ("e", "ee")):
            if a in word:
                return word.replace(a, b, 1)
    if kind == 2 and len(word) > 4:
        return word[: rng.randint(3, len(word) - 1)]
    if kind == 3:
        return "".join(ch for ch in word if ch not in "aeiou") or word
    if kind == 4 and len(word) > 3:
        i = rng.randrange(len(word) - 1)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word


def pair(rng: random.Random) -> tuple[NameKey, NameKey]:
    a = [word(rng) for _ in range(rng.randint(1, 4))]
    if rng.random() < 0.7:  # related names: some words shared or varied, some dropped or added
        b = [variant(w, rng) for w in a if rng.random() < 0.85] + [word(rng) for _ in range(rng.randint(0, 2))]
        rng.shuffle(b)
    else:
        b = [word(rng) for _ in range(rng.randint(1, 4))]
    return NameKey(tuple(a)), NameKey(tuple(b or [word(rng)]))

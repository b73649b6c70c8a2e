"""SIMULATED spellings of listed names, as forwarders type them: another romanisation inside a
word (kh/ch/x/j, sh/ch, w/v, s/z, ks/x), a letter dropped or doubled, a word split in two, two
words run together, the whole name upper case or spaced syllable by syllable.

Shared by the blocking test (`tests/features/matching/test_blocking.py`) and the screening
benchmark (`bench/bench_screening.py`). Each spelling is derived from a real listed name by
one of these edits; none is a real party.
"""

from __future__ import annotations

import random
from collections.abc import Callable

# Romanisations of one sound, each applied both ways.
SOUNDS = [("kh", "ch"), ("kh", "x"), ("kh", "j"), ("kh", "h"), ("sh", "ch"), ("w", "v"), ("s", "z"), ("ks", "x"),
          ("ts", "tz"), ("y", "i"), ("ya", "ia"), ("yu", "iu"), ("zh", "j"), ("ou", "u"), ("e", "ye")]


def sound(name: str, rng: random.Random) -> str | None:
    """Another romanisation of one sound inside the name."""
    lower = name.lower()
    options = [(a, b) for a, b in SOUNDS if a in lower] + [(b, a) for a, b in SOUNDS if b in lower]
    if not options:
        return None
    a, b = rng.choice(options)
    starts = [i for i in range(len(lower)) if lower.startswith(a, i)]
    i = rng.choice(starts)
    return lower[:i] + b + lower[i + len(a):]


def dropped(name: str, rng: random.Random) -> str | None:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()][1:-1]
    if len(letters) < 4:
        return None
    i = rng.choice(letters)
    return name[:i] + name[i + 1:]


def doubled(name: str, rng: random.Random) -> str | None:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()][1:]
    if not letters:
        return None
    i = rng.choice(letters)
    return name[:i] + name[i] + name[i:]


def split(name: str, rng: random.Random) -> str | None:
    """A word of seven letters or more split in two."""
    words = name.split()
    long_ = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long_:
        return None
    i = rng.choice(long_)
    cut = rng.randint(3, len(words[i]) - 3)
    return " ".join(words[:i] + [words[i][:cut], words[i][cut:]] + words[i + 1:])


def joined(name: str, rng: random.Random) -> str | None:
    """Two neighbouring words run together, upper case, as booking systems print them."""
    words = name.split()
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    return " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2:]).upper()


def all_joined(name: str, rng: random.Random) -> str | None:
    words = name.split()
    return "".join(words).upper() if len(words) > 1 else None


KINDS: dict[str, Callable[[str, random.Random], str | None]] = {
    "sound": sound, "dropped": dropped, "doubled": doubled, "split": split, "joined": joined, "all_joined": all_joined,
}


def spelling(name: str, rng: random.Random, kind: str | None = None) -> tuple[str, str] | None:
    """(kind, spelling) of `name` by one edit of `kind` (a random one that applies if None)."""
    kinds = [kind] if kind else rng.sample(list(KINDS), len(KINDS))
    for k in kinds:
        made = KINDS[k](name, rng)
        if made and made.lower() != name.lower():
            return k, made
    return None

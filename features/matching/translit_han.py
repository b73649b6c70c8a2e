"""ASCII transliteration of Han words, exactly as rigour's `ascii_text`, at the cost of a table.

Why: ICU's Han-Latin, where rigour's `ascii_text` ends for Chinese characters, costs ~10 µs a
character, every time: a shipment of 2,000 characters of random Chinese took 30 ms. Its rules
read each character on its own (spelling the readings apart) but for four characters, read
otherwise before a given one (重庆 is "chong qing", 重 alone "zhong"). So a word of Han
characters is its characters' readings, spaced, from a table of every character's that `load`
fills once per process (~1 s, from `names.warm_up`), unless it holds one of those four.
Unloaded, or for any other word, the answer is rigour's own; tests/features/matching/test_translit_han.py
checks the two agree.
"""

from __future__ import annotations

import unicodedata

from rigour.text.translit import ascii_text

# The CJK Unified Ideographs and their extensions A to G, as Python's Unicode database assigns them.
RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x30000, 0x3134F))
CONTEXTUAL = frozenset("藏重沈秘")  # read otherwise before 文, 庆, 阳, 鲁 (ICU's Han-Latin rules)
_READINGS: dict[str, str] = {}


def load() -> None:
    """Fill the table of readings (once)."""
    if not _READINGS:
        _READINGS.update((ch, ascii_text(ch)) for a, b in RANGES for ch in map(chr, range(a, b + 1))
                         if unicodedata.category(ch) == "Lo" and ch not in CONTEXTUAL)


def han_ascii(word: str) -> str | None:
    """rigour's `ascii_text(word)` when `word` is Han characters the table has, else None."""
    if not word or word[0] not in _READINGS:  # most words, at one look
        return None
    spelled = list(map(_READINGS.get, word))
    return None if None in spelled else " ".join(spelled)

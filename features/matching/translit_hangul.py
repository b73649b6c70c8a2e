"""ASCII transliteration of Hangul words, exactly as rigour's `ascii_text`, without its cost.

Why: rigour romanises Hangul in its core at ~40 µs a syllable (a party name of 300 syllables
took 13 ms, a shipment of such names more than a second). A syllable is three jamo (Unicode
composes it as 0xAC00 + (initial·21 + vowel)·28 + final) and rigour spells it as their letters
run together, with a hyphen between two syllables whose letters could otherwise be read across
the boundary. The tables below are rigour 2.6.1's; tests/features/matching/test_translit_hangul.py
checks them against it: every syllable, every final before every initial, every vowel before
every vowel, random words. A word with anything but Hangul syllables goes to rigour.
"""

from __future__ import annotations

FIRST, LAST = "\uac00", "\ud7a3"
INITIALS = ("g", "kk", "n", "d", "tt", "l", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h")
VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
          "eu", "ui", "i")
FINALS = ("", "g", "kk", "gs", "n", "nj", "nh", "d", "l", "lg", "lm", "lb", "ls", "lt", "lp", "lh", "m", "b", "bs", "s",
          "ss", "ng", "j", "ch", "k", "t", "p", "h")
SILENT = INITIALS.index("")
# A hyphen goes between a final and the silent initial of the next syllable ("g-a"), between
# these finals and these initials ("k-k", "ng-g"), and between these vowels ending a syllable
# without a final and these beginning the next after a silent initial ("a-e", not "ae").
_FINAL_BEFORE = {"k": ("k", "kk"), "j": ("j",), "p": ("p",), "s": ("s", "ss"), "t": ("t",), "ng": ("g",), "lg": ("g",),
                 "lb": ("b",), "lp": ("p",), "lt": ("t",), "ls": ("s", "ss"), "gs": ("s", "ss"), "bs": ("s", "ss"),
                 "nj": ("j", "jj")}
_VOWEL_BEFORE = {"a": ("e", "eo", "eu"), "ya": ("e", "eo", "eu"), "wa": ("e", "eo", "eu"), "o": ("e", "eo", "eu"),
                 "wo": ("e", "eo", "eu"), "e": ("o", "oe", "u", "ui"), "ye": ("o", "oe"), "eu": ("i",), "u": ("i",)}
_HYPHENATED = frozenset(
    [(final, SILENT) for final in range(1, len(FINALS))]
    + [(FINALS.index(final), INITIALS.index(initial)) for final, initials in _FINAL_BEFORE.items() for initial in initials])
_HYPHENATED_VOWELS = frozenset(
    (VOWELS.index(first), VOWELS.index(second)) for first, seconds in _VOWEL_BEFORE.items() for second in seconds)


def is_hangul(word: str) -> bool:
    """Whether `word` is Hangul syllables only (and not empty)."""
    return bool(word) and FIRST <= min(word) and max(word) <= LAST


def hangul_ascii(word: str) -> str:
    """rigour's `ascii_text` of a word of Hangul syllables (`is_hangul`)."""
    out: list[str] = []
    vowel = final = -1
    for ch in word:
        code = ord(ch) - 0xAC00
        initial, next_vowel, next_final = code // 588, code % 588 // 28, code % 28
        between_vowels = final == 0 and initial == SILENT and (vowel, next_vowel) in _HYPHENATED_VOWELS
        if between_vowels or (final, initial) in _HYPHENATED:
            out.append("-")
        vowel, final = next_vowel, next_final
        out.append(INITIALS[initial] + VOWELS[vowel] + FINALS[final])
    return "".join(out)

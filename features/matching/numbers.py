"""Numbers written as words or ordinals, as digits: "Brigade Forty-Four" is "Brigade 44", "1st
Rifle Division" is "First Rifle Division", so that the number rule of `compare_names` (numbers
must agree) sees the same number in both.

English only, with the common misspelling "fourty"; hand-written because the libraries that read
number words (word2number, num2words the other way) take whole sentences, not the run of words
inside a name, and say nothing of ordinals in names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

UNITS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
ORDINALS = {w: n for n, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
SCALES = {"hundred": 100, "thousand": 1000}
_ORDINAL_DIGITS = re.compile(r"^(\d+)(st|nd|rd|th)$")
# "One", "second" alone are also plain words ("One Belt", "Second Hand"): a single number word
# counts only as an ordinal or beside another number word.
_LONE = frozenset(UNITS) | {"second"}
_NUMBER_WORDS = frozenset(UNITS) | frozenset(TENS) | frozenset(ORDINALS) | frozenset(SCALES)


def digits(tokens: Sequence[str]) -> tuple[str, ...] | None:
    """The tokens with each run of number words (and each "1st", "22nd") as its digits; None when
    there is none (most names)."""
    spans = digit_spans(tokens)
    return None if spans is None else tuple(token for _, _, token in spans)


def digit_spans(tokens: Sequence[str]) -> list[tuple[int, int, str]] | None:
    """`digits` as (start, length, token) per span of `tokens`: a number and the words it was
    written in, or a token kept as itself; None when there is no number word."""
    if not any(t in _NUMBER_WORDS or (t[:1].isdigit() and _ORDINAL_DIGITS.match(t)) for t in tokens):
        return None
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        if m := _ORDINAL_DIGITS.match(tokens[i]):
            out.append((i, 1, str(int(m.group(1)))))
            i += 1
            continue
        value, end = _run(tokens, i)
        if end - i > 1 or (end - i == 1 and tokens[i] not in _LONE):
            out.append((i, end - i, str(value)))
            i = end
        else:
            out.append((i, 1, tokens[i]))
            i += 1
    return out


def _run(tokens: Sequence[str], i: int) -> tuple[int, int]:
    """The value of the number words from `i` on and where they end ("forty four", "two hundred
    and one" are one number each; an ordinal ends the run)."""
    total = current = 0
    j = i
    while j < len(tokens):
        word = tokens[j]
        if word in TENS and current % 100 == 0:
            current += TENS[word]
        elif word in UNITS and current % 10 == 0 and (current % 100 == 0 or UNITS[word] < 10):
            current += UNITS[word]
        elif word in ORDINALS and current % 10 == 0:
            current += ORDINALS[word]
            j += 1
            break
        elif word in SCALES and 0 < current < SCALES[word]:
            current *= SCALES[word]
            if word == "thousand":
                total, current = total + current, 0
        elif word == "and" and j > i and j + 1 < len(tokens) and (tokens[j + 1] in UNITS or tokens[j + 1] in TENS):
            pass
        else:
            break
        j += 1
    return total + current, j

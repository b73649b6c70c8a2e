"""Words of Han characters in pinyin, read as words, with the company-name words that Western
lists translate given in English (`glossary.han_words`).

Why pypinyin and not rigour's `ascii_text` (ICU's Han-Latin): ICU reads each character on its
own, so 银行 (bank) came out "yin xing", 长安 "zhang an", 厦门 "sha men", 乐清 "le qing"; pypinyin
reads phrases from its dictionary ("yin hang", "chang an", "xia men", "yue qing"), as the
romanised names in the lists are written. Syllables stay spaced, one token each, as ICU spaced
them: `compare_names` runs a name's words together when the other name has fewer
("shen zhen hua wei" is "Shenzhen Huawei"). A word with any other character is left to rigour
(None here).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.seg.mmseg import seg

from features.matching.glossary import han_words, is_han, is_han_text
from features.matching.rules import MAX_HAN_READ


@cache
def _glossary() -> tuple[re.Pattern, dict[str, str]]:
    words = han_words()
    return re.compile("(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"), words


def load() -> None:
    """Load pypinyin's dictionaries and the glossary's Han words now (once per process, from
    `names.warm_up`), not on a request's time."""
    _glossary()
    lazy_pinyin("中文")


@lru_cache(maxsize=100_000)
def _reading(segment: str) -> tuple[str, ...]:
    """pypinyin's reading of one segment of its own segmentation (a phrase of its dictionary or
    one character): cached, because pypinyin spends ~6 µs a character converting its readings,
    and a name's characters and phrases recur far more than the names do."""
    return tuple(lazy_pinyin(segment, style=Style.NORMAL, errors=_unread))


def _unread(text: str) -> list[str]:
    """A character pypinyin has no reading for (most of the rare extensions) as its code point:
    cheap, ASCII and the same on both sides, where ICU would take ~10 µs a character."""
    return [f"u{ord(ch):x}" for ch in text]


def han_ascii(word: str) -> str | None:
    """The pinyin of a word of Han characters (its first `MAX_HAN_READ`), syllables spaced, the
    glossary's words in English; None when `word` is not Han characters alone."""
    if not word or not is_han(word[0]) or not is_han_text(word):  # most words, at the first look
        return None
    word = word[:MAX_HAN_READ]
    pattern, words = _glossary()
    out: list[str] = []
    for i, piece in enumerate(pattern.split(word) if words else [word]):
        if i % 2 == 0:  # a run between glossary words (the split's captured words are the odd pieces): read
            if piece:
                for segment in seg.cut(piece):  # as `lazy_pinyin(piece)` segments it
                    out.extend(_reading(segment))
        elif words[piece]:
            out.append(words[piece])
    return " ".join(out)

"""Words of Han characters in pinyin, read as words, with the company-name words that Western
lists translate given in English (`glossary.han_words`).

Why pypinyin and not rigour's `ascii_text` (ICU's Han-Latin): ICU reads each character on its
own, so 银行 (bank) came out "yin xing", 长安 "zhang an", 厦门 "sha men", 乐清 "le qing"; pypinyin
reads phrases from its dictionary ("yin hang", "chang an", "xia men", "yue qing"), as the
romanised names in the lists are written. Syllables stay spaced, one token each, as ICU spaced
them: `compare_names` runs a name's words together when the other name has fewer
("shen zhen hua wei" is "Shenzhen Huawei"). A word with any other character, or with a
character pypinyin has no reading for, is left to rigour (None here).
"""

from __future__ import annotations

import re
from functools import cache

from pypinyin import Style, lazy_pinyin

from features.matching.glossary import han_words, is_han, is_han_text


@cache
def _glossary() -> tuple[re.Pattern, dict[str, str]]:
    words = han_words()
    return re.compile("(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"), words


def load() -> None:
    """Load pypinyin's dictionaries and the glossary's Han words now (once per process, from
    `names.warm_up`), not on a request's time."""
    _glossary()
    lazy_pinyin("中文")


def han_ascii(word: str) -> str | None:
    """The pinyin of a word of Han characters, syllables spaced, the glossary's words in English;
    None when `word` is not Han characters alone, or holds one pypinyin cannot read."""
    if not word or not is_han(word[0]) or not is_han_text(word):  # most words, at the first look
        return None
    pattern, words = _glossary()
    out: list[str] = []
    for i, piece in enumerate(pattern.split(word) if words else [word]):
        if i % 2 == 0:  # a run between glossary words (the split's captured words are the odd pieces): read
            if piece:
                syllables = lazy_pinyin(piece, style=Style.NORMAL, errors="default")
                if not all(s.isascii() and s.isalpha() for s in syllables):
                    return None
                out.extend(syllables)
        elif words[piece]:
            out.append(words[piece])
    return " ".join(out)

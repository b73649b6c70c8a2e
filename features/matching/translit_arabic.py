"""Arabic and Persian script in Latin letters, as a name's consonants, for matching.

Arabic writes consonants and long vowels but not short ones, so no transliteration recovers how
a name is spelt in Latin (محمد is Mohammed, Muhammad, Mohamed...); what every rendering keeps
is the consonants. So a word here becomes its consonants alone ("mhmd", "ftm" for فاطمة), which
the matcher compares with a Latin word's consonants (`names.spelling_rule`, "consonants"), and
the article ال is a word of its own ("al"), as Latin lists write it ("Al Futtaim"). Letters a
Latin rendering writes as a vowel or not at all (ا و ي ع ء ة and the hamza seats) are dropped;
a word-initial و, written "w", stays ("v", the skeleton's w). Written here because rigour's
transliteration (ICU's) spells the long vowels as consonants ("frnandw") and runs the article
into the word.
"""

from __future__ import annotations

import re

_LETTERS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "dh", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h",
    # Persian letters beyond the Arabic alphabet
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k",
    # written as vowels in Latin, or not at all: alif and its forms, waw, ya, ayn, hamza, ta marbuta
    **{ch: "" for ch in "اأإآٱىءئؤعةوي\u06cc"},
    # Arabic-Indic and Persian digits
    **{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)},
}
_TABLE = str.maketrans(_LETTERS)
# Words whose vowels every rendering writes the same way: particles of names.
_WORDS = {"بن": "bin", "بنت": "bint", "ابن": "ibn", "عبد": "abd", "ابو": "abu", "أبو": "abu", "ال": "al"}
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # short-vowel marks, shadda, sukun, tatweel
# A word of these letters, marks and digits only (and the Arabic comma); any other letter (Urdu's,
# say) leaves the word to rigour's transliteration.
_ARABIC = re.compile("^[" + "".join(_LETTERS) + "\u064b-\u065f\u0670\u0640\u060c]+$")
_ARTICLE = ("ال", "لل")  # "the"; "for the" (للتجارة, "for trade")


def is_arabic(word: str) -> bool:
    """Whether `word` is written in the Arabic script's letters this module reads (and not empty)."""
    return bool(_ARABIC.match(word))


def arabic_ascii(word: str) -> str:
    """A word of Arabic script (`is_arabic`) as its consonants, its article apart: "al ftm"."""
    word = _MARKS.sub("", word)
    if word in _WORDS:
        return _WORDS[word]
    article = ""
    if word.startswith(_ARTICLE) and len(word) > 3:
        article, word = ("al " if word[0] == "ا" else ""), word[2:]
    initial = "v" if word.startswith("و") else ""
    return article + initial + (word[1:] if initial else word).translate(_TABLE)

"""ASCII transliteration of one word, with fast paths for Russian and Kazakh Cyrillic and for Georgian.

Hand-written for speed: rigour's `ascii_text` (ICU4X's Cyrillic-Latin transform) costs ~10 us
per Cyrillic character, and a registry of a million entities has some 500,000 distinct Cyrillic
words, minutes of a snapshot build. The table below reproduces rigour 2.6.1's output exactly for
lower-case words made only of its letters, digits and common punctuation (quotes such as
«», which Russian company names carry); tests/features/matching/test_translit.py checks it against
rigour letter by letter, on every pair and a sample of triples in several contexts, with each
punctuation mark around and between them, and on the words of the bundled lists. Anything else
(capitals, Latin or other letters, other symbols) goes to rigour, as before.

rigour's transform is not letter by letter in general: "ий" or "ый" before the end of a run of
letters (the word's end, a digit or a punctuation mark) is "y", and some letters switch the
whole word to another language's scheme (Ukrainian "і" turns "г" into "h" and "и" into "y";
Serbian and Macedonian letters do similar things). Those letters are therefore left out of the
table, so words holding them take rigour's path.
"""

from __future__ import annotations

import re
import string

from rigour.text.translit import ascii_text

from features.matching.translit_arabic import arabic_ascii, is_arabic
from features.matching.translit_han import han_ascii
from features.matching.translit_hangul import hangul_ascii, is_hangul

# rigour's transliteration of each letter on its own and inside words (checked by the tests).
_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh (and Tatar, Bashkir, Tajik) letters beyond the Russian alphabet, except "і".
    "ә": "a", "ғ": "g", "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
}
LETTERS = "".join(_LETTERS)
# Marks and digits rigour keeps as they are, and the quotes and signs it spells in ASCII.
MARKS = {**{ch: ch for ch in string.punctuation + string.digits},
          "«": "<<", "»": ">>", "“": '"', "”": '"', "„": ",,", "‘": "'", "’": "'", "№": "No"}
_KNOWN = LETTERS + "".join(MARKS)
_TABLE = str.maketrans({**_LETTERS, **MARKS})

# Georgian (Mkhedruli, and the archaic letters rigour spells) is letter by letter in rigour 2.6.1,
# as are the marks below around it; others (« », + < > ^ $ ...) it drops in Georgian words, so
# words holding them take rigour's path.
_GEORGIAN = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i", "კ": "k",
    "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh", "რ": "r", "ს": "s", "ტ": "t", "უ": "u",
    "ფ": "p", "ქ": "k", "ღ": "gh", "ყ": "k", "შ": "sh", "ჩ": "ch", "ც": "ts", "ძ": "dz", "წ": "ts",
    "ჭ": "ch", "ხ": "kh", "ჯ": "j", "ჰ": "h", "ჳ": "ui", "ჴ": "q", "ჼ": "n",
}
GEORGIAN = "".join(_GEORGIAN)
_GEORGIAN_MARKS = {ch: MARKS[ch] for ch in "!\"#%&'()*,-./:;?@[\\]_{}0123456789“”„‘’№"}
_GEORGIAN_KNOWN = GEORGIAN + "".join(_GEORGIAN_MARKS)
_GEORGIAN_TABLE = str.maketrans({**_GEORGIAN, **_GEORGIAN_MARKS})
# "ий" and "ый" ending a run of letters are "y", as "ы" is: rewritten to "ы" before the table.
_FINAL = re.compile(f"[иы]й(?![{LETTERS}])")


def ascii_word(word: str) -> str:
    """rigour's `ascii_text(word)`, without rigour's cost when every character of the word is
    in the table (`word` is one word: a space is outside the table) or the Georgian one, a Hangul syllable
    (`features.matching.translit_hangul`) or a Han character (`features.matching.translit_han`);
    a word of Arabic script is its consonants (`features.matching.translit_arabic`)."""
    if is_hangul(word):
        return hangul_ascii(word)
    if is_arabic(word):
        return arabic_ascii(word)
    if (han := han_ascii(word)) is not None:
        return han
    if not word or word.strip(_KNOWN):  # empty, or some character outside the table
        if word and not word.strip(_GEORGIAN_KNOWN) and word.strip("".join(_GEORGIAN_MARKS)):
            return word.translate(_GEORGIAN_TABLE)  # Georgian letters (at least one) and their marks
        return ascii_text(word)
    if "й" in word:
        word = _FINAL.sub("ы", word)
    return word.translate(_TABLE)

"""The Hangul tables of `features.matching.translit_hangul` give exactly rigour's `ascii_text`."""

import itertools
import random

from rigour.text.translit import ascii_text

from features.matching.translit import ascii_word
from features.matching.translit_hangul import FINALS, INITIALS, SILENT, VOWELS, hangul_ascii, is_hangul


def _syllable(initial: int, vowel: int, final: int) -> str:
    return chr(0xAC00 + (initial * len(VOWELS) + vowel) * len(FINALS) + final)


def test_every_syllable_is_rigours():
    for code in range(0xAC00, 0xD7A4):
        assert hangul_ascii(chr(code)) == ascii_text(chr(code)), chr(code)


def test_every_final_before_every_initial_and_vowel_before_vowel_is_rigours():
    rng = random.Random(2)
    pairs = [(_syllable(rng.randrange(len(INITIALS)), rng.randrange(len(VOWELS)), final),
              _syllable(initial, rng.randrange(len(VOWELS)), rng.randrange(len(FINALS))))
             for final, initial in itertools.product(range(len(FINALS)), range(len(INITIALS)))]
    pairs += [(_syllable(rng.randrange(len(INITIALS)), first, 0), _syllable(SILENT, second, rng.randrange(len(FINALS))))
              for first, second in itertools.product(range(len(VOWELS)), repeat=2)]
    for a, b in pairs:
        assert hangul_ascii(a + b) == ascii_text(a + b), a + b


def test_random_words_are_rigours_and_other_words_go_to_rigour():
    rng = random.Random(3)
    words = ["".join(chr(rng.randrange(0xAC00, 0xD7A4)) for _ in range(rng.randint(1, 16))) for _ in range(2000)]
    words += ["조선광선은행", "대한민국", "삼성전자", "한국항공우주산업"]
    for word in words:
        assert is_hangul(word) and ascii_word(word) == ascii_text(word), word
    for word in ("", "삼성2", "ㄱ", "삼성a"):
        assert not is_hangul(word)
        assert ascii_word(word) == ascii_text(word), word

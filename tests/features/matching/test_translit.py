"""The hand-written Cyrillic and Georgian tables of `features.matching.translit` give exactly rigour's `ascii_text`."""

import itertools
import random
from pathlib import Path

import pytest
from rigour.text.translit import ascii_text

from features.lists import read_list
from features.lists.entities import Entity
from features.matching.translit import GEORGIAN, LETTERS, MARKS, ascii_word

DEFAULT_LISTS = Path(__file__).resolve().parents[3] / "service" / "data" / "default_lists"
# Letters around the tested ones: a consonant, a vowel, a word boundary.
CONTEXTS = ("{}", "к{}к", "а{}а", "{}к", "к{}", "о{}", "{}о")


def test_each_letter_is_rigours():
    for letter in LETTERS:
        assert ascii_word(letter) == ascii_text(letter), letter


def test_every_pair_of_letters_in_context_is_rigours():
    for a, b in itertools.product(LETTERS, repeat=2):
        for context in CONTEXTS:
            word = context.format(a + b)
            assert ascii_word(word) == ascii_text(word), word
        word = f"{a}мама{b}"  # two letters apart: no rule reaching across a word
        assert ascii_word(word) == ascii_text(word), word


def test_triples_and_longer_words_are_rigours():
    rng = random.Random(1)
    triples = rng.sample(list(itertools.product(LETTERS, repeat=3)), 3000)
    words = ["".join(t) for t in triples] + ["".join(rng.choices(LETTERS, k=rng.randint(4, 14))) for _ in range(3000)]
    for word in words:
        assert ascii_word(word) == ascii_text(word), word


def test_marks_around_and_between_letters_are_rigours():
    for mark in MARKS:
        assert ascii_word(mark) == ascii_text(mark), mark
        for letter in LETTERS:
            words = (mark + letter, letter + mark, f"к{letter}{mark}к", f"{mark}и{letter}", f"и{letter}{mark}{mark}")
            for word in words:
                assert ascii_word(word) == ascii_text(word), word
    rng = random.Random(2)
    for _ in range(3000):
        word = "".join(rng.choices(LETTERS + "".join(MARKS) + "ийый" * 3, k=rng.randint(2, 12)))
        assert ascii_word(word) == ascii_text(word), word


@pytest.mark.parametrize("word", ["дмитрий", "красный", "сергей", "ёлка", "подъём", "щука", "қазақстан", "өскемен",
                                  "ЩУКА", "Юрий", "київ", "іго", "ђорђе", "ооо1", "ала_тоо", "abc", "", "мир-2",
                                  "«дмитрий»", "«ромашка", "№1", "ий«ий", "«ооо»", "aбв", "мир€"])
def test_words_outside_the_table_go_to_rigour(word):
    assert ascii_word(word) == ascii_text(word)


def test_words_of_the_bundled_lists_are_rigours():
    words = {w for path in (DEFAULT_LISTS / "uk-fcdo").glob("*.csv.gz") for r in read_list(path) if isinstance(r, Entity)
             for name in r.names for w in name.casefold().split()}
    assert len(words) > 1000
    assert [w for w in words if ascii_word(w) != ascii_text(w)] == []


def test_georgian_words_with_their_marks_are_rigours():
    rng = random.Random(7)
    marks = "!\"#%&'()*,-./:;?@[\\]_{}0123456789“”„‘’№"
    for letter in GEORGIAN:
        assert ascii_word(letter) == ascii_text(letter)
    for _ in range(3000):
        word = "".join(rng.choice(marks) if rng.random() < 0.2 else rng.choice(GEORGIAN) for _ in range(rng.randint(1, 14)))
        assert ascii_word(word) == ascii_text(word), word
    for word in ("«თბილისი»", "თბ+ილ", "თბილისიк", "ⴀⴁ", "ᲐᲑᲒ", "12-3"):  # dropped marks, other scripts, capitals, no letter
        assert ascii_word(word) == ascii_text(word), word

"""The Han table of `features.matching.translit_han` gives exactly rigour's `ascii_text`."""

import random

import pytest
from rigour.text.translit import ascii_text

from features.matching import translit_han
from features.matching.translit import ascii_word


@pytest.fixture(scope="module")
def table() -> list[str]:
    translit_han.load()
    return list(translit_han._READINGS)


def test_words_of_han_characters_are_rigours(table):
    rng = random.Random(4)
    words = ["".join(rng.choice(table) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    words += ["中华人民共和国", "中国银行股份有限公司", "北京", "西安", "长城", "音乐", "行长"]
    for word in words:
        assert translit_han.han_ascii(word) == ascii_text(word), word


def test_the_characters_read_by_context_and_other_words_go_to_rigour(table):
    for word in ("重庆", "重要", "沈阳", "秘鲁", "藏文", "西藏", "中国a", "中2", "ｱ", "abc", ""):
        assert translit_han.han_ascii(word) is None
        assert ascii_word(word) == ascii_text(word), word

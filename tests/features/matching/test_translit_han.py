"""Han words in pinyin as names are romanised (`features.matching.translit_han`): read as words
by pypinyin, the glossary's company words in English. The names are public ones (banks, cities,
a head of state) or built from the words of such names; none of the offline list files carries
Han script."""

import random

import pytest
from rigour.text.translit import ascii_text

from features.matching import translit_han
from features.matching.glossary import HAN_RANGES, han_words
from features.matching.names import compare_names, name_key
from features.matching.rules import MATCH_THRESHOLD
from features.matching.translit import ascii_word


@pytest.mark.parametrize("word, reading", [
    ("银行", "bank"), ("长安", "chang an"), ("厦门", "xia men"), ("乐清", "yue qing"), ("重庆", "chong qing"),
    ("沈阳", "shen yang"), ("习近平", "xi jin ping"), ("深圳市华为技术有限公司", "shen zhen hua wei technology"),
])
def test_words_are_read_as_words_and_company_words_translated(word, reading):
    assert translit_han.han_ascii(word) == reading


@pytest.mark.parametrize("native, romanised", [
    ("中国银行", "Bank of China"), ("中国工商银行", "Industrial and Commercial Bank of China"),
    ("深圳市华为技术有限公司", "Shenzhen Huawei Technology Co., Ltd."),
    ("沈阳精诚机械有限公司", "SHENYANG JINGCHENG MACHINERY CO LTD"),
    ("香港明辉电子贸易有限公司", "Hong Kong Minghui Electronics Trading Limited"),
    ("厦门航空", "Xiamen Airlines"),
])
def test_a_name_in_han_characters_matches_its_listed_romanisation(native, romanised):
    assert compare_names(name_key(native), name_key(romanised), schema="Company") >= MATCH_THRESHOLD


def test_readings_are_pypinyins_own():
    from pypinyin import Style, lazy_pinyin

    rng = random.Random(5)
    chars = [chr(c) for c in range(0x4E00, 0xA000)]
    words = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 20))) for _ in range(500)] + ["长安汽车厦门"]
    for word in [w for w in words if not any(g in w for g in han_words())]:  # no glossary word to translate
        assert translit_han.han_ascii(word) == " ".join(lazy_pinyin(word, style=Style.NORMAL, errors=translit_han._unread))


def test_every_han_word_reads_in_ascii():
    rng = random.Random(4)
    chars = [chr(c) for a, b in HAN_RANGES for c in range(a, b + 1)]
    for _ in range(2000):
        word = "".join(rng.choice(chars) for _ in range(rng.randint(1, 12)))
        reading = translit_han.han_ascii(word)
        assert reading.isascii() and reading.replace(" ", "").isalnum(), word


def test_other_words_go_to_rigour():
    for word in ("中国a", "中2", "ｱ", "abc", ""):
        assert translit_han.han_ascii(word) is None
        assert ascii_word(word) == ascii_text(word), word

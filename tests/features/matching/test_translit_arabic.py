"""Arabic and Persian script read as a name's consonants, matched to Latin renderings of the name.

The cases are public names (heads of state, Gulf companies) in Arabic script and in the Latin
spellings lists and registries give them, written out here for the test (none of the offline
list files carries Arabic script)."""

from __future__ import annotations

import pytest

from features.matching.names import compare_names, name_key, word_block_keys
from features.matching.rules import MATCH_THRESHOLD
from features.matching.translit_arabic import arabic_ascii, is_arabic
from tests.features.matching.test_prefilter import _check_pairs, _snapshot


@pytest.mark.parametrize("word, latin", [
    ("محمد", "mhmd"), ("مُحَمَّد", "mhmd"), ("الفطيم", "al ftm"), ("فاطمة", "ftm"), ("وليد", "vld"),
    ("بن", "bin"), ("سلمان", "slmn"), ("پزشکیان", "pzshkn"), ("للتجارة", "tjr"), ("١٢", "12"), ("۴۴", "44"),
])
def test_a_word_is_its_consonants_and_the_article_a_word_of_its_own(word, latin):
    assert is_arabic(word) and arabic_ascii(word) == latin


@pytest.mark.parametrize("arabic, latin, schema", [
    ("محمد بن سلمان", "Mohammed bin Salman", "Person"),
    ("محمد بن سلمان", "Muhammad bin Salman", "Person"),
    ("فاطمة", "Fatima", "Person"),
    ("وليد", "Walid", "Person"),
    ("مسعود پزشکیان", "Masoud Pezeshkian", "Person"),
])
def test_arabic_script_matches_its_latin_renderings(arabic, latin, schema):
    assert compare_names(name_key(arabic), name_key(latin), schema=schema) >= MATCH_THRESHOLD


def test_numbers_in_arabic_digits_are_numbers():
    assert name_key("Fund ١٢").tokens == ("fund", "12")


def test_two_names_in_arabic_script_one_word_apart_do_not_match():
    assert compare_names(name_key("محمد شياع السوداني"), name_key("محمد شريف السوداني"), schema="Person") < MATCH_THRESHOLD


def test_an_acronym_is_no_words_consonants():
    """A word without vowels matches another's consonants only when that one has vowels."""
    assert compare_names(name_key("CSYC"), name_key("KSK"), schema="Company") < MATCH_THRESHOLD
    assert compare_names(name_key("Sapio"), name_key("SPP"), schema="Company") < MATCH_THRESHOLD


def test_blocking_puts_the_latin_spelling_forward():
    for arabic, latin in [("محمد", "mohammed"), ("فاطمة", "fatima"), ("سلمان", "salman")]:
        [word] = name_key(arabic).tokens
        assert set(word_block_keys(word)) & set(word_block_keys(latin)), (arabic, latin)


def test_the_c_bound_holds_for_consonant_words(tmp_path):
    listed = ["Mohammed bin Salman", "Fatima Al Futtaim", "Walid Trading", "KSK", "Masoud Pezeshkian", "Sudani"]
    snapshot = _snapshot(tmp_path, listed)
    queries = ["محمد بن سلمان", "فاطمة الفطيم", "وليد", "CSYC", "مسعود پزشکیان", "السوداني", "MHMD BN SLMN"]
    _check_pairs(snapshot, [(q, i) for q in queries for i in range(len(listed))])

"""Company names and their translations share a key (`features.matching.glossary`); numbers
written as words are digits (`features.matching.numbers`). Names from public lists and
registries, or built from their words where noted."""

from __future__ import annotations

import pytest

from features.matching.glossary import Glossary, place_stem
from features.matching.names import compare_names, name_key, skeleton
from features.matching.numbers import digits
from features.matching.rules import DIFFERENT_NUMBERS, MATCH_THRESHOLD


@pytest.mark.parametrize("native, translated", [
    ("Муромский приборостроительный завод", "Murom Instrument-Making Plant"),
    ("ООО «Специальный технологический центр»", "Special Technology Centre LLC"),
    ("Научно-производственное объединение «Альтаир»", "NPO Altair"),
    ("АО «Научно-производственное предприятие «Исток»", "JSC NPP Istok"),
    ("АО «Концерн «Созвездие»", "JSC Concern Sozvezdie"),
    ("Научно-исследовательский институт «Полюс»", "Research Institute Polyus"),
    ("ТОО «Казахстанская инжиниринговая компания»", "Kazakhstan Engineering Company"),  # built from its words
    ("Aselsan Elektronik Sanayi ve Ticaret A.Ş.", "ASELSAN ELEKTRONIK SAN. VE TIC. A.S."),
    ("Tekhnologicheskiy Tsentr", "Technology Center"),  # another romanisation finds the entry too
    ("Бespilotnye letatelnye apparaty", "Unmanned Aerial Vehicles"),
    ("UAV", "Unmanned Aerial Vehicle"),
])
def test_a_name_and_its_translation_match(native, translated):
    assert compare_names(name_key(native), name_key(translated), schema="Company") >= MATCH_THRESHOLD


def test_the_longest_phrase_is_taken_and_other_words_kept():
    table = Glossary([("plant", "zavod~|works"), ("", "nauchno proizvodstvennoe obedinen~|npo"),
                      ("association", "obedinen~")], skeleton)
    tokens = ["nauchno", "proizvodstvennoe", "obedinenie", "zavodskaya", "zavoda", "kestrel"]
    assert table.translate(tokens) == ("zavodskaya", "plant", "kestrel")
    assert table.translate(["obedinenie"]) == ("association",)
    assert table.translate(["kestrel"]) is None


def test_adjectives_of_places_keep_the_place():
    assert place_stem("muromsky") == place_stem("muromskaya") == "murom"
    assert place_stem("kowalski") == "kowalski"  # Polish, not an adjective of a place
    assert place_stem("sky") == "sky"


@pytest.mark.parametrize("words, expected", [
    ("brigade fourty four", ("brigade", "44")), ("1st rifle division", ("1", "rifle", "division")),
    ("first rifle division", ("1", "rifle", "division")), ("twenty second regiment", ("22", "regiment")),
    ("two hundred and one", ("201",)), ("one belt one road", None), ("second hand", None),
])
def test_numbers_written_as_words_are_digits(words, expected):
    tokens = tuple(words.split())
    assert (digits(tokens) or tokens) == (expected or tokens)  # None: the words stay words


def test_numbers_as_words_agree_with_digits():
    assert compare_names(name_key("Brigade Fourty-four"), name_key("Brigade 44"), schema="Organization") == 1.0
    assert compare_names(name_key("Brigade Forty-three"), name_key("Brigade 44"), schema="Organization") == DIFFERENT_NUMBERS

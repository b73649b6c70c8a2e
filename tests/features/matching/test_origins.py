"""Where each word of a name's key comes from (the match evidence's "written as" and "via")."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from features.matching.explain import explain
from features.matching.names import name_key
from features.matching.origins import origins
from features.matching.rules import DIFFERENT_NUMBERS

ROOT = Path(__file__).resolve().parents[3]
SPELLINGS = ROOT / "tests" / "fixtures" / "names" / "party_spellings.csv"


def sample_names() -> list[str]:
    """Names in every script and shape the repository holds: its bench of party spellings and the
    parties of its examples, and some with numbers, legal forms alone and acronyms."""
    names = [n for row in csv.DictReader(SPELLINGS.open(encoding="utf-8")) for n in (row["name1"], row["name2"])]
    for path in (ROOT / "examples").glob("*.json"):
        data = json.loads(path.read_text())
        for shipment in data.get("shipments", [data]):
            names += [p["name"] for p in shipment.get("parties", [])]
    return names + ["Brigade Forty-four", "TOO", "ООО", "Fund VIII L.P.", "22nd Century Trading", "The Of",
                    "深圳市华为技术有限公司", "شركة الفا للتجارة", "БПЛА Сервис", "Ала-Тоо", "ОсОО «Ала-Тоо»"]


@pytest.mark.parametrize("name", sample_names())
def test_origins_yield_exactly_the_keys_words(name):
    assert [word for word, _, _ in origins(name)] == list(name_key(name).tokens)


def test_each_word_says_how_it_became_the_keys():
    murom, instrument, making, plant = origins("Муромский приборостроительный завод")
    assert murom == ("murom", "муромский", ("transliteration", "place adjective"))
    assert instrument[1:] == making[1:] == ("приборостроительный", ("transliteration", "translation"))
    assert plant == ("plant", "завод", ("transliteration", "translation"))
    assert [o[2] for o in origins("UAV Systems")] == [("acronym",)] * 3 + [()]
    assert origins("Brigade Forty-four")[1] == ("44", "forty-four", ("number in words",))
    assert origins("ООО «Специальный технологический центр»")[0][1] == "специальный"  # no quotes


def test_match_evidence_names_the_rule_and_the_words_written():
    party, listed = "Муромский приборостроительный завод", "Murom Instrument-Making Plant"
    words = explain(name_key(party), name_key(listed), "Company", origins(party), origins(listed))
    plant = next(w for w in words if w["party"] == "plant")
    assert plant["party_written"] == "завод" and plant["party_via"] == ["transliteration", "translation"]
    assert "listed_written" not in plant  # written as compared: nothing to say
    numbered = explain(name_key("Fund VIII"), name_key("Fund IX"), "Company")
    assert numbered[0] == {"party": "viii", "listed": "ix", "similarity": DIFFERENT_NUMBERS, "rule": "different numbers"}

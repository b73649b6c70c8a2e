"""The UN Security Council Consolidated List reader, on `un_sc_2026-02-27_excerpt.xml` (three
individuals and three entities of the real 2026-02-27 list, byte for byte: see
tests/fixtures/lists/README.md) and, when shared/ is present, on the full file."""

import datetime as dt
import gzip
from collections import Counter

import pytest

from features.lists import ListFormatError, detect_format
from features.lists.entities import Entity
from features.lists.eu_fsf import looks_like_eu_fsf
from features.lists.files import read_head
from features.lists.un_sc import as_of, looks_like_un_sc, read_un_sc

EXCERPT = "un_sc_2026-02-27_excerpt.xml"
FULL = "lists-2026/un/UN_consolidated_2026-02-27.xml"


def _entities(path):
    records = list(read_un_sc(path))
    assert all(isinstance(r, Entity) for r in records)
    return {e.id: e for e in records}


def _refused(path, line):
    with pytest.raises(ListFormatError) as error:
        list(read_un_sc(path))
    assert error.value.path == path and error.value.line == line
    assert f"{path}:{line}:" in str(error.value)
    return error.value


def test_detected_and_dated(lists):
    path = lists / EXCERPT
    assert detect_format(path) == "un-sc" and looks_like_un_sc(read_head(path))
    assert as_of(path) == dt.date(2026, 2, 27)


def test_other_formats_not_taken_for_it(lists):
    assert not looks_like_un_sc(read_head(lists / "eu_fsf_handmade.xml"))
    assert not looks_like_un_sc(read_head(lists / "csl_handmade.csv"))
    assert not looks_like_un_sc(read_head(lists / "ofac_sdn" / "sdn.csv"))
    assert not looks_like_un_sc(b'{"id": "x", "schema": "Company", "properties": {"notes": ["<CONSOLIDATED_LIST>"]}}\n')
    assert not looks_like_eu_fsf(read_head(lists / EXCERPT))


def test_individuals(lists):
    entities = _entities(lists / EXCERPT)
    assert list(entities) == ["un-sc-KPi.001", "un-sc-QDi.139", "un-sc-QDi.365",
                              "un-sc-KPe.002", "un-sc-KPe.020", "un-sc-QDe.131"]
    yun = entities["un-sc-KPi.001"]
    assert yun.schema == "Person" and yun.names == ["YUN HO-JIN", "Yun Ho-chin"]
    assert yun.countries == ["kp"] and yun.addresses == ["Pyongyang, Democratic People's Republic of Korea"]
    assert yun.sanctions == ["UN Security Council (DPRK): KPi.001, listed 2009-07-16"]
    assert yun.source == EXCERPT and yun.identifiers == [] and yun.incorporation_date is None


def test_original_script_and_low_quality_aliases(lists):
    entities = _entities(lists / EXCERPT)
    # Aliases of QUALITY "Low" ("Zarga", "Nadra"; "Odnorukiy" and its Cyrillic) are skipped; the
    # original-script spelling a good alias's NOTE gives is a name.
    assert entities["un-sc-QDi.139"].names == ["IMED BEN MEKKI ZARKAOUI", "عماد بن مكي زرقاوي", "Dour Nadre",
                                               "Daour Nadre", "Imad ben al-Mekki ben al-Akhdar al-Zarkaoui"]
    assert entities["un-sc-QDi.365"].names == ["AKHMED RAJAPOVICH CHATAEV", "Ахмед Ражапович Чатаев",
                                               "Akhmad Shishani", "Ахмад Шишани", "David Mayer", "Давид Майер",
                                               "Elmir Sene", "Эльмир Сене"]
    assert entities["un-sc-QDi.139"].addresses == ["41-45 Rue Estienne d’Orves, Pré Saint Gervais, France"]
    assert entities["un-sc-QDi.139"].countries == ["tn", "fr"]
    # Addresses that name only a country are countries, not address lines.
    assert entities["un-sc-QDi.365"].countries == ["ru", "sy", "iq"] and entities["un-sc-QDi.365"].addresses == []
    assert entities["un-sc-QDi.365"].sanctions == ["UN Security Council (Al-Qaida): QDi.365, listed 2015-10-02"]


def test_entities(lists):
    entities = _entities(lists / EXCERPT)
    ryonbong = entities["un-sc-KPe.002"]
    assert ryonbong.schema == "Organization"
    assert ryonbong.names == ["KOREA RYONBONG GENERAL CORPORATION", "KOREA YONBONG GENERAL CORPORATION",
                              "LYONGAKSAN GENERAL TRADING CORPORATION"]  # a.k.a. and f.k.a. both screened
    assert ryonbong.addresses == ["Pot’onggang District, Pyongyang, Democratic People's Republic of Korea",
                                  "Rakwon-dong, Pothonggang District, Pyongyang, Democratic People's Republic of Korea"]
    omm = entities["un-sc-KPe.020"]
    assert [(i.scheme, i.value) for i in omm.identifiers] == [("registration_number", "IMO1790183")]
    assert omm.sanctions == ["UN Security Council (DPRK): KPe.020, listed 2014-07-28"]
    kavkaz = entities["un-sc-QDe.131"]  # empty alias and address elements
    assert kavkaz.names == ["EMARAT KAVKAZ", "Эмират Кавказ"] and kavkaz.countries == [] and kavkaz.addresses == []


def test_gzip_copy_reads_the_same(lists, tmp_path):
    path = tmp_path / "un.xml.gz"
    path.write_bytes(gzip.compress((lists / EXCERPT).read_bytes()))
    assert detect_format(path) == "un-sc" and as_of(path) == dt.date(2026, 2, 27)
    plain, packed = _entities(lists / EXCERPT), _entities(path)
    assert [(e.id, e.names, e.countries, e.sanctions) for e in packed.values()] == \
           [(e.id, e.names, e.countries, e.sanctions) for e in plain.values()]


def test_full_list(shared_data):
    path = shared_data / FULL
    if not path.is_file():
        pytest.skip(f"{path} not available")
    assert detect_format(path) == "un-sc" and as_of(path) == dt.date(2026, 2, 27)
    entities = _entities(path)
    # Every entry is read: no entry is skipped, and REFERENCE_NUMBERs are unique.
    assert Counter(e.schema for e in entities.values()) == {"Person": 730, "Organization": 273}
    omm = entities["un-sc-KPe.020"]
    assert omm.names[0] == "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)" and "East Sea Shipping Company" in omm.names
    assert omm.countries == ["kp"] and omm.sanctions == ["UN Security Council (DPRK): KPe.020, listed 2014-07-28"]
    assert entities["un-sc-KPe.056"].id == "un-sc-KPe.056"  # written "KPe.056 " in the file
    assert all(e.sanctions and e.names for e in entities.values())


# Malformed files: each refused with the line named.

def _lines(lists):
    return (lists / EXCERPT).read_bytes().split(b"\n")


def test_truncated_file(lists, tmp_path):
    path = tmp_path / "un.xml"
    path.write_bytes(b"\n".join(_lines(lists)[:60]) + b"\n      <LIST_")
    _refused(path, 61)


def test_truncated_gzip(lists, tmp_path):
    path = tmp_path / "un.xml.gz"
    packed = gzip.compress((lists / EXCERPT).read_bytes())
    path.write_bytes(packed[:len(packed) - 4])  # the data complete, the gzip trailer cut
    assert "compressed stream" in _refused(path, 301).message


def test_not_well_formed(lists, tmp_path):
    path = tmp_path / "un.xml"
    lines = _lines(lists)
    assert lines[9] == b"      <REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER>"
    lines[9] = b"      <REFERENCE_NUMBER>KPi.001</REFERENCE>"
    path.write_bytes(b"\n".join(lines))
    _refused(path, 10)


def test_wrong_root(lists, tmp_path):
    path = tmp_path / "un.xml"
    path.write_bytes((lists / EXCERPT).read_bytes().replace(b"CONSOLIDATED_LIST", b"SANCTIONS_LIST"))
    assert "<SANCTIONS_LIST>" in _refused(path, 2).message


@pytest.mark.parametrize("removed", [
    [b"      <FIRST_NAME>IMED</FIRST_NAME>\n", b"      <SECOND_NAME>BEN MEKKI</SECOND_NAME>\n",
     b"      <THIRD_NAME>ZARKAOUI</THIRD_NAME>\n"],
    [b"      <DATAID>111922</DATAID>\n", b"      <REFERENCE_NUMBER>QDi.139</REFERENCE_NUMBER>\n"],
], ids=["no name", "no id"])
def test_entry_without_a_name_or_id(lists, tmp_path, removed):
    path = tmp_path / "un.xml"
    data = (lists / EXCERPT).read_bytes()
    for line in removed:
        assert data.count(line) == 1
        data = data.replace(line, b"")
    path.write_bytes(data)
    _refused(path, 45)  # the <INDIVIDUAL> of QDi.139, before the lines taken out


def test_external_entities_are_not_read(tmp_path):
    path = tmp_path / "un.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                     b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&e;</FIRST_NAME>"
                     b"</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n")
    error = _refused(path, 3)
    assert "root:" not in str(error) and "DOCTYPE" in error.message
    with pytest.raises(ListFormatError):
        as_of(path)

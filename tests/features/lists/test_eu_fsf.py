"""The EU FSF reader on `eu_fsf_handmade.xml`: NOT real data. No sample of the EU's
xmlFullSanctionsList_1_1 could be found offline, so the fixture (and the reader) are built from
the published schema, with invented names and numbers (see tests/fixtures/lists/README.md)."""

import datetime as dt
import gzip

import pytest

from features.lists import ListFormatError, detect_format
from features.lists.entities import Entity
from features.lists.eu_fsf import as_of, looks_like_eu_fsf, read_eu_fsf
from features.lists.files import read_head

FIXTURE = "eu_fsf_handmade.xml"


def _entities(path):
    records = list(read_eu_fsf(path))
    assert all(isinstance(r, Entity) for r in records)
    return {e.id: e for e in records}


def _refused(path, line):
    with pytest.raises(ListFormatError) as error:
        list(read_eu_fsf(path))
    assert error.value.path == path and error.value.line == line
    assert f"{path}:{line}:" in str(error.value)
    return error.value


def test_detected_and_dated(lists):
    path = lists / FIXTURE
    assert detect_format(path) == "eu-fsf" and looks_like_eu_fsf(read_head(path))
    assert as_of(path) == dt.date(2026, 2, 26)  # generationDate 2026-02-26T18:01:46.367+01:00, the publisher's day


def test_sniffer(lists):
    assert looks_like_eu_fsf(b'<?xml version="1.0"?>\n<export generationDate="2026-01-01">\n<sanctionEntity logicalId="1">')
    assert not looks_like_eu_fsf(read_head(lists / "csl_handmade.csv"))
    assert not looks_like_eu_fsf(b'{"id": "x", "schema": "Company", "properties": {"notes": ["<export> sanctionEntity"]}}\n')
    assert not looks_like_eu_fsf(b'<?xml version="1.0"?>\n<export><table/></export>')  # some other export


def test_russian_company(lists):
    company = _entities(lists / FIXTURE)["eu-fsf-EU.9901.12"]
    assert company.schema == "Organization" and company.source == FIXTURE
    # Strong names in every script, the primary first; the weak alias "Primer" is not screened.
    assert company.names == ["Joint Stock Company Primer Priborostroenie", "Акционерное общество «Пример Приборостроение»",
                             "АО «Пример Приборостроение»"]
    assert company.countries == ["ru"]
    # regnumber and fiscalcode of a Russian company: OGRN and INN when the checksum validates, else a registration number.
    assert [(i.scheme, i.value, i.valid) for i in company.identifiers] == [
        ("ogrn", "1027718609137", True), ("inn", "7760181590", True), ("registration_number", "1027718609138", True)]
    assert company.incorporation_date == dt.date(2002, 7, 22)
    assert company.addresses == ["ul. Primernaya, d. 1, 101000, Moscow, RUSSIAN FEDERATION"]
    assert company.phones == ["+7 000 000-00-01", "+7 000 000-00-02"] and company.emails == ["info@primer-pribor.example"]
    # Designated 2022-06-03; the 2024 amendment does not move the date.
    assert company.sanctions == ["EU FSF (RUS): EU.9901.12, designated 2022-06-03"]


def test_person(lists):
    person = _entities(lists / FIXTURE)["eu-fsf-EU.9902.34"]
    assert person.schema == "Person"
    # Latin, Cyrillic and Greek (its wholeName empty: built from first, middle and last name);
    # "Vanya" is strong="true" but its remark calls it a low quality alias.
    assert person.names == ["Ivan Petrovich Obraztsov", "Иван Петрович Образцов", "Ιβάν Πέτροβιτς Ομπράζτσοφ"]
    assert person.countries == ["ru", "ae"]  # citizenship, then addresses
    assert person.addresses == ["Saint Petersburg, RUSSIAN FEDERATION"]  # the UAE address names only a country
    assert person.identifiers == [] and person.incorporation_date is None  # a passport maps onto no scheme
    assert person.sanctions == ["EU FSF (UKR): EU.9902.34, designated 2023-02-25"]


def test_un_linked_entry(lists):
    entry = _entities(lists / FIXTURE)["eu-fsf-EU.9903.56"]
    assert entry.names == ["Korea Example Maritime Trading Company", "조선예시해운무역회사"]
    assert entry.countries == ["kp"]
    assert entry.addresses == ["Example-dong, Central District, PO Box 120, Pyongyang, NORTH KOREA"]
    assert [(i.scheme, i.value) for i in entry.identifiers] == [("registration_number", "IMO5999999")]
    # No designationDate: the earliest regulation's entry into force, not the 2023 amendment's.
    assert entry.sanctions == ["EU FSF (PRK): EU.9903.56, designated 2017-08-11 (UN listing KPe.999)"]


def test_entry_without_reference_number(lists):
    entry = _entities(lists / FIXTURE)["eu-fsf-990004"]
    assert entry.names == ["Example Logistics Minsk LLC", "ТАА «Прыклад Лагістыка»"]
    assert entry.countries == ["by", "ru"]
    # A regnumber without its own country takes the entry's: a valid INN of a Russia-linked company.
    assert [(i.scheme, i.value) for i in entry.identifiers] == [("inn", "7730166139")]
    assert entry.sanctions == ["EU FSF (BLR): logicalId 990004, designated 2024-12-16",
                               "EU FSF (RUS): logicalId 990004, designated 2024-12-16"]


def test_gzip_copy_reads_the_same(lists, tmp_path):
    path = tmp_path / "fsf.xml.gz"
    path.write_bytes(gzip.compress((lists / FIXTURE).read_bytes()))
    assert detect_format(path) == "eu-fsf" and as_of(path) == dt.date(2026, 2, 26)
    plain, packed = _entities(lists / FIXTURE), _entities(path)
    assert [(e.id, e.names, e.identifiers, e.sanctions) for e in packed.values()] == \
           [(e.id, e.names, e.identifiers, e.sanctions) for e in plain.values()]


# Malformed files: each refused with the line named.

def _lines(lists):
    return (lists / FIXTURE).read_bytes().split(b"\n")


def test_truncated_file(lists, tmp_path):
    path = tmp_path / "fsf.xml"
    path.write_bytes(b"\n".join(_lines(lists)[:20]) + b'\n        <nameAlias wholeName="Ivan')
    _refused(path, 21)


def test_truncated_gzip(lists, tmp_path):
    path = tmp_path / "fsf.xml.gz"
    data = (lists / FIXTURE).read_bytes()
    packed = gzip.compress(data)
    path.write_bytes(packed[:len(packed) - 4])
    assert "compressed stream" in _refused(path, data.count(b"\n") + 1).message


def test_not_well_formed(lists, tmp_path):
    path = tmp_path / "fsf.xml"
    lines = _lines(lists)
    assert lines[13].lstrip().startswith(b"<subjectType")
    lines[13] = lines[13].replace(b"/>", b">")  # line 14 never closed: the mismatch shows at </sanctionEntity>
    path.write_bytes(b"\n".join(lines))
    assert "mismatch" in _refused(path, 28).message


def test_wrong_root_or_namespace(lists, tmp_path):
    path = tmp_path / "fsf.xml"
    data = (lists / FIXTURE).read_bytes()
    path.write_bytes(data.replace(b"<export ", b"<report ").replace(b"</export>", b"</report>"))
    _refused(path, 2)
    path.write_bytes(data.replace(b"http://eu.europa.ec/fpi/fsd/export", b"urn:example:other"))
    _refused(path, 2)


def test_entry_without_a_name(lists, tmp_path):
    path = tmp_path / "fsf.xml"
    lines = _lines(lists)
    assert all(b"<nameAlias" in line for line in lines[14:18])
    path.write_bytes(b"\n".join(lines[:14] + lines[18:]))  # the four names of the entry on line 7
    _refused(path, 7)


@pytest.mark.parametrize("line, old, new", [
    (46, b'euReferenceNumber="EU.9903.56" logicalId="990003"', b'euReferenceNumber=""'),
    (53, b'code="enterprise"', b'code="vessel"'),
], ids=["no id", "unknown subject type"])
def test_entry_without_an_id_or_a_known_type(lists, tmp_path, line, old, new):
    path = tmp_path / "fsf.xml"
    lines = _lines(lists)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_bytes(b"\n".join(lines))
    _refused(path, 46)  # the <sanctionEntity> of EU.9903.56


def test_external_entities_are_not_read(tmp_path):
    path = tmp_path / "fsf.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE export [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                     b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01">'
                     b'<sanctionEntity logicalId="1"><subjectType code="person"/><nameAlias wholeName="x"/>'
                     b"<remark>&e;</remark></sanctionEntity></export>\n")
    error = _refused(path, 3)
    assert "root:" not in str(error) and "DOCTYPE" in error.message

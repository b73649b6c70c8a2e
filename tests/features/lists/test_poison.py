"""Poisoned lists: values no real list holds are refused with their file and line, files are read
with bounded memory, and a snapshot built from what is accepted answers every query.

The limits are in `features.lists.limits`; see its docstring for what the bundled lists hold.
"""

import gzip
import json
import time
import tracemalloc

import pytest

from features.lists import ListFormatError
from features.lists import ftm as ftm_reader
from features.lists import read_list
from features.lists.entities import Entity
from features.lists.limits import MAX_CSV_FIELD_CHARS, MAX_NAME_CHARS, MAX_RECORD_BYTES, MAX_VALUES
from features.lists.ofac_remarks import parse_remarks
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.features.lists.list_samples import SAMPLES, ftm, ofac_sdn, uk, write


def refused(path, line, message=""):
    with pytest.raises(ListFormatError) as error:
        list(read_list(path))
    assert (error.value.path, error.value.line) == (path, line), str(error.value)
    assert message in error.value.message
    return error.value


def _company(entity_id: str, **properties) -> str:
    return json.dumps({"id": entity_id, "schema": "Company", "properties": properties}) + "\n"


@pytest.mark.parametrize("fmt", SAMPLES)
def test_the_longest_name_is_read_and_a_longer_one_refused_at_its_line(fmt, tmp_path):
    """In every format: the rule is one, applied wherever a reader makes an entity."""
    path, _ = write(tmp_path, fmt, "A" * MAX_NAME_CHARS)
    assert any("A" * MAX_NAME_CHARS in getattr(r, "names", ()) for r in read_list(path))
    path, line = write(tmp_path, fmt, "A" * (MAX_NAME_CHARS + 1))
    refused(path, line, f"{MAX_NAME_CHARS + 1:,} characters, more than {MAX_NAME_CHARS:,}")


@pytest.mark.parametrize("fmt", ["ftm", "ftm-delta", "un-sc", "eu-fsf"])
@pytest.mark.parametrize("length", [70_000, 1 << 20])
def test_a_name_of_70000_characters_or_a_megabyte_is_refused(fmt, length, tmp_path):
    """The red team's two names: the first was accepted and made a snapshot that answered 500
    for related names, the second took 40 s to import."""
    path, line = write(tmp_path, fmt, "Zq" * (length // 2))
    started = time.perf_counter()
    refused(path, line, f"{length:,} characters")
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("fmt", ["uk-fcdo", "us-csl", "ofac-sdn", "ofac-alt"])
def test_a_csv_field_of_70000_characters_is_refused_at_its_row(fmt, tmp_path):
    """The CSV readers' limit for a name of 70,000 characters is the field's, set deliberately."""
    path, line = write(tmp_path, fmt, "Zq" * 35_000)
    refused(path, line, f"field larger than field limit ({MAX_CSV_FIELD_CHARS})")


def test_a_stray_quote_running_over_the_rows_after_it_is_refused_where_it_opens(tmp_path):
    data, line = uk('Unclosed "quote')
    rows = "".join(f"RUS{i:04d},{i},Person {i},Russia,Individual,UK,01-03-2022,Asset freeze\r\n" for i in range(3, 3000))
    path = tmp_path / "uk.csv"
    path.write_bytes(data.replace(b'"Unclosed ""quote"', b'"Unclosed quote') + rows.encode())
    refused(path, line, "field larger than field limit")


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", ["ftm", "ftm-delta", "uk-fcdo", "ofac-sdn"])
def test_a_line_over_the_limit_is_refused_without_being_held(fmt, packed, tmp_path):
    """The red team's 60 MB name grew the importer past 5.8 GB: a line is read at most
    MAX_RECORD_BYTES at a time, and refused there, so memory stays a few times that."""
    path, line = write(tmp_path, fmt, "Zq" * (3 * MAX_RECORD_BYTES))  # 24 MiB: a line three times the limit
    if packed:
        path.write_bytes(gzip.compress(path.read_bytes(), compresslevel=1))
    tracemalloc.start()
    try:
        refused(path, line, f"a line of more than {MAX_RECORD_BYTES:,} bytes")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_RECORD_BYTES


@pytest.mark.parametrize("poison", ["a long line", "a long name"])
def test_a_large_ftm_file_read_in_workers_refuses_at_the_same_line(poison, monkeypatch, tmp_path):
    """From 32 MiB on, FtM lines are parsed by workers, a block at a time: a block is completed
    no further than a line may run, and the error is the one a single process gives."""
    name = "Zq" * (MAX_RECORD_BYTES // 2 + 1) if poison == "a long line" else "Zq" * MAX_NAME_CHARS
    path = tmp_path / "list.ftm.json"
    path.write_text("".join(_company(f"c{i}", name=[f"Company {i}"]) for i in range(20)) + _company("long", name=[name])
                    + "".join(_company(f"d{i}", name=[f"Company {i}"]) for i in range(20)))
    errors = []
    for parallel_from in (0, 1 << 60):
        monkeypatch.setattr(ftm_reader, "PARALLEL_FROM_BYTES", parallel_from)
        monkeypatch.setattr(ftm_reader, "BATCH_BYTES", 500)
        monkeypatch.setattr(ftm_reader.os, "cpu_count", lambda: 2)
        errors.append(str(refused(path, 21)))
    assert errors[0] == errors[1]


def test_a_large_ofac_file_reads_in_linear_time(tmp_path):
    """Each entry's "Linked To:" targets were looked up in a copy of every entry's id: 6 s for the
    14,589 entries of the bundled SDN list, quadratic in their number."""
    data, _ = ofac_sdn("TEST")
    rows = b"".join(b'%d,"ENTRY %d","-0- ","RUSSIA-EO14024","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- ","-0- "\r\n'
                    % (100_000 + i, i) for i in range(30_000))
    path = tmp_path / "sdn.csv"
    path.write_bytes(rows + data)
    started = time.perf_counter()
    assert sum(isinstance(r, Entity) for r in read_list(path)) == 30_002
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("fmt", ["un-sc", "eu-fsf"])
def test_an_xml_entry_over_the_limit_is_refused_before_it_is_parsed_whole(fmt, tmp_path):
    """lxml holds a text of up to 10 MB and any number of elements in one entry: the entry is
    refused once MAX_RECORD_BYTES of it are read."""
    alias = "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Test</ALIAS_NAME></INDIVIDUAL_ALIAS>\n"
    path, _ = write(tmp_path, fmt, "Test")
    data = path.read_bytes()
    if fmt == "un-sc":
        data = data.replace(b"<INDIVIDUAL_ALIAS>", alias.encode() * (MAX_RECORD_BYTES // len(alias) + 1) + b"<INDIVIDUAL_ALIAS>")
    else:
        data = data.replace(b"<subjectType", b'<nameAlias wholeName="Test" strong="true"/>\n' * (MAX_RECORD_BYTES // 40) + b"<subjectType")
    path.write_bytes(data)
    with pytest.raises(ListFormatError) as error:
        list(read_list(path))
    assert error.value.path == path and f"more than {MAX_RECORD_BYTES:,} bytes" in error.value.message


def test_an_entity_with_more_names_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "list.ftm.json"
    path.write_text(_company("c0", name=["Zero"]) + _company("c1", name=[f"Name {i}" for i in range(MAX_VALUES)])
                    + _company("c2", name=[f"Name {i}" for i in range(MAX_VALUES + 1)]))
    refused(path, 3, f"{MAX_VALUES + 1:,} names, more than {MAX_VALUES:,}")
    path.write_text(_company("c1", name=[f"Name {i}" for i in range(MAX_VALUES)]))
    assert len(next(read_list(path)).names) == MAX_VALUES


def test_an_address_over_the_limit_is_refused_at_the_entity_it_joins(tmp_path):
    path = tmp_path / "list.ftm.json"
    path.write_text(_company("c1", name=["Alpha"], addressEntity=["a1"])
                    + json.dumps({"id": "a1", "schema": "Address", "properties": {"full": ["x" * 5_000]}}) + "\n")
    refused(path, 1, "one of its addresses: 5,000 characters")


def test_invalid_utf8_in_a_uk_csv_is_refused_at_its_own_line(tmp_path):
    """The decoder reads ahead: the error used to name a line 80 rows before the bad byte."""
    data, _ = uk("Alpha")
    rows = b"".join(f"RUS{i:04d},{i},Person {i},Russia,Individual,UK,01-03-2022,Asset freeze\r\n".encode() for i in range(3, 303))
    path = tmp_path / "uk.csv"
    path.write_bytes(data + rows + b"RUS9999,1,Ivan \xff Petrov,Russia,Individual,UK,01-03-2022,Asset freeze\r\n")
    refused(path, 304, "not UTF-8 text")  # after the sample's 3 lines and 300 rows
    path.write_bytes(gzip.compress(path.read_bytes()))
    refused(path, 304, "not UTF-8 text")


@pytest.mark.parametrize("where", ["line", "entity", "delta"])
def test_json_nested_50000_deep_is_refused_at_its_line(where, tmp_path):
    deep = "[" * 50_000 + "]" * 50_000
    line = {"line": deep, "entity": f'{{"id": "b", "schema": "Company", "properties": {{"name": {deep}}}}}',
            "delta": f'{{"op": "ADD", "entity": {{"id": "b", "schema": "Company", "properties": {{"name": {deep}}}}}}}'}[where]
    first = '{"op": "ADD", "entity": {"id": "a", "schema": "Company", "properties": {"name": ["A"]}}}' if where == "delta" else _company("a", name=["A"]).strip()
    path = tmp_path / "list.json"
    path.write_text(first + "\n" + line + "\n")
    refused(path, 2, "nested too deep")


@pytest.mark.parametrize("fmt", ["ftm", "ftm-delta"])
def test_a_lone_surrogate_written_as_a_json_escape_is_refused(fmt, tmp_path):
    """JSON's "\\ud800" is a string no file can store: it used to be read, then fail the build
    with a UnicodeEncodeError."""
    path, line = write(tmp_path, fmt, "Alpha \ud800 Trading")  # json.dumps writes it as the escape
    assert b"\\ud800" in path.read_bytes()
    refused(path, line, "a lone surrogate (\\ud800): not Unicode text")


def test_a_lone_surrogate_as_utf8_bytes_is_not_utf8(tmp_path):
    path = tmp_path / "list.ftm.json"
    path.write_bytes(_company("a", name=["A"]).encode() + _company("b", name=["B"]).encode().replace(b'"B"', b'"B\xed\xa0\x80"'))
    refused(path, 2, "not UTF-8 text")


def test_a_file_name_that_is_not_utf8_is_refused(tmp_path):
    """The file's name is each entity's source, kept in the snapshot: a name of bytes that are
    not UTF-8 reads as lone surrogates."""
    data, line = ftm("Alpha")
    path = tmp_path / "list-\udcff.ftm.json"  # the bytes b"list-\xff.ftm.json"
    path.write_bytes(data)
    refused(path, line, "its id and source: a lone surrogate")


def test_ofac_remarks_are_read_in_linear_time():
    """A run of spaces made the identifier patterns backtrack over every split of it: 87 s for
    2,000 spaces; an "@" repeated, the e-mail pattern over every "@"."""
    started = time.perf_counter()
    parse_remarks("Tax ID No. a" + " " * 2_000 + "b(; Email Address " + "@a" * 30_000 + " x")
    assert time.perf_counter() - started < 1
    assert parse_remarks("Tax ID No.   7707083893   (Russia); Email Address info@x.ru.").emails == ["info@x.ru"]


def test_a_snapshot_of_the_longest_names_answers_every_query(tmp_path):
    """Names of MAX_NAME_CHARS of every shape (one word, one-letter words, CJK, Cyrillic, one word
    repeated), read through a reader, build a snapshot that answers related names, as long as a
    request may give them (300 characters), without error."""
    words = "".join(chr(ord("a") + (i * 7) % 26) for i in range(MAX_NAME_CHARS))
    shapes = [words, " ".join(words)[:MAX_NAME_CHARS], "".join(chr(0x4E00 + i * 37 % 20_000) for i in range(MAX_NAME_CHARS)),
              " ".join("мос" + chr(0x430 + i % 32) for i in range(MAX_NAME_CHARS))[:MAX_NAME_CHARS],
              " ".join(["trading"] * MAX_NAME_CHARS)[:MAX_NAME_CHARS]]
    path = tmp_path / "list.ftm.json"
    path.write_text("".join(_company(f"c{i}", name=[name], topics=["sanction"]) for i, name in enumerate(shapes))
                    + _company("plain", name=["Aspan Arba LLP"]))
    records = list(read_list(path))
    assert [len(r.names[0]) for r in records if isinstance(r, Entity)][:-1] == [MAX_NAME_CHARS] * len(shapes)
    (tmp_path / "snapshot").mkdir()
    build_snapshot(records, tmp_path / "snapshot", [])
    snapshot = Snapshot(tmp_path / "snapshot")
    resolver = Resolver(snapshot, MATCH_THRESHOLD)
    for name in shapes:
        for query in (name[:300], name[-300:], name[350:650], name[:40], name[:300].upper(), " ".join(name.split()[::2])[:300]):
            if query.strip():
                resolver.resolve(Party("consignee", query, "RU"))
    found = resolver.resolve(Party("consignee", "Aspan Arba LLP", "KZ"))
    assert found and snapshot.record(found.row)["id"] == "plain"

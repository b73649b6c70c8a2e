"""Entity lines read without an FtM proxy (`ftm.plain_entity`) give what the proxy gives."""

import json
from pathlib import Path

import pytest

from bench.gen_registry import main as gen_registry
from features.lists import ListFormatError
from features.lists.ftm import FtmCollector, parse_json, parse_proxy, plain_entity

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ENTITIES = [
    {"id": "e1", "schema": "Company", "properties": {
        "name": ["A Ltd", "A Ltd"], "alias": ["ТОО «Аспан»"], "country": ["kz", "ru", "kz"], "jurisdiction": ["kz"],
        "registrationNumber": ["1204 4001 2345"], "innCode": ["7707083893"], "ogrnCode": ["1027700132195"],
        "incorporationDate": ["2021-03", "2019"], "address": ["Almaty, Abay 1"], "phone": ["+7 700"],
        "email": ["A@B.KZ"], "topics": ["sanction"], "addressEntity": ["addr-1"], "nonsense": [1]}},
    {"id": "e2", "schema": "Person", "properties": {"name": ["Иванов Иван"], "nationality": ["ru"],
                                                    "birthCountry": ["kz"], "citizenship": ["by"], "idNumber": ["X"]}},
    {"id": "e3", "schema": "Vessel", "properties": {"name": ["SEA STAR"], "imoNumber": ["IMO 9074729"],
                                                    "flag": ["pa"], "pastFlags": ["lr"]}},
    {"id": "e4", "schema": "Organization", "properties": {"name": ["Org"], "previousName": ["Old Org"]}},
    {"id": "e5", "schema": "LegalEntity", "properties": {"name": ["LE"], "leiCode": ["5493001KJTIIGC8Y1R12"]}},
    {"id": "e6", "schema": "PublicBody", "properties": {"name": ["Ministry"], "taxNumber": ["1"], "vatCode": ["2"]}},
    {"id": "e7", "schema": "Company", "properties": {"alias": []}},  # no name: an error either way
    {"id": "e8", "schema": "Company", "properties": {"name": "A Ltd"}},  # a string, not a list
    {"id": "e9", "schema": "Company", "properties": {"name": ["A"], "country": [7]}},  # not a string
    {"id": "e10", "schema": "Company", "properties": {"name": ["A"], "nonsense": "x"}},  # ignored by both
    {"id": "", "schema": "Company", "properties": {"name": ["no id"]}},
    {"id": 11, "schema": "Company", "properties": {"name": ["number id"]}},
    {"schema": "Company", "properties": {"name": ["no id at all"]}},
    {"id": "e14", "schema": "Company", "properties": None},
    {"id": "e15", "schema": "Company"},
    {"id": "e16", "schema": ["Company"], "properties": {"name": ["A"]}},
    {"id": "e17", "schema": "Address", "properties": {"full": ["Almaty"]}},
    {"id": "e18", "schema": "Sanction", "properties": {"entity": ["e1"], "program": ["P"]}},
    {"id": "e19", "schema": "Ownership", "properties": {"owner": ["e1"], "asset": ["e2"]}},
    {"id": "e20", "schema": "Airplane", "properties": {"name": ["Plane"]}},
    {"id": "e21", "schema": "Company", "context": {"x": 1}, "datasets": ["d"], "properties": {"name": ["Ctx"]}},
]


def state(add) -> tuple:
    """Everything a fresh collector holds after `add`, or the error it raised."""
    collector = FtmCollector(Path("x.ftm.jsonl"))
    try:
        add(collector)
    except (ListFormatError, AttributeError, TypeError) as exc:
        return ("error", type(exc), str(exc))
    return ("ok", collector.entities, dict(collector.address_refs), collector.addresses,
            dict(collector.designations), collector.links)


def same_as_proxy(objects: list) -> None:
    def via_proxy(c):
        for lineno, data in enumerate(objects, 1):
            c.add(lineno, parse_proxy(c.path, lineno, data))

    def plain(c):
        for lineno, data in enumerate(objects, 1):
            c.add_object(lineno, data)

    assert state(plain) == state(via_proxy)


@pytest.mark.parametrize("data", ENTITIES, ids=[str(i) for i in range(len(ENTITIES))])
def test_same_as_through_a_proxy(data):
    same_as_proxy([data])


def test_plain_entities_skip_the_proxy():
    taken = [plain_entity(data) is not None for data in ENTITIES]
    assert taken == [True] * 7 + [False, False, True] + [False] * 4 + [True] + [False] * 5 + [True]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.ftm.jsonl")), ids=lambda p: p.name)
def test_examples_same_as_through_a_proxy(path):
    same_as_proxy([json.loads(line) for line in path.read_text().splitlines() if line.strip()])


def test_generated_registry_same_as_through_a_proxy(tmp_path):
    out = tmp_path / "registry.ftm.jsonl"
    gen_registry(["--entities", "3000", "--relations", "3000", "--sanctioned", "100", "--out", str(out)])
    objects = [json.loads(line) for line in out.read_text().splitlines()]
    assert sum(plain_entity(data) is not None for data in objects) == 3000
    same_as_proxy(objects)


LINES = [
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"], "nonsense": [123456789012345678901234567890]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"], "country": [123456789012345678901234567890]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"], "country": [NaN]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["\\ud800 lone surrogate"]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}, "properties": {"name": ["B"]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["\\u0410\\u041e \\"x\\"", "tab\\there"]}}',
    '{"id": "r", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"], "percentage": [1e400]}}',
    '{"id": "r", "schema": "Ownership", "properties": {"owner": [1e400], "asset": ["b"]}}',
    '{"id": "s", "schema": "Sanction", "properties": {"entity": ["a"], "program": ["P"]}}',
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}} trailing',
    '{"id": "a", "schema": "Company", "properties": {"name": ["A"]},}',
    'null', '[1, 2]', '"text"', '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n',
]


@pytest.mark.parametrize("line", LINES, ids=[str(i) for i in range(len(LINES))])
def test_lines_read_as_json_reads_them(line):
    """orjson's reading is kept only where it cannot differ from json's."""
    def via_json(c):
        c.add_object(1, parse_json(c.path, 1, line))

    assert state(lambda c: c.add_line(1, line)) == state(via_json)

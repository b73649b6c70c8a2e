"""Relation lines read without an FtM proxy (`ftm.plain_links`) give what the proxy gives."""

from pathlib import Path

import pytest

from features.lists import ListFormatError
from features.lists.ftm import FtmCollector, parse_proxy, plain_links

RELATIONS = [
    {"id": "r1", "schema": "Ownership", "properties": {"owner": ["a"], "asset": ["b"]}},
    {"id": "r2", "schema": "Directorship", "properties": {"director": ["a", "a", "c"], "organization": ["b", "d"]}},
    {"id": "r3", "schema": "Family", "properties": {"person": ["a"]}},  # no target: no link
    {"schema": "UnknownLink", "properties": {"subject": ["a"], "object": ["b"], "role": ["x"], "nonsense": [1]}},
    {"id": "r5", "schema": "Employment", "properties": {}},
    {"id": "r6", "schema": "Membership"},
    {"id": "r7", "schema": "Representation", "properties": {"agent": "ab", "client": ["c"]}},  # a string, not a list
    {"id": "r8", "schema": "Associate", "properties": {"person": [1], "associate": ["c"]}},  # not a string id
    {"id": "r9", "schema": "Ownership", "properties": [["owner", "a"]]},  # properties not an object
    {"id": "r10", "schema": ["Ownership"], "properties": {"owner": ["a"], "asset": ["b"]}},
    {"id": "r11", "schema": "NoSuchSchema", "properties": {}},
    {"id": "r12", "schema": "Company", "properties": {"name": ["A Ltd"]}},
    ["Ownership"],
]


def outcome(add) -> tuple:
    """The links a fresh collector holds after `add`, or the error it raised."""
    collector = FtmCollector(Path("x.ftm.jsonl"))
    try:
        add(collector)
    except (ListFormatError, AttributeError) as exc:
        return ("error", type(exc), str(exc))
    return ("ok", collector.links, sorted(collector.entities))


@pytest.mark.parametrize("data", RELATIONS, ids=[str(i) for i in range(len(RELATIONS))])
def test_same_as_through_a_proxy(data):
    via_proxy = outcome(lambda c: c.add(1, parse_proxy(c.path, 1, data)))
    assert outcome(lambda c: c.add_object(1, data)) == via_proxy


def test_plain_relations_skip_the_proxy():
    links = plain_links(RELATIONS[1])
    assert [(link.source, link.target, link.type) for link in links] == [
        ("a", "b", "Directorship"), ("a", "d", "Directorship"), ("c", "b", "Directorship"), ("c", "d", "Directorship")]
    assert [plain_links(RELATIONS[i]) is None for i in (6, 7, 8, 9, 10, 11, 12)] == [True] * 7

"""Property-based fuzzing (hypothesis) of the list readers: small valid files of every format,
mutated (bytes flipped, inserted or deleted, the file cut, gzipped or its gzip stream cut) with
hostile pieces weighted in (invalid UTF-8, lone surrogates as bytes and as JSON escapes, NUL and
0x1A bytes, stray quotes, fields over the limits, JSON nested past the parser's depth, a DOCTYPE
with an entity).

The property: reading a file, in its own format or in the one detected, either gives records or
raises ListFormatError, nothing else; so does everything an import asks of a file before reading
it (its as-of date, its companions); what is read is within `features.lists.limits`; and a
snapshot built of it answers its own names. Derandomised (CI runs the same cases every time) and
bounded by EXAMPLES, BUILDS and DEADLINE: the module runs in well under a minute.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.lists import ListFormatError, get_format, read_list
from features.lists.entities import Entity
from features.lists.limits import MAX_CSV_FIELD_CHARS, MAX_NAME_CHARS, entity_problem
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.conftest import EXAMPLES as EXAMPLE_FILES
from tests.features.conftest import FIXTURES
from tests.features.lists.list_samples import SAMPLES

EXAMPLES = 300  # per seed file
BUILDS = 25  # per seed file, each a snapshot built
DEADLINE = dt.timedelta(seconds=5)  # per file: a stall is a failure too
FUZZ = settings(max_examples=EXAMPLES, deadline=DEADLINE, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])

# (format, file name, bytes); the OFAC sdn.csv of the fixtures is read with its siblings beside it.
SEEDS = [(fmt, name, writer("Aspan Arba Trading LLP")[0]) for fmt, (name, writer) in SAMPLES.items()] + [
    ("ofac-sdn", "sdn.csv", (FIXTURES / "ofac_sdn" / "sdn.csv").read_bytes()),
    ("ofac-alt", "alt.csv", (FIXTURES / "ofac_alt_2025-08_excerpt.csv").read_bytes()),
    ("us-csl", "consolidated.csv", (FIXTURES / "csl_handmade.csv").read_bytes()),
    ("un-sc", "un.xml", (FIXTURES / "un_sc_2026-02-27_excerpt.xml").read_bytes()),
    ("eu-fsf", "eu.xml", (FIXTURES / "eu_fsf_handmade.xml").read_bytes()),
    ("ftm", "network.ftm.jsonl", (EXAMPLE_FILES / "network.ftm.jsonl").read_bytes()),
]

HOSTILE = [
    b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\\ud800", b"\\udfff\\ud800", b"\x00", b"\x1a",
    b"\xef\xbb\xbf", b'"', b'""', b",", b";", b"\n", b"\r", b"\r\n", b"\t", b"-0-", b"[", b"]", b"{", b"}", b":",
    b"null", b"NaN", b"1e999", b"-" + b"9" * 5000, b'"properties": 1', b'"schema": "Airplane"', b"[" * 1500,
    b'{"a":' * 1500, b"<", b">", b"&", b"&a;", b"&#0;", b"&#xD800;", b"]]>", b"<!-- x -->",
    b'<!DOCTYPE x [<!ENTITY a "b">]>', b"<x>" * 300, b"A" * (MAX_NAME_CHARS + 1), b"Zq" * (MAX_CSV_FIELD_CHARS // 2 + 1),
    b"Tax ID No. 1" + b" " * 3000 + b"(", b"Linked To: " + b"x" * 500,
]
# (what, what for) replacing one occurrence: the shapes a parser accepts but a reader may not expect.
REPLACEMENTS = [
    (b'["', b'[1, "'), (b'["', b'[["'), (b'["', b'[null, "'), (b'["', b'[{"a": "'), (b'": [', b'": {"a": ['), (b'": [', b'": "'),
    (b'"id": "', b'"id": 5, "x": "'), (b'"id": "', b'"id": ["'), (b'"id": "', b'"id": "\\ud800'), (b'"schema": "Company"', b'"schema": ["Company"]'),
    (b'"schema": "Company"', b'"schema": "Address"'), (b'"schema": "Company"', b'"schema": "Sanction"'),
    (b'"schema": "Company"', b'"schema": "Ownership"'), (b'"schema": "Company"', b'"schema": "Thing"'),
    (b'"properties": {', b'"properties": {"name": ["\\u0000\\u202e"], "addressEntity": ["c1"], '),
    (b'"properties": {', b'"properties": {"entity": ["c1", "c1"], "owner": [7], '), (b'"op": "ADD"', b'"op": "DEL"'),
    (b'"op": "ADD"', b'"op": "MOD"'), (b'"entity": {', b'"entity": {"id": null, '), (b'"', b'\\"'), (b"<", b"<x:"),
    (b'="', b'="&#1;'), (b'="', b'="&lt;&#x10FFFF;'), (b">", b' a="1" a="2">'), (b"><", b"><!-- x --><?pi x?><"),
    (b",", b',"'), (b",", b",,"), (b"\r\n", b"\n"), (b"\r\n", b"\r"), (b"Entity", b"Aircraft"), (b"Entity", b"Vessel"),
    (b"-0- ", b""), (b"\x1a", b""), (b"; ", b"; Linked To: AEROCARIBBEAN AIRLINES; "),
]
MUTATION = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 64), st.sampled_from(REPLACEMENTS)),
    st.tuples(st.just("set"), st.integers(0, 1 << 20), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.sampled_from(HOSTILE) | st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20)),
)


def mutate(data: bytes, mutations: list[tuple]) -> bytes:
    for kind, at, *arg in mutations:
        at = at if kind == "replace" else at % (len(data) + 1)
        if kind == "set" and at < len(data):
            data = data[:at] + bytes(arg) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + arg[0] + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + arg[0]:]
        elif kind == "cut":
            data = data[:at]
        elif kind == "replace" and (count := data.count(arg[0][0])):
            what, new = arg[0]
            start = -1
            for _ in range(at % count + 1):
                start = data.index(what, start + 1)
            data = data[:start] + new + data[start + len(what):]
    return data


def holds(path, fmt: str) -> None:
    """The property, for one file: records or ListFormatError, within the limits."""
    for named in (fmt, None):
        try:
            records = list(read_list(path, named))
        except ListFormatError as exc:
            assert exc.path.parent == path.parent, exc  # the file, or a companion beside it
            continue
        for record in records:
            if isinstance(record, Entity):
                assert entity_problem(record) is None, record.id
    for ask in (get_format(fmt).as_of, get_format(fmt).companions):  # what an import asks first
        try:
            ask(path)
        except ListFormatError:
            pass


def _written(directory, fmt, name, seed, mutations, packing):
    """The seed mutated and packed, written into a fresh `directory` (beside the OFAC fixture's
    siblings, for its sdn.csv)."""
    shutil.rmtree(directory, ignore_errors=True)
    if name == "sdn.csv" and seed == (FIXTURES / "ofac_sdn" / "sdn.csv").read_bytes():
        shutil.copytree(FIXTURES / "ofac_sdn", directory)
    directory.mkdir(exist_ok=True)
    data = mutate(seed, mutations)
    if packing != "plain":
        data = gzip.compress(data, compresslevel=1)
        data = data[: len(data) * 2 // 3] if packing == "cut gzip" else data
    path = directory / name
    path.write_bytes(data)
    return path


FILES = dict(mutations=st.lists(MUTATION, min_size=1, max_size=4), packing=st.sampled_from(["plain", "gzip", "cut gzip"]))
BY_SEED = pytest.mark.parametrize("fmt, name, seed", SEEDS, ids=[f"{fmt}-{name}" for fmt, name, _ in SEEDS])


@BY_SEED
@FUZZ
@given(**FILES)
def test_a_mutated_list_reads_or_is_refused(fmt, name, seed, mutations, packing, tmp_path):
    holds(_written(tmp_path / "list", fmt, name, seed, mutations, packing), fmt)


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """A first build and resolution, which load the name tables (seconds): not a file's cost."""
    directory = tmp_path_factory.mktemp("warm")
    build_snapshot([Entity(id="e", schema="Company", names=["Aspan Arba ТОО 中国"], source="x")], directory, [])
    Resolver(Snapshot(directory), MATCH_THRESHOLD).resolve(Party("consignee", "Aspan Arba", "KZ"))


@BY_SEED
@settings(FUZZ, max_examples=BUILDS)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=2))
def test_a_snapshot_of_what_a_mutated_list_gives_answers_its_names(fmt, name, seed, mutations, warmed, tmp_path):
    """Each entity's names, as a request may give them (up to 300 printable characters with a
    letter or digit), resolve without error."""
    try:
        records = list(read_list(_written(tmp_path / "list", fmt, name, seed, mutations, "plain"), fmt))
    except ListFormatError:
        return
    directory = tmp_path / "snapshot"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    build_snapshot(records, directory, [])
    resolver = Resolver(Snapshot(directory), MATCH_THRESHOLD)
    for entity in [r for r in records if isinstance(r, Entity)][:5]:
        for query in {n[:300] for n in entity.names[:3]}:
            if query.isprintable() and re.search(r"\w", query):
                resolver.resolve(Party("consignee", query, entity.countries[0] if entity.countries else None))

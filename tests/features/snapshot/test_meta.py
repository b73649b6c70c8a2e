"""A snapshot's meta.json of any other shape than its readers take is refused when the snapshot
loads, never left to fail at the request or the command that reads the field."""

from __future__ import annotations

import json
import shutil

import pytest

from features.lists import read_list
from features.snapshot.build import build_snapshot
from features.snapshot.meta import check_meta, read_meta
from features.snapshot.reader import Snapshot, SnapshotError
from tests.conftest import EXAMPLES

SOURCE = {"name": "network", "version": "network-0123", "sha256": "ab" * 32, "origin": "import",
          "fetched_at": "2026-01-01T00:00:00+00:00", "as_of": "2025-12-31", "as_of_basis": "last_change",
          "formats": ["ftm"], "entities": 1, "sanctioned": 0, "links": 0}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("snap") / "good"
    directory.mkdir()
    build_snapshot(read_list(EXAMPLES / "network.ftm.jsonl"), directory, [SOURCE])
    return directory


def _with(**fields):
    return lambda meta: json.dumps({**meta, **fields})


# Each: the meta.json text made from the good one.
TAMPERED = {
    "list": lambda meta: "[]",
    "string": lambda meta: '"meta"',
    "number": lambda meta: "42",
    "null": lambda meta: "null",
    "truncated": lambda meta: json.dumps(meta)[: len(json.dumps(meta)) // 2],
    "nested too deep": lambda meta: "[" * 100_000,
    "no created": lambda meta: json.dumps({k: v for k, v in meta.items() if k != "created"}),
    "created not a time": _with(created="yesterday"),
    "created without zone": _with(created="2026-01-01T00:00:00"),
    "schemas not a list": _with(schemas="Company"),
    "schema not a string": _with(schemas=[["Company"]]),
    "counts not numbers": _with(counts={"entities": "many"}),
    "sources an object": _with(sources={}),
    "source not an object": _with(sources=[1]),
    "source name a list": _with(sources=[{**SOURCE, "name": ["network"]}]),
    "as_of not a date": _with(sources=[{**SOURCE, "as_of": "last week"}]),
    "as_of without name": _with(sources=[{"as_of": "2025-12-31"}]),
    "count negative": _with(sources=[{**SOURCE, "entities": -1}]),
}


@pytest.mark.parametrize("tamper", TAMPERED.values(), ids=TAMPERED.keys())
def test_a_tampered_meta_is_refused(built, tmp_path, tamper):
    copy = tmp_path / "snap"
    shutil.copytree(built, copy)
    (copy / "meta.json").write_text(tamper(json.loads((built / "meta.json").read_text())))
    with pytest.raises(SnapshotError, match="not a readable snapshot"):
        Snapshot(copy)


def test_the_built_meta_and_bare_sources_are_read(built):
    assert Snapshot(built).meta["sources"] == [SOURCE]
    check_meta(read_meta(built), complete=True)  # as a home's snapshots are
    bare = {**read_meta(built), "sources": [{"file": "list.csv"}]}  # as benchmarks build them
    assert check_meta(bare) == bare
    with pytest.raises(ValueError, match="has no"):
        check_meta(bare, complete=True)

import json

from features.lists import detect_format, read_list
from features.lists.entities import Deletion, Entity
from features.snapshot.build import collect


def _company(entity_id, name):
    return {"id": entity_id, "schema": "Company", "properties": {"name": [name]}}


def _write(path, lines):
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_delta_adds_replaces_and_deletes(tmp_path):
    base = _write(tmp_path / "base.ftm.json", [_company("a", "Alpha LLC"), _company("b", "Beta LLC"), _company("c", "Gamma LLC")])
    delta = _write(tmp_path / "delta.json", [
        {"op": "ADD", "entity": _company("d", "Delta LLC")},
        {"op": "MOD", "entity": _company("b", "Beta Trading LLC")},
        {"op": "DEL", "entity": {"id": "c"}},
    ])
    assert detect_format(base) == "ftm" and detect_format(delta) == "ftm-delta"
    records = list(read_list(delta))
    assert records[:2] == [Deletion("b"), Deletion("c")]
    entities, _ = collect([*read_list(base), *records])
    assert {e.id: e.names for e in entities} == {"a": ["Alpha LLC"], "b": ["Beta Trading LLC"], "d": ["Delta LLC"]}


def test_delete_then_add_in_one_file_keeps_the_added(tmp_path):
    delta = _write(tmp_path / "delta.json", [
        {"op": "DEL", "entity": {"id": "x"}},
        {"op": "ADD", "entity": _company("x", "New X")},
    ])
    records = list(read_list(delta))
    assert records[0] == Deletion("x") and isinstance(records[1], Entity) and records[1].names == ["New X"]

"""Faults in what the service loads: a bad lists file, a damaged snapshot or model activated
under a running app. Each is refused, the previous version keeps serving, and /readyz says
which versions were refused (the reason goes to the logs, not to callers)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import skops.io as sio

from features.lists.errors import ListFormatError
from model.serving.persist import CARD_FILE, MODEL_FILE, MODEL_FORMAT, ModelFileError, file_sha256, load_model
from tests.service.test_api import SHIPMENT


def serving(client) -> dict:
    """/readyz, after checking that scoring still works."""
    assert client.post("/v1/score", json=SHIPMENT).status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    return ready.json


def copy_active(registry, version: str):
    """A copy (real files, not symlinks) of the active version under a new name, to damage."""
    target = registry.root / version
    shutil.copytree(registry.path(registry.active()), target)
    return target


@pytest.mark.parametrize("content", [
    b'{"id": "x", "schema": "Company", "properties": {"name": ["Trunc',  # cut mid-line
    b"\x00\x9c\xff\xfe garbage \x00" * 50,
])
def test_a_bad_lists_file_is_refused_and_the_old_snapshot_serves(home, client, tmp_path, content):
    before = serving(client)
    bad = tmp_path / "list.ftm.jsonl"
    bad.write_bytes(content)
    with pytest.raises(ListFormatError):
        home.import_lists([bad], "ftm")
    assert home.lists.active() == before["lists_version"]
    assert serving(client)["lists_version"] == before["lists_version"]


def _garbage_meta(snapshot):
    (snapshot / "meta.json").write_text("{not json")


def _truncated_array(snapshot):
    path = snapshot / "hops.npy"
    os.truncate(path, path.stat().st_size // 2)


@pytest.mark.parametrize("damage", [_garbage_meta, _truncated_array])
def test_a_damaged_snapshot_is_refused_and_the_old_one_serves(home, client, damage, caplog):
    before = serving(client)
    damage(copy_active(home.lists, "0badc0de0badc0de"))
    home.lists.activate("0badc0de0badc0de")
    ready = serving(client)
    assert ready["lists_version"] == before["lists_version"]
    assert ready["refused"] == {"lists_version": "0badc0de0badc0de", "model_version": before["model_version"]}
    assert "not switching to lists 0badc0de0badc0de" in caplog.text
    assert str(home.root) not in json.dumps(ready)  # the reason, with its paths, stays in the logs


def _flipped_bytes(model_dir):
    path = model_dir / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncated_with_a_matching_card(model_dir):
    path = model_dir / MODEL_FILE
    os.truncate(path, path.stat().st_size // 3)
    _update_card(model_dir)


def _untrusted_type(model_dir):
    """A well-formed skops file whose card matches, but that references os.system."""
    sio.dump({"model": os.system}, model_dir / MODEL_FILE)
    _update_card(model_dir)


def _update_card(model_dir):
    card = json.loads((model_dir / CARD_FILE).read_text())
    (model_dir / CARD_FILE).write_text(json.dumps({**card, "format": MODEL_FORMAT,
                                                   "sha256": file_sha256(model_dir / MODEL_FILE)}))


@pytest.mark.parametrize("damage, reason", [
    (_flipped_bytes, "SHA-256 differs"),
    (_truncated_with_a_matching_card, "not a loadable model file"),
    (_untrusted_type, "refusing types not ours: posix.system"),
])
def test_a_damaged_model_is_refused_and_the_old_one_serves(home, client, damage, reason, caplog):
    before = serving(client)
    damage(copy_active(home.models, "default-damaged"))
    with pytest.raises(ModelFileError, match=reason):
        load_model(home.models.path("default-damaged"))
    home.models.activate("default-damaged")
    ready = serving(client)
    assert ready["model_version"] == before["model_version"]
    assert ready["refused"] == {"lists_version": before["lists_version"], "model_version": "default-damaged"}
    assert reason in caplog.text
    home.models.activate(before["model_version"])  # a later good activation clears the refusal
    assert "refused" not in serving(client)

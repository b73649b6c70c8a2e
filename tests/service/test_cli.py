"""The command line, through click's runner: figures on the last line as name=value pairs."""

import csv
import json

import pytest
import yaml

from service.home import Home
from service.settings import Settings
from tests.conftest import EXAMPLES
from tests.features.conftest import FIXTURES
from tests.service.test_api import SHIPMENT


def last_figures(output: str) -> dict:
    return dict(pair.split("=", 1) for pair in output.strip().splitlines()[-1].split())


def test_a_malformed_list_is_refused_and_the_active_snapshot_kept(run, home, tmp_path):
    before = home.lists.active()
    bad = tmp_path / "bad.ftm.jsonl"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{broken\n')
    result = run("lists", "import", str(bad))
    assert result.exit_code != 0 and "bad.ftm.jsonl:2" in result.output
    assert home.lists.active() == before


def test_models_promote_and_rollback(run, home):
    original = home.models.active()
    assert original in run("models", "list").output
    result = run("models", "promote", "no-such-model")
    assert result.exit_code != 0
    assert run("models", "rollback").exit_code != 0  # nothing earlier
    assert home.models.active() == original


def test_names_evaluate_prints_figures(run, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("schema,name1,name2,is_match\nCompany,TOO Aspan Arba,Aspan Arba LLP,true\n"
                     "Company,DA GROUP 22,KESTREL TRADING 23,false\nPerson,Ivan Petrov,Olga Smirnova,false\n")
    figures = last_figures(run("names", "evaluate", str(pairs)).output)
    assert float(figures["precision"]) == 1.0 and float(figures["recall"]) == 1.0


def test_openapi_command_prints_the_spec(run):
    assert "openapi: 3.1.0" in run("openapi").output


def test_history_to_promoted_model_and_report_in_three_commands(run, home, tmp_path):
    """The README's three commands: train on past declarations, evaluate with a report, promote."""
    examples = EXAMPLES / "history"
    lines = (examples / "declarations.csv").read_text().splitlines()
    data = tmp_path / "declarations.csv"
    data.write_text("\n".join(lines[:1201]) + "\n")
    mapping = str(examples / "mapping.yaml")
    trained = run("train", "--data", str(data), "--mapping", mapping, "--model-name", "mine")
    assert trained.exit_code == 0, trained.output
    version = last_figures(trained.output)["model"]
    assert version.startswith("mine-") and home.models.active() != version  # not active until promoted
    report = tmp_path / "report.html"
    evaluated = run("evaluate", "--model-name", "mine", "--data", str(data), "--mapping", mapping, "--report", str(report))
    assert evaluated.exit_code == 0, evaluated.output
    assert set(last_figures(evaluated.output)) == {"precision@1%", "precision@5%", "precision@10%", "roc_auc", "pr_auc"}
    # Evaluated on its own training data: said loudly, and on the report's first line.
    assert "WARNING: these are the model's own training data" in evaluated.output
    html = report.read_text()
    assert html.split("<body>", 1)[1].startswith("<p class='warning'><strong>Warning: these are the model&#x27;s own")
    listed = run("models", "list").output
    assert "measured_on=held_out:" in listed.split(version, 1)[1].splitlines()[0]
    assert "<img" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert run("models", "promote", "mine").exit_code == 0
    assert home.models.active() == version
    assert run("models", "rollback").exit_code == 0 and home.models.active() != version


def test_keys_create_list_revoke(run, app):
    created = run("keys", "create", "ci", "--tenant", "acme", "--scopes", "read")
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    key_id = key.split("_")[1]
    client = app.test_client()
    assert client.get("/v1/model", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    listed = run("keys", "list").output
    assert key_id in listed and "tenant=acme scopes=read" in listed and key not in listed
    assert last_figures(run("keys", "revoke", key_id).output) == {"revoked": key_id}
    assert "revoked=" in run("keys", "list").output
    assert client.get("/v1/model", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert run("keys", "create", "x", "--scopes", "everything").exit_code != 0
    assert run("keys", "revoke", "nosuchkey").exit_code != 0


def test_db_upgrade_is_idempotent(run):
    assert run("db", "upgrade").exit_code == 0
    assert last_figures(run("db", "upgrade").output)["schema"] == "head"


@pytest.fixture
def settled(client):
    """Three decisions: one confirmed diversion, one cleared, one without an outcome."""
    ids = [client.post("/v1/score", json={**SHIPMENT, "shipment_id": f"S{i}"}).json["decision_id"] for i in range(3)]
    for decision_id, outcome in zip(ids, ("confirmed_diversion", "cleared")):
        client.post(f"/v1/decisions/{decision_id}/outcome", json={"outcome": outcome, "source": "audit"})
    return ids


def test_decisions_export_csv_and_jsonl(run, settled, tmp_path):
    lines = run("decisions", "export", "--since", "2000-01-01", "--tenant", "acme", "--format", "jsonl").output
    lines = lines.splitlines()
    assert [json.loads(line)["decision_id"] for line in lines] == settled
    assert json.loads(lines[0])["outcome"]["outcome"] == "confirmed_diversion"
    out = tmp_path / "d.csv"
    result = run("decisions", "export", "--since", "2000-01-01T00:00:00Z", "--all-tenants", "--format", "csv",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["outcome"] for r in rows] == ["confirmed_diversion", "cleared", ""]
    assert json.loads(rows[0]["input"])["destination_country"] == "KZ" and rows[0]["tenant"] == "acme"
    assert run("decisions", "export", "--since", "2999-01-01", "--tenant", "acme").output == ""
    assert run("decisions", "export", "--since", "last week", "--tenant", "acme").exit_code != 0


def test_export_training_writes_csv_and_mapping(run, settled, tmp_path):
    out = tmp_path / "training" / "history.csv"
    result = run("export-training", "--since", "2000-01-01", "--tenant", "acme", "--out", str(out))
    assert result.exit_code == 0, result.output
    figures = last_figures(result.output)
    assert figures["rows"] == "2" and figures["positives"] == "1"
    rows = list(csv.DictReader(out.open()))
    assert [r["outcome"] for r in rows] == ["confirmed_diversion", "cleared"]
    assert rows[0]["date"] == "2023-05-02" and rows[0]["hs_code"] == "8542.31" and rows[0]["transit_countries"] == "AE"
    mapping = yaml.safe_load((tmp_path / "training" / "history.mapping.yaml").read_text())
    assert mapping["label"] == {"column": "outcome", "positive": ["confirmed_diversion"]}
    named = [mapping["date"], mapping["hs_code"], mapping["transit_countries"]["column"],
             *(v for v in mapping["parties"][0].values() if v != "consignee")]
    assert set(named) <= set(rows[0])


def test_serve_preparation_rebuilds_stale_bundled_lists(tmp_path, reference, monkeypatch, trained_home):
    """A home made by an older version: the bundled lists are rebuilt, a user's are reported. (The
    bundle is the small OFAC fixture set here, so the test builds in a second.)"""
    import json as _json

    monkeypatch.setattr("service.home.bundled_sources", lambda: {"ofac": sorted((FIXTURES / "ofac_sdn").iterdir())})
    home = Home(Settings(home=tmp_path / "home", reload_interval=0.0))
    home.models.root.mkdir(parents=True)
    (home.models.root / trained_home.models.active()).symlink_to(trained_home.models.path(trained_home.models.active()))
    home.models.activate(trained_home.models.active())
    home.import_bundled()
    current = home.lists.active()
    home.lists.path(current).rename(home.lists.path("built-by-an-older-version"))
    meta = home.lists.path("built-by-an-older-version") / "meta.json"
    meta.write_text(_json.dumps({**_json.loads(meta.read_text()), "format": 0}))
    home.lists.activate("built-by-an-older-version")
    messages = []
    home.prepare(reference, messages.append)
    assert home.lists.active() == current and messages == ["building the lists snapshot of the bundled sources"]

    home.import_lists([EXAMPLES / "network.ftm.jsonl"])
    mine = home.lists.active()
    meta = home.lists.path(mine) / "meta.json"
    meta.write_text(_json.dumps({**_json.loads(meta.read_text()), "format": 0}))
    messages.clear()
    home.prepare(reference, messages.append)
    assert home.lists.active() == mine and "re-import your lists" in messages[0]


def test_gunicorn_accepts_its_logging_configuration():
    """gunicorn merges logconfig_dict into its defaults: the result must configure (else `serve` dies)."""
    from logging.config import dictConfig

    from gunicorn.glogging import CONFIG_DEFAULTS

    from service.logs import GUNICORN_LOGCONFIG

    dictConfig({**CONFIG_DEFAULTS, **GUNICORN_LOGCONFIG})

"""The command line, through click's runner: figures on the last line as name=value pairs."""

import pytest
from click.testing import CliRunner

from service.cli import main
from tests.conftest import FIXTURES


@pytest.fixture
def run(home, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(home.root))

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def last_figures(output: str) -> dict:
    return dict(pair.split("=", 1) for pair in output.strip().splitlines()[-1].split())


def test_lists_import_and_status(run, home):
    result = run("lists", "import", str(FIXTURES / "network.ftm.jsonl"))
    assert result.exit_code == 0, result.output
    figures = last_figures(result.output)
    assert figures["entities"] == "6" and figures["sanctioned"] == "2"
    assert home.lists.active() == figures["version"]
    status = run("lists", "status")
    assert "network.ftm.jsonl" in status.output and last_figures(status.output)["version"] == figures["version"]


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
                     "Company,DA GROUP 22,DA GROUP 23,false\nPerson,Ivan Petrov,Olga Smirnova,false\n")
    figures = last_figures(run("names", "evaluate", str(pairs)).output)
    assert float(figures["precision"]) == 1.0 and float(figures["recall"]) == 1.0


def test_openapi_command_prints_the_spec(run):
    assert "openapi: 3.1.0" in run("openapi").output

"""The command line, through click's runner: figures on the last line as name=value pairs."""

import pytest
from click.testing import CliRunner

from service.cli import main
from tests.conftest import EXAMPLES


@pytest.fixture
def run(home, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(home.root))

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def last_figures(output: str) -> dict:
    return dict(pair.split("=", 1) for pair in output.strip().splitlines()[-1].split())


def test_lists_import_and_status(run, home):
    result = run("lists", "import", str(EXAMPLES / "network.ftm.jsonl"))
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
    html = report.read_text()
    assert "<img" in html and "http://" not in html.replace("http://www.w3.org", "")
    assert run("models", "promote", "mine").exit_code == 0
    assert home.models.active() == version
    assert run("models", "rollback").exit_code == 0 and home.models.active() != version

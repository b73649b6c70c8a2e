"""Named sources: an import replaces one source and keeps the others; status, removal, as-of dates
and freshness wherever a decision is made."""

import gzip
import json
import shutil

import pytest
from click.testing import CliRunner

from features.lists import ListFormatError
from service.app import create_app
from service.cli import main
from service.registry import RegistryError
from service.sources import oldest_as_of
from tests.conftest import EXAMPLES
from tests.features.conftest import FIXTURES
from tests.service.test_api import SHIPMENT

UK = FIXTURES.parents[2] / "service/data/default_lists/uk-fcdo/uk_fcdo_sanctions_list_2025-08-11.csv.gz"


def names(home) -> list[str]:
    return sorted(home.held_sources())


def meta(home) -> dict:
    return json.loads((home.lists.path(home.lists.active()) / "meta.json").read_text())


@pytest.fixture
def cli(small_home, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(small_home.root))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", small_home.settings.database_url)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def last_figures(output: str) -> dict:
    return dict(pair.split("=", 1) for pair in output.strip().splitlines()[-1].split())


def test_an_import_replaces_its_source_only(small_home, tmp_path):
    ofac = small_home.held_sources()["ofac"]["version"]
    mine = tmp_path / "mine.ftm.jsonl"
    mine.write_text('{"id": "m-1", "schema": "Company", "properties": {"name": ["Zapchast Trade LLP"], "topics": ["sanction"]}}\n')
    small_home.import_lists([mine], source="network")
    held = small_home.held_sources()
    assert sorted(held) == ["network", "ofac"] and held["ofac"]["version"] == ofac
    counts = {s["name"]: s["entities"] for s in meta(small_home)["sources"]}
    assert counts == {"network": 1, "ofac": 7}  # the fixture's aircraft is skipped


def test_without_a_source_the_format_names_it_and_nothing_is_dropped(small_home):
    """The README's old command `lists import UK.csv network.ftm.jsonl` keeps the OFAC source."""
    small_home.import_lists([UK, EXAMPLES / "network.ftm.jsonl"])
    assert names(small_home) == ["ftm", "network", "ofac", "uk-fcdo"]


def test_companions_are_stored_with_their_file_and_never_read_alone(small_home, tmp_path):
    files = shutil.copytree(FIXTURES / "ofac_sdn", tmp_path / "ofac")
    small_home.import_lists(sorted(files.iterdir()))  # sdn.csv with alt, add, comments: one source
    source = small_home.held_sources()["ofac"]
    assert {r["file"]: r["format"] for r in source["files"]} == {
        "sdn.csv": "ofac-sdn", "alt.csv": None, "add.csv": None, "sdn_comments.csv": None}
    stored = small_home.sources.path(source["version"]) / "files"
    assert sorted(p.name for p in stored.iterdir()) == ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"]


def test_a_gzipped_file_reads_as_the_plain_one(small_home, tmp_path):
    plain = EXAMPLES / "network.ftm.jsonl"
    packed = tmp_path / "network.ftm.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    before = {s["name"]: s["entities"] for s in meta(small_home)["sources"]}
    small_home.import_lists([packed], source="network")
    assert {s["name"]: s["entities"] for s in meta(small_home)["sources"]} == before


def test_a_bad_file_changes_nothing_and_leaves_nothing_behind(small_home, tmp_path):
    before, held = small_home.lists.active(), small_home.held_sources()
    bad = tmp_path / "bad.ftm.jsonl"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{broken\n')
    with pytest.raises(ListFormatError, match="bad.ftm.jsonl:2"):
        small_home.import_lists([bad], source="network")
    assert small_home.lists.active() == before and small_home.held_sources() == held
    leftovers = [p.name for r in (small_home.lists, small_home.sources) for p in r.root.iterdir() if p.name.startswith((".stage", ".download"))]
    assert leftovers == []


def test_remove_drops_one_source(small_home):
    small_home.remove_source("network")
    assert names(small_home) == ["ofac"]
    with pytest.raises(RegistryError, match="no source 'network'"):
        small_home.remove_source("network")
    with pytest.raises(RegistryError, match="no source at all"):
        small_home.remove_source("ofac")
    assert names(small_home) == ["ofac"]


def test_status_prints_a_line_per_source_with_its_dates(cli, small_home):
    result = cli("lists", "status")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[:2]}
    assert set(lines) == {"network", "ofac"}
    assert "format=ftm entities=6 sanctioned=2" in lines["network"]
    # The network's Sanction says nothing of last_change: it states no date; OFAC's legacy CSV neither.
    assert "as_of=None (no date stated)" in lines["ofac"] and "sha256=" in lines["ofac"] and "fetched_at=20" in lines["ofac"]
    assert last_figures(result.output)["sources"] == "2"


def test_cli_import_remove_and_refusals(cli, small_home, tmp_path):
    result = cli("lists", "import", "--source", "uk", str(UK))
    assert result.exit_code == 0, result.output
    figures = last_figures(result.output)
    assert figures["sources"] == "3" and figures["lists_as_of"] == "2025-07-23"
    assert cli("lists", "import", "--source", "Bad Name!", str(UK)).exit_code != 0
    result = cli("lists", "remove", "uk")
    assert result.exit_code == 0 and last_figures(result.output)["sources"] == "2"
    missing = cli("lists", "remove", "uk")
    assert missing.exit_code != 0 and "no source 'uk'" in missing.output


def test_as_of_dates_read_from_the_data(small_home, shared_data):
    lists26 = shared_data / "lists-2026"
    small_home.import_sources({
        "uk-fcdo": ([(shared_data / "uk_fcdo_sanctions_list_2025-08-11.csv", None)], "import"),
        "un": ([(lists26 / "un/UN_consolidated_2026-02-27.xml", None)], "import"),
        "us-csl": ([(lists26 / "us_csl_2022-04/consolidated.csv.gz", None)], "import"),
    })
    sources = {s["name"]: s for s in meta(small_home)["sources"]}
    assert sources["uk-fcdo"]["as_of"] == "2025-07-23" and sources["un"]["as_of"] == "2026-02-27"
    assert sources["us-csl"]["as_of"] == "2022-04-21" and "start_date" in sources["us-csl"]["as_of_basis"]
    assert oldest_as_of(list(sources.values())) == "2022-04-21"


def test_the_bundled_sources_know_todays_designations(trained_home):
    """What a fresh home serves: the OFAC designations since 2022 that the 2021 set lacked."""
    served = {s["name"]: s for s in meta(trained_home)["sources"]}
    assert {"ofac", "uk-fcdo", "un", "us-csl"} <= served.keys()
    assert served["ofac"]["as_of"] == "2026-08-20" and "derived" in served["ofac"]["as_of_basis"]
    assert served["un"]["as_of"] == "2026-02-27" and served["uk-fcdo"]["as_of"] == "2025-07-23"


@pytest.mark.parametrize("name", ["Nebesnaya Mekhanika LLC", "SKYMEC", "DA GROUP 22 LLP", "Tordan Industry Ltd"])
def test_a_fresh_home_flags_parties_designated_since_2022(client, name):
    shipment = {**SHIPMENT, "parties": [{"role": "consignee", "name": name, "country": "KZ"}]}
    body = client.post("/v1/score", json=shipment).get_json()
    reasons = [r["code"] for r in body["reasons"]]
    assert reasons[0] == "SANCTIONED_PARTY" and body["band"] == "high", body
    if name != "Nebesnaya Mekhanika LLC":  # the example network (also in this home) invents a namesake
        assert "OFAC SDN: RUSSIA-EO14024" in json.dumps(body["reasons"][0]["evidence"])


def test_scores_lists_and_metrics_carry_the_as_of_dates(small_home, tmp_path, new_key_small):
    small_home.import_lists([UK], source="uk-fcdo")
    app = create_app(small_home.settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key_small(app)}"
    score = client.post("/v1/score", json=SHIPMENT).get_json()
    assert score["lists_as_of"] == "2025-07-23"
    batch = client.post("/v1/score/batch", json={"shipments": [SHIPMENT]}).get_json()
    assert batch["lists_as_of"] == "2025-07-23" and batch["results"][0]["result"]["lists_as_of"] == "2025-07-23"
    lists = client.get("/v1/lists").get_json()
    assert lists["lists_as_of"] == "2025-07-23"
    assert {s["name"]: s["as_of"] for s in lists["sources"]} == {"network": None, "ofac": None, "uk-fcdo": "2025-07-23"}
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'diversion_risk_list_source_age_seconds{source="uk-fcdo"}' in metrics


@pytest.fixture
def new_key_small():
    return lambda app: app.extensions["diversion_risk_services"].keys.create("test", "acme", "score,read,metrics")[1]




def test_a_delta_alone_changes_its_source(small_home, tmp_path):
    delta = tmp_path / "delta.json"
    delta.write_text(json.dumps({"op": "DEL", "entity": {"id": "t-ru-nm"}}) + "\n")
    small_home.import_lists([delta], source="network")
    network = small_home.held_sources()["network"]
    assert [r["format"] for r in network["files"]] == ["ftm", "ftm-delta"]
    assert {s["name"]: s["entities"] for s in meta(small_home)["sources"]}["network"] == 5


def test_an_alias_file_alone_is_a_source_of_its_own(small_home):
    small_home.import_lists([FIXTURES / "ofac_alt_2025-08_excerpt.csv"])
    assert names(small_home) == ["network", "ofac", "ofac-alt"]


def test_a_refused_file_is_named_as_the_user_gave_it(small_home, tmp_path):
    bad = tmp_path / "mine.ftm.jsonl"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{broken\n')
    with pytest.raises(ListFormatError) as error:
        small_home.import_lists([bad], source="network")
    assert error.value.path == bad and str(error.value).startswith(f"{bad}:2:")


def test_a_dead_importers_staging_is_swept(small_home):
    import os

    stale = small_home.sources.root / ".stage-network-dead"
    (stale / "files").mkdir(parents=True)
    os.utime(stale, (0, 0))
    fresh = small_home.lists.root / ".stage-live"
    fresh.mkdir()
    small_home.remove_source("network")
    assert not stale.exists() and fresh.exists()


def test_a_companion_named_first_replaces_its_held_source(small_home, tmp_path):
    """`--source ofac ADD.CSV SDN.CSV ...`: a companion first is no unrecognised file."""
    files = shutil.copytree(FIXTURES / "ofac_sdn", tmp_path / "ofac")
    before = small_home.held_sources()["ofac"]["version"]
    small_home.import_lists([files / "add.csv", files / "alt.csv", files / "sdn.csv"], source="ofac")
    assert [r["format"] for r in small_home.held_sources()["ofac"]["files"]][0] == "ofac-sdn"
    assert small_home.held_sources()["ofac"]["version"] == before  # the same files as the fixture's

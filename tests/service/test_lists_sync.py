"""`lists sync` against a real HTTP server on 127.0.0.1 serving the staged list files: one source
updates and the others stay; every failure (a stall, a 500, a body cut short, a wrong
checksum, a malformed file) leaves the old data serving and is reported."""

import gzip
import hashlib
import json

import pytest
import yaml
from click.testing import CliRunner

from service.cli import main
from service.download import Downloader
from service.sources import read_sync_state
from service.sources_config import SourcesConfigError, load_sources
from service.sync import Syncer
from tests.conftest import EXAMPLES
from tests.features.conftest import FIXTURES
from bench.list_server import ListServer

UK = FIXTURES.parents[2] / "service/data/default_lists/uk-fcdo/uk_fcdo_sanctions_list_2025-08-11.csv.gz"
UK_CSV = gzip.decompress(UK.read_bytes())


@pytest.fixture
def server():
    with ListServer().running() as running:
        running.put("/uk.csv", UK_CSV)
        for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
            running.put(f"/ofac/{name.upper()}", (FIXTURES / "ofac_sdn" / name).read_bytes())
        yield running


def write_sources(path, server, **extra) -> str:
    entries = [
        {"name": "uk-fcdo", "format": "uk-fcdo", "urls": [server.url("/uk.csv")], **extra.get("uk-fcdo", {})},
        {"name": "ofac", "format": "ofac-sdn",
         "urls": [server.url(f"/ofac/{n}") for n in ("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV")]},
        *extra.get("more", []),
    ]
    path.write_text(yaml.safe_dump({"sources": entries}))
    return str(path)


def sync(home, sources_file):
    s = home.settings
    downloader = Downloader(s.sync_timeout, s.sync_retries, s.sync_backoff, s.sync_max_bytes)
    try:
        return Syncer(home, load_sources(sources_file), downloader).run()
    finally:
        downloader.close()


def held_versions(home) -> dict:
    return {name: m["version"] for name, m in home.held_sources().items()}


def test_sync_updates_and_keeps_the_sources_it_does_not_name(small_home, server, tmp_path):
    result = sync(small_home, write_sources(tmp_path / "s.yaml", server))
    assert sorted(result.updated) == ["ofac", "uk-fcdo"] and not result.failed and result.changed
    held = small_home.held_sources()
    assert sorted(held) == ["network", "ofac", "uk-fcdo"]  # network: not in the file, kept
    assert held["uk-fcdo"]["origin"] == "sync" and held["uk-fcdo"]["as_of"] == "2025-07-23"
    assert held["uk-fcdo"]["files"][0]["url"] == server.url("/uk.csv")
    state = read_sync_state(small_home.sources)
    assert state["uk-fcdo"]["status"] == "updated" and state["uk-fcdo"]["last_success"]


def test_an_unchanged_list_is_not_downloaded_again(small_home, server, tmp_path):
    sources_file = write_sources(tmp_path / "s.yaml", server)
    sync(small_home, sources_file)
    before, active = held_versions(small_home), small_home.lists.active()
    result = sync(small_home, sources_file)
    assert sorted(result.unchanged) == ["ofac", "uk-fcdo"] and not result.changed
    conditional = [h for p, h in server.requests if p == "/uk.csv"][-1]
    assert conditional.get("If-None-Match")  # and the server answered 304
    assert held_versions(small_home) == before and small_home.lists.active() == active


def test_the_same_bytes_without_an_etag_are_unchanged(small_home, server, tmp_path):
    server.faults["/uk.csv"] = "no-etag"
    sources_file = write_sources(tmp_path / "s.yaml", server)
    sync(small_home, sources_file)
    assert sync(small_home, sources_file).unchanged == ["uk-fcdo", "ofac"]


def test_one_source_updates_and_the_others_stay(small_home, server, tmp_path):
    sources_file = write_sources(tmp_path / "s.yaml", server)
    sync(small_home, sources_file)
    before = held_versions(small_home)
    server.put("/uk.csv", UK_CSV.replace(b"Mostotrest", b"Mostotrestt"))
    result = sync(small_home, sources_file)
    assert result.updated == ["uk-fcdo"] and result.unchanged == ["ofac"]
    after = held_versions(small_home)
    assert after["uk-fcdo"] != before["uk-fcdo"] and after["ofac"] == before["ofac"] and after["network"] == before["network"]


@pytest.mark.parametrize("fault, why", [("500", "HTTP 500"), ("stall", "timed out"), ("truncate", "truncated")])
def test_a_failed_download_keeps_the_old_data_serving(small_home, server, tmp_path, fault, why):
    sources_file = write_sources(tmp_path / "s.yaml", server)
    sync(small_home, sources_file)
    active, before = small_home.lists.active(), held_versions(small_home)
    server.put("/uk.csv", UK_CSV + b"\n")  # a change the failure must not let through
    server.put("/ofac/SDN.CSV", (FIXTURES / "ofac_sdn" / "sdn.csv").read_bytes().replace(b"CUBA", b"CUBA2"))
    server.faults["/uk.csv"] = fault
    result = sync(small_home, sources_file)
    assert list(result.failed) == ["uk-fcdo"] and why in result.failed["uk-fcdo"]
    assert result.updated == ["ofac"]  # the others update
    assert held_versions(small_home)["uk-fcdo"] == before["uk-fcdo"] and small_home.lists.active() != active
    assert server.count("/uk.csv") == 1 + small_home.settings.sync_retries  # retried, then given up
    state = read_sync_state(small_home.sources)
    assert state["uk-fcdo"]["status"] == "failed" and state["ofac"]["status"] == "updated"
    assert not [p for p in small_home.sources.root.iterdir() if p.name.startswith((".stage", ".download"))]  # nothing half-written


def test_a_wrong_checksum_is_refused(small_home, server, tmp_path):
    before = small_home.lists.active()
    sources_file = write_sources(tmp_path / "s.yaml", server, **{"uk-fcdo": {"sha256": "0" * 64}})
    result = sync(small_home, sources_file)
    assert "checksum mismatch" in result.failed["uk-fcdo"] and "uk-fcdo" not in small_home.held_sources()
    assert result.updated == ["ofac"] and small_home.lists.active() != before


def test_a_checksum_file_is_read(small_home, server, tmp_path):
    server.put("/uk.csv.sha256", f"{hashlib.sha256(UK_CSV).hexdigest()}  uk.csv\n".encode())
    sources_file = write_sources(tmp_path / "s.yaml", server, **{"uk-fcdo": {"sha256_url": server.url("/uk.csv.sha256")}})
    assert "uk-fcdo" in sync(small_home, sources_file).updated


def test_a_malformed_file_is_refused_with_its_line_and_the_rest_activates(small_home, server, tmp_path):
    lines = UK_CSV.split(b"\n")
    server.put("/uk.csv", b"\n".join(lines[:5] + [b'X1,1,"Broken,Russia,Entity'] + lines[5:]))
    result = sync(small_home, write_sources(tmp_path / "s.yaml", server))
    assert "uk.csv:" in result.failed["uk-fcdo"] and result.updated == ["ofac"]
    assert "uk-fcdo" not in small_home.held_sources() and "ofac" in small_home.held_sources()


def test_the_cli_prints_figures_and_fails_when_a_source_fails(small_home, server, tmp_path, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(small_home.root))
    monkeypatch.setenv("DIVERSION_RISK_SYNC_RETRIES", "1")
    monkeypatch.setenv("DIVERSION_RISK_SOURCES", write_sources(tmp_path / "s.yaml", server))
    result = CliRunner().invoke(main, ["lists", "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = dict(p.split("=", 1) for p in result.output.strip().splitlines()[-1].split())
    assert figures == {"sources": "2", "updated": "2", "unchanged": "0", "failed": "0", "version": small_home.lists.active(),
                       "alerts": "0"}
    server.faults["/uk.csv"] = "500"
    server.put("/uk.csv", UK_CSV + b"\n")
    result = CliRunner().invoke(main, ["lists", "sync"], catch_exceptions=False)
    assert result.exit_code == 1 and "failed=1" in result.output.strip().splitlines()[-1]


def test_tokens_come_from_the_environment_and_are_never_stored(small_home, server, tmp_path, monkeypatch):
    monkeypatch.setenv("LIST_TOKEN", "s3cret-token")
    more = [{"name": "network", "format": "ftm", "urls": [{"url": server.url("/net.json?token=${LIST_TOKEN}"), "file": "net.json"}],
             "headers": {"Authorization": "Bearer ${LIST_TOKEN}"}}]
    server.put("/net.json?token=s3cret-token", (EXAMPLES / "network.ftm.jsonl").read_bytes())
    result = sync(small_home, write_sources(tmp_path / "s.yaml", server, more=more))
    assert "network" in result.updated, result.failed
    assert [h for p, h in server.requests if p.startswith("/net.json")][0]["Authorization"] == "Bearer s3cret-token"
    stored = "".join(p.read_text(errors="replace") for p in small_home.root.rglob("*.json"))
    assert "s3cret-token" not in stored
    monkeypatch.delenv("LIST_TOKEN")
    assert "LIST_TOKEN is not set" in sync(small_home, write_sources(tmp_path / "s.yaml", server, more=more)).failed["network"]


def test_the_sources_file_is_checked(tmp_path):
    bad = tmp_path / "bad.yaml"
    for text, message in [("sources: 3", "a list of sources"),
                          ("sources: [{name: x, format: nope, urls: [http://h/a]}]", "format must be one of"),
                          ("sources: [{name: 'Bad!', format: ftm, urls: [http://h/a]}]", "source name"),
                          ("sources: [{name: x, format: ftm, urls: []}]", "non-empty"),
                          ("sources: [{name: x, format: opensanctions}]", "needs `index`")]:
        bad.write_text(text)
        with pytest.raises(SourcesConfigError, match=message):
            load_sources(bad)
    assert {s.name for s in load_sources()} >= {"ofac", "uk-fcdo", "un", "us-csl"}  # the package's own


def entity_line(entity_id: str, name: str, day: str) -> str:
    return json.dumps({"id": entity_id, "schema": "Company", "last_change": day,
                       "properties": {"name": [name], "topics": ["sanction"]}})


def test_opensanctions_full_then_deltas(small_home, server, tmp_path):
    full = (entity_line("os-1", "Zapchast Trade LLP", "2026-11-01") + "\n" + entity_line("os-2", "Kronstadt Ltd", "2026-11-01") + "\n").encode()
    index = {"name": "sanctions", "title": "Sanctions", "version": "20261101000000-aaa",
             "resources": [{"name": "entities.ftm.json", "url": server.url("/os/entities.ftm.json"),
                            "checksum": hashlib.sha1(full).hexdigest(), "mime_type": "application/json+ftm"}],
             "delta_url": server.url("/os/delta.json")}
    server.put("/os/entities.ftm.json", full)
    server.put("/os/index.json", json.dumps(index).encode())
    server.put("/os/delta.json", json.dumps({"versions": {}}).encode())
    more = [{"name": "opensanctions", "format": "opensanctions", "index": server.url("/os/index.json")}]
    sources_file = write_sources(tmp_path / "s.yaml", server, more=more)
    assert "opensanctions" in sync(small_home, sources_file).updated
    held = small_home.held_sources()["opensanctions"]
    assert held["opensanctions"]["version"] == "20261101000000-aaa" and held["as_of"] == "2026-11-01"

    assert sync(small_home, sources_file).unchanged.count("opensanctions") == 1  # same version: nothing fetched

    delta = "\n".join([json.dumps({"op": "DEL", "entity": {"id": "os-2"}}),
                       json.dumps({"op": "ADD", "entity": json.loads(entity_line("os-3", "Radiotexkomplekt", "2026-11-02"))})])
    server.put("/os/delta-1.json", delta.encode())
    server.put("/os/delta.json", json.dumps({"versions": {"20261101000000-aaa": server.url("/os/delta-0.json"),
                                                          "20261102000000-bbb": server.url("/os/delta-1.json")}}).encode())
    server.put("/os/index.json", json.dumps({**index, "version": "20261102000000-bbb"}).encode())
    fulls_before = server.count("/os/entities.ftm.json")
    assert "opensanctions" in sync(small_home, sources_file).updated
    held = small_home.held_sources()["opensanctions"]
    assert [f["format"] for f in held["files"]] == ["ftm", "ftm-delta"] and held["as_of"] == "2026-11-02"
    assert server.count("/os/entities.ftm.json") == fulls_before  # the delta, not the full file
    source = next(s for s in json.loads((small_home.lists.path(small_home.lists.active()) / "meta.json").read_text())["sources"]
                  if s["name"] == "opensanctions")
    assert source["entities"] == 2  # os-1 and os-3: os-2 deleted


def test_opensanctions_outside_the_delta_window_takes_the_full_file(small_home, server, tmp_path):
    full = (entity_line("os-1", "Zapchast Trade LLP", "2026-11-01") + "\n").encode()
    index = {"name": "sanctions", "version": "20261101000000-aaa", "delta_url": server.url("/os/delta.json"),
             "resources": [{"name": "entities.ftm.json", "url": server.url("/os/entities.ftm.json")}]}
    server.put("/os/entities.ftm.json", full)
    server.put("/os/index.json", json.dumps(index).encode())
    server.put("/os/delta.json", json.dumps({"versions": {}}).encode())
    more = [{"name": "opensanctions", "format": "opensanctions", "index": server.url("/os/index.json")}]
    sources_file = write_sources(tmp_path / "s.yaml", server, more=more)
    sync(small_home, sources_file)
    server.put("/os/entities.ftm.json", full + (entity_line("os-9", "Other", "2026-12-01") + "\n").encode())
    server.put("/os/delta.json", json.dumps({"versions": {"20261201000000-zzz": server.url("/os/d.json")}}).encode())
    server.put("/os/index.json", json.dumps({**index, "version": "20261202000000-zzz"}).encode())
    assert "opensanctions" in sync(small_home, sources_file).updated
    held = small_home.held_sources()["opensanctions"]
    assert [f["format"] for f in held["files"]] == ["ftm"] and held["as_of"] == "2026-12-01"


def test_a_download_over_the_size_cap_is_refused(small_home, server, tmp_path):
    s = small_home.settings
    downloader = Downloader(s.sync_timeout, s.sync_retries, s.sync_backoff, max_bytes=len(UK_CSV) - 1)
    try:
        result = Syncer(small_home, load_sources(write_sources(tmp_path / "s.yaml", server)), downloader).run()
    finally:
        downloader.close()
    assert "over the" in result.failed["uk-fcdo"] and "uk-fcdo" not in small_home.held_sources()


def test_metrics_show_each_sources_sync_age_and_failure(small_home, server, tmp_path):
    from service.app import create_app

    sources_file = write_sources(tmp_path / "s.yaml", server)
    sync(small_home, sources_file)
    server.faults["/ofac/SDN.CSV"] = "500"
    server.put("/ofac/SDN.CSV", (FIXTURES / "ofac_sdn" / "sdn.csv").read_bytes() + b"\n")
    sync(small_home, sources_file)
    app = create_app(small_home.settings)
    key = app.extensions["diversion_risk_services"].keys.create("test", "acme", "metrics")[1]
    text = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {key}"}).get_data(as_text=True)
    assert 'diversion_risk_list_source_sync_age_seconds{source="uk-fcdo"}' in text
    assert 'diversion_risk_list_source_sync_failed{source="ofac"} 1.0' in text
    assert 'diversion_risk_list_source_sync_failed{source="uk-fcdo"} 0.0' in text


def test_sync_every_keeps_syncing_until_told_to_stop(small_home, server, tmp_path):
    """`lists sync --every` as the sync service runs it: a process of its own, stopped by SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "DIVERSION_RISK_HOME": str(small_home.root), "DIVERSION_RISK_SYNC_RETRIES": "1",
           "DIVERSION_RISK_DATABASE_URL": small_home.settings.database_url,
           "DIVERSION_RISK_SOURCES": write_sources(tmp_path / "s.yaml", server)}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "lists", "sync", "--every", "1s"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        while server.count("/uk.csv") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    rounds = [line for line in out.splitlines() if line.startswith("sources=")]
    assert proc.returncode == 0 and len(rounds) >= 2, out
    assert "updated=2" in rounds[0] and "unchanged=2" in rounds[1]

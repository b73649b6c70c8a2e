"""The default home's snapshot build, and a sync of every source from a local server.

    python -m bench.bench_sync [--runs 3]

1. Builds the bundled sources into a snapshot in a fresh home `--runs` times (what a newcomer's
   first `make run` does): median wall time.
2. Serves the official-layout files of `../shared/data/lists-2026/` (OFAC's 2024 SDN.CSV with the
   2026 ADD/ALT, the UN XML, the UK CSV, the 2022 CSL) from a real HTTP server on 127.0.0.1 and
   syncs all four sources into a fresh home: first a full download, then a round where every
   answer is 304 (nothing fetched, nothing rebuilt).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from bench.common import report
from bench.list_server import ListServer
from service.download import Downloader
from service.home import Home
from service.settings import Settings
from service.sources_config import load_sources
from service.sync import Syncer

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
FILES = {  # served path -> file under the shared data
    "/ofac/SDN.CSV": "lists-2026/ofac_sdn_2024-05-03/SDN.CSV",
    "/ofac/ADD.CSV": "lists-2026/ofac_2026-06-02/ADD.CSV",
    "/ofac/ALT.CSV": "lists-2026/ofac_2026-06-02/ALT.CSV",
    "/ofac/SDN_COMMENTS.CSV": "lists-2026/ofac_comments_2025-12-24/SDN_COMMENTS.CSV",
    "/uk/UK-Sanctions-List.csv": "uk_fcdo_sanctions_list_2025-08-11.csv",
    "/un/consolidated.xml": "lists-2026/un/UN_consolidated_2026-02-27.xml",
    "/csl/consolidated.csv.gz": "lists-2026/us_csl_2022-04/consolidated.csv.gz",
}
SOURCES = [("ofac", "ofac-sdn", ["/ofac/SDN.CSV", "/ofac/ADD.CSV", "/ofac/ALT.CSV", "/ofac/SDN_COMMENTS.CSV"]),
           ("uk-fcdo", "uk-fcdo", ["/uk/UK-Sanctions-List.csv"]), ("un", "un-sc", ["/un/consolidated.xml"]),
           ("us-csl", "us-csl", ["/csl/consolidated.csv.gz"])]


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def default_home_builds(runs: int) -> list[float]:
    seconds = []
    for run in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            took, _ = timed(lambda: Home(Settings(home=Path(tmp))).import_bundled())
            print(f"# default home build {run + 1}/{runs}: {took:.1f} s", flush=True)
            seconds.append(took)
    return seconds


def sync_rounds(server: ListServer) -> tuple[float, float, dict, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        sources_file = Path(tmp) / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"sources": [
            {"name": name, "format": fmt, "urls": [server.url(p) for p in paths]} for name, fmt, paths in SOURCES]}))
        home = Home(Settings(home=Path(tmp) / "home"))
        downloader = Downloader(30.0, 2, 0.5, 1 << 30)
        specs = load_sources(sources_file)
        first, full = timed(lambda: Syncer(home, specs, downloader).run())
        again, unchanged = timed(lambda: Syncer(home, specs, downloader).run())
        downloader.close()
        return first, again, full.figures(), unchanged.figures()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the project's shared data at {SHARED.resolve()} (see its README, 'More recent lists')")
    load = round(os.getloadavg()[0], 2)
    builds = default_home_builds(args.runs)
    server = ListServer()
    for path, name in FILES.items():
        server.put(path, (SHARED / name).read_bytes())
    with server.running():
        first, again, full, unchanged = sync_rounds(server)
    print(f"# full sync: {full}; unchanged sync: {unchanged}")
    report("sync", {"load_start": load, "default_build_median_s": round(statistics.median(builds), 1),
                    "default_build_runs_s": "/".join(f"{b:.1f}" for b in builds), "sync_all_s": round(first, 1),
                    "sync_unchanged_s": round(again, 2), "sync_updated": full["updated"],
                    "sync_unchanged": unchanged["unchanged"], "downloaded_bytes": sum(len(v) for v in server.files.values())})


if __name__ == "__main__":
    main()

"""`lists sync`: download every configured source once, and build and activate a new snapshot only
if something changed.

A source that fails (its download, its checksum, its parse) keeps its previous data while the
others update; sources the home holds but the sources file does not name are kept. Each
source's last attempt and last success are kept in `<home>/sources/SYNC.json`, for
`lists status` and the freshness metrics.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from followthemoney.dataset.dataset import DatasetModel
from pydantic import ValidationError

from features.lists import ListFormatError
from service import sources
from service.download import Downloader, DownloadError, Fetched
from service.home import Home
from service.registry import write_atomic
from service.sources_config import OPENSANCTIONS, SourcesConfigError, SourceSpec, expand

log = logging.getLogger(__name__)
ENTITIES = "entities.ftm.json"


@dataclass
class SyncResult:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    version: str | None = None
    changed: bool = False

    def figures(self) -> dict:
        return {"sources": len(self.updated) + len(self.unchanged) + len(self.failed), "updated": len(self.updated),
                "unchanged": len(self.unchanged), "failed": len(self.failed), "version": self.version}


class Syncer:
    def __init__(self, home: Home, specs: list[SourceSpec], downloader: Downloader,
                 progress: Callable[[str], None] = lambda _: None):
        self.home, self.specs, self.downloader, self.progress = home, specs, downloader, progress

    def run(self) -> SyncResult:
        result, staged = SyncResult(), []
        held = self.home.held_sources()
        self.home.sources.root.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(dir=self.home.sources.root, prefix=".download-"))
        try:
            for spec in self.specs:
                self.progress(f"checking {spec.name}")
                try:
                    found = self._source(spec, held.get(spec.name), workdir / spec.name)
                except (DownloadError, SourcesConfigError, ListFormatError, sources.SourceError, OSError) as exc:
                    self._failed(result, spec.name, str(exc))
                    continue
                if found is None:
                    result.unchanged.append(spec.name)
                else:
                    staged.append(found)
            self._activate(result, staged)
        finally:
            for item in staged:
                sources.discard(item)
            shutil.rmtree(workdir, ignore_errors=True)
        result.version = self.home.lists.active()
        self._record(result)
        return result

    def _failed(self, result: SyncResult, name: str, why: str) -> None:
        log.error("lists sync: source %s failed, its previous data keeps serving: %s", name, why)
        self.progress(f"{name} FAILED: {why}")
        result.failed[name] = why

    def _activate(self, result: SyncResult, staged: list[sources.Staged]) -> None:
        """Build the snapshot with every updated source; one whose file does not parse is dropped
        (failed) and the others are built again."""
        while staged:
            self.progress(f"building the snapshot with {', '.join(s.manifest['name'] for s in staged)}")
            try:
                done = self.home.update_sources(staged, note="sync")
            except ListFormatError as exc:
                bad = next((s for s in staged if s.holds(exc.path)), None)
                if bad is None:
                    raise
                error = bad.original(exc)  # the downloaded file, named as the URL names it
                self._failed(result, bad.manifest["name"], f"{error.path.name}:{error.line}: {error.message}")
                staged.remove(bad)
                sources.discard(bad)
                continue
            result.updated.extend(s.manifest["name"] for s in staged)
            result.changed = done["changed"]
            return

    def _record(self, result: SyncResult) -> None:
        state, at = sources.read_sync_state(self.home.sources), sources.now()
        for name in result.updated + result.unchanged:
            state[name] = {**state.get(name, {}), "last_attempt": at, "last_success": at, "last_error": None,
                           "status": "updated" if name in result.updated else "unchanged"}
        for name, why in result.failed.items():
            state[name] = {**state.get(name, {}), "last_attempt": at, "last_error": why, "status": "failed"}
        write_atomic(self.home.sources.root / sources.SYNC_STATE, json.dumps(state, indent=2) + "\n")

    def _source(self, spec: SourceSpec, held: dict | None, directory: Path) -> sources.Staged | None:
        """The source's new version, staged; None when nothing changed."""
        directory.mkdir(parents=True)
        headers = {k: expand(v) for k, v in spec.headers.items()}
        if spec.format == OPENSANCTIONS:
            return self._opensanctions(spec, held, directory, headers)
        http, changed = {}, False
        for item in spec.downloads:
            label = f"{spec.name}: {item.url}"
            previous = (held or {}).get("http", {}).get(item.file)
            kept = self._held_file(held, item.file)
            checksum = item.checksum or (self.downloader.checksum(expand(item.checksum_url), label, headers)
                                         if item.checksum_url else None)
            fetched = self.downloader.fetch(expand(item.url), label, directory / item.file, headers,
                                            previous if kept else None, checksum)
            if fetched.not_modified:
                if not (kept and previous):
                    raise DownloadError(f"{label}: 304 Not Modified to a request that was not conditional")
                shutil.copyfile(kept, directory / item.file)
                fetched = Fetched(True, fetched.etag or previous.get("etag"), fetched.last_modified or previous.get("last_modified"))
            changed |= not fetched.not_modified
            http[item.file] = {"url": item.url, "etag": fetched.etag, "last_modified": fetched.last_modified,
                               "last_modified_date": fetched.last_modified_date}
        if not changed:
            return None
        return self._staged([(directory / d.file, spec.format) for d in spec.downloads], spec.name, held, http)

    def _staged(self, files, name: str, held: dict | None, http: dict, extra: dict | None = None) -> sources.Staged | None:
        staged = sources.stage(self.home.sources, name, files, "sync", http=http, extra=extra)
        if held and staged.version == held["version"]:
            sources.discard(staged)  # downloaded again, but the same bytes
            return None
        return staged

    def _held_file(self, held: dict | None, file: str) -> Path | None:
        if not held:
            return None
        path = self.home.sources.path(held["version"]) / "files" / file
        return path if path.is_file() else None

    def _opensanctions(self, spec: SourceSpec, held: dict | None, directory: Path, headers: dict) -> sources.Staged | None:
        """An OpenSanctions dataset from its index.json: the FtM delta files since the held version
        when it is within the delta window, else the full entities file."""
        index_url = expand(spec.index)
        label = f"{spec.name}: {spec.index}"
        raw = self.downloader.json(index_url, label, headers)
        try:
            dataset = DatasetModel.model_validate(raw)
        except ValidationError as exc:
            raise DownloadError(f"{label}: not a dataset index ({exc.errors()[0]['msg']})") from None
        version = dataset.version
        base = (held or {}).get("opensanctions", {}).get("version")
        if version and base == version:
            return None
        extra = {"opensanctions": {"version": version, "index": spec.index}}
        files = self._deltas(raw, index_url, label, base, version, held, directory, headers) if base else None
        if files is None:
            resource = next((r for r in dataset.resources if r.name == ENTITIES and r.url), None)
            if resource is None:
                raise DownloadError(f"{label}: the index lists no {ENTITIES}")
            self.progress(f"{spec.name}: downloading {ENTITIES} of version {version}")
            self.downloader.fetch(urljoin(index_url, str(resource.url)), f"{spec.name}: {ENTITIES}", directory / ENTITIES,
                                  headers, checksum=(resource.checksum or "").lower() or None)
            files = [(directory / ENTITIES, "ftm")]
        return self._staged(files, spec.name, held, {}, extra)

    def _deltas(self, raw: dict, index_url: str, label: str, base: str, version: str | None, held: dict,
                directory: Path, headers: dict) -> list[tuple[Path, str]] | None:
        """The held files followed by the delta files from `base` to `version`; None when the held
        version is older than the delta window (or there is none), so the full file is needed."""
        delta_url = raw.get("delta_url")
        if not isinstance(delta_url, str):
            return None
        index = self.downloader.json(urljoin(index_url, delta_url), label, headers)
        versions = index.get("versions") if isinstance(index, dict) else None
        # The full file unless every step from the held version to the index's is there (a delta
        # index lagging behind its dataset would otherwise lose the newest step for good).
        if not isinstance(versions, dict) or not versions or base < min(versions) or (version and version not in versions):
            return None
        files = []
        for record in held["files"]:
            shutil.copyfile(self.home.sources.path(held["version"]) / "files" / record["file"], directory / record["file"])
            files.append((directory / record["file"], record["format"]))
        for step in sorted(v for v in versions if base < v <= (version or max(versions))):
            if not isinstance(versions[step], str):
                raise DownloadError(f"{label}: delta {step} has no URL")
            name = f"delta-{step}.json"
            self.downloader.fetch(urljoin(index_url, versions[step]), f"{label} delta {step}", directory / name, headers)
            files.append((directory / name, "ftm-delta"))
        return files

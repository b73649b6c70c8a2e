"""The home directory (DIVERSION_RISK_HOME): lists snapshots and models, and how they get there."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path

from features.entities import Entity, Link
from features.lists import detect_format, read_list
from features.reference import Reference
from features.snapshot_build import FORMAT, build_snapshot
from features.snapshot import Snapshot, SnapshotError
from model.persist import MODEL_FORMAT, file_sha256, load_card, save_model
from model.train import train_default
from service.registry import Registry, RegistryError
from service.settings import Settings


def default_list_files() -> list[Path]:
    """The lists bundled with the package, imported into a fresh home: the UK FCDO list and the
    OFAC SDN set (sdn.csv brings its sibling alias, address and comment files)."""
    root = Path(str(resources.files("service") / "data" / "default_lists"))
    return [root / "uk_fcdo_sanctions_list_2025-08-11.csv", root / "ofac_sdn" / "sdn.csv"]


class Home:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.home)
        self.lists = Registry(self.root / "lists")
        self.models = Registry(self.root / "models")

    def import_lists(self, files: Iterable[Path], fmt: str | None = None) -> dict:
        """Build a snapshot of `files` (all of them, or none: a bad file raises ListFormatError and
        nothing changes), versioned by content, and make it the active one."""
        files = [Path(f) for f in files]
        formats = [fmt or detect_format(f) for f in files]
        hashes = [file_sha256(f) for f in files]
        version = hashlib.sha256(
            f"format {FORMAT}\n".encode() + "\n".join(f"{h} {k}" for h, k in sorted(zip(hashes, formats))).encode()
        ).hexdigest()[:16]
        if not self.lists.exists(version):
            sources = [{"file": f.name, "format": k, "sha256": h, "modified": _modified(f),
                        "entities": 0, "sanctioned": 0, "links": 0}
                       for f, k, h in zip(files, formats, hashes)]
            with self.lists.staging() as tmp:
                build_snapshot(_counted(files, formats, sources), tmp, sources)
                self.lists.adopt(tmp, version)
        self.lists.activate(version, "import")
        return {"version": version, "path": str(self.lists.path(version))}

    def add_model(self, model, card: dict) -> str:
        """Store a trained model; its version is its name plus a prefix of the file's hash."""
        with self.models.staging() as tmp:
            saved = save_model(model, card, tmp / "model")
            version = f"{card['name']}-{saved['sha256'][:12]}"
            self.models.adopt(tmp / "model", version)
        return version

    def find_model(self, name: str) -> str:
        """A model version given its version or its name (the newest model of that name)."""
        if self.models.exists(name):
            return name
        named = [v for v in self.models.versions() if v.rsplit("-", 1)[0] == name]
        if not named:
            raise RegistryError(f"no model named or versioned {name!r}; see `diversion-risk models list`")
        return max(named, key=lambda v: load_card(self.models.path(v)).get("created", ""))

    def active_snapshot(self) -> Snapshot:
        version = self.lists.active()
        if version is None:
            raise RegistryError("no active lists snapshot; run `diversion-risk lists import FILE...`")
        return Snapshot(self.lists.path(version))

    def train_default_model(self, reference: Reference, progress: Callable[[str], None]) -> str:
        model, card = train_default(reference, name="default", match_threshold=self.settings.match_threshold,
                                    max_hops=self.settings.max_hops, progress=progress)
        return self.add_model(model, card)

    def prepare(self, reference: Reference, progress: Callable[[str], None]) -> None:
        """Give a fresh home the bundled lists and the default model, showing progress.

        A home made by an older version may hold a snapshot or a model this version cannot read:
        the bundled lists and the default model are rebuilt; the user's own are reported, since
        only the user has their files (`lists import`, `train`)."""
        lists, model = self.lists.active(), self.models.active()
        stale_lists = lists is not None and not self._snapshot_readable(lists)
        if lists is None or (stale_lists and self._is_default_snapshot(lists)):
            progress("importing the bundled lists")
            self.import_lists(default_list_files())
        elif stale_lists:
            progress(f"the active lists snapshot {lists} was built by an older version: re-import your lists")
        card = load_card(self.models.path(model)) if model else None
        if card is None or (card.get("format") != MODEL_FORMAT and card.get("name") == "default"):
            progress("training the default model on SIMULATED data (about 30 s)")
            self.models.activate(self.train_default_model(reference, progress), "default")
        elif card.get("format") != MODEL_FORMAT:
            progress(f"the active model {model} was trained by an older version: retrain it")

    def _snapshot_readable(self, version: str) -> bool:
        try:
            Snapshot(self.lists.path(version))
        except SnapshotError:
            return False
        return True

    def _is_default_snapshot(self, version: str) -> bool:
        meta = json.loads((self.lists.path(version) / "meta.json").read_text())
        return sorted(s["sha256"] for s in meta["sources"]) == sorted(file_sha256(f) for f in default_list_files())


def _modified(path: Path) -> str:
    """The file's modification time (UTC): the closest thing to an "as of" date every format has."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")


def _counted(files: list[Path], formats: list[str], sources: list[dict]) -> Iterator[Entity | Link]:
    """Stream the records of every file, counting per source for the snapshot's metadata."""
    for path, fmt, source in zip(files, formats, sources):
        for record in read_list(path, fmt):
            if isinstance(record, Link):
                source["links"] += 1
            else:
                source["entities"] += 1
                source["sanctioned"] += record.sanctioned
            yield record

"""The home directory (DIVERSION_RISK_HOME): lists snapshots and models, and how they get there."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from features.snapshot.meta import FORMAT, check_meta, read_meta
from model.serving.card import MODEL_FORMAT, ModelFileError, load_card
from service import sources
from service.registry import Registry, RegistryError
from service.settings import Settings

# The list readers, the snapshot builder and reader and the model libraries are imported by the
# methods that use them: the commands that only read a home's registries start without them.
if TYPE_CHECKING:
    from features.reference import Reference
    from features.snapshot.reader import Snapshot

BUNDLED = ("service", "data/default_lists")
ABANDONED_AFTER = 86400  # seconds after which an untouched staging directory is a dead process's


def bundled_sources() -> dict[str, list[Path]]:
    """The sources bundled with the package (one folder each, see service/data/README.md),
    imported into a fresh home: their files in name order."""
    root = Path(str(resources.files(BUNDLED[0]) / BUNDLED[1]))
    return {d.name: sorted(f for f in d.iterdir() if f.is_file()) for d in sorted(root.iterdir()) if d.is_dir()}


def bundled_groups() -> dict[str, tuple[list[tuple[Path, None]], str]]:
    """The bundled sources as `Home.import_sources` takes them."""
    return {name: ([(f, None) for f in files], "bundled") for name, files in bundled_sources().items()}


class Home:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(settings.home)
        self.lists = Registry(self.root / "lists")
        self.models = Registry(self.root / "models")
        self.sources = Registry(self.root / "sources")

    def held_sources(self) -> dict[str, dict]:
        """The sources of the active snapshot: name -> its manifest (as stored with the source)."""
        version = self.lists.active()
        if version is None:
            return {}
        try:
            named = {s["name"]: s["version"] for s in read_meta(self.lists.path(version))["sources"] if s.get("version")}
        except (OSError, ValueError, KeyError):
            raise RegistryError(f"the active lists snapshot {version} cannot be read; its sources would be lost: "
                                "activate a readable one or import every source again") from None
        return {name: sources.load_manifest(self.sources, held)[1] for name, held in named.items()}

    def snapshot_meta(self, version: str) -> dict:
        """The metadata of lists snapshot `version`, if it is of this format and names each
        source in full, as a home's snapshots do; else RegistryError."""
        try:
            meta = read_meta(self.lists.path(version))
            if meta.get("format") != FORMAT:
                raise ValueError(f"format {meta.get('format')!r}, this version reads {FORMAT}")
            return check_meta(meta, complete=True)
        except (OSError, ValueError) as exc:
            raise RegistryError(f"the lists snapshot {version} cannot be read ({exc}); "
                                "activate a readable one or import the lists again") from None

    def import_lists(self, files: Iterable[Path], fmt: str | None = None, source: str | None = None,
                     origin: str = "import") -> dict:
        """Replace the named `source` (or, unnamed, the source each file's format belongs to) with
        `files`, keep every other source, and build and activate a snapshot of them all. FtM
        delta files alone change their source instead: they are added after its files. A bad
        file raises ListFormatError and nothing changes."""
        from features.lists import detect_format, get_format

        formatted = sources.formats([(Path(f), fmt) for f in files])  # None: a companion, or refused later
        groups: dict[str, list[tuple[Path, str | None]]] = {}
        if source:
            groups[sources.check_name(source)] = formatted
        else:
            read_with = sources.companions(formatted)
            for f, found in formatted:
                if f.resolve() not in read_with:
                    groups.setdefault(get_format(found or detect_format(f)).source, []).append((f, found))
        held = self.held_sources()
        for name, group in groups.items():
            if name in held and all(found == "ftm-delta" for _, found in group):
                kept = self.sources.path(held[name]["version"]) / "files"
                groups[name] = [(kept / r["file"], r["format"]) for r in held[name]["files"] if r["format"]] + group
        return self.import_sources({name: (group, origin) for name, group in groups.items()})

    def import_sources(self, groups: dict[str, tuple[list[tuple[Path, str | None]], str]]) -> dict:
        """Replace each named source with its files (path, format or None), marked with its
        origin ("import", "bundled"...), in one new snapshot."""
        from features.lists import ListFormatError

        staged: list[sources.Staged] = []
        try:
            for name, (files, origin) in groups.items():
                staged.append(sources.stage(self.sources, name, files, origin))
            return self.update_sources(staged, note="+".join(sorted({o for _, o in groups.values()})))
        except ListFormatError as exc:
            raise next((s.original(exc) for s in staged if s.holds(exc.path)), exc) from None
        finally:
            for item in staged:
                sources.discard(item)  # adopted ones were moved away: nothing to remove

    @contextmanager
    def _lists_lock(self) -> Iterator[None]:
        """One writer of the lists at a time, across processes (the server's first start, `lists
        import`, the sync service): an exclusive lock on a file in the home."""
        self.sources.root.mkdir(parents=True, exist_ok=True)
        with open(self.sources.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def remove_source(self, name: str) -> dict:
        if name not in self.held_sources():
            raise RegistryError(f"no source {name!r}; see `diversion-risk lists status`")
        return self.update_sources([], removed={name}, note="remove")

    def update_sources(self, staged: list[sources.Staged], removed: set[str] = frozenset(), note: str = "import") -> dict:
        """Build a snapshot of the held sources with `staged` ones replacing (or adding) theirs and
        `removed` ones dropped, adopt the new sources, and activate it; `changed` says whether
        the active snapshot changed."""
        with self._lists_lock():  # an import and a sync at once: each keeps what the other activated
            self._sweep_abandoned()
            return self._update_sources(staged, removed, note)

    def _sweep_abandoned(self) -> None:
        """Remove staging and download directories a killed process left behind: those untouched
        for a day (a live one is younger: staging a source takes minutes at most)."""
        cutoff = time.time() - ABANDONED_AFTER
        for root in (self.lists.root, self.sources.root):
            for path in root.glob(".*-*") if root.is_dir() else ():
                if path.is_dir() and path.name.startswith((".stage-", ".download-")) and path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)

    def _update_sources(self, staged: list[sources.Staged], removed: set[str], note: str) -> dict:
        held = {name: (self.sources.path(m["version"]), m) for name, m in self.held_sources().items() if name not in removed}
        held.update({s.manifest["name"]: (s.directory, s.manifest) for s in staged})
        if not held:
            raise RegistryError("that would leave no source at all; import another first")
        names = sorted(held)
        version = hashlib.sha256(f"format {FORMAT}\n".encode() + "\n".join(held[n][1]["version"] for n in names).encode()).hexdigest()[:16]
        if not self.lists.exists(version):
            from features.snapshot.build import build_snapshot

            entries = [sources.snapshot_entry(held[n][1]) for n in names]
            with self.lists.staging() as tmp:
                build_snapshot((r for n, e in zip(names, entries) for r in sources.records(*held[n], e)), tmp, entries)
                for item in staged:
                    sources.adopt(self.sources, item)
                self.lists.adopt(tmp, version)
        else:
            for item in staged:
                sources.adopt(self.sources, item)
        changed = self.lists.active() != version
        if changed:
            self.lists.activate(version, note)
        return {"version": version, "path": str(self.lists.path(version)), "changed": changed}

    def add_model(self, model, card: dict) -> str:
        """Store a trained model; its version is its name plus a prefix of the file's hash."""
        from model.serving.persist import save_model

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
        try:
            return max(named, key=lambda v: load_card(self.models.path(v)).get("created", ""))
        except ModelFileError as exc:
            raise RegistryError(f"which model named {name!r} is the newest cannot be told ({exc}); give its version") from None

    def active_snapshot(self) -> Snapshot:
        from features.snapshot.reader import Snapshot, SnapshotError

        version = self.lists.active()
        if version is None:
            raise RegistryError("no active lists snapshot; run `diversion-risk lists import FILE...`")
        try:
            return Snapshot(self.lists.path(version))
        except SnapshotError as exc:
            raise RegistryError(f"the active lists snapshot cannot be read: {exc}") from None

    def train_default_model(self, reference: Reference, progress: Callable[[str], None]) -> str:
        from model.default.train import train_default

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
        if lists is None or (stale_lists and self._is_bundled_snapshot(lists)):
            progress("building the lists snapshot of the bundled sources")
            self.import_bundled()
        elif stale_lists:
            progress(f"the active lists snapshot {lists} was built by an older version: re-import your lists")
        try:
            card = load_card(self.models.path(model)) if model else None
        except ModelFileError as exc:
            raise RegistryError(f"the active model {model} cannot be read ({exc}); promote a readable one "
                                "(`diversion-risk models list`) or train one") from None
        if card is None or (card.get("format") != MODEL_FORMAT and card.get("name") == "default"):
            progress("training the default model on SIMULATED data (about 30 s)")
            self.models.activate(self.train_default_model(reference, progress), "default")
        elif card.get("format") != MODEL_FORMAT:
            progress(f"the active model {model} was trained by an older version: retrain it")

    def _snapshot_readable(self, version: str) -> bool:
        from features.snapshot.reader import Snapshot, SnapshotError

        try:
            Snapshot(self.lists.path(version))
        except SnapshotError:
            return False
        return True

    def import_bundled(self) -> dict:
        """Make every bundled source a held one (others are kept) and activate the snapshot."""
        return self.import_sources(bundled_groups())

    def _is_bundled_snapshot(self, version: str) -> bool:
        """Whether a snapshot holds nothing but sources bundled with some version of the package
        (an older version's bundle included: those are rebuilt, not reported)."""
        try:
            listed = read_meta(self.lists.path(version)).get("sources", [])
        except (OSError, ValueError):
            return False
        return all(s.get("origin") == "bundled" or s.get("sha256") in RETIRED_BUNDLE for s in listed)


# The sha256 of the files bundled before sources were named (snapshot format 9 and older: the UK
# list of 2025-08-11 and OFAC's sdn.csv of 2021): a home built from them alone is rebuilt from
# today's bundle; one holding a user's own files is reported.
RETIRED_BUNDLE = frozenset({"4f4eb695fcd6e69d521307823ca7e9c1a8c216cb1b8f77643bd2ea19aeac3e09",
                            "2a08fac873a3be0b92208f8874b2e7c138b7938190eeeb7ef991c15ba60e855b"})

"""A directory of immutable, versioned artefacts (lists snapshots, models) with an active pointer.

Each version is a subdirectory written once under a temporary name and renamed into place, so a
reader never sees half an artefact. `ACTIVE` names the version in service, replaced atomically;
`HISTORY` logs every activation, so a rollback returns to the one before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RegistryError(RuntimeError):
    pass


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Registry:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, version: str) -> Path:
        if not version or "/" in version or version.startswith("."):
            raise RegistryError(f"not a version name: {version!r}")
        return self.root / version

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def exists(self, version: str) -> bool:
        return self.path(version).is_dir()

    def active(self) -> str | None:
        try:
            return (self.root / "ACTIVE").read_text().strip() or None
        except FileNotFoundError:
            return None

    def history(self) -> list[dict]:
        try:
            lines = (self.root / "HISTORY").read_text().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def activate(self, version: str, note: str = "activate") -> None:
        if not self.exists(version):
            raise RegistryError(f"no version {version!r} in {self.root}")
        entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "version": version, "action": note}
        with open(self.root / "HISTORY", "a") as log:
            log.write(json.dumps(entry) + "\n")
        write_atomic(self.root / "ACTIVE", version + "\n")

    def rollback(self) -> str:
        """Activate the version that was active before the current one."""
        current = self.active()
        earlier = [e["version"] for e in self.history() if e["version"] != current and self.exists(e["version"])]
        if not earlier:
            raise RegistryError(f"nothing to roll back to in {self.root}")
        self.activate(earlier[-1], "rollback")
        return earlier[-1]

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh directory inside the registry (same filesystem, so `adopt` is a rename); removed
        if the block fails or leaves it unadopted."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=".stage-"))
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def adopt(self, directory: Path, version: str) -> None:
        """Rename a finished `directory` into place as `version` (a no-op if it already exists:
        versions are content hashes, so the existing one is identical)."""
        target = self.path(version)
        if not target.exists():
            os.rename(directory, target)

"""A directory of immutable, versioned artefacts (lists snapshots, models) with an active pointer.

Each version is a subdirectory written once under a temporary name and renamed into place, so a
reader never sees half an artefact. `ACTIVE` names the version in service, replaced atomically;
`HISTORY` logs every activation, so a rollback returns to the one before.

Both files are plain text anyone with the home can edit, so they are read as untrusted: ACTIVE
must be a regular file (not a symlink, a directory or a pipe) naming one version of this registry,
and a HISTORY line that is not an activation is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A version name is one entry of the registry's directory: NAME_MAX bytes at most.
MAX_NAME_BYTES = 255
# ACTIVE holds one name and its newline; blanks around it are tolerated, a file of them is not.
MAX_POINTER_BYTES = 1024


class RegistryError(RuntimeError):
    pass


def check_version(version) -> str:
    """`version` if it names an entry of a registry: one path component, neither hidden nor a
    staging directory (no leading dot, so neither "." nor ".."), no "/", no control character
    (NUL, newline), no surrounding blanks (ACTIVE is read stripped), at most 255 bytes."""
    if not (isinstance(version, str) and version and version.isprintable() and version == version.strip()
            and "/" not in version and not version.startswith(".") and len(version.encode()) <= MAX_NAME_BYTES):
        raise RegistryError(f"not a version name: {version!r}")
    return version


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
        return self.root / check_version(version)

    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _is_version(p.name))

    def exists(self, version: str) -> bool:
        return self.path(version).is_dir()

    def active(self) -> str | None:
        """The version ACTIVE names; None if none was ever activated; RegistryError if ACTIVE is
        not a regular file holding one version name (it is never followed out of the registry)."""
        pointer = self.root / "ACTIVE"
        try:
            # No symlink, and no blocking on a pipe put in its place: its type is checked once open.
            fd = os.open(pointer, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RegistryError(f"{pointer} cannot be read ({exc.strerror}); activate a version again") from None
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)
            data = os.read(fd, MAX_POINTER_BYTES + 1) if regular else b""
        finally:
            os.close(fd)
        if not regular:
            raise RegistryError(f"{pointer} is not a regular file; activate a version again")
        try:
            if len(data) > MAX_POINTER_BYTES:
                raise RegistryError("longer than a version name")
            return check_version(data.decode("utf-8").strip())
        except (UnicodeDecodeError, RegistryError):
            raise RegistryError(f"{pointer} does not name a version: {data[:64]!r}; activate a version again") from None

    def history(self) -> list[dict]:
        """Every activation logged, oldest first; a line that is not one (damaged, edited) is skipped."""
        try:
            lines = (self.root / "HISTORY").read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []
        return [entry for entry in map(_activation, lines) if entry is not None]

    def activate(self, version: str, note: str = "activate") -> None:
        if not self.exists(version):
            raise RegistryError(f"no version {version!r} in {self.root}")
        entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "version": version, "action": note}
        with open(self.root / "HISTORY", "a") as log:
            log.write(json.dumps(entry) + "\n")
        write_atomic(self.root / "ACTIVE", version + "\n")

    def previous(self) -> str:
        """The version that was active before the current one (what a rollback activates)."""
        current = self.active()
        earlier = [e["version"] for e in self.history() if e["version"] != current and self.exists(e["version"])]
        if not earlier:
            raise RegistryError(f"nothing to roll back to in {self.root}")
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


def _is_version(name: str) -> bool:
    try:
        check_version(name)
    except RegistryError:
        return False
    return True


def _activation(line: str) -> dict | None:
    """A HISTORY line as the activation it logs, or None if it is not one."""
    try:
        entry = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: a line of brackets nested too deep
        return None
    return entry if isinstance(entry, dict) and _is_version(entry.get("version")) else None

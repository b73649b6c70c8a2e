"""A home's named sources of lists (`ofac`, `uk-fcdo`, `un`, a user's `my-registry`...), each a set
of files kept as it was imported or downloaded.

A source version is an immutable directory `<home>/sources/<name>-<hash>/` holding the files
under their own names (OFAC's `sdn.csv` finds `alt.csv` beside it) and `source.json`: each
file's format, sha256 and as-of date, where the files came from and when. The active lists
snapshot names the source versions it was built from, so the snapshot's activation is the one
moment a change of sources takes effect: an import, a sync or a removal that fails before it
changes nothing that serves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from model.serving.card import file_sha256
from service.registry import Registry, RegistryError

# The list readers (FtM, the name data) and the snapshot builder are imported by the functions
# that read files: `lists status` and the service's metrics read manifests and state alone.
if TYPE_CHECKING:
    from features.lists import ListFormatError
    from features.lists.entities import Record

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MANIFEST = "source.json"
SYNC_STATE = "SYNC.json"  # per source: last attempt, last success, last error (service.sync writes it)


class SourceError(ValueError):
    """A source cannot be formed from the files given (bad name, clashing file names)."""


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise SourceError(f"source name {name!r}: expected lower-case letters, digits, '-' or '_' (at most 64)")
    return name


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class Staged:
    """A source's files copied into a staging directory, with their manifest, not yet adopted."""

    directory: Path
    manifest: dict
    originals: dict[str, Path]  # each staged file's name -> the file it was copied from

    @property
    def version(self) -> str:
        return self.manifest["version"]

    def holds(self, path: Path) -> bool:
        return self.directory in Path(path).parents

    def original(self, error: ListFormatError) -> ListFormatError:
        """The error naming the file the user gave, not its staged copy."""
        from features.lists import ListFormatError

        return ListFormatError(self.originals.get(Path(error.path).name, Path(error.path)), error.line, error.message)


def formats(files: list[tuple[Path, str | None]]) -> list[tuple[Path, str | None]]:
    """Each file with its named or detected format; None where none is recognised (a companion
    such as OFAC's add.csv, or a file refused later)."""
    from features.lists import ListFormatError, detect_format

    found = []
    for path, fmt in files:
        try:
            found.append((path, fmt or detect_format(path)))
        except ListFormatError:
            found.append((path, None))
    return found


def companions(formatted: list[tuple[Path, str | None]]) -> set[Path]:
    """The files among or beside `formatted` (as `formats` gives them) that are read with another
    one (OFAC's `alt.csv` with its `sdn.csv`), resolved: never read on their own."""
    from features.lists import get_format

    return {c.resolve() for path, fmt in formatted if fmt for c in get_format(fmt).companions(path)}


def _with_companions(files: list[tuple[Path, str | None]]) -> list[tuple[Path, str | None]]:
    """Each file to read with its format, followed by its companions (format None); a file that
    is neither recognised nor a companion is refused with detection's own error."""
    from features.lists import detect_format, get_format

    formatted = formats(files)
    read_with = companions(formatted)
    entries: list[tuple[Path, str | None]] = []
    for path, fmt in formatted:
        if path.resolve() in read_with:
            continue
        fmt = fmt or detect_format(path)
        entries.append((path, fmt))
        entries.extend((c, None) for c in get_format(fmt).companions(path))
    return entries


def _file_as_of(path: Path, fmt: str | None, http: dict | None) -> tuple[str | None, str | None]:
    from features.lists import get_format

    if fmt is None:
        return None, None
    found = get_format(fmt).as_of(path)
    if found:
        return found.isoformat(), get_format(fmt).as_of_basis
    if http and http.get("last_modified_date"):
        return http["last_modified_date"], "HTTP Last-Modified"
    return None, None


def stage(registry: Registry, name: str, files: list[tuple[Path, str | None]], origin: str,
          http: dict[str, dict] | None = None, extra: dict | None = None) -> Staged:
    """Copy `files` (path, format or None to detect) into a new staging directory of `registry`
    as source `name`. `http` maps a file's name to what its download said (url, ETag,
    Last-Modified); `extra` is kept in the manifest (an OpenSanctions version). The caller
    adopts the result (`adopt`) once the snapshot built from it is written, or removes it
    (`discard`)."""
    check_name(name)
    http = http or {}
    entries = _with_companions([(Path(p), f) for p, f in files])
    seen: set[str] = set()
    for path, _ in entries:
        if path.name in seen:
            raise SourceError(f"source {name}: two files named {path.name}; a source keeps files by name")
        seen.add(path.name)
    registry.root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=registry.root, prefix=f".stage-{name}-"))
    (tmp / "files").mkdir()
    try:
        records = []
        for path, fmt in entries:
            target = tmp / "files" / path.name
            shutil.copyfile(path, target)
            as_of, basis = _file_as_of(target, fmt, http.get(path.name))
            records.append({"file": path.name, "format": fmt, "sha256": file_sha256(target), "bytes": target.stat().st_size,
                            "as_of": as_of, "as_of_basis": basis, **({"url": http[path.name]["url"]} if path.name in http else {})})
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    digest = hashlib.sha256("\n".join(f"{r['sha256']} {r['file']} {r['format']}" for r in records).encode()).hexdigest()
    dated = [r for r in records if r["as_of"]]
    newest = max(dated, key=lambda r: r["as_of"]) if dated else None
    manifest = {
        "name": name, "version": f"{name}-{digest[:12]}", "sha256": digest, "origin": origin,
        "fetched_at": now(),
        "as_of": newest and newest["as_of"], "as_of_basis": newest and f"{newest['as_of_basis']} of {newest['file']}",
        "formats": sorted({r["format"] for r in records if r["format"]}),
        "files": records,
        "http": {k: {h: v for h, v in info.items() if h in ("url", "etag", "last_modified")} for k, info in http.items()},
        **(extra or {}),
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return Staged(tmp, manifest, {path.name: path for path, _ in entries})


def adopt(registry: Registry, staged: Staged) -> None:
    """Move a staged source into place (a no-op when that version is already held)."""
    if registry.exists(staged.version):
        discard(staged)
    else:
        registry.adopt(staged.directory, staged.version)


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.directory, ignore_errors=True)


def files_of(directory: Path, manifest: dict) -> list[tuple[Path, str]]:
    """The files a source's reading starts from, in order: FtM deltas after the rest, since they
    change what came before them."""
    read = [(directory / "files" / r["file"], r["format"]) for r in manifest["files"] if r["format"]]
    return [e for e in read if e[1] != "ftm-delta"] + [e for e in read if e[1] == "ftm-delta"]


def records(directory: Path, manifest: dict, counts: dict) -> Iterator[Record]:
    """The source's entities and links, its deltas applied within it (a DEL in one source never
    removes another source's entity), counted into `counts` (`entities`, `sanctioned`, `links`)."""
    from features.lists import BY_NAME
    from features.snapshot.build import collect

    entities, links = collect(r for path, fmt in files_of(directory, manifest) for r in BY_NAME[fmt].read(path))
    counts.update(entities=len(entities), sanctioned=sum(e.sanctioned for e in entities), links=len(links))
    yield from entities
    yield from links


def load_manifest(registry: Registry, version: str) -> tuple[Path, dict]:
    directory = registry.path(version)
    try:
        return directory, json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise RegistryError(f"source {version}: its files are missing or damaged ({exc}); re-import it") from None


def snapshot_entry(manifest: dict) -> dict:
    """What a snapshot's meta says of a source it was built from (its counts are added as it is read)."""
    keep = ("name", "version", "sha256", "origin", "fetched_at", "as_of", "as_of_basis", "formats", "files")
    main = next(r for r in manifest["files"] if r["format"])
    # `file`, `format` and `modified` are what a snapshot said of its sources before they were named.
    legacy = {"file": main["file"], "format": main["format"], "modified": manifest["fetched_at"]}
    return {k: manifest.get(k) for k in keep} | legacy | {"entities": 0, "sanctioned": 0, "links": 0}


def oldest_as_of(sources: list[dict]) -> str | None:
    """The oldest as-of date among sources that state one: how current a screening against all
    of them is at best."""
    dates = [s["as_of"] for s in sources if s.get("as_of")]
    return min(dates) if dates else None


def read_sync_state(registry: Registry) -> dict:
    """What `lists sync` last recorded of each source ({} before any sync)."""
    try:
        state = json.loads((registry.root / SYNC_STATE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}

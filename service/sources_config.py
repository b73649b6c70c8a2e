"""The sources `lists sync` downloads: a YAML file (DIVERSION_RISK_SOURCES, default the one in the
package, `service/data/sources.yaml`, with the publishers' official addresses).

    sources:
      - name: ofac
        format: ofac-sdn
        urls: [https://.../SDN.CSV, https://.../ADD.CSV, ...]     # or {url, file, sha256, sha256_url}
      - name: opensanctions
        format: opensanctions                                     # a dataset's index.json
        index: https://data.opensanctions.org/datasets/latest/sanctions/index.json
        headers: {Authorization: "ApiKey ${OPENSANCTIONS_API_KEY}"}

`${NAME}` in a URL or header is taken from the environment when the request is made, so a
delivery token is never written to disk (not to the home, not to a log).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from features.lists import BY_NAME
from service.sources import SourceError, check_name

OPENSANCTIONS = "opensanctions"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HEX = re.compile(r"^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$")


class SourcesConfigError(ValueError):
    """The sources file cannot be used; names the entry and what was expected."""


@dataclass(frozen=True)
class Download:
    url: str  # may hold ${VARIABLES}
    file: str  # the name the file is kept under in the source
    checksum: str | None = None  # sha256 (64 hex) or sha1 (40 hex, as OpenSanctions publishes)
    checksum_url: str | None = None  # a file whose first word is the checksum


@dataclass(frozen=True)
class SourceSpec:
    name: str
    format: str
    downloads: tuple[Download, ...] = ()
    index: str | None = None  # OpenSanctions: the dataset's index.json
    headers: dict[str, str] = field(default_factory=dict)


def expand(text: str, environ: dict[str, str] | None = None) -> str:
    """`text` with each ${NAME} replaced by that environment variable; an unset one is an error."""
    environ = os.environ if environ is None else environ

    def value(match: re.Match) -> str:
        if match.group(1) not in environ:
            raise SourcesConfigError(f"environment variable {match.group(1)} is not set")
        return environ[match.group(1)]

    return _VARIABLE.sub(value, text)


def default_path() -> Path:
    return Path(str(resources.files("service") / "data" / "sources.yaml"))


def _download(where: str, item) -> Download:
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        raise SourcesConfigError(f"{where}: a URL, or a mapping with `url` (and optional file, sha256, sha256_url)")
    if not all(isinstance(item.get(k) or "", str) for k in ("file", "sha256", "checksum", "sha256_url")):
        raise SourcesConfigError(f"{where}: file, sha256 and sha256_url must be text")
    name = item.get("file") or Path(urlsplit(item["url"]).path).name
    if not name or "/" in name or name.startswith("."):
        raise SourcesConfigError(f"{where}: cannot name a file after {item['url']!r}; give `file`")
    checksum = item.get("sha256") or item.get("checksum")
    if checksum is not None and not (isinstance(checksum, str) and _HEX.match(checksum)):
        raise SourcesConfigError(f"{where}: sha256 must be 64 hexadecimal digits")
    return Download(item["url"], name, checksum and checksum.lower(), item.get("sha256_url"))


def _spec(index: int, entry) -> SourceSpec:
    where = f"sources[{index}]"
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k, ""), str) for k in ("name", "format", "index")):
        raise SourcesConfigError(f"{where}: expected a mapping with name, format and urls (name, format, index as text)")
    try:
        name = check_name(entry.get("name"))
    except SourceError as exc:
        raise SourcesConfigError(f"{where}: {exc}") from None
    where = f"source {name}"
    fmt = entry.get("format")
    if fmt != OPENSANCTIONS and fmt not in BY_NAME:
        raise SourcesConfigError(f"{where}: format must be one of {', '.join([*BY_NAME, OPENSANCTIONS])}")
    headers = entry.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise SourcesConfigError(f"{where}: headers must map names to strings")
    if fmt == OPENSANCTIONS:
        if not isinstance(entry.get("index"), str):
            raise SourcesConfigError(f"{where}: an opensanctions source needs `index`, its dataset's index.json URL")
        return SourceSpec(name, fmt, index=entry["index"], headers=headers)
    urls = entry.get("urls")
    if not isinstance(urls, list) or not urls:
        raise SourcesConfigError(f"{where}: `urls` must be a non-empty list")
    downloads = [_download(f"{where} urls[{i}]", u) for i, u in enumerate(urls)]
    if len(downloads) == 1 and (entry.get("sha256") or entry.get("sha256_url")):
        downloads = [_download(f"{where}", {"url": downloads[0].url, "file": downloads[0].file,
                                            "sha256": entry.get("sha256"), "sha256_url": entry.get("sha256_url")})]
    if len({d.file for d in downloads}) != len(downloads):
        raise SourcesConfigError(f"{where}: two URLs give the same file name; give each a `file`")
    return SourceSpec(name, fmt, tuple(downloads), headers=headers)


def load_sources(path: Path | None = None) -> list[SourceSpec]:
    path = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise SourcesConfigError(f"{path}: cannot read the sources file: {exc}") from None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SourcesConfigError(f"{path}: expected `sources:` and a list of sources")
    specs = [_spec(i, e) for i, e in enumerate(entries)]
    if len({s.name for s in specs}) != len(specs):
        raise SourcesConfigError(f"{path}: two sources have the same name")
    return specs

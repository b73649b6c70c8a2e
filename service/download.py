"""Downloading a list file from its publisher: httpx with timeouts, retries with backoff
(tenacity), conditional requests, a size cap, checksums and atomic writes.

A file is written under a temporary name and renamed into place only once all of it has
arrived and its checksum (if one is known) agrees, so a failed download leaves nothing that
could be mistaken for the file. URLs and headers are given here with their `${VARIABLES}`
already expanded; what is logged or raised names the URL as configured (its template), never
a token.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

# index.json files and checksum files are small; a larger answer is not one.
MAX_SMALL_BYTES = 16 << 20
USER_AGENT = "diversion-risk lists sync"
# httpx logs each request's full URL at INFO: a token in a URL must not reach a log.
logging.getLogger("httpx").setLevel(logging.WARNING)


class DownloadError(RuntimeError):
    """A download failed for good (after retries): names the URL as configured and why."""


class _Retryable(Exception):
    """A server error worth another try (5xx, 429)."""


@dataclass(frozen=True)
class Fetched:
    not_modified: bool
    etag: str | None = None
    last_modified: str | None = None

    @property
    def last_modified_date(self) -> str | None:
        """The Last-Modified header as an ISO date: what a list that states no date of its own is as of."""
        if not self.last_modified:
            return None
        try:
            return email.utils.parsedate_to_datetime(self.last_modified).date().isoformat()
        except (TypeError, ValueError):
            return None


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, (_Retryable, httpx.TransportError))


class Downloader:
    def __init__(self, timeout: float, retries: int, backoff: float, max_bytes: int, client: httpx.Client | None = None):
        self.max_bytes = max_bytes
        self.client = client or httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True,
                                             headers={"User-Agent": USER_AGENT})
        self.retrying = Retrying(stop=stop_after_attempt(max(retries, 1)), reraise=True, retry=retry_if_exception(_retryable),
                                 wait=wait_exponential(multiplier=backoff, max=60))

    def close(self) -> None:
        self.client.close()

    def _attempts(self, label: str, call):
        try:
            for attempt in self.retrying:
                with attempt:
                    return call()
        except _Retryable as exc:
            raise DownloadError(f"{label}: {exc}") from None
        except httpx.TimeoutException:
            raise DownloadError(f"{label}: timed out") from None
        except httpx.TransportError as exc:
            raise DownloadError(f"{label}: {type(exc).__name__}: {exc} (truncated or refused)") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # redirects, a corrupt encoding, a bad URL
            raise DownloadError(f"{label}: {type(exc).__name__}") from None

    def fetch(self, url: str, label: str, target: Path, headers: dict[str, str], previous: dict | None = None,
              checksum: str | None = None) -> Fetched:
        """Download `url` into `target` (replaced atomically), unless the server says it has not
        changed since `previous` (the ETag and Last-Modified of the last download)."""
        conditional = dict(headers)
        if previous and previous.get("etag"):
            conditional["If-None-Match"] = previous["etag"]
        if previous and previous.get("last_modified"):
            conditional["If-Modified-Since"] = previous["last_modified"]
        return self._attempts(label, lambda: self._fetch_once(url, label, target, conditional, checksum))

    def _fetch_once(self, url: str, label: str, target: Path, headers: dict[str, str], checksum: str | None) -> Fetched:
        part = target.with_name(f".{target.name}.part")
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Fetched(True, response.headers.get("ETag"), response.headers.get("Last-Modified"))
                self._check_status(response, label)
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise DownloadError(f"{label}: {declared} bytes, over the {self.max_bytes}-byte cap")
                digest = hashlib.sha1() if checksum and len(checksum) == 40 else hashlib.sha256()
                size = 0
                with open(part, "wb") as out:
                    for chunk in response.iter_bytes():  # decoded: what a checksum is of
                        size += len(chunk)
                        if size > self.max_bytes:
                            raise DownloadError(f"{label}: over the {self.max_bytes}-byte cap")
                        digest.update(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if checksum and digest.hexdigest() != checksum:
                    raise DownloadError(f"{label}: checksum mismatch (expected {checksum}, got {digest.hexdigest()})")
                os.replace(part, target)
                return Fetched(False, response.headers.get("ETag"), response.headers.get("Last-Modified"))
        finally:
            part.unlink(missing_ok=True)

    def _check_status(self, response: httpx.Response, label: str) -> None:
        if response.status_code >= 500 or response.status_code == 429:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise DownloadError(f"{label}: HTTP {response.status_code}")

    def small(self, url: str, label: str, headers: dict[str, str]) -> bytes:
        """A small document (an index, a checksum file), whole."""
        def once() -> bytes:
            with self.client.stream("GET", url, headers=headers) as response:
                self._check_status(response, label)
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_SMALL_BYTES:
                        raise DownloadError(f"{label}: over {MAX_SMALL_BYTES} bytes for an index or checksum")
                return body
        return self._attempts(label, once)

    def json(self, url: str, label: str, headers: dict[str, str]):
        try:
            return json.loads(self.small(url, label, headers))
        except ValueError as exc:
            raise DownloadError(f"{label}: not JSON ({exc})") from None

    def checksum(self, url: str, label: str, headers: dict[str, str]) -> str:
        """The first word of a checksum file (`sha256sum` writes "<hex>  <file>")."""
        words = self.small(url, label, headers).decode("ascii", "replace").split()
        value = words[0].lower() if words else ""
        if len(value) not in (40, 64) or any(c not in "0123456789abcdef" for c in value):
            raise DownloadError(f"{label}: not a sha256 or sha1 checksum file")
        return value

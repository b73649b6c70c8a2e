"""Opening a list file whatever its compression, and reading it a line at a time within bounds.

Publishers and mirrors ship some lists gzipped (the US CSL as `consolidated.csv.gz`,
OpenSanctions on request), and the package ships its bundled lists gzipped to stay small. A
file is gzip when it starts with gzip's magic bytes, whatever its name. Lines are read one at a
time and at most `MAX_RECORD_BYTES` each, so a file of one 60 MB line costs as much memory as
any other: its first 4 MiB, then it is refused.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from features.lists.errors import ListFormatError
from features.lists.limits import MAX_RECORD_BYTES

GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed if it is gzip."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` decompressed bytes: what format sniffers look at. A truncated gzip
    stream yields what it holds; the reader refuses it later."""
    with open_binary(path) as handle:
        try:
            return handle.read(size)
        except (EOFError, gzip.BadGzipFile, OSError):
            return b""


def numbered_lines(path: Path, stream: BinaryIO, first: int = 1) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes with the line break) of each line of `stream`, a part of `path` that
    starts at line `first`. A line of more than MAX_RECORD_BYTES is refused when that many are
    read; a truncated or corrupt gzip stream is refused at the line it breaks in."""
    lineno = first - 1
    try:
        while raw := stream.readline(MAX_RECORD_BYTES + 1):
            lineno += 1
            if len(raw) > MAX_RECORD_BYTES:
                raise ListFormatError(path, lineno, f"a line of more than {MAX_RECORD_BYTES:,} bytes: no list has one")
            yield lineno, raw
    except (OSError, EOFError) as exc:
        raise ListFormatError(path, lineno + 1, f"cannot be read (truncated or corrupt gzip?): {exc}") from None


def text_lines(path: Path, encoding: str = "utf-8", stream: BinaryIO | None = None,
               first: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line of `path` (or of `stream`, as `numbered_lines`), decoded a
    line at a time, so an encoding error names its own line; a UTF-8 byte order mark is dropped."""
    with open_binary(path) if stream is None else stream as handle:
        for lineno, raw in numbered_lines(path, handle, first):
            try:
                yield lineno, (raw.removeprefix(BOM) if lineno == 1 and encoding == "utf-8" else raw).decode(encoding)
            except UnicodeDecodeError as exc:
                raise ListFormatError(path, lineno, f"not {encoding.upper()} text: {exc.reason}") from None

"""Opening a list file whatever its compression: publishers and mirrors ship some lists gzipped
(the US CSL as `consolidated.csv.gz`, OpenSanctions on request), and the package ships its
bundled lists gzipped to stay small. A file is gzip when it starts with gzip's magic bytes,
whatever its name."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed if it is gzip."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def open_text(path: Path, encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """The file as text for the csv module (newline="" keeps quoted line breaks)."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, newline="")


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first `size` decompressed bytes: what format sniffers look at. A truncated gzip
    stream yields what it holds; the reader refuses it later."""
    with open_binary(path) as handle:
        try:
            return handle.read(size)
        except (EOFError, gzip.BadGzipFile, OSError):
            return b""


def read_bytes(path: Path) -> bytes:
    """The whole file, decompressed; a truncated or corrupt gzip stream raises OSError or EOFError."""
    with open_binary(path) as handle:
        return handle.read()

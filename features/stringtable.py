"""Variable-length strings in one memory-mapped blob plus an offsets array.

A snapshot holds millions of names and records; as Python objects they would cost gigabytes
per gunicorn worker. As two files mapped read-only they cost nothing until read, and the page
cache shares them between workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


def pack(strings: Iterable[str]) -> tuple[bytes, np.ndarray]:
    """Strings as one UTF-8 blob plus each one's length in bytes: cheap to send between processes."""
    encoded = [text.encode("utf-8") for text in strings]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def write_packed(path: Path, blobs: Iterable[bytes], lengths: np.ndarray) -> int:
    """Write `path`.bin and `path`.idx.npy from packed parts (see `pack`); return the string count."""
    with open(f"{path}.bin", "wb") as out:
        for blob in blobs:
            out.write(blob)
    np.save(f"{path}.idx.npy", np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))))
    return len(lengths)


def write_strings(path: Path, strings: Iterable[str]) -> int:
    """Write `path`.bin and `path`.idx.npy; return how many strings were written."""
    blob, lengths = pack(strings)
    return write_packed(path, [blob], lengths)


class StringTable:
    """Read access by position. Offsets and bytes are read through plain memoryviews of the
    mapped files: a numpy memmap costs a microsecond or more per element or slice, which adds
    up over the two dozen names every name resolution decodes."""

    def __init__(self, path: Path):
        offsets = np.load(f"{path}.idx.npy", mmap_mode="r")
        self._offsets = memoryview(np.asarray(offsets)).cast("B").cast("q")
        size = int(self._offsets[-1])
        # np.memmap refuses empty files; an empty table is a valid table.
        blob = np.memmap(f"{path}.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)
        self._blob = memoryview(np.asarray(blob))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def buffers(self) -> tuple[memoryview, memoryview]:
        """The UTF-8 blob and the int64 offsets (one more than strings), for code that reads them whole."""
        return self._blob, self._offsets

    def __getitem__(self, index: int) -> str:
        if index < 0:
            index += len(self)
        return str(self._blob[self._offsets[index]: self._offsets[index + 1]], "utf-8")

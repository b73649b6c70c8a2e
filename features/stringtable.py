"""Variable-length strings in one memory-mapped blob plus an offsets array.

A snapshot holds millions of names and records; as Python objects they would cost gigabytes
per gunicorn worker. As two files mapped read-only they cost nothing until read, and the page
cache shares them between workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np


def write_strings(path: Path, strings: Iterable[str]) -> int:
    """Write `path`.bin and `path`.idx.npy; return how many strings were written."""
    offsets = [0]
    with open(f"{path}.bin", "wb") as blob:
        for text in strings:
            data = text.encode("utf-8")
            blob.write(data)
            offsets.append(offsets[-1] + len(data))
    np.save(f"{path}.idx.npy", np.asarray(offsets, dtype=np.int64))
    return len(offsets) - 1


class StringTable:
    def __init__(self, path: Path):
        self._offsets = np.load(f"{path}.idx.npy", mmap_mode="r")
        size = int(self._offsets[-1])
        # np.memmap refuses empty files; an empty table is a valid table.
        self._blob = np.memmap(f"{path}.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        start, end = self._offsets[index], self._offsets[index + 1]
        return self._blob[start:end].tobytes().decode("utf-8")

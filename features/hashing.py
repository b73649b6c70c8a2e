"""Stable 64-bit keys for strings, so indexes are sorted integer arrays searched with numpy."""

from __future__ import annotations

import hashlib

import numpy as np


def key64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def keys64(texts: list[str]) -> np.ndarray:
    return np.fromiter((key64(t) for t in texts), dtype=np.uint64, count=len(texts))

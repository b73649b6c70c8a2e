"""A built lists snapshot, memory-mapped read-only: lookups by identifier, by name and along the graph."""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from pathlib import Path

import numpy as np

from features.hashing import key64
from features.matching._blocking import find, select_names
from features.matching.names import NameKey, query_block_keys, query_name_keys
from features.matching.rules import CANDIDATES, MAX_POSTING
from features.matching.skeletons import TABLE
from features.matching.vocab import NameVocab
from features.snapshot.build import EPOCH, UNKNOWN_DATE
from features.snapshot.graph import link_type, phrase
from features.snapshot.meta import FORMAT, check_meta, read_meta
from features.stringtable import StringTable

# Results kept per function by `Snapshot.memo`.


class SnapshotError(RuntimeError):
    """The directory is not a complete snapshot of a format this code reads."""


class Snapshot:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        try:
            self.meta = read_meta(self.directory)  # ValueError unless the shape its readers take
            if self.meta.get("format") != FORMAT:
                raise SnapshotError(f"{directory}: snapshot format {self.meta.get('format')}, expected {FORMAT}")
            check_meta(self.meta)
            # Mapped read-only, but as plain arrays: slicing an np.memmap costs microseconds more
            # per slice (its __array_finalize__), and resolution slices a dozen times per query.
            load = lambda name: np.asarray(np.load(self.directory / f"{name}.npy", mmap_mode="r"))  # noqa: E731
            self._records = StringTable(self.directory / "entities")
            self.sanctioned = load("sanctioned")
            self._incorporated = load("incorporated")
            self._names = StringTable(self.directory / "names")
            self._skeletons = StringTable(self.directory / TABLE)
            self._countries = StringTable(self.directory / "countries")
            self._name_entity = load("name_entity")
            self._schema = load("schema")
            self._block = tuple(load(f"block_{part}") for part in ("keys", "offsets", "postings", "bitmap_keys", "bitmaps"))
            self._exact = tuple(load(f"exact_{part}") for part in ("keys", "offsets", "postings"))
            self._ident = tuple(load(f"ident_{part}") for part in ("keys", "offsets", "postings"))
            self._hops, self._pred, self._ptype = load("hops"), load("pred"), load("ptype")
            self._attributes = StringTable(self.directory / "attributes")
            self.vocab = NameVocab(self.directory, load, self._skeletons, self._block[0])
        except (OSError, ValueError, KeyError) as exc:
            raise SnapshotError(f"{directory}: not a readable snapshot ({exc})") from exc

    @cached_property
    def version(self) -> str:
        return self.directory.name

    def __len__(self) -> int:
        return len(self.sanctioned)

    def record(self, row: int) -> dict:
        return json.loads(self.record_text(row))

    def record_text(self, row: int) -> str:
        """The entity's record as stored: equal texts are equal records (ids included)."""
        return self._records[row]

    def countries(self, row: int) -> list[str]:
        """The entity's country codes, as in its record, without parsing the record."""
        return self._countries[row].split()

    def schema(self, row: int) -> str:
        """The entity's FtM schema ("Person", "Organization", "Vessel"...), without parsing its record."""
        return self.meta["schemas"][int(self._schema[row])]

    def incorporated(self, row: int) -> dt.date | None:
        days = int(self._incorporated[row])
        return None if days == UNKNOWN_DATE else EPOCH + dt.timedelta(days=days)

    @staticmethod
    def _lookup(index: tuple, key: str) -> np.ndarray:
        keys, offsets, postings = index
        start, end = find(keys, offsets, key64(key))
        if end > len(postings):
            raise ValueError(f"snapshot: an index's postings end at {len(postings)}, not {end}")
        return postings[start:end]

    def by_identifier(self, value: str) -> list[int]:
        return sorted({int(r) for r in self._lookup(self._ident, value)})

    def exact_names(self, key: NameKey) -> list[int]:
        """Entity rows with a listed name of exactly the tokens of `key`: none when one of them is
        no listed name's word, which spares the index a search for most new names."""
        if not all(map(self.vocab.index.__contains__, key.tokens)):
            return []
        text = " ".join(key.tokens)
        rows = self._lookup(self._exact, text)
        return sorted({int(self._name_entity[r]) for r in rows if self._names[int(r)] == text})

    def name_candidates(self, key: NameKey) -> list[tuple[int, NameKey]]:
        """Names sharing the most blocking keys with `key`: (entity row, name key)."""
        return [(self.entity_of(name), self.listed_name(name)) for name in self.candidate_names(key).tolist()]

    def listed_name(self, name: int) -> NameKey:
        """The key of name `name` (an index into the names table)."""
        return NameKey(tuple(self._names[name].split()))

    def listed_skeletons(self, name: int) -> str:
        """The line of `features.matching.skeletons` of name `name`."""
        return self._skeletons[name]

    def block_positions(self, key: NameKey) -> np.ndarray:
        """Where the keys of `names.query_block_keys(key)` are in the blocking index (those it
        has), in increasing order: from each word's, which the vocabulary keeps (`NameVocab.facts`),
        and the name's own (`names.query_name_keys`)."""
        found = {i for t in key.tokens for i in self.vocab.facts(t).block_positions}
        found.update(self.vocab.block_positions(query_name_keys(key, all(map(self.vocab.index.__contains__, key.tokens)))))
        if not found:  # none of its words brings a key the index has: its tokens, if they are its keys
            found = set(self.vocab.block_positions(query_block_keys(key, self.vocab.index.__contains__)))
        return np.array(sorted(found), dtype=np.int64)

    def candidate_names(self, key: NameKey) -> np.ndarray:
        """The name indices (int32) of the names sharing the most blocking keys with `key`: at
        most `CANDIDATES`, ties to the lower name index, in name order. A key shared by more than
        `MAX_POSTING` names brings none, but counts for those the rarer keys bring
        (`_blocking.select_names`)."""
        _, offsets, postings, bitmap_keys, bitmaps = self._block
        chosen = select_names(offsets, postings, bitmap_keys, bitmaps, self.block_positions(key), MAX_POSTING, CANDIDATES)
        return np.frombuffer(chosen, dtype=np.int32)

    def entity_of(self, name: int) -> int:
        """The entity row of name `name` (an index into the names table)."""
        return int(self._name_entity[name])

    def hops(self, row: int) -> int | None:
        """Links from entity `row` to the nearest sanctioned entity; 0 if it is sanctioned itself."""
        value = int(self._hops[row])
        return None if value < 0 else value

    def within(self, max_hops: int) -> np.ndarray:
        """The rows of entities sanctioned or at most `max_hops` links from one."""
        return np.flatnonzero((self._hops[: len(self)] >= 0) & (self._hops[: len(self)] <= max_hops))

    def nearest_sanctioned(self, row: int) -> int | None:
        """The row of the sanctioned entity at the end of `path(row)` (`row` itself if sanctioned)."""
        if self.hops(row) is None:
            return None
        while (nxt := int(self._pred[row])) >= 0:
            row = int(self._pred[nxt]) if nxt >= len(self) else nxt
        return row

    def path(self, row: int) -> list[dict]:
        """The shortest path from entity `row` to a sanctioned entity, one step per link."""
        steps: list[dict] = []
        node = row
        while (nxt := int(self._pred[node])) >= 0:
            code = int(self._ptype[node])
            via = None
            if nxt >= len(self):  # a shared attribute: cross it in one step
                via = self._attributes[nxt - len(self)]
                nxt = int(self._pred[nxt])
            record = self.record(nxt)
            steps.append({
                "link": link_type(code),
                "phrase": phrase(code),
                **({"via": via} if via else {}),
                "entity_id": record["id"],
                "name": record["names"][0],
                "sanctioned": bool(self.sanctioned[nxt]),
            })
            node = nxt
        return steps

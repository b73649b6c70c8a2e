"""The words of a snapshot's listed names, each stored once with what the resolver's prefilter
needs to know of it, and each name as a row of word ids.

Why: the prefilter (`features.matching.prefilter`, in C) bounds every blocking candidate of a
query at once, instead of decoding each candidate's name and walking its word pairs in Python.
It needs each candidate's words as ids, and per word its spelling, its skeleton, its weight and
a few flags, some of which cost a rigour name analysis (a given name rigour knows, a generic
company word): computed here once per distinct word, ~130 k words for a million entities. The
tight bound reads the same (`NameVocab.skeleton`...), and so do a query's words
(`NameVocab.facts`), with where their blocking keys are in the index.

Files beside the snapshot's `names` table (same name order):
- `vocab.txt` and `vocab_skeleton.txt`: each distinct word and its skeleton, one a line (read
  whole into lists when the snapshot is opened: ~2 MB for a million entities);
- `vocab_flags.npy`: the `DIGITS`... bits below;
- `vocab_names.json`: the name ids (`names.name_ids`) the words have, each coded as a number;
- `vocab_block_positions.npy` plus `vocab_block_offsets.npy`: where each word's blocking keys
  (`names.word_block_keys`; for a word no listed name has, `names.query_word_keys`) are in
  the snapshot's blocking index, for a query's words
  (`NameVocab.facts`): a known word's keys are not searched for again;
- `vocab.bin` plus `vocab_offsets.npy`: the same words as records for `_prefilter.bound`, each
  its length and its skeleton's (uint16, in characters), its flags and its count of name ids
  (a byte each), then the word and its skeleton in UTF-8, then its name id codes (uint32):
  one record, so one read from memory, per word;
- `name_records.npy` plus `name_records_offsets.npy`: per name, as int32, its word count, the
  length of its words run together and of the skeleton of that (as in its line of
  `features.matching.skeletons`, whose last part `_prefilter.bound` reads too), bits
  (`ALL_VOWELLESS`, `NUMBERED`: digits or Roman numerals, which the prefilter leaves alone,
  `ENDS_SUFFIXED`: a name-forming ending, `ANY_NONASCII`, `JOINED_NAMED`: its words run together
  are a given name rigour knows, `PERSON`: it is a person's name, which weighs words otherwise),
  then its word ids.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

import numpy as np

from features.hashing import key64
from features.matching._blocking import locate
from features.matching.names import (_ROMAN, _VOWELS, NO_NAME_IDS, _weight, is_generic, name_ids, skeleton,
                                     query_word_keys, word_block_keys)
from features.matching.rules import GENERIC_WEIGHT, NAME_SUFFIXES, PERSON_SCHEMAS, WEIGHT_CAP, WEIGHT_POWER
from features.matching.skeletons import TABLE as SKELETONS
from features.matching.skeletons import parse
from features.stringtable import StringTable

DIGITS, ROMAN, SUFFIXED, VOWELLESS, NAMED, GENERIC, NONASCII = (1 << i for i in range(7))  # as in _prefilter.c
# As in _prefilter.c, which finds ALL_VOWELLESS and ENDS_SUFFIXED from the words it keeps of a name instead.
ALL_VOWELLESS, NUMBERED, ENDS_SUFFIXED, ANY_NONASCII, JOINED_NAMED, PERSON = 1, 2, 4, 8, 16, 32
HEADER = 4  # ints before a name record's word ids
BITS = 3  # where its bits are among them
QUERY_WORDS_KEPT = 100_000  # query words whose facts `NameVocab.facts` keeps


class WordFacts(NamedTuple):
    """What the resolver reads of one query word: the prefilter (`features.matching.prefilter.LooseQuery`)
    and the blocking index (`Snapshot.block_positions`)."""

    skeleton: str
    flags: int  # `word_flags`
    coded_ids: bytes  # `NameVocab.coded_ids`
    weight_person: float
    weight_company: float
    block_positions: tuple[int, ...]  # where its keys are in the blocking index (those it has; `Snapshot.block_positions`)


def word_flags(word: str) -> int:
    """The bits of one word: what `token_similarity`, `_numbers` and `_weight` look at."""
    return (
        (DIGITS if word.isdigit() else 0)
        | (ROMAN if _ROMAN.match(word) else 0)
        | (SUFFIXED if word.endswith(NAME_SUFFIXES) else 0)
        | (VOWELLESS if not _VOWELS.search(word) else 0)
        | (NAMED if name_ids(word) else 0)
        | (GENERIC if is_generic(word) else 0)
        | (0 if word.isascii() else NONASCII)
    )


def write_name_vocab(directory: Path, schemas: list[str]) -> None:
    """Write the vocabulary files (see the module's docstring) from `names`, the skeleton table,
    `name_entity.npy` and `schema.npy` (codes into `schemas`) and the blocking index's keys."""
    names = StringTable(directory / "names")
    lines = StringTable(directory / SKELETONS)
    ids: dict[str, int] = {}
    words: list[int] = []
    offsets = np.zeros(len(names) + 1, dtype=np.int64)
    joined_skeleton = np.zeros(len(names), dtype=np.int64)
    joined_named = np.zeros(len(names), dtype=bool)
    for i in range(len(names)):
        tokens = names[i].split()
        words.extend(ids.setdefault(token, len(ids)) for token in tokens)
        offsets[i + 1] = len(words)
        joined_skeleton[i] = len(parse(lines[i])[1])
        if len(tokens) > 1:  # one word: its own flag says (below); the memo would only churn
            joined_named[i] = bool(name_ids.__wrapped__("".join(tokens)))
    vocab = list(ids)
    skeletons = [skeleton.__wrapped__(word) for word in vocab]  # no memo: each word comes once
    flags = np.fromiter(map(word_flags, vocab), dtype=np.uint8, count=len(vocab))
    named = {i: name_ids(vocab[i]) for i in np.flatnonzero(flags & NAMED).tolist()}
    id_codes = {name_id: code for code, name_id in enumerate(sorted(set().union(*named.values())))}
    coded = {i: sorted(id_codes[name_id] for name_id in ids) for i, ids in named.items()}
    (directory / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    (directory / "vocab_skeleton.txt").write_text("\n".join(skeletons), encoding="utf-8")
    np.save(directory / "vocab_flags.npy", flags)
    (directory / "vocab_names.json").write_text(json.dumps({"ids": list(id_codes), "words": coded}))
    index = np.load(directory / "block_keys.npy")
    positions = [_positions(index, word_block_keys(w, s)) for w, s in zip(vocab, skeletons)]
    np.save(directory / "vocab_block_positions.npy", np.array([i for p in positions for i in p], dtype=np.int64))
    np.save(directory / "vocab_block_offsets.npy",
            np.concatenate(([0], np.cumsum(list(map(len, positions))))).astype(np.int64))
    records = [struct.pack("<HHBB", min(len(w), 65535), min(len(s), 65535), f, len(coded.get(i, ())))
               + w.encode() + s.encode() + struct.pack(f"<{len(coded.get(i, ()))}I", *coded.get(i, ()))
               for i, (w, s, f) in enumerate(zip(vocab, skeletons, flags.tolist()))]
    (directory / "vocab.bin").write_bytes(b"".join(records))
    np.save(directory / "vocab_offsets.npy", np.concatenate(([0], np.cumsum([len(r) for r in records]))).astype(np.int64))
    person = np.array([schema in PERSON_SCHEMAS for schema in schemas], dtype=bool)
    person = person[np.load(directory / "schema.npy")[np.load(directory / "name_entity.npy")]]
    _write_name_records(directory, np.asarray(words, dtype=np.int32), offsets, joined_skeleton, joined_named, person,
                        flags, np.fromiter(map(len, vocab), dtype=np.int64, count=len(vocab)))


def _write_name_records(directory: Path, word_ids: np.ndarray, offsets: np.ndarray, joined_skeleton: np.ndarray,
                        joined_named: np.ndarray, person: np.ndarray, flags: np.ndarray, lengths: np.ndarray) -> None:
    counts = np.diff(offsets)
    starts = offsets[:-1] + HEADER * np.arange(len(counts))
    records = np.empty(len(word_ids) + HEADER * len(counts), dtype=np.int32)
    if len(word_ids):
        by_name = lambda values, how: how.reduceat(values, offsets[:-1])  # noqa: E731
        word_flags_ = flags[word_ids]
        bits = (np.where(by_name((word_flags_ & VOWELLESS) != 0, np.logical_and), ALL_VOWELLESS, 0)
                | np.where(by_name((word_flags_ & (DIGITS | ROMAN)) != 0, np.logical_or), NUMBERED, 0)
                | np.where((word_flags_[offsets[1:] - 1] & SUFFIXED) != 0, ENDS_SUFFIXED, 0)
                | np.where(by_name((word_flags_ & NONASCII) != 0, np.logical_or), ANY_NONASCII, 0)
                | np.where(joined_named | ((counts == 1) & ((word_flags_[offsets[:-1]] & NAMED) != 0)), JOINED_NAMED, 0)
                | np.where(person, PERSON, 0))
        records[starts] = counts
        records[starts + 1] = by_name(lengths[word_ids], np.add)
        records[starts + 2] = joined_skeleton
        records[starts + BITS] = bits
        records[np.arange(len(word_ids)) + HEADER * (np.repeat(np.arange(len(counts)), counts) + 1)] = word_ids
    np.save(directory / "name_records.npy", records)
    np.save(directory / "name_records_offsets.npy", np.append(starts, len(records)).astype(np.int64))


def _positions(index: np.ndarray, keys: Iterable[str]) -> tuple[int, ...]:
    """Where blocking `keys` are in a blocking index's sorted hashes, those it has."""
    return tuple(i for i in map(partial(locate, index), map(key64, keys)) if i >= 0)


class NameVocab:
    """The vocabulary files of one snapshot: words as lists, the rest mapped read-only."""

    def __init__(self, directory: Path, load, skeleton_lines: StringTable, block_index: np.ndarray):
        self.words = (directory / "vocab.txt").read_text(encoding="utf-8").split("\n")
        self.skeletons = (directory / "vocab_skeleton.txt").read_text(encoding="utf-8").split("\n")
        flags = self.flags = load("vocab_flags")
        # Each word's weight in `compare_names` (`_weight`), by whether the name is a person's.
        lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
        full = np.minimum(lengths, WEIGHT_CAP) ** WEIGHT_POWER  # `rules.length_weight`, for every word at once
        full = full[: len(flags)]  # "".split() is [""]: no words
        self.weights = {True: full, False: np.where((flags & GENERIC) != 0, full * GENERIC_WEIGHT, full)}
        self.index = {word: i for i, word in enumerate(self.words)}
        named = json.loads((directory / "vocab_names.json").read_text())
        self.id_codes = {name_id: code for code, name_id in enumerate(named["ids"])}
        self.name_id_sets = {int(i): frozenset(named["ids"][c] for c in codes) for i, codes in named["words"].items()}
        self._coded = {int(i): struct.pack(f"<{len(codes)}I", *codes) for i, codes in named["words"].items()}
        self._block = (load("vocab_block_positions"), load("vocab_block_offsets"))
        self.block_index = block_index
        # What `_prefilter.bound` reads, in its order.
        blob = directory / "vocab.bin"  # np.memmap refuses an empty file
        records = np.memmap(blob, dtype=np.uint8, mode="r") if blob.stat().st_size else np.zeros(0, np.uint8)
        # Each name's run-together skeleton ends its line of the skeleton table.
        self.arrays = (load("name_records"), load("name_records_offsets"), np.asarray(records), load("vocab_offsets"),
                       *skeleton_lines.buffers())
        # Per vocabulary, since the facts of a known word are read from it: a new snapshot's
        # vocabulary starts with none kept.
        self.facts = lru_cache(maxsize=QUERY_WORDS_KEPT)(self._facts)

    def _facts(self, word: str) -> WordFacts:
        """The `WordFacts` of `word`, as `facts` (cached: the words of names recur far more than
        the names do)."""
        i = self.index.get(word)
        if i is None:
            sk = skeleton(word)
            return WordFacts(sk, word_flags(word), self.coded_ids(word), _weight(word, True), _weight(word, False),
                             self.block_positions(query_word_keys(word, sk)))
        positions, offsets = self._block
        return WordFacts(self.skeletons[i], int(self.flags[i]), self._coded.get(i, b""), float(self.weights[True][i]),
                         float(self.weights[False][i]), tuple(positions[offsets[i]: offsets[i + 1]].tolist()))

    def name_bits(self, names: np.ndarray) -> np.ndarray:
        """The `ALL_VOWELLESS`... bits of each of `names` (name indices), unchecked: of names
        `_prefilter.bound` has read."""
        records, offsets = self.arrays[:2]
        return records[offsets[names] + BITS]

    def block_positions(self, keys: Iterable[str]) -> tuple[int, ...]:
        """Where `keys` (blocking keys) are in the snapshot's blocking index, those it has."""
        return _positions(self.block_index, keys)

    def coded_ids(self, word: str) -> bytes:
        """The codes of `word`'s name ids in this vocabulary, sorted, as uint32 (ids no listed
        word has cannot meet one, and are left out)."""
        codes = sorted(c for name_id in self.name_ids(word) if (c := self.id_codes.get(name_id)) is not None)
        return struct.pack(f"<{len(codes)}I", *codes)

    # A word's skeleton, weight and name ids as `features.matching.names` computes them, read from the
    # vocabulary when it has the word (`features.matching.bound.Lexicon`).
    def skeleton(self, word: str) -> str:
        i = self.index.get(word)
        return skeleton(word) if i is None else self.skeletons[i]

    def weight(self, word: str, person: bool) -> float:
        i = self.index.get(word)
        return _weight(word, person) if i is None else float(self.weights[person][i])

    def name_ids(self, word: str) -> frozenset[str]:
        i = self.index.get(word)
        return name_ids(word) if i is None else self.name_id_sets.get(i, NO_NAME_IDS)

"""The words of a snapshot's listed names, each stored once with what the resolver's prefilter
needs to know of it, and each name as a row of word ids.

Why: the prefilter (`features.name_prefilter`, in C) bounds every blocking candidate of a
query at once, instead of decoding each candidate's name and walking its word pairs in Python.
It needs each candidate's words as ids, and per word its spelling, its skeleton, its weight and
a few flags, some of which cost a rigour name analysis (a given name rigour knows, a generic
company word): computed here once per distinct word, ~130 k words for a million entities. The
tight bound and the query's known words read the same (`NameVocab.skeleton`...).

Files beside the snapshot's `names` table (same name order):
- `vocab.txt` and `vocab_skeleton.txt`: each distinct word and its skeleton, one a line (read
  whole into lists when the snapshot is opened: ~2 MB for a million entities);
- `vocab_length.npy`: the length of each word and of its skeleton;
- `vocab_flags.npy`: the `DIGITS`... bits below;
- `vocab_names.json`: the name ids (`names.name_ids`) of the words that have some;
- `name_words.npy` plus `name_words_offsets.npy`: each name's word ids, in order;
- `name_joined.npy`: per name, the length of its words run together and of the skeleton of
  that (as in its line of `features.name_skeletons`), whether none of its words has a vowel,
  whether it has numbers (digits or Roman numerals), which the prefilter leaves alone, and
  whether its last word has a name-forming ending.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from features.name_skeletons import TABLE as SKELETONS, parse
from features.names import _ROMAN, _VOWELS, GENERIC_WEIGHT, NAME_SUFFIXES, _weight, is_generic, name_ids, skeleton
from features.stringtable import StringTable

DIGITS, ROMAN, SUFFIXED, VOWELLESS, NAMED, GENERIC, NONASCII = (1 << i for i in range(7))  # as in _prefilter.c


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


def write_name_vocab(directory: Path) -> None:
    """Write the vocabulary files (see the module's docstring) from `names` and the skeleton table."""
    names = StringTable(directory / "names")
    lines = StringTable(directory / SKELETONS)
    ids: dict[str, int] = {}
    words: list[int] = []
    offsets = np.zeros(len(names) + 1, dtype=np.int64)
    joined_skeleton = np.zeros(len(names), dtype=np.int64)
    for i in range(len(names)):
        words.extend(ids.setdefault(token, len(ids)) for token in names[i].split())
        offsets[i + 1] = len(words)
        joined_skeleton[i] = len(parse(lines[i])[1])
    vocab = list(ids)
    skeletons = [skeleton.__wrapped__(word) for word in vocab]  # no memo: each word comes once
    flags = np.fromiter(map(word_flags, vocab), dtype=np.uint8, count=len(vocab))
    named = {i: sorted(name_ids(vocab[i])) for i in np.flatnonzero(flags & NAMED).tolist()}
    lengths = np.array([(len(w), len(s)) for w, s in zip(vocab, skeletons)], dtype=np.int64).reshape(-1, 2)
    word_ids = np.asarray(words, dtype=np.int32)
    by_name = lambda values, how: how.reduceat(values, offsets[:-1]) if len(words) else values[:0]  # noqa: E731
    joined = np.stack([
        by_name(lengths[word_ids, 0], np.add), joined_skeleton,
        by_name((flags[word_ids] & VOWELLESS) != 0, np.logical_and),
        by_name((flags[word_ids] & (DIGITS | ROMAN)) != 0, np.logical_or),
        (flags[word_ids[offsets[1:] - 1]] & SUFFIXED) != 0,
    ], axis=1)
    (directory / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    (directory / "vocab_skeleton.txt").write_text("\n".join(skeletons), encoding="utf-8")
    np.save(directory / "vocab_length.npy", _u16(lengths))
    np.save(directory / "vocab_flags.npy", flags)
    (directory / "vocab_names.json").write_text(json.dumps(named))
    np.save(directory / "name_words.npy", word_ids)
    np.save(directory / "name_words_offsets.npy", offsets)
    np.save(directory / "name_joined.npy", _u16(joined))


def _line_offsets(text: bytes) -> np.ndarray:
    """Where each line of `text` starts, and one past the end: line i is text[o[i]:o[i + 1] - 1]."""
    breaks = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n"))
    return np.concatenate(([0], breaks + 1, [len(text) + 1])).astype(np.int64)


def _u16(values: np.ndarray) -> np.ndarray:
    return np.minimum(values, np.iinfo(np.uint16).max).astype(np.uint16)


class NameVocab:
    """The vocabulary files of one snapshot: words as lists and as one buffer each (for
    `features._prefilter`), the rest mapped read-only."""

    def __init__(self, directory: Path, load):
        words, skeletons = (directory / "vocab.txt").read_bytes(), (directory / "vocab_skeleton.txt").read_bytes()
        self.words, self.skeletons = words.decode("utf-8").split("\n"), skeletons.decode("utf-8").split("\n")
        self.length = load("vocab_length")
        self.flags = load("vocab_flags")
        full = np.sqrt(np.minimum(self.length[:, 0], 8).astype(np.float64))
        # Each word's weight in `compare_names` (`_weight`), by whether the name is a person's.
        self.weights = {True: full, False: np.where((self.flags & GENERIC) != 0, full * GENERIC_WEIGHT, full)}
        self.index = {word: i for i, word in enumerate(self.words)}
        self.name_id_sets = {int(i): frozenset(ids) for i, ids in json.loads((directory / "vocab_names.json").read_text()).items()}
        # What `_prefilter.bound` reads, in its order.
        self.arrays = (
            load("name_words"), load("name_words_offsets"), words, _line_offsets(words), skeletons,
            _line_offsets(skeletons), self.flags, self.weights[True], self.weights[False], load("name_joined"),
        )

    # A word's skeleton, weight and name ids as `features.names` computes them, read from the
    # vocabulary when it has the word (`features.name_bound.Lexicon`).
    def skeleton(self, word: str) -> str:
        i = self.index.get(word)
        return skeleton(word) if i is None else self.skeletons[i]

    def weight(self, word: str, person: bool) -> float:
        i = self.index.get(word)
        return _weight(word, person) if i is None else float(self.weights[person][i])

    def name_ids(self, word: str) -> frozenset[str]:
        i = self.index.get(word)
        return name_ids(word) if i is None else self.name_id_sets.get(i, frozenset())

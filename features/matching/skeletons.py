"""The skeletons of every listed name, computed once when a snapshot is built.

Why: `features.matching.bound` needs the skeleton (`names.skeleton`) of each word of each
blocking candidate and of its words run together; computed at request time, in a process that
has not met those words before, they were ~30% of the bound's cost (~6 µs each, some
75 per query). One line per name of the snapshot's `names` table, in the same order:
the token skeletons separated by spaces, a tab, then the skeleton of the words that
`compare_names` runs together for the entity's schema (digits and, in names that are not
persons', Roman numerals left out). The lines are what `skeleton` gave at build time: a change
to `skeleton` must bump `features.snapshot.meta.FORMAT`, or the resolver's bound would use stale ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from features.matching.names import NameKey, _numbers, skeleton
from features.stringtable import StringTable, write_strings

TABLE = "name_skeletons"


def listed_skeletons(tokens: tuple[str, ...], schema: str | None, word_skeleton=skeleton) -> str:
    """The line of one listed name (see the module's docstring); `word_skeleton` is `skeleton`
    or an equal function with a faster memo (`_lines`). The words run together are folded
    without a memo: they rarely recur, and a name of one word is its own run-together form."""
    numbers = _numbers(NameKey(tokens), schema)
    kept = [t for t in tokens if not t.isdigit() and t not in numbers]  # compare_names's words
    joined = word_skeleton(kept[0]) if len(kept) == 1 else skeleton.__wrapped__("".join(kept))
    return " ".join(map(word_skeleton, tokens)) + "\t" + joined


def parse(line: str) -> tuple[list[str], str]:
    """(token skeletons, skeleton of the words run together) of one line."""
    tokens, joined = line.split("\t")
    return tokens.split(" ") if tokens else [], joined


def _lines(names: StringTable, name_schemas: list[str]) -> Iterator[str]:
    """`listed_skeletons` of every name, each word's skeleton kept in a plain dict: words recur,
    and `skeleton`'s bounded memo would churn over a million names."""
    words: dict[str, str] = {}

    def word_skeleton(token: str) -> str:
        if (folded := words.get(token)) is None:
            folded = words[token] = skeleton.__wrapped__(token)
        return folded

    for i, schema in enumerate(name_schemas):
        yield listed_skeletons(tuple(names[i].split()), schema, word_skeleton)


def write_name_skeletons(directory: Path, schemas: list[str]) -> None:
    """Write the table beside the snapshot's `names`, `name_entity.npy` and `schema.npy`."""
    names = StringTable(directory / "names")
    codes = np.load(directory / "schema.npy")[np.load(directory / "name_entity.npy")].tolist()
    write_strings(directory / TABLE, _lines(names, [schemas[code] for code in codes]))

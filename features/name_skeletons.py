"""The skeletons of every listed name, computed once when a snapshot is built.

Why: `features.name_bound` needs the skeleton (`names.skeleton`) of each word of each
blocking candidate and of its words run together; computed at request time, in a process that
has not met those words before, they were ~30% of the bound's cost (~6 µs each, some
75 per query). One line per name of the snapshot's `names` table, in the same order:
the token skeletons separated by spaces, a tab, then the skeleton of the words that
`compare_names` runs together for the entity's schema (digits and, in names that are not
persons', Roman numerals left out). The lines are what `skeleton` gave at build time: a change
to `skeleton` must bump `snapshot_build.FORMAT`, or the resolver's bound would use stale ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from features.names import _ROMAN, PERSON_SCHEMAS, NameKey, _numbers, skeleton
from features.stringtable import StringTable, write_strings

TABLE = "name_skeletons"


def listed_skeletons(tokens: tuple[str, ...], schema: str) -> str:
    """The line of one listed name (see the module's docstring)."""
    key = NameKey(tokens)
    numbers = _numbers(key, schema)
    joined = "".join(t for t in key.words if t not in numbers)
    return " ".join(map(skeleton, tokens)) + "\t" + skeleton(joined)


def parse(line: str) -> tuple[list[str], str]:
    """(token skeletons, skeleton of the words run together) of one line."""
    tokens, joined = line.split("\t")
    return tokens.split(" ") if tokens else [], joined


def _lines(names: StringTable, name_schemas: list[str]) -> Iterator[str]:
    """`listed_skeletons` of every name, faster: a word's skeleton is looked up in a plain dict
    (words recur, runs together do not, and `skeleton`'s bounded memo would churn), and a name
    of one word, the common case, is its own run-together form."""
    words: dict[str, str] = {}
    fold = skeleton.__wrapped__
    for i, schema in enumerate(name_schemas):
        tokens = names[i].split()
        skeletons = []
        for t in tokens:
            s = words.get(t)
            if s is None:
                s = words[t] = fold(t)
            skeletons.append(s)
        # compare_names's words: not numbers (`_numbers`: digits, and Roman numerals unless a person's)
        if schema is None or schema in PERSON_SCHEMAS:
            kept = [t for t in tokens if not t.isdigit()]
        else:
            kept = [t for t in tokens if not t.isdigit() and not _ROMAN.match(t)]
        if len(kept) == 1:
            joined = words[kept[0]]
        else:
            joined = fold("".join(kept))
        yield " ".join(skeletons) + "\t" + joined


def write_name_skeletons(directory: Path, schemas: list[str]) -> None:
    """Write the table beside the snapshot's `names`, `name_entity.npy` and `schema.npy`."""
    names = StringTable(directory / "names")
    codes = np.load(directory / "schema.npy")[np.load(directory / "name_entity.npy")].tolist()
    write_strings(directory / TABLE, _lines(names, [schemas[code] for code in codes]))

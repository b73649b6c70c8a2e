"""Accuracy of the name matcher on labelled pairs, for `diversion-risk names evaluate FILE.csv`.

The pairs format is the one of nomenklatura's name bench (`schema,name1,name2,is_match`, extra
columns ignored), so the matcher can be compared with the reference figures published for it.
`evaluate_screening` scores the screening benchmarks of the `sanctions-screening-benchmark`
package, where each query is resolved against a small list, as a party is against a snapshot.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from features.matching.names import compare_names, name_key

REQUIRED_COLUMNS = ("schema", "name1", "name2", "is_match")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})

Pair = tuple[str, str, str, bool]


def evaluate_pairs(pairs: Iterable[Pair], threshold: float) -> dict[str, float | int]:
    """Precision, recall, F1 and the confusion counts of `compare_names` at `threshold`.

    A pair is predicted a match when its score is at least `threshold`, as in party resolution.
    """
    tp = fp = fn = tn = 0
    for schema, name1, name2, is_match in pairs:
        predicted = compare_names(name_key(name1), name_key(name2), schema=schema) >= threshold
        tp += predicted and is_match
        fp += predicted and not is_match
        fn += not predicted and is_match
        tn += not predicted and not is_match
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "tn": tn}


def evaluate_screening(path: str | Path, threshold: float) -> dict[str, float | int]:
    """Precision and recall of screening the queries of an `ssb generate` JSON file against its list.

    Each query resolves to the listed entity with the best-scoring name, if that score reaches
    `threshold`. A resolution to the expected entity is a true positive, to any other entity a
    false positive; a query with an expected entity that does not resolve to it is a miss. The
    file gives no schemas, so names are compared as of unknown kind, as an untyped party is.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    listed = [(name_key(name), entity) for entity, names in data["candidates"].items() for name in names]
    tp = fp = fn = 0
    for case in data["cases"]:
        query, expected = name_key(case["query"]), case["expected_entity_id"]
        score, entity = max((compare_names(query, key), entity) for key, entity in listed)
        resolved = entity if score >= threshold else None
        tp += resolved is not None and resolved == expected
        fp += resolved is not None and resolved != expected
        fn += expected is not None and resolved != expected
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn}


def _parse_bool(value: str, path: Path, line: int) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{path}:{line}: is_match must be true/false/1/0, not {value!r}")


def read_pairs(path: str | Path) -> Iterator[Pair]:
    """The labelled pairs of a CSV file with the columns `schema,name1,name2,is_match`.

    Raises ValueError naming the file and the missing columns, rather than scoring a file of
    another format as if every pair were a non-match.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED_COLUMNS)}")
        for row in reader:
            yield row["schema"], row["name1"], row["name2"], _parse_bool(row["is_match"], path, reader.line_num)

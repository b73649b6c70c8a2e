"""A model directory's card (`card.json`) and the file checks that need no model library: what
`models list` and a home's preparation read, so they start without scikit-learn and skops."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

MODEL_FILE, CARD_FILE = "model.skops", "card.json"
# Bumped when a model's attributes change meaning; older files are refused with "retrain".
MODEL_FORMAT = 3
# The card's fields this code reads, each of the type it reads (checked when present: a card
# need not hold them all, a model of ours is refused without `format`, `sha256` and `features`).
CARD_FIELDS = {"format": int, "sha256": str, "features": list, "name": str, "created": str,
               "training_data": dict, "metrics": dict}


class ModelFileError(RuntimeError):
    """A model directory that is missing, corrupt, or not ours."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_card(directory: Path) -> dict:
    """The model card: a JSON object whose fields of CARD_FIELDS have their types, else ModelFileError."""
    try:
        card = json.loads((directory / CARD_FILE).read_text())
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: brackets nested too deep
        raise ModelFileError(f"{directory}: no readable model card ({exc})") from exc
    if not isinstance(card, dict):
        raise ModelFileError(f"{directory}: the model card is not a JSON object")
    wrong = [field for field, kind in CARD_FIELDS.items() if field in card and not isinstance(card[field], kind)]
    if wrong:
        raise ModelFileError(f"{directory}: the model card's {wrong[0]!r} is not of type {CARD_FIELDS[wrong[0]].__name__}")
    return card

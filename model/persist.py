"""Model files: skops (no pickle: loading never runs code) plus a JSON model card.

A model directory holds `model.skops` and `card.json`. A file whose types are not on our
allowlist, or that does not load as one of our model kinds matching its card, is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import skops.io as sio

from model.classifier import DiversionModel
from model.history_model import HistoryModel
from model.spec import FeatureSpec

# The only non-standard types a model of ours contains (checked by a test on a fresh model of each kind).
TRUSTED_TYPES = [
    "model.classifier.DiversionModel",
    "model.history_model.HistoryModel",
    "model.encoding.CategoryEncoder",
    "model.shapes.ShapeTables",
    "sklearn.model_selection._split.KFold",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]
MODEL_KINDS = (DiversionModel, HistoryModel)
Model = DiversionModel | HistoryModel
MODEL_FILE, CARD_FILE = "model.skops", "card.json"
# Bumped when a model's attributes change meaning; older files are refused with "retrain".
MODEL_FORMAT = 2


class ModelFileError(RuntimeError):
    """A model directory that is missing, corrupt, or not ours."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: Model, card: dict, directory: Path) -> dict:
    """Write the model and its card (with the file's SHA-256) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    sio.dump(model, directory / MODEL_FILE)
    card = {**card, "format": MODEL_FORMAT, "sha256": file_sha256(directory / MODEL_FILE)}
    (directory / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True))
    return card


def load_card(directory: Path) -> dict:
    try:
        return json.loads((directory / CARD_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{directory}: no readable model card ({exc})") from exc


def load_model(directory: Path) -> tuple[Model, dict]:
    """The model and its card; ModelFileError if anything is off."""
    card = load_card(directory)
    path = directory / MODEL_FILE
    if card.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{directory}: model format {card.get('format')}, this version reads {MODEL_FORMAT}; "
                             "retrain it with `diversion-risk train`")
    try:
        if file_sha256(path) != card.get("sha256"):
            raise ModelFileError(f"{path}: SHA-256 differs from the model card; the file was changed or damaged")
        untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
        if untrusted:
            raise ModelFileError(f"{path}: refusing types not ours: {', '.join(sorted(untrusted))}")
        model = sio.load(path, trusted=TRUSTED_TYPES)
    except ModelFileError:
        raise
    except Exception as exc:  # skops raises many types on a damaged archive; all mean "not loadable"
        raise ModelFileError(f"{path}: not a loadable model file ({type(exc).__name__})") from exc
    features = card.get("features")
    if (not isinstance(model, MODEL_KINDS) or list(FeatureSpec.of(model).columns) != features
            or model.n_features_in_ != len(features)):
        raise ModelFileError(f"{path}: not a diversion model matching its card")
    return model, card

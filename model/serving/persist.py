"""Model files: skops (no pickle: loading never runs code) plus a JSON model card.

A model directory holds `model.skops` and `card.json`. A file naming any type or function that
is not on our allowlist, or that does not load as one of our model kinds matching its card, is
refused; so is a card that is not a JSON object with its fields of their types (`card`, which
holds what reads a card without loading a model).
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from zipfile import ZipFile

import numpy as np
import skops.io as sio
from skops.io._audit import Node, get_tree
from skops.io._utils import read_schema
from sklearn._loss._loss import CyHalfBinomialLoss
from sklearn._loss.link import Interval, LogitLink
from sklearn._loss.loss import HalfBinomialLoss
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
from sklearn.model_selection import KFold
from sklearn.preprocessing import LabelEncoder, TargetEncoder

from model.classifier import DiversionModel
from model.history.encoding import CategoryEncoder
from model.history.model import HistoryModel
from model.serving.card import CARD_FILE, MODEL_FILE, MODEL_FORMAT, ModelFileError, file_sha256, load_card
from model.serving.spec import FeatureSpec
from model.shapes import ShapeTables

# Everything a model of ours is made of, as skops names it, and nothing else: our classes; the
# scikit-learn parts they hold (the boosted trees with their binning, loss and link, the target
# encoder and its folds); the plain data in between. Not even what skops trusts by default (an
# OrderedDict, every scikit-learn estimator) is trusted beyond it. A test checks that a fresh
# model of each kind is made of exactly these.
TRUSTED_TYPES = sorted(f"{t.__module__}.{t.__qualname__}" for t in (
    DiversionModel, HistoryModel, CategoryEncoder, ShapeTables,
    HistGradientBoostingClassifier, TreePredictor, _BinMapper, HalfBinomialLoss, CyHalfBinomialLoss, LogitLink, Interval,
    LabelEncoder, TargetEncoder, KFold,
    dict, list, tuple, str, np.ndarray, np.float64, np.uint64, np.random.Generator,
))
MODEL_KINDS = (DiversionModel, HistoryModel)
Model = DiversionModel | HistoryModel


def save_model(model: Model, card: dict, directory: Path) -> dict:
    """Write the model and its card (with the file's SHA-256) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    sio.dump(model, directory / MODEL_FILE)
    card = {**card, "format": MODEL_FORMAT, "sha256": file_sha256(directory / MODEL_FILE)}
    (directory / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True))
    return card


def untrusted_types(data: bytes, trusted: list[str] = TRUSTED_TYPES) -> list[str]:
    """The types and functions a skops file names beyond `trusted`: skops' own audit of the file
    (which never imports or builds anything), with every node trusting `trusted` alone in place
    of the defaults skops adds to it (so `trusted=[]` lists everything the file names)."""
    with ZipFile(io.BytesIO(data)) as archive:
        schema, context = read_schema(archive)
        tree = get_tree(schema, context, trusted=None)
    trusted, seen, stack = list(trusted), set(), [tree]
    while stack:  # every node, as Node.get_unsafe_set walks them (memoized ones may recur)
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.trusted = trusted
        for child in node.children.values():
            children = child if isinstance(child, list) else child.values() if isinstance(child, dict) else (child,)
            stack.extend(c for c in children if isinstance(c, Node))
    return sorted(tree.get_unsafe_set())


def load_model(directory: Path) -> tuple[Model, dict]:
    """The model and its card; ModelFileError if anything is off."""
    card = load_card(directory)
    path = directory / MODEL_FILE
    if card.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{directory}: model format {card.get('format')}, this version reads {MODEL_FORMAT}; "
                             "retrain it with `diversion-risk train`")
    try:
        data = path.read_bytes()  # read once: what is checked is what is loaded
        if hashlib.sha256(data).hexdigest() != card.get("sha256"):
            raise ModelFileError(f"{path}: SHA-256 differs from the model card; the file was changed or damaged")
        untrusted = untrusted_types(data)
        if untrusted:
            raise ModelFileError(f"{path}: refusing types not ours: {', '.join(untrusted)}")
        model = sio.load(io.BytesIO(data), trusted=TRUSTED_TYPES)
    except ModelFileError:
        raise
    except Exception as exc:  # skops raises many types on a damaged archive; all mean "not loadable"
        raise ModelFileError(f"{path}: not a loadable model file ({type(exc).__name__})") from exc
    features = card.get("features")
    if (not isinstance(model, MODEL_KINDS) or list(FeatureSpec.of(model).columns) != features
            or model.n_features_in_ != len(features)):
        raise ModelFileError(f"{path}: not a diversion model matching its card")
    return model, card

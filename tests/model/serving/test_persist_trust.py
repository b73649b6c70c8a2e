"""What a model file may contain: exactly the types our models are made of. Anything else, even a
type skops trusts by default, is refused by name before the file is built; so is a card that is
not a JSON object with its fields of their types."""

from __future__ import annotations

import collections
import fractions
import json

import numpy as np
import pytest
import skops.io as sio

from model.classifier import DiversionModel
from model.dataset import COLUMNS, MONOTONE, NEUTRAL
from model.serving.persist import (CARD_FILE, MODEL_FILE, TRUSTED_TYPES, ModelFileError, load_card, load_model,
                                   save_model, untrusted_types)


@pytest.fixture(scope="module")
def default_kind():
    rng = np.random.default_rng(2)
    X = rng.integers(0, 3, (400, len(COLUMNS))).astype(float)
    y = (X[:, 0] + rng.normal(0, 1, 400) > 1.5).astype(int)
    return DiversionModel(monotone=MONOTONE, neutral=tuple(NEUTRAL), max_iter=20).fit(X, y)


def test_the_allowlist_is_exactly_what_our_models_are_made_of(default_kind, trained):
    made_of = set()
    for model in (default_kind, trained[0]):
        made_of |= set(untrusted_types(sio.dumps(model), trusted=[]))
    assert made_of == set(TRUSTED_TYPES)


@pytest.mark.parametrize("extra, named", [
    (collections.OrderedDict(weights=1.0), "collections.OrderedDict"),  # trusted by skops' defaults
    ({"nested": [collections.OrderedDict()]}, "collections.OrderedDict"),
    (fractions.Fraction(1, 3), "fractions.Fraction"),
    (eval, "builtins.eval"),
    (collections.Counter("ab"), "collections.Counter"),
    (np.float32(1.0), "numpy.float32"),
])
def test_a_model_carrying_any_other_type_is_refused_naming_it(default_kind, tmp_path, monkeypatch, extra, named):
    monkeypatch.setattr(default_kind, "extra_", extra, raising=False)
    save_model(default_kind, {"features": list(COLUMNS)}, tmp_path / "m")  # its card matches the file
    with pytest.raises(ModelFileError, match=f"refusing types not ours: .*{named}"):
        load_model(tmp_path / "m")


def test_our_model_loads(default_kind, tmp_path):
    save_model(default_kind, {"features": list(COLUMNS)}, tmp_path / "m")
    assert isinstance(load_model(tmp_path / "m")[0], DiversionModel)


@pytest.mark.parametrize("text, reason", [
    ("[]", "not a JSON object"), ('"card"', "not a JSON object"), ("42", "not a JSON object"), ("null", "not a JSON object"),
    ('{"format": 2, "sha256": "ab', "no readable model card"), ("[" * 100_000, "no readable model card"),
    ('{"format": "2"}', "'format' is not of type int"), ('{"features": "all"}', "'features' is not of type list"),
    ('{"metrics": []}', "'metrics' is not of type dict"),
])
def test_a_card_of_another_shape_is_refused(default_kind, tmp_path, text, reason):
    save_model(default_kind, {"features": list(COLUMNS)}, tmp_path / "m")
    (tmp_path / "m" / CARD_FILE).write_text(text)
    with pytest.raises(ModelFileError, match=reason):
        load_card(tmp_path / "m")
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "m")


def test_a_card_without_its_features_is_refused(default_kind, tmp_path):
    card = save_model(default_kind, {"features": list(COLUMNS)}, tmp_path / "m")
    del card["features"]
    (tmp_path / "m" / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match="not a diversion model matching its card"):
        load_model(tmp_path / "m")
    assert (tmp_path / "m" / MODEL_FILE).exists()

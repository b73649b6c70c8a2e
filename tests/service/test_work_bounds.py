"""The work a request may ask for is bounded, and refused past the bounds with a 422 naming the
field, nothing recorded: characters of a party's name, parties of a shipment, the characters of
a shipment's party names in all (in NFKC, so a ligature counts as its letters), and a batch's
parties and name characters (settings). A shipment at the limits, of the names costliest to
resolve, is scored. How long that takes is bench/bench_worst_inputs.py's to say, not a test's.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from service.app import create_app
from service.schemas import MAX_NAME_CHARS, MAX_PARTIES, MAX_PARTY_NAME
from service.settings import Settings
from tests.service.test_api import SHIPMENT
from tests.service.test_bad_input import decisions_recorded


def parties(*names: str) -> list[dict]:
    return [{"role": "consignee" if i == 0 else "shipper", "name": name, "country": "KZ"} for i, name in enumerate(names)]


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.json["errors"]], response.json


def post(client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("names, field", [
    (["A" * (MAX_PARTY_NAME + 1)], "parties[0].name"),
    (["A"] * (MAX_PARTIES + 1), "parties"),
    (["A" * MAX_PARTY_NAME] * (MAX_NAME_CHARS // MAX_PARTY_NAME + 1), "parties"),
    (["\ufdfa" * 100], "parties"),  # 100 characters, 1,800 in NFKC: "ﷺ" is a phrase of 18
], ids=["name-over-300", "51-parties", "names-over-1500-in-all", "names-over-1500-in-nfkc"])
def test_a_shipment_over_the_bounds_is_refused_naming_the_field(app, client, names, field):
    refused(post(client, "/v1/score", {**SHIPMENT, "parties": parties(*names)}), field)
    assert decisions_recorded(app) == 0


def test_a_batch_over_the_default_bounds_is_refused_whole(app, client):
    """1,000 shipments of 11 parties are 11,000 parties; 201 shipments of 1,500 characters of
    names are 301,500 characters: each shipment valid, the batch too much work."""
    assert Settings.max_batch_parties == 10_000 and Settings.max_batch_name_chars == 300_000
    many = {**SHIPMENT, "parties": parties(*["A"] * 11)}
    long = {**SHIPMENT, "parties": parties(*["A" * MAX_PARTY_NAME] * (MAX_NAME_CHARS // MAX_PARTY_NAME))}
    for shipments in ([many] * 1000, [long] * 201):
        refused(post(client, "/v1/score/batch", {"shipments": shipments}), "shipments")
    assert decisions_recorded(app) == 0


def test_the_batch_bounds_are_settings(home):
    app = create_app(replace(home.settings, max_batch_parties=4, max_batch_name_chars=100))
    client = app.test_client()
    key = app.extensions["diversion_risk_services"].keys.create("test", "acme", "score")[1]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    two = {**SHIPMENT, "parties": parties("A", "B")}
    refused(post(client, "/v1/score/batch", {"shipments": [two] * 3}), "shipments")  # 6 parties
    refused(post(client, "/v1/score/batch", {"shipments": [{**SHIPMENT, "parties": parties("A" * 101)}]}), "shipments")
    assert decisions_recorded(app) == 0
    within = post(client, "/v1/score/batch", {"shipments": [two, two, {"parties": "not a list"}]})
    assert within.status_code == 200 and "result" in within.json["results"][1]


def _worst_names(rng: random.Random) -> list[list[str]]:
    """Shipments at the limits, of the names the benchmark finds costliest (random characters of
    the scripts slowest to transliterate, one-letter words, a word repeated, numbers, ligatures)."""
    def chars(a: int, b: int, n: int) -> str:
        return "".join(chr(rng.randrange(a, b)) for _ in range(n))

    full = MAX_NAME_CHARS // MAX_PARTY_NAME
    return [
        [chars(0x4E00, 0x9FFF, MAX_PARTY_NAME) for _ in range(full)],
        [chars(0xAC00, 0xD7A3, MAX_PARTY_NAME) for _ in range(full)],
        [" ".join(chars(0x3B1, 0x3CA, rng.randint(1, 3)) for _ in range(75)) for _ in range(full)],
        [" ".join(chars(0x61, 0x7B, 1) for _ in range(150)) for _ in range(full)],
        [" ".join(["trading"] * 37) for _ in range(full)],
        [" ".join(rng.choice(["ivan", "22", "ii", "group", "iv", "1"]) for _ in range(45)) for _ in range(full)],
        [chars(0x4E00, 0x9FFF, MAX_NAME_CHARS // MAX_PARTIES) for _ in range(MAX_PARTIES)],
        ["\ufdfa" * (MAX_NAME_CHARS // 18)],
    ]


def test_a_shipment_at_the_bounds_of_the_costliest_names_is_scored(app, client):
    for names in _worst_names(random.Random(17)):
        response = post(client, "/v1/score", {**SHIPMENT, "parties": parties(*names)})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert 0 <= response.json["score"] <= 1
    assert decisions_recorded(app) == len(_worst_names(random.Random(17)))

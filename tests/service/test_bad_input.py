"""A corpus of bad input: each request gets a 4xx problem+json that names what is wrong, the
service is still ready afterwards, and no decision is recorded. Names written to deceive (zero-width
and bidi characters, look-alike letters) are resolved, never a crash."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, run_wsgi_app
from werkzeug.wrappers import Response

from service.app import create_app
from service.tables import Decision
from tests.service.test_api import SHIPMENT


def shipment(**changes) -> bytes:
    return json.dumps({**SHIPMENT, **changes}).encode()


def without(field: str) -> bytes:
    return json.dumps({k: v for k, v in SHIPMENT.items() if k != field}).encode()


def item(**changes) -> list[dict]:
    return [{**SHIPMENT["items"][0], **changes}]


def consignee(name: str) -> list[dict]:
    return [{"role": "consignee", "name": name, "country": "KZ"}]


NESTED = b"[" * 100_000 + b"]" * 100_000
# (id, path, raw body, status, the field named in `errors`, or a word of `detail` when there is no field)
CORPUS = [
    ("malformed-json", "/v1/score", b'{"shipment_id": "A", ', 400, "line 1"),
    ("invalid-utf8", "/v1/score", b'{"shipment_id": "\xff\xfe"}', 400, "UTF-8"),
    ("raw-nul-byte", "/v1/score", shipment(shipment_id="A").replace(b'"A"', b'"A\x00"'), 400, "control character"),
    ("escaped-nul-in-name", "/v1/score", shipment(parties=consignee("A\u0000B")), 422, "parties[0].name"),
    ("line-break-ending-name", "/v1/score", shipment(parties=consignee("Aspan\n")), 422, "parties[0].name"),
    ("open-nesting-100k", "/v1/score", b"[" * 100_000, 400, "nested"),
    ("closed-nesting-100k", "/v1/score", NESTED, 400, "nested"),
    ("nesting-100k-in-a-field", "/v1/score", shipment(shipment_id="X").replace(b'"X"', NESTED), 400, "nested"),
    ("not-an-object", "/v1/score", json.dumps([SHIPMENT]).encode(), 422, "body"),
    ("unknown-field", "/v1/score", shipment(surprise=1), 422, "surprise"),
    ("missing-shipment-id", "/v1/score", without("shipment_id"), 422, "shipment_id"),
    ("shipment-id-a-number", "/v1/score", shipment(shipment_id=123), 422, "shipment_id"),
    ("items-a-string", "/v1/score", shipment(items="chips"), 422, "items"),
    ("quantity-a-word", "/v1/score", shipment(items=item(quantity="many")), 422, "items[0].quantity"),
    ("value-negative", "/v1/score", shipment(items=item(value=-1)), 422, "items[0].value"),
    ("value-infinite", "/v1/score", shipment(items=item(value=1e999)), 422, "items[0].value"),
    ("parties-an-object", "/v1/score", shipment(parties={"role": "consignee"}), 422, "parties"),
    ("missing-consignee", "/v1/score", shipment(parties=[{"role": "shipper", "name": "X"}]), 422, "parties"),
    ("two-consignees", "/v1/score", shipment(parties=consignee("A") + consignee("B")), 422, "parties"),
    ("hs-code-of-letters", "/v1/score", shipment(items=item(hs_code="ABCDEF")), 422, "items[0].hs_code"),
    ("hs-code-too-short", "/v1/score", shipment(items=item(hs_code="85423")), 422, "items[0].hs_code"),
    ("no-items", "/v1/score", shipment(items=[]), 422, "items"),
    ("10k-items", "/v1/score", shipment(items=item() * 10_000), 422, "items"),
    ("february-30", "/v1/score", shipment(date="2023-02-30"), 422, "date"),
    ("month-13", "/v1/score", shipment(date="2023-13-01"), 422, "date"),
    ("year-1900", "/v1/score", shipment(date="1900-01-01"), 422, "date"),
    ("year-9999", "/v1/score", shipment(date="9999-12-31"), 422, "date"),
    ("unknown-country", "/v1/score", shipment(destination_country="XX"), 422, "destination_country"),
    ("historical-country", "/v1/score", shipment(destination_country="SU"), 422, "destination_country"),
    ("country-by-name", "/v1/score", shipment(destination_country="Kazakhstan"), 422, "destination_country"),
    ("unknown-transit-country", "/v1/score", shipment(transit_countries=["AE", "ZZ"]), 422, "transit_countries[1]"),
    ("name-without-letters", "/v1/score", shipment(parties=consignee("«—»")), 422, "parties[0].name"),
    ("batch-not-a-list", "/v1/score/batch", b'{"shipments": {}}', 422, "shipments"),
    ("batch-of-10k", "/v1/score/batch", json.dumps({"shipments": [SHIPMENT] * 10_000}).encode(), 422, "shipments"),
    ("batch-malformed", "/v1/score/batch", b'{"shipments": [', 400, "line 1"),
]


def decisions_recorded(app) -> int:
    with app.extensions["diversion_risk_services"].db.session() as session:
        return session.scalar(select(func.count()).select_from(Decision))


@pytest.mark.parametrize("path, raw, status, named", [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_bad_input_is_refused_naming_what_is_wrong(app, client, path, raw, status, named):
    response = client.post(path, data=raw, content_type="application/json")
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    problem = response.json
    fields = [e["field"] for e in problem.get("errors", [])]
    assert named in fields or named in problem["detail"], problem
    assert client.get("/readyz").status_code == 200
    assert decisions_recorded(app) == 0


class Unreadable(io.RawIOBase):
    """A request body that fails the test if the service reads any of it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body over the limit was read")


def post_stream(home, stream, **environ):
    """POST `stream` to /v1/score of an app whose body limit is 2 KiB, with these WSGI environ
    entries (the test client would compute Content-Length itself)."""
    app = create_app(replace(home.settings, max_body_bytes=2048))
    key = app.extensions["diversion_risk_services"].keys.create("test", "acme", "score")[1]
    env = EnvironBuilder(path="/v1/score", method="POST", content_type="application/json",
                         headers={"Authorization": f"Bearer {key}"}).get_environ()
    env.pop("CONTENT_LENGTH", None)
    env.update({"wsgi.input": stream, **environ})
    body, status, headers = run_wsgi_app(app, env)
    return app, Response(b"".join(body), status, headers)


def test_a_body_over_the_limit_gets_413_without_being_read(home):
    app, response = post_stream(home, Unreadable(), CONTENT_LENGTH=str(10**12))
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert decisions_recorded(app) == 0


@pytest.mark.parametrize("padding, status", [(10_000, 413), (0, 200)])
def test_a_chunked_body_is_held_to_the_limit_too(home, padding, status):
    """Without a Content-Length (chunked, as gunicorn passes it on) werkzeug cuts the body at the
    limit without a word: that must be 413, not a 400 for the cut JSON; a small one is scored."""
    app, response = post_stream(home, io.BytesIO(b" " * padding + shipment()),
                                HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input_terminated": True})
    assert response.status_code == status, response.get_data(as_text=True)
    assert decisions_recorded(app) == (status == 200)


def test_not_json_gets_415(app, client):
    response = client.post("/v1/score", data=shipment(), content_type="text/plain")
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert decisions_recorded(app) == 0


SANCTIONED = "ООО «Небесная механика»"  # in examples/network.ftm.jsonl


@pytest.mark.parametrize("name", [
    SANCTIONED,
    SANCTIONED.replace(" ", " \u200b"),  # zero-width space
    "\u202e" + SANCTIONED + "\u202c",  # right-to-left override around the name
    "\u2067" + SANCTIONED + "\u2069\u200d",  # isolate, and a zero-width joiner
    SANCTIONED.replace("ООО", "OOO").replace("а", "a").replace("е", "e"),  # Latin look-alikes mixed in
], ids=["plain", "zero-width", "rtl-override", "bidi-isolate", "mixed-script-look-alikes"])
def test_deceptive_names_still_resolve_to_the_listed_entity(client, name):
    body = json.loads(shipment(destination_country="DE", transit_countries=[], items=item(hs_code="9403.20"),
                               parties=[{"role": "consignee", "name": name, "country": "RU"}]))
    response = client.post("/v1/score", json=body)
    assert response.status_code == 200, response.json
    assert response.json["reasons"][0]["code"] == "SANCTIONED_PARTY"

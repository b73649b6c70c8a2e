"""The wire contract v1, as marshmallow schemas. openapi.yaml is generated from these.

Requests are validated strictly (unknown fields are refused, every error names its field) and
loaded into the plain dataclasses of `features.shipment`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from features.countries import normalize_country
from features.identifiers import SCHEMES, normalize_identifier
from features.shipment import ROLES, Item, Party, Shipment
from model.reasons import REASON_CODES

EARLIEST = dt.date(1990, 1, 1)
BANDS = ("low", "medium", "high")
OUTCOMES = ("confirmed_diversion", "cleared", "inconclusive")


# Patterns go into openapi.yaml, so clients and fuzzers see the rules the validators apply.
# No control characters (Unicode category Cc: C0, DEL, C1): NUL, escapes, line breaks. Checked in
# code, not by the pattern: Python's `$` would let a trailing line break through.
NO_CONTROL_CHARS = r"^[^\x00-\x1f\x7f-\x9f]*$"
# What features.hs.normalize_hs accepts: 6 to 10 digits, with dots and white space between them.
HS_CODE = validate.Regexp(r"^[\s.]*(?:[0-9][\s.]*){6,10}$", error="must be 6 to 10 digits (dots and spaces allowed)")


def _no_control_chars(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError("must not contain control characters (NUL, escapes, line breaks)")


class Country(fields.String):
    """ISO 3166-1 alpha-2, loaded upper-case (the spec's pattern is the form; the code must also be assigned)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": r"^\s*[A-Za-z]{2}\s*$", "description": "ISO 3166-1 alpha-2"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        code = normalize_country(super()._deserialize(value, attr, data, **kwargs))
        if code is None:
            raise ValidationError("not an ISO 3166-1 alpha-2 country code")
        return code


class Text(fields.String):
    """A string with a length limit and no control characters."""

    def __init__(self, max_length: int, min_length: int = 0, **kwargs):
        metadata = {"pattern": NO_CONTROL_CHARS, **kwargs.pop("metadata", {})}
        super().__init__(validate=[validate.Length(min=min_length, max=max_length), _no_control_chars],
                         metadata=metadata, **kwargs)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class IdentifierSchema(Strict):
    scheme = fields.String(required=True, validate=validate.OneOf(SCHEMES))
    value = Text(64, 1, required=True)

    @post_load
    def make(self, data, **kwargs):
        return normalize_identifier(data["scheme"], data["value"])


class ItemSchema(Strict):
    hs_code = fields.String(required=True, validate=HS_CODE,
                            metadata={"description": "6 to 10 digits; dots and spaces allowed", "example": "8542.31"})
    description = Text(1000)
    quantity = fields.Float(allow_nan=False, validate=validate.Range(min=0))
    value = fields.Float(allow_nan=False, validate=validate.Range(min=0), metadata={"description": "declared value"})
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$"), metadata={"description": "ISO 4217"})

    @post_load
    def make(self, data, **kwargs):
        return Item(**data)


class PartySchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(300, 1, required=True)
    country = Country()
    identifiers = fields.List(fields.Nested(IdentifierSchema), validate=validate.Length(max=20))
    incorporation_date = fields.Date()
    address = Text(500)

    @validates_schema
    def check_name(self, data, **kwargs):
        if "name" in data and not re.search(r"\w", data["name"]):
            raise ValidationError("must contain a letter or a digit", "name")

    @post_load
    def make(self, data, **kwargs):
        return Party(**{**data, "identifiers": tuple(data.get("identifiers", ()))})


class ShipmentSchema(Strict):
    shipment_id = Text(128, 1, required=True, metadata={"description": "the client's reference", "example": "AWB-0001"})
    date = fields.Date(required=True, metadata={"description": "ISO date of shipment or declaration"})
    origin_country = Country()
    destination_country = Country(required=True)
    transit_countries = fields.List(Country(), validate=validate.Length(max=20))
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1, max=500))
    parties = fields.List(fields.Nested(PartySchema), required=True, validate=validate.Length(min=1, max=50))

    @validates_schema
    def check(self, data, **kwargs):
        if "date" in data and not EARLIEST <= data["date"] <= dt.date.today() + dt.timedelta(days=366):
            raise ValidationError(f"must be between {EARLIEST} and a year from today", "date")
        if "parties" in data and sum(p.role == "consignee" for p in data["parties"]) != 1:
            raise ValidationError("exactly one party must have the role consignee", "parties")

    @post_load
    def make(self, data, **kwargs):
        return Shipment(**{**data, "items": tuple(data["items"]), "parties": tuple(data["parties"]),
                           "transit_countries": tuple(data.get("transit_countries", ()))})


class BatchSchema(Strict):
    """Only the envelope: each shipment is validated on its own, so one bad shipment fails alone."""

    shipments = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1),
                            metadata={"items": {"$ref": "#/components/schemas/Shipment"}})


# Responses


class ReasonSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(REASON_CODES))
    message = fields.String(required=True)
    contribution = fields.Float(required=True, metadata={"description": "log-odds this reason adds to the base"})
    evidence = fields.Dict(required=True)
    red_flags = fields.List(fields.Dict(), required=True,
                            metadata={"description": "the FinCEN/BIS red flags this reason answers to: {id, text}"})


class SignalSchema(Schema):
    value = fields.Float(required=True, allow_none=True, metadata={"description": "null when unknown"})
    evidence = fields.Dict(required=True, allow_none=True)
    contribution = fields.Float(required=True, metadata={"description": "log-odds this signal adds to the base"})


class ScoreSchema(Schema):
    shipment_id = fields.String(required=True)
    decision_id = fields.String(required=True)
    score = fields.Float(required=True, validate=validate.Range(0, 1), metadata={"description": "calibrated probability of diversion"})
    band = fields.String(required=True, validate=validate.OneOf(BANDS))
    base = fields.Float(required=True, metadata={"description": "log-odds of a shipment with no signal; base + sum of contributions = logit(score)"})
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    signals = fields.Dict(keys=fields.String(), values=fields.Nested(SignalSchema), required=True)
    model_version = fields.String(required=True)
    lists_version = fields.String(required=True)
    lists_as_of = fields.String(allow_none=True, metadata={
        "description": "the oldest publication date (ISO) among the list sources screened against; null if none states one"})


class ProblemSchema(Schema):
    """RFC 9457 problem details; `errors` names each invalid field."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Dict())


class BatchResultSchema(Schema):
    index = fields.Integer(required=True)
    result = fields.Nested(ScoreSchema)
    error = fields.Nested(ProblemSchema)


class BatchResponseSchema(Schema):
    results = fields.List(fields.Nested(BatchResultSchema), required=True)
    model_version = fields.String(required=True)
    lists_version = fields.String(required=True)
    lists_as_of = fields.String(allow_none=True, metadata={
        "description": "the oldest publication date (ISO) among the list sources screened against; null if none states one"})


# The decision record


class OutcomeRequestSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    source = Text(200, 1, required=True, metadata={"description": "who or what established it, e.g. an investigation id"})
    note = Text(2000, load_default="")


class DecisionQuerySchema(Strict):
    since = fields.AwareDateTime(default_timezone=dt.timezone.utc, metadata={"description": "from this time (inclusive); ISO 8601, UTC if no zone"})
    until = fields.AwareDateTime(default_timezone=dt.timezone.utc, metadata={"description": "before this time (exclusive)"})
    band = fields.String(validate=validate.OneOf(BANDS))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    cursor = fields.String(validate=[validate.Length(max=64), validate.Regexp(r"^[A-Za-z0-9_-]*$")], metadata={"description": "`next_cursor` of the previous page"})


class OutcomeSchema(Schema):
    outcome = fields.String(required=True)
    source = fields.String(required=True)
    note = fields.String(required=True)
    recorded_at = fields.String(required=True)


class DecisionSchema(ScoreSchema):
    """A stored decision: the original response's fields, when it was made, its input and outcomes."""

    created_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601"})
    input = fields.Dict(required=True, metadata={"description": "the shipment as loaded (normalised)"})
    input_sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the canonical JSON of `input`"})
    outcome = fields.Nested(OutcomeSchema, allow_none=True, required=True, metadata={"description": "the latest outcome"})
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True, metadata={"description": "every outcome, oldest first"})


class DecisionPageSchema(Schema):
    decisions = fields.List(fields.Nested(DecisionSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True, metadata={"description": "null on the last page"})

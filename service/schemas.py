"""The wire contract v1, as marshmallow schemas. openapi.yaml is generated from these.

Requests are validated strictly (unknown fields are refused, every error names its field) and
loaded into the plain dataclasses of `features.shipment`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from features.countries import country_for_name, normalize_country
from features.identifiers import SCHEMES, normalize_identifier
from features.shipment import ROLES, Item, Party, Shipment
from model.serving.reasons import REASON_CODES
from service import alerts
from service.settings import Settings

EARLIEST = dt.date(1990, 1, 1)  # of a shipment's date
EARLIEST_INCORPORATION = dt.date(1600, 1, 1)  # the first joint-stock companies
BANDS = ("low", "medium", "high")
OUTCOMES = ("confirmed_diversion", "cleared", "inconclusive")
# The work a shipment may ask for: resolving a party's name costs with its length (~10 µs a
# character to transliterate some scripts, ~30 µs each new word), so names, parties and their
# total are bounded (the worst case within these is measured by bench/bench_worst_inputs.py; real
# names rarely exceed 150 characters, shipments 10 parties). A batch's totals are settings
# (`Settings.max_batch_parties`, `max_batch_name_chars`).
MAX_PARTY_NAME = 300  # characters of a party's name
MAX_PARTIES = 50  # parties of a shipment
MAX_NAME_CHARS = 1500  # characters of a shipment's party names, in all (`name_chars`)




class Pattern(validate.Regexp):
    """A regular expression the whole string must match. Written with `^...$` for openapi.yaml
    (JSON Schema's patterns are not anchored), but matched with fullmatch: Python's `$` also
    matches before a trailing line break."""

    def __call__(self, value):
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# Patterns go into openapi.yaml, so clients and fuzzers see the rules the validators apply.
# No control characters (Unicode category Cc: C0, DEL, C1): NUL, escapes, line breaks. Checked in
# code (`_no_control_chars`), the pattern only states it.
NO_CONTROL_CHARS = r"^[^\x00-\x1f\x7f-\x9f]*$"
# What features.hs.normalize_hs accepts: 6 to 10 digits, with dots and white space between them.
HS_CODE = Pattern(r"^[\s.]*(?:[0-9][\s.]*){6,10}$", error="must be 6 to 10 digits (dots and spaces allowed)")
# Amounts (value, quantity): 0 or within these. 500 items of them sum to a finite number, and a
# ratio of two sums (a share of the value, a value per unit) is finite and not zero.
MIN_AMOUNT, MAX_AMOUNT = 1e-6, 1e15
AMOUNTS = f"must be 0, or from {MIN_AMOUNT:g} to {MAX_AMOUNT:g}"


def name_chars(name: str) -> int:
    """The characters a party's name counts for in the limits on all of them: in NFKC, which the
    matcher reads, so that a ligature or a squared word counts as the letters it stands for."""
    return len(unicodedata.normalize("NFKC", name))


def _no_control_chars(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError("must not contain control characters (NUL, escapes, line breaks)")


class Country(fields.String):
    """ISO 3166-1 alpha-2, loaded upper-case (the spec's pattern is the form; the code must also be assigned)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": r"^\s*[A-Za-z]{2}\s*$", "description": "ISO 3166-1 alpha-2"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        code = normalize_country(text)
        if code is None:
            meant = country_for_name(text) if 0 < len(text.strip()) <= 100 else None
            raise ValidationError("not an ISO 3166-1 alpha-2 country code" + (f"; did you mean {meant}?" if meant else ""))
        return code


class Amount(fields.Float):
    """A JSON number (not a string of one) of 0, or from MIN_AMOUNT to MAX_AMOUNT."""

    default_error_messages = {"invalid": "must be a number (not a string)", "special": AMOUNTS, "too_large": AMOUNTS}

    def __init__(self, **kwargs):
        super().__init__(allow_nan=False, validate=[validate.Range(0, MAX_AMOUNT, error=AMOUNTS), self._not_tiny],
                         **kwargs)

    def _validated(self, value) -> float:
        if not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._validated(value)

    @staticmethod
    def _not_tiny(value: float) -> None:
        if 0 < value < MIN_AMOUNT:
            raise ValidationError(AMOUNTS)


class Within:
    """A date from `earliest` to a year from today (taken at each call: today moves)."""

    def __init__(self, earliest: dt.date):
        self.earliest = earliest
        self.error = f"must be between {earliest} and a year from today"

    def __call__(self, value: dt.date) -> None:
        if not self.earliest <= value <= dt.date.today() + dt.timedelta(days=366):
            raise ValidationError(self.error)


class IsoDate(fields.Date):
    """A date written as ISO 8601 (YYYY-MM-DD); the error says so."""

    default_error_messages = {"invalid": "not a date: expected YYYY-MM-DD (ISO 8601), e.g. 2023-05-02"}


class UtcTime(fields.AwareDateTime):
    """An ISO 8601 time (UTC if it names no zone), loaded in UTC. Its zone must not take it past the
    calendar's ends: 0001-01-01T00:00:00+14:00 is in year 0 in UTC."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.timezone.utc, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dt.datetime:
        time = super()._deserialize(value, attr, data, **kwargs)
        try:
            return time.astimezone(dt.timezone.utc)
        except OverflowError:
            raise ValidationError(f"must lie between {dt.datetime.min.isoformat()}Z and "
                                  f"{dt.datetime.max.isoformat()}Z in UTC") from None


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
    quantity = Amount(metadata={"description": f"0, or from {MIN_AMOUNT:g} to {MAX_AMOUNT:g}"})
    value = Amount(metadata={"description": f"declared value: 0, or from {MIN_AMOUNT:g} to {MAX_AMOUNT:g}"})
    currency = fields.String(validate=Pattern(r"^[A-Z]{3}$"), metadata={"description": "ISO 4217"})

    @post_load
    def make(self, data, **kwargs):
        return Item(**data)


class PartySchema(Strict):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = Text(MAX_PARTY_NAME, 1, required=True, metadata={
        "description": f"at most {MAX_PARTY_NAME} characters; a shipment's party names total at most {MAX_NAME_CHARS:,}"})
    country = Country()
    identifiers = fields.List(fields.Nested(IdentifierSchema), validate=validate.Length(max=20))
    incorporation_date = IsoDate(validate=Within(EARLIEST_INCORPORATION), metadata={
        "description": f"from {EARLIEST_INCORPORATION} to a year from today"})
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
    date = IsoDate(required=True, validate=Within(EARLIEST), metadata={
        "description": f"ISO date of shipment or declaration, from {EARLIEST} to a year from today"})
    origin_country = Country()
    destination_country = Country(required=True)
    transit_countries = fields.List(Country(), validate=validate.Length(max=20))
    items = fields.List(fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1, max=500))
    parties = fields.List(fields.Nested(PartySchema), required=True, validate=validate.Length(min=1, max=MAX_PARTIES),
                          metadata={"description": f"1 to {MAX_PARTIES}, their names totalling at most {MAX_NAME_CHARS:,} "
                                                   "characters in NFKC (where a ligature counts as its letters)"})

    @validates_schema(skip_on_field_errors=False)  # with the field errors, so a client sees them all at once
    def check(self, data, **kwargs):
        # With field errors elsewhere, a party may be loaded (a Party) or not (its valid fields, a dict).
        parties = [p if isinstance(p, Party) else Party(p.get("role"), p.get("name") or "")
                   for p in data.get("parties") or () if isinstance(p, (Party, dict))]
        if "parties" in data and sum(p.role == "consignee" for p in parties) != 1:
            raise ValidationError("exactly one party must have the role consignee", "parties")
        if "parties" in data and sum(name_chars(p.name) for p in parties) > MAX_NAME_CHARS:
            raise ValidationError(f"the parties' names must total at most {MAX_NAME_CHARS:,} characters (NFKC)", "parties")

    @post_load
    def make(self, data, **kwargs):
        return Shipment(**{**data, "items": tuple(data["items"]), "parties": tuple(data["parties"]),
                           "transit_countries": tuple(data.get("transit_countries", ()))})


class BatchSchema(Strict):
    """Only the envelope: each shipment is validated on its own, so one bad shipment fails alone."""

    shipments = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1), metadata={
        "items": {"$ref": "#/components/schemas/Shipment"},
        "description": f"at most {Settings.max_batch:,} shipments (DIVERSION_RISK_MAX_BATCH), with at most "
                       f"{Settings.max_batch_parties:,} parties (DIVERSION_RISK_MAX_BATCH_PARTIES) whose names total at "
                       f"most {Settings.max_batch_name_chars:,} characters in NFKC (DIVERSION_RISK_MAX_BATCH_NAME_CHARS)"})


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


class BatchProblemSchema(ProblemSchema):
    shipment_id = fields.String(allow_none=True, metadata={"description": "the refused shipment's id as sent, if any"})


class BatchResultSchema(Schema):
    index = fields.Integer(required=True)
    result = fields.Nested(ScoreSchema)
    error = fields.Nested(BatchProblemSchema)


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


class PageQuerySchema(Strict):
    """A time window and a page of a record (decisions, alerts), oldest first."""

    since = UtcTime(metadata={"description": "from this time (inclusive); ISO 8601, UTC if no zone"})
    until = UtcTime(metadata={"description": "before this time (exclusive)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    cursor = fields.String(validate=[validate.Length(max=64), Pattern(r"^[A-Za-z0-9_-]*$")], metadata={"description": "`next_cursor` of the previous page"})


class DecisionQuerySchema(PageQuerySchema):
    band = fields.String(validate=validate.OneOf(BANDS))
    shipment_id = Text(128, 1, metadata={
        "description": "only the decisions of this shipment id (the client's reference), newest first"})


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


# Continuous screening


class AlertQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(alerts.STATUSES), metadata={"description": "the latest review's; open: none yet"})


class AlertReviewRequestSchema(Strict):
    status = fields.String(required=True, validate=validate.OneOf(alerts.REVIEW_STATUSES),
                           metadata={"description": "cleared also clears the (party, entity) pair for the tenant"})
    note = Text(2000, load_default="")


class AlertIdentifierSchema(Schema):
    scheme = fields.String(required=True)
    value = fields.String(required=True)


class AlertPartySchema(Schema):
    role = fields.String(required=True)
    name = fields.String(required=True)
    country = fields.String(allow_none=True, required=True)
    identifiers = fields.List(fields.Nested(AlertIdentifierSchema), required=True)


class AlertReviewSchema(Schema):
    status = fields.String(required=True)
    note = fields.String(required=True)
    reviewed_by = fields.String(required=True, metadata={"description": "the id of the key that reviewed"})
    reviewed_at = fields.String(required=True)


class AlertSchema(Schema):
    id = fields.String(required=True)
    decision_id = fields.String(required=True)
    shipment_id = fields.String(required=True)
    party = fields.Nested(AlertPartySchema, required=True, metadata={"description": "the party as the decision recorded it"})
    entity_id = fields.String(required=True, metadata={"description": "the listed (or linked) entity it now resolves to"})
    reason = fields.String(required=True, validate=validate.OneOf(alerts.REASONS))
    entry = fields.Dict(required=True, metadata={
        "description": "the list entry: the entity's name, schema and countries, the match (score, by what), hops, and "
                       "the sanctioned entity's id, name, designations (`lists`) and earliest designation date (`designated`)"})
    path = fields.List(fields.Dict(), required=True, metadata={"description": "for a link, each step to the sanctioned entity"})
    lists_before = fields.String(allow_none=True, required=True, metadata={"description": "the snapshot screened before"})
    lists_after = fields.String(required=True, metadata={"description": "the snapshot that raised the alert"})
    status = fields.String(required=True, validate=validate.OneOf(alerts.STATUSES))
    created_at = fields.String(required=True)
    reviews = fields.List(fields.Nested(AlertReviewSchema), required=True, metadata={"description": "oldest first"})


class AlertPageSchema(Schema):
    alerts = fields.List(fields.Nested(AlertSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True, metadata={"description": "null on the last page"})

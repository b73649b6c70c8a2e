"""What the pages' query strings and forms may hold, checked as the API's bodies are: a value
that does not fit is named with what was expected."""

from __future__ import annotations

import datetime as dt

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from service.alerts import REVIEW_STATUSES, STATUSES
from service.decisions import QUEUE_STATUSES
from service.problems import Problem, field_errors
from service.schemas import BANDS, OUTCOMES, IsoDate, Text

PAGE_SIZE = 50


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE  # a form also posts its token and its button

    @staticmethod
    def blank_as_missing(data: dict) -> dict:
        return {k: v for k, v in data.items() if v != ""}


class QueueQuery(_Form):
    status = fields.String(load_default="all", validate=validate.OneOf(QUEUE_STATUSES))
    band = fields.String(validate=validate.OneOf(BANDS))
    since = IsoDate()
    until = IsoDate()
    shipment_id = Text(128, 1)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))


class AlertQuery(_Form):
    status = fields.String(load_default="open", validate=validate.OneOf(STATUSES))
    cursor = fields.String(validate=validate.Length(max=100))


class OutcomeForm(_Form):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    source = Text(200, 1, required=True)
    note = Text(2000, load_default="")


class ReviewForm(_Form):
    status = fields.String(required=True, validate=validate.OneOf(REVIEW_STATUSES))
    note = Text(2000, load_default="")


def read(schema: Schema, data) -> dict:
    """`data` (a query string or form) loaded with `schema`; 400 naming each field otherwise."""
    try:
        return schema.load(_Form.blank_as_missing(data.to_dict()))
    except ValidationError as exc:
        errors = field_errors(exc.messages)
        raise Problem(400, "Invalid form", "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors) from None


def day_start(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime.combine(day, dt.time(), dt.timezone.utc)

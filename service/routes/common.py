"""What every API route needs: the serving state, the app's services and a JSON body read defensively."""

from __future__ import annotations

import json
import re

from flask import current_app, request
from marshmallow import Schema, ValidationError

from service import strict_json
from service.decisions import decode_cursor
from service.problems import Problem, invalid, join_field
from service.runtime import State
from service.services import Services


# Decision and alert ids are UUIDs as str(uuid.uuid4()) writes them. Any other text names nothing
# and is answered without asking the store, where some (a NUL byte on PostgreSQL) are errors, not misses.
UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def known_id(text: str, what: str) -> str:
    """`text` if it has the form of a `what`'s id (a UUID); else 404, without echoing it."""
    if UUID_FORM.fullmatch(text) is None:
        raise Problem(404, "Not Found", f"No {what} has this id: {what} ids are UUIDs.")
    return text


def page_query(schema: Schema) -> tuple[dict, int | None]:
    """The query of a paged list (since, until, limit, cursor and filters) and the position its
    cursor stands for; 422 naming the field otherwise."""
    try:
        query = schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise invalid(exc.messages, "Invalid query") from None
    after = None
    if "cursor" in query:
        after = decode_cursor(query["cursor"])
        if after is None:
            raise invalid({"cursor": ["not a cursor this service issued"]}, "Invalid query")
    return query, after


def body_of(schema: Schema, title: str) -> dict:
    """A JSON object body loaded with `schema`; 422 naming the field otherwise."""
    data = json_body()
    if not isinstance(data, dict):
        raise invalid({"body": ["must be a JSON object"]}, title)
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid(exc.messages, title) from None


def services() -> Services:
    return current_app.extensions["diversion_risk_services"]


def serving_state() -> State:
    """The state to answer with, or 503 while no snapshot and model are loaded."""
    state = current_app.extensions["diversion_risk"].current()
    if state is None:
        raise Problem(503, "Service Unavailable", "No lists snapshot and model are loaded yet.",
                      headers={"Retry-After": "5"})
    return state


# UTF-8 cannot carry a surrogate (decoding refuses it), so only an escape puts one in a string;
# a pair of them is one character once parsed, a lone one stays and cannot be stored or encoded.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogate(data) -> str | None:
    """The field of a string or key that holds a lone surrogate, or None; iterative, as a body may
    nest as deep as the parser allows."""
    stack = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and SURROGATE.search(value):
            return path or "body"
        if isinstance(value, dict):
            for key, child in value.items():
                field = join_field(path, _printable(key))
                if SURROGATE.search(key):
                    return field
                stack.append((field, child))
        elif isinstance(value, list):
            stack.extend((join_field(path, i), child) for i, child in enumerate(value))
    return None


def json_body():
    """The parsed JSON body: 415 if not JSON, 413 if too large (before reading it), 400 if malformed
    or if a string is not Unicode text."""
    if not request.is_json:
        raise Problem(415, "Unsupported Media Type", "Send the body as application/json.")
    raw = request.get_data(cache=False)
    if request.max_content_length is not None and len(raw) >= request.max_content_length:
        # A body without Content-Length (chunked) is cut at the limit silently; reading one byte
        # more raises 413, where the cut body would otherwise be refused as malformed JSON.
        request.stream.read(1)
    try:
        text = raw.decode("utf-8")
        data = strict_json.loads(text)
    except UnicodeDecodeError as exc:
        raise Problem(400, "Malformed JSON", f"The body is not valid UTF-8 (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise Problem(400, "Malformed JSON", f"{exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    except RecursionError:
        raise Problem(400, "Malformed JSON", "The body is nested too deeply.") from None
    field = _lone_surrogate(data) if SURROGATE_ESCAPE.search(text) else None
    if field is not None:
        message = "holds a lone surrogate (an escape such as \\udfff that is half of a pair): not Unicode text"
        raise Problem(400, "Malformed JSON", f"{field}: {message}.", [{"field": field, "message": message}])
    return data

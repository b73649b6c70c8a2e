"""What every API route needs: the serving state, the app's services and a JSON body read defensively."""

from __future__ import annotations

import json

from flask import current_app, request

from service.problems import Problem
from service.runtime import State
from service.services import Services


def services() -> Services:
    return current_app.extensions["diversion_risk_services"]


def serving_state() -> State:
    """The state to answer with, or 503 while no snapshot and model are loaded."""
    state = current_app.extensions["diversion_risk"].current()
    if state is None:
        raise Problem(503, "Service Unavailable", "No lists snapshot and model are loaded yet.",
                      headers={"Retry-After": "5"})
    return state


def json_body():
    """The parsed JSON body: 415 if not JSON, 413 if too large (before reading it), 400 if malformed."""
    if not request.is_json:
        raise Problem(415, "Unsupported Media Type", "Send the body as application/json.")
    raw = request.get_data(cache=False)
    if request.max_content_length is not None and len(raw) >= request.max_content_length:
        # A body without Content-Length (chunked) is cut at the limit silently; reading one byte
        # more raises 413, where the cut body would otherwise be refused as malformed JSON.
        request.stream.read(1)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Problem(400, "Malformed JSON", f"The body is not valid UTF-8 (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise Problem(400, "Malformed JSON", f"{exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    except RecursionError:
        raise Problem(400, "Malformed JSON", "The body is nested too deeply.") from None

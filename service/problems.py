"""Errors as RFC 9457 problem details (application/problem+json), never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from sqlalchemy.exc import DataError, DBAPIError, SQLAlchemyError, StatementError
from werkzeug.exceptions import HTTPException

from service import strict_json

log = logging.getLogger(__name__)
PROBLEM_TYPE = "https://diversion-risk.dev/problems/"


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, errors: list[dict] | None = None,
                 headers: dict | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.errors, self.headers = status, title, detail, errors, headers or {}

    def document(self) -> dict:
        doc = {"type": PROBLEM_TYPE + self.title.lower().replace(" ", "-"), "title": self.title, "status": self.status}
        if self.detail:
            doc["detail"] = self.detail
        if self.errors:
            doc["errors"] = self.errors
        return doc


def join_field(path: str, key) -> str:
    """The name of `key` within the field `path`: "items[0].hs_code"."""
    if key == "_schema":  # an error of the object itself
        return path
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def field_errors(messages, path: str = "") -> list[dict]:
    """Flatten marshmallow's nested messages into [{"field": "items[0].hs_code", "message": ...}]."""
    if isinstance(messages, dict):
        return [e for key, value in messages.items() for e in field_errors(value, join_field(path, key))]
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": path or "body", "message": m} for m in messages]
    return [e for m in messages for e in field_errors(m, path)]


def invalid(messages, title: str = "Invalid shipment") -> Problem:
    errors = field_errors(messages)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return Problem(422, title, detail, errors)


def respond(problem: Problem) -> Response:
    doc = problem.document()
    doc["instance"] = request.path
    response = Response(strict_json.dumps(doc), status=problem.status, mimetype="application/problem+json")
    response.headers.update(problem.headers)
    return response


def http_problem(exc: HTTPException) -> Problem:
    """Werkzeug's HTTP error as a problem; a 413 states the limit."""
    headers = {k: v for k, v in exc.get_headers() if k != "Content-Type"}  # Allow of a 405, Retry-After
    detail = exc.description
    if exc.code == 413 and current_app.config.get("MAX_CONTENT_LENGTH"):
        detail = (f"The body is larger than the limit of {current_app.config['MAX_CONTENT_LENGTH']:,} bytes "
                  "(DIVERSION_RISK_MAX_BODY_BYTES); send fewer shipments per request.")
    return Problem(exc.code or 500, exc.name, detail, headers=headers)


def register(app: Flask) -> None:
    app.register_error_handler(Problem, respond)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return respond(http_problem(exc))

    @app.errorhandler(SQLAlchemyError)
    def store_error(exc: SQLAlchemyError):
        """The decision store failed: nothing is answered without its record. If it refused a value
        (too long, out of range, not storable) the client's data is at fault, not the store: a 422,
        so the client does not retry it; anything else is an outage, and the client retries.
        The log names the error's classes and code: its message can quote the request."""
        log.exception("decision store error on %s %s", request.method, request.path,
                      extra={"fields": {"sqlstate": _sqlstate(exc)}})
        if _refused_value(exc):
            return respond(Problem(422, "Invalid request", "The decision store cannot hold a value of this "
                                   "request; no decision was given."))
        return respond(Problem(503, "Service Unavailable", "The decision store cannot be reached; "
                               "no decision was given. Retry later.", headers={"Retry-After": "5"}))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(Problem(500, "Internal Server Error", "The error was logged; no detail is disclosed."))


def _refused_value(exc: SQLAlchemyError) -> bool:
    """The database's "data exception" (SQLSTATE class 22), or a value the driver could not bind."""
    if isinstance(exc, DataError):
        return True
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError) \
        and isinstance(exc.orig, (ValueError, TypeError, OverflowError))


def _sqlstate(exc: SQLAlchemyError) -> str | None:
    """PostgreSQL's SQLSTATE or SQLite's error name, when the driver gives one."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)

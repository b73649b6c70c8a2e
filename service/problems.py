"""Errors as RFC 9457 problem details (application/problem+json), never a stack trace."""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

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


def _join(path: str, key) -> str:
    if key == "_schema":  # an error of the object itself
        return path
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def field_errors(messages, path: str = "") -> list[dict]:
    """Flatten marshmallow's nested messages into [{"field": "items[0].hs_code", "message": ...}]."""
    if isinstance(messages, dict):
        return [e for key, value in messages.items() for e in field_errors(value, _join(path, key))]
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
    response = Response(json.dumps(doc), status=problem.status, mimetype="application/problem+json")
    response.headers.update(problem.headers)
    return response


def register(app: Flask) -> None:
    app.register_error_handler(Problem, respond)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {"Retry-After": exc.retry_after} if getattr(exc, "retry_after", None) else None
        return respond(Problem(exc.code or 500, exc.name, exc.description, headers=headers))

    @app.errorhandler(SQLAlchemyError)
    def store_unavailable(exc: SQLAlchemyError):
        """The decision store failed: nothing is answered without its record; the client retries."""
        log.exception("decision store error on %s %s", request.method, request.path)
        return respond(Problem(503, "Service Unavailable", "The decision store cannot be reached; "
                               "no decision was given. Retry later.", headers={"Retry-After": "5"}))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(Problem(500, "Internal Server Error", "The error was logged; no detail is disclosed."))

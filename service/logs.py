"""Structured logs: one JSON object per line, for the service's messages and its request log.

The request log has one line per request with its id, the key id, route, status and duration;
request ids come from a valid `X-Request-ID` header (so a trace crosses services) or are made here.
No line carries a request's content: the path is logged, never the body, and an exception is
logged by its classes and frames without its message, which can quote the data it failed on
(SQLAlchemy's lists the statement's parameters, PostgreSQL's a value, a ValueError its input).
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
ACCESS = "diversion_risk.access"


class JsonFormatter(logging.Formatter):
    """Time, level, logger and message, plus whatever a call passes as `extra={"fields": {...}}`."""

    converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatException(self, exc_info) -> str:
        """Without the messages (see the module's docstring)."""
        return redacted(exc_info[1])


def redacted(exc: BaseException) -> str:
    """A traceback of `exc` and of what caused it, outermost first: frames and class names only."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        kind = type(exc)
        parts.append("".join(traceback.format_tb(exc.__traceback__)) + f"{kind.__module__}.{kind.__qualname__}")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n-- cause --\n".join(parts)


# gunicorn's own messages (start, worker boots and deaths) as JSON lines too. gunicorn 27 merges
# this into defaults whose root logger names its own "console" handler, which "handlers" here
# replaces: without a root of our own, gunicorn refuses to start.
GUNICORN_LOGCONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "service.logs.JsonFormatter"}},
    "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["json"], "level": "INFO", "propagate": False}},
    "root": {"handlers": ["json"], "level": "INFO"},
}


def configure(level: str) -> None:
    """Route every logger through one JSON handler on stderr, once. Plain stream handlers (e.g. from
    logging.basicConfig) are replaced; others, such as a test runner's capture, are kept."""
    root = logging.getLogger()
    root.setLevel(level)
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.handlers = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]


def request_id(header: str | None) -> str:
    """The client's id if it is 1-128 safe characters, else a fresh one."""
    if header and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex

"""gunicorn's own error pages as problem+json, like every other error: a malformed request line
or header (400), a request line or headers over its limits (414, 431), a worker killed at its
timeout (500), instead of its HTML.

gunicorn 27 has no setting or hook for them: every one is written by `gunicorn.util.write_error`,
called from the workers' `handle_error` once gunicorn has chosen the status (and logged the
cause), so the config (service/gunicorn_conf.py) replaces that one function. The texts are fixed:
gunicorn's own message quotes the client's bytes back.
"""

from __future__ import annotations

import json

from gunicorn import util
from werkzeug.http import HTTP_STATUS_CODES

from service.headers import API_CSP, SECURITY_HEADERS
from service.problems import Problem

DETAILS = {
    400: "The request line or a header is malformed.",
    414: "The request line is longer than this server accepts.",
    431: "The request's headers are larger than this server accepts.",
    500: "The request failed or took longer than this server allows; no detail is disclosed.",
}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """`gunicorn.util.write_error`'s signature; `reason` and `mesg` (gunicorn's words) are not used."""
    title = HTTP_STATUS_CODES.get(status_int, "Error")
    body = json.dumps(Problem(status_int, title, DETAILS.get(status_int)).document()).encode()
    headers = {"Connection": "close", "Content-Type": "application/problem+json", "Content-Length": str(len(body)),
               **SECURITY_HEADERS, "Content-Security-Policy": API_CSP}
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    util.write_nonblock(sock, f"HTTP/1.1 {status_int} {title}\r\n{head}\r\n".encode("latin-1") + body)


def install() -> None:
    util.write_error = write_problem

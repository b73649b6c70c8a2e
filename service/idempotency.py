"""The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) on the POSTs that record
decisions, so a client can retry one that timed out without recording a second decision.

The same key with the same request answers the first response again (status and body, so the
same decision_id) and records nothing; the same key with another request is a 422; of two
requests with one key in flight at once, one is recorded and the other gets 409 and records
nothing. A request is its method, path and JSON body in canonical form (sorted keys, no spaces:
whitespace and key order do not make another request). Keys belong to the caller's tenant and
expire `Settings.idempotency_ttl` seconds after their first use; then the key is new again.

The key is claimed by a row inserted in the transaction that records the request's decisions
(`Decisions.record`), so a crash never leaves a decision without its key or a key without its
decision, and the row's primary key (tenant, key) decides between workers: the first request to
commit holds the key. A request that records nothing (all of a batch invalid) claims nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, current_app, g, request
from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from service.db import Database
from service.problems import Problem
from service.tables import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
MAX_LENGTH = 255  # characters of the header's value
PURGE_EVERY = 60.0  # seconds between deletions of expired keys, per process
# Printable ASCII, spaces only inside (HTTP strips them around a value): no control characters.
KEY_PATTERN = "^[!-~]([ -~]*[!-~])?$"
_PRINTABLE = re.compile(KEY_PATTERN)  # used with fullmatch: a trailing newline fails too
_SF_STRING = re.compile(r'"((?:[^"\\]|\\["\\])+)"')  # RFC 8941 string, the draft's form
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _field_problem(status: int, title: str, message: str) -> Problem:
    return Problem(status, title, f"{HEADER}: {message}", [{"field": HEADER, "message": message}])


def parse_key(value: str) -> str:
    """The key a header value carries: the content of an RFC 8941 string ("abc", as the draft
    writes it), else the value itself (abc); 400 if the value is too long or not printable ASCII
    (as KEY_PATTERN says, which openapi.yaml states)."""
    if len(value) > MAX_LENGTH or not _PRINTABLE.fullmatch(value):
        raise _field_problem(400, "Invalid Idempotency-Key",
                             f"must be 1 to {MAX_LENGTH} printable ASCII characters (spaces only between others)")
    quoted = _SF_STRING.fullmatch(value)
    return re.sub(r'\\(["\\])', r"\1", quoted[1]) if quoted else value


def fingerprint(data) -> str:
    """SHA-256 of the request: method, path and the JSON body in canonical form."""
    try:
        body = json.dumps(data, sort_keys=True, separators=(",", ":"))
    except RecursionError:  # as deep as json_body could still parse, one frame too deep to write
        raise Problem(400, "Malformed JSON", "The body is nested too deeply.") from None
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _reused() -> Problem:
    return _field_problem(422, "Idempotency-Key is already used",
                          "this key was used for another request (method, path or body); use a new key")


def _outstanding() -> Problem:
    return _field_problem(409, "A request is outstanding for this Idempotency-Key",
                          "another request with this key was being processed; retry to get its response")


@dataclass
class Claim:
    """A request's Idempotency-Key: `replay` is the first response to it, if there was one; else
    `storing(response)` is what claims the key in the transaction that records the decisions."""

    keys: IdempotencyKeys | None = None
    tenant: str = ""
    key: str = ""
    sha256: str = ""
    replay: Response | None = None

    def storing(self, response: Response) -> Callable[[Connection], None] | None:
        keys = self.keys
        return None if keys is None else lambda connection: keys.insert(connection, self, response)


class IdempotencyKeys:
    """The store of claimed keys, in the decision store (table `idempotency_keys`)."""

    def __init__(self, db: Database, ttl: float):
        self.db, self.ttl = db, ttl
        self._purged = -PURGE_EVERY

    def _cutoff(self) -> dt.datetime:
        return utcnow() - dt.timedelta(seconds=self.ttl)

    def claim(self, data) -> Claim:
        """This request's claim (empty without the header): 400 if the key is malformed, 422 if it
        was used for another request, the first response as `replay` if it was used for this one."""
        header = request.headers.get(HEADER)
        if header is None:
            return Claim()
        found = Claim(self, g.caller.tenant, parse_key(header), fingerprint(data))
        first = self._first(found)
        if first is not None:
            if first.request_sha256 != found.sha256:
                raise _reused()
            found.replay = current_app.response_class(first.response, status=first.status, mimetype="application/json")
        return found

    def _first(self, claim: Claim) -> IdempotencyKey | None:
        """The live row of the claim's key, if any; deletes expired rows first, once a minute."""
        if time.monotonic() - self._purged >= PURGE_EVERY:
            with self.db.engine.begin() as connection:
                connection.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < self._cutoff()))
            self._purged = time.monotonic()
        with self.db.session() as session:
            return session.scalar(select(IdempotencyKey).where(
                IdempotencyKey.tenant == claim.tenant, IdempotencyKey.idempotency_key == claim.key,
                IdempotencyKey.created_at >= self._cutoff()))

    def insert(self, connection: Connection, claim: Claim, response: Response) -> None:
        """Claim the key with its response, in the caller's transaction; 409 or 422 if it is held."""
        mine = (IdempotencyKey.tenant == claim.tenant) & (IdempotencyKey.idempotency_key == claim.key)
        connection.execute(delete(IdempotencyKey).where(mine, IdempotencyKey.created_at < self._cutoff()))
        inserted = connection.execute(_INSERT[connection.dialect.name](IdempotencyKey).values(
            tenant=claim.tenant, idempotency_key=claim.key, created_at=utcnow(), request_sha256=claim.sha256,
            status=response.status_code, response=response.get_data(as_text=True))
            .on_conflict_do_nothing().returning(IdempotencyKey.tenant)).first()
        if inserted is None:  # a concurrent request committed the key first (rowcount says -1 on psycopg)
            held = connection.scalar(select(IdempotencyKey.request_sha256).where(mine))
            raise _outstanding() if held == claim.sha256 else _reused()

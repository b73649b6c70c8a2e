"""JSON as the service reads and writes it.

Writing: Python's json writes NaN and Infinity, which are not JSON (a client's parser refuses the
whole body, PostgreSQL the value). `dumps` and `Provider` (Flask's jsonify) refuse them, for
responses, problems and stored decisions alike.
Reading: Python's json takes NaN and Infinity as floats, which every numeric field of the schemas
refuses, naming the field, but raises a ValueError of its own for an integer of more than 4,300
digits. `loads` reads such an integer as the float it denotes instead, refused the same way.
"""

from __future__ import annotations

import json

from flask.json.provider import DefaultJSONProvider


def _integer(text: str) -> int | float:
    """An integer too long for int() is the float it denotes (infinity)."""
    try:
        return int(text)
    except ValueError:
        return float(text)


def loads(text: str):
    """Parse a request body (json.JSONDecodeError if it is not JSON)."""
    return json.loads(text, parse_int=_integer)


def dumps(value, **kwargs) -> str:
    """Write JSON; a NaN or an infinity raises ValueError: it is a bug to fix, not a body to send."""
    return json.dumps(value, allow_nan=False, **kwargs)


class Provider(DefaultJSONProvider):
    """Flask's JSON (jsonify, returned dicts) written by `dumps`."""

    def dumps(self, obj, **kwargs) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

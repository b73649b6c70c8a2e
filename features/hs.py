"""Harmonized System codes: national codes of 6 to 10 digits reduced to the HS6 that all customs share."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.]")
_DIGITS = re.compile(r"[0-9]{6,10}")


def normalize_hs(code: str) -> str | None:
    """Digits of an HS code without dots and spaces, or None if it is not 6 to 10 digits.

    "8542.39", "8542 39 00" and "8542390000" (a 10-digit national code) all give their digits;
    the first six digits are the international HS6 heading.
    """
    if not isinstance(code, str):
        return None
    digits = _SEPARATORS.sub("", code)
    return digits if _DIGITS.fullmatch(digits) else None


def hs6_of(code: str) -> str | None:
    """The HS6 heading of a code, or None when the code is malformed."""
    digits = normalize_hs(code)
    return digits[:6] if digits else None

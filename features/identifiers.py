"""Company and vessel identifiers: normalised and checked before they are trusted for an exact match."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum import imo, lei
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.ru import inn, ogrn

# Schemes the wire contract accepts. FtM properties map onto them in `lists.ftm`.
SCHEMES = ("inn", "ogrn", "bin", "iin", "lei", "imo", "registration_number", "tax_number", "vat")

_CLEAN = re.compile(r"[\s\-./]")


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str  # normalised
    valid: bool  # passed the scheme's checksum (schemes without one are valid when non-empty)

    @property
    def key(self) -> str:
        """Key of the identifier index; INN and OGRN are national numbers, the rest are scheme-scoped."""
        return f"{self.scheme}:{self.value}"


def _kz_problem(number: str) -> str | None:
    # Hand-written: python-stdnum has no Kazakhstan module. The BIN/IIN check digit is a
    # weighted sum mod 11 with weights 1..11, retried with 3..11,1,2 when the first gives 10.
    if not re.fullmatch(r"[0-9]{12}", number):
        return "not 12 digits"
    digits = [int(c) for c in number]
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        check = sum(d * w for d, w in zip(digits[:11], weights)) % 11
        if check != 10:
            return None if check == digits[11] else "wrong check digit"
    return "wrong check digit"


def _stdnum(module):
    def problem(value: str) -> str | None:
        try:
            module.validate(value)
        except InvalidChecksum:
            return "wrong check digit"
        except InvalidLength:
            return "wrong length"
        except ValidationError:
            return "wrong format"
        return None

    return problem


# Each checked scheme's test: None when the value passes, else what is wrong with it.
_PROBLEMS = {
    "inn": _stdnum(inn),
    "ogrn": _stdnum(ogrn),
    "lei": _stdnum(lei),
    "imo": _stdnum(imo),
    "bin": _kz_problem,
    "iin": _kz_problem,
}
# Schemes whose values carry a check digit: an invalid one is a typo or an invention, never a match.
CHECKED_SCHEMES = frozenset(_PROBLEMS)


def identifier_problem(identifier: Identifier) -> str | None:
    """What is wrong with an identifier of a checked scheme ("wrong check digit"), or None."""
    check = _PROBLEMS.get(identifier.scheme)
    return None if check is None or not identifier.value else check(identifier.value)


def normalize_identifier(scheme: str, value: str) -> Identifier:
    """Clean an identifier (case, spaces, dashes, an "IMO" prefix) and check it."""
    scheme = scheme.strip().lower()
    cleaned = _CLEAN.sub("", value).upper()
    if scheme == "imo" and cleaned.startswith("IMO"):
        cleaned = cleaned[3:]
    check = _PROBLEMS.get(scheme)
    return Identifier(scheme, cleaned, bool(cleaned) and (check is None or check(cleaned) is None))


def kz_bin_registration(number: str) -> dt.date | None:
    """Year and month of registration encoded in a Kazakh BIN (first day of that month).

    A BIN starts YYMM of registration and its fifth digit (4, 5 or 6) marks a legal entity or
    branch, so it dates a company when no registry date is known. Two-digit years above the
    current one are read as 19xx.
    """
    if _kz_problem(number) is not None or number[4] not in "456":
        return None
    year, month = int(number[:2]), int(number[2:4])
    if not 1 <= month <= 12:
        return None
    century = 2000 if 2000 + year <= dt.date.today().year else 1900
    return dt.date(century + year, month, 1)

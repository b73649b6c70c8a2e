"""The facts a screen can use from the free-text Remarks of an OFAC SDN entry.

Remarks are `;`-separated clauses such as "Tax ID No. 7707083893 (Russia)", "Vessel
Registration Identification IMO 9187629" or "Linked To: LAZARUS GROUP.". Only clauses with a
fixed label and a value that an exact match can use are read; dates of birth, passports and
weak a.k.a.s (which OFAC does not require screening against) are left alone.
Hand-written: no library parses OFAC's remark clauses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from features.countries import country_for_name
from features.identifiers import Identifier, normalize_identifier

# Clause label -> identifier scheme. An IMO number on a company is the IMO company number,
# not a ship's: it is kept, with its prefix, as a registration number.
_ID_LABELS: list[tuple[str, str]] = [
    (r"Vessel Registration Identification", "imo"),
    (r"(?:Company|Identification) Number (?=IMO)", "registration_number"),
    (r"Tax ID No\.", "tax_number"),
    (r"(?:Business |Company )?Registration (?:Number|ID|No\.)", "registration_number"),
    (r"Company Number", "registration_number"),
    (r"Commercial Registry Number", "registration_number"),
    (r"Business Registration Document #", "registration_number"),
    (r"Legal Entity Number", "registration_number"),  # a national number (e.g. Dutch KvK), not an LEI
    (r"Trade License No\.", "registration_number"),
    (r"Folio Mercantil No\.", "registration_number"),
    (r"V\.A\.T\. Number", "vat"),
]
# "<label> <value> (<country>) issued ...": the value runs to the country or the clause's end.
_ID_CLAUSES = [(re.compile(rf"^{label}\s*(?P<value>[^()]+?)\.?\s*(?:\((?P<country>[^)]*)\).*)?$"), scheme)
               for label, scheme in _ID_LABELS]
# No two parts of a pattern may take the same characters (`\S+@\S+` backtracks over every "@"):
# remarks fields are long, and a clause is matched against every pattern.
_EMAIL = re.compile(r"^Email Address ([^\s@]+@\S+?)\.?$")
_PHONE = re.compile(r"^Phone Number ([\d +()-]+?)\.?$")
_ESTABLISHED = re.compile(r"^Organization Established Date (?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})\.?$")
_COUNTRY = re.compile(r"^(?:nationality|citizen) (.+?)\.?$")
_LINKED = re.compile(r"^Linked To: (.+)$")
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


@dataclass
class Remarks:
    identifiers: list[Identifier] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # alpha-2, lower case
    established: dt.date | None = None
    linked_to: list[str] = field(default_factory=list)  # names as written, final period kept


def _identifier(scheme: str, value: str, country: str) -> Identifier:
    """Russian tax and registration numbers are INN and OGRN; a Kazakh one is a BIN when its checksum says so."""
    digits = re.sub(r"\D", "", value)
    if country == "ru" and scheme == "tax_number" and len(digits) in (10, 12):
        return normalize_identifier("inn", value)
    if country == "ru" and scheme == "registration_number" and len(digits) in (13, 15):
        return normalize_identifier("ogrn", value)
    if country == "kz" and len(digits) == 12 and normalize_identifier("bin", value).valid:
        return normalize_identifier("bin", value)
    return normalize_identifier(scheme, value)


def _established(day: str | None, month: str | None, year: str) -> dt.date | None:
    # A partial date reads as its first day, as the FtM reader does.
    try:
        return dt.date(int(year), _MONTHS.get(month or "Jan", 0), int(day or 1))
    except ValueError:
        return None


def parse_remarks(text: str) -> Remarks:
    found = Remarks()
    for clause in text.split(";"):
        clause = clause.strip().removeprefix("alt. ")
        if match := _LINKED.match(clause):  # a name as written: `_unique_targets` compares it with names
            found.linked_to.append(match.group(1).strip())
            continue
        # Single spaces: an identifier pattern's "\s*" around its value backtracks over every
        # split of a run of spaces, cubic in its length (a minute for 2,000 spaces).
        clause = " ".join(clause.split())
        if match := _EMAIL.match(clause):
            found.emails.append(match.group(1))
        elif match := _PHONE.match(clause):
            found.phones.append(match.group(1).strip())
        elif match := _ESTABLISHED.match(clause):
            found.established = found.established or _established(*match.groups())
        elif match := _COUNTRY.match(clause):
            if code := country_for_name(match.group(1)):
                found.countries.append(code.lower())
        else:
            for pattern, scheme in _ID_CLAUSES:
                if match := pattern.match(clause):
                    country = (country_for_name(match.group("country") or "") or "").lower()
                    found.identifiers.append(_identifier(scheme, match.group("value"), country))
                    break
    return found

"""The US Consolidated Screening List (trade.gov `consolidated.csv`).

One CSV carries the export-screening lists of Commerce (BIS Entity List, Denied Persons,
Unverified, Military End User), State and the Treasury (SDN and the non-SDN lists). Every row
is a restricted party, so every entity is marked with its list and programs. Multi-valued
fields are `;`-separated; an address ends with its two-letter country and an `ids` item reads
"type, number, country", with OFAC's type labels, so it goes through the OFAC remark parser.

SDN rows take the OFAC reader's id (`entity_number` is OFAC's ent_num), so a CSL file and an
OFAC `sdn.csv` in one snapshot merge instead of listing each SDN entry twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

from features.countries import country_for_name, normalize_country
from features.lists.csv_rows import rows
from features.lists.dates import latest_in_column
from features.lists.entities import Entity, Link
from features.lists.errors import ListFormatError
from features.lists.files import text_lines
from features.lists.limits import checked
from features.lists.ofac import entity_id as ofac_entity_id
from features.lists.ofac_remarks import parse_remarks

HEADER = ("_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
          "standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
          "gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
          "dates_of_birth,nationalities,places_of_birth,source_information_url,ids").split(",")
SCHEMAS = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "": "Organization"}
SKIPPED_TYPES = frozenset({"Aircraft"})  # not a shipment party; see `lists.ofac`
log = logging.getLogger(__name__)


def looks_like_csl(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(",".join(HEADER[:6]).encode())


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


def _code(value: str) -> str | None:
    code = country_for_name(value)
    return code.lower() if code else None


def _entity(row: dict[str, str], source: str) -> Entity:
    addresses = _items(row["addresses"])
    # ids are "type, number, country[, ...]": rewritten as OFAC remark clauses "type number (country)".
    clauses = []
    for item in _items(row["ids"]):
        kind, number, country = ([p.strip() for p in item.split(",")] + ["", ""])[:3]
        clauses.append(f"{kind} {number}" + (f" ({country})" if country else ""))
    facts = parse_remarks("; ".join([*clauses, row["remarks"]]))
    countries = [(normalize_country(a.rsplit(",", 1)[-1]) or "").lower() for a in addresses]
    countries += [_code(c) for c in _items(row["nationalities"]) + _items(row["citizenships"]) + _items(row["vessel_flag"])]
    is_sdn = "(SDN)" in row["source"] and row["entity_number"].strip().isdigit()
    programs = ", ".join(_items(row["programs"]))
    start = row["start_date"].strip()
    return Entity(
        id=ofac_entity_id(row["entity_number"]) if is_sdn else f"us-csl-{row['_id'].strip()}",
        schema=SCHEMAS[row["type"].strip()],
        names=list(dict.fromkeys([row["name"].strip(), *_items(row["alt_names"])])),
        source=source,
        countries=list(dict.fromkeys(c for c in countries + facts.countries if c)),
        identifiers=list(dict.fromkeys(facts.identifiers)),
        incorporation_date=facts.established,
        addresses=addresses,
        phones=facts.phones,
        emails=facts.emails,
        sanctions=[f"US CSL ({row['source'].strip()}): {programs or 'listed'}" + (f" (from {start})" if start else "")],
    )


def as_of(path: Path) -> dt.date | None:
    """The latest `start_date`: the CSL states no publication date of its own."""
    return latest_in_column(path, "start_date")


def read_csl(path: Path) -> Iterator[Entity | Link]:
    found = rows(path, text_lines(path), strict=True)
    if next(found, (1, None))[1] != HEADER:
        raise ListFormatError(path, 1, "header is not the Consolidated Screening List's: " + ",".join(HEADER))
    for start, row in found:
        if len(row) != len(HEADER):
            raise ListFormatError(path, start, f"expected {len(HEADER)} columns, found {len(row)}")
        record = dict(zip(HEADER, row))
        kind = record["type"].strip()
        if kind in SKIPPED_TYPES:
            continue
        if kind not in SCHEMAS or not record["_id"].strip() or not record["name"].strip():
            raise ListFormatError(path, start, "a row needs an _id, a name and a type of " + "/".join(k for k in SCHEMAS if k))
        yield checked(path, start, _entity(record, path.name))

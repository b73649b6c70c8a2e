"""The UN Security Council Consolidated List as XML (schema sc-sanctions.xsd).

`<CONSOLIDATED_LIST dateGenerated=...>` holds `<INDIVIDUALS><INDIVIDUAL>` and
`<ENTITIES><ENTITY>` entries. An individual's name is split over FIRST_NAME..FOURTH_NAME, in
the list's order, which is not always given-name first: the parts are joined as written. The
name in its original script (Arabic, Cyrillic...) and the aliases are further names. An alias
of QUALITY "Low" is skipped: the list marks so an alias that does not suffice to identify the
person ("Zarga", "Odnorukiy"), and such a one-word nickname would match many innocent parties,
as OFAC's weak a.k.a.s would (the OFAC reader leaves those out too). Every other alias (Good,
a.k.a., f.k.a.) is screened, with the original-script spelling a good alias's NOTE gives.

Entities get the id `un-sc-<REFERENCE_NUMBER>` (e.g. `un-sc-KPe.020`), which the UN keeps
when an entry is amended; DATAID stands in when an entry has no reference number.
Persons' passports and national ids map onto no scheme of `features.identifiers` (company and
vessel numbers) and are left out; an IMO company number written in an entity's comments is
kept, as the OFAC reader keeps it, as the registration number "IMO<n>".

The file is streamed as `features.lists.xml_stream` streams both official XML lists: safe
parser, bounded memory, line-numbered errors; a DOCTYPE is refused, since the list has none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from features.countries import country_for_name
from features.identifiers import Identifier, normalize_identifier
from features.lists.entities import Entity, Link
from features.lists.errors import ListFormatError
from features.lists.limits import checked
from features.lists.xml_stream import clean, events, release, root_date, root_name, xsd_date

ROOT = "CONSOLIDATED_LIST"
SCHEMAS = {"INDIVIDUAL": "Person", "ENTITY": "Organization"}
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
WEAK_QUALITY = "low"
ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE")  # then COUNTRY
SOURCE = "the UN list"  # as ListFormatError messages name it
_ALIAS_SCRIPT = re.compile(r"original script:\s*(.+)", re.I)
_IMO = re.compile(r"\bIMO\)?(?:\s+number)?:?\s+(\d{7})\b", re.I)


def looks_like_un_sc(head: bytes) -> bool:
    name = root_name(head)  # the name as written: a prefixed <x:CONSOLIDATED_LIST> is not the UN list
    return name is not None and name[0] == ROOT.encode()


def _texts(element: etree._Element, path: str) -> list[str]:
    return [text for node in element.iterfind(path) if (text := clean(node.text))]


def _primary(entry: etree._Element) -> str:
    return " ".join(p for part in NAME_PARTS if (p := clean(entry.findtext(part))))


def _names(entry: etree._Element, kind: str) -> list[str]:
    """The primary name, then the original-script name, then every alias not of low quality."""
    names = [_primary(entry)]
    names += _texts(entry, "NAME_ORIGINAL_SCRIPT")
    for alias in entry.iterfind(f"{kind}_ALIAS"):
        if clean(alias.findtext("QUALITY")).lower() == WEAK_QUALITY:
            continue
        names.append(clean(alias.findtext("ALIAS_NAME")))
        for note in _texts(alias, "NOTE"):
            if match := _ALIAS_SCRIPT.match(note):
                names.append(match.group(1).strip())
    return list(dict.fromkeys(n for n in names if n))


def _addresses(entry: etree._Element, kind: str) -> tuple[list[str], list[str]]:
    """(address lines, alpha-2 countries). A country alone is a country, not an address line: as
    an address it would join every entry "in" that country through the shared-address graph."""
    lines, countries = [], []
    for address in entry.iterfind(f"{kind}_ADDRESS"):
        parts = [clean(address.findtext(p)) for p in ADDRESS_PARTS]
        country = clean(address.findtext("COUNTRY"))
        if code := country_for_name(country):
            countries.append(code.lower())
        if any(parts):
            lines.append(", ".join(p for p in [*parts, country] if p))
    return list(dict.fromkeys(lines)), countries


def _imo_numbers(entry: etree._Element) -> list[Identifier]:
    """IMO company numbers in the comments ("IMO number: 5571322"), as registration numbers "IMO<n>"."""
    numbers = _IMO.findall(" ".join(_texts(entry, "COMMENTS1")))
    return list(dict.fromkeys(normalize_identifier("registration_number", f"IMO{n}") for n in numbers))


def _entity(entry: etree._Element, kind: str, path: Path) -> Entity:
    ref, dataid = clean(entry.findtext("REFERENCE_NUMBER")), clean(entry.findtext("DATAID"))
    if not (ref or dataid) or not _primary(entry):
        raise ListFormatError(path, entry.sourceline or 1, f"an {kind} needs a REFERENCE_NUMBER or DATAID and a name")
    addresses, address_countries = _addresses(entry, kind)
    nationalities = [code.lower() for value in _texts(entry, "NATIONALITY/VALUE") if (code := country_for_name(value))]
    program = clean(entry.findtext("UN_LIST_TYPE")) or "consolidated list"
    listed = xsd_date(entry.findtext("LISTED_ON"))
    return checked(path, entry.sourceline or 1, Entity(
        id=f"un-sc-{ref or dataid}",
        schema=SCHEMAS[kind],
        names=_names(entry, kind),
        source=path.name,
        countries=list(dict.fromkeys(nationalities + address_countries)),
        identifiers=_imo_numbers(entry) if kind == "ENTITY" else [],
        addresses=addresses,
        sanctions=[f"UN Security Council ({program}): {ref or 'DATAID ' + dataid}, "
                   + (f"listed {listed}" if listed else "listing date not stated")],
    ))


def read_un_sc(path: Path) -> Iterator[Entity | Link]:
    for event, element in events(path, SOURCE, frozenset(SCHEMAS)):
        if event == "start":
            if element.getparent() is None and element.tag != ROOT:
                raise ListFormatError(path, element.sourceline or 1,
                                      f"root element is <{element.tag}>, not the UN list's <{ROOT}>")
        elif element.tag in SCHEMAS:
            yield _entity(element, element.tag, path)
            release(element)


def as_of(path: Path) -> dt.date | None:
    """The date of the root's dateGenerated ("2026-02-27T00:00:09.554Z"); only the root is parsed."""
    return root_date(path, "dateGenerated", SOURCE)

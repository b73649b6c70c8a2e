"""The EU Financial Sanctions Files (FSF) consolidated list as XML (`xmlFullSanctionsList_1_1`).

No sample of this file could be found offline: the reader and its test fixture are built from
the published schema (namespace `http://eu.europa.ec/fpi/fsd/export`) and the elements that
OpenSanctions' FSF crawler reads. Check it against a real download before relying on it.

`<export generationDate=...>` holds one `<sanctionEntity>` per designation, its facts in
attributes of `regulation` (programme, dates), `subjectType` (person or enterprise), `nameAlias`
(one per name and script: Latin, Cyrillic, Greek...), `identification`, `address`, `citizenship`
and in `remark`. A nameAlias with strong="false", or a remark calling it of low quality, is a
weak alias and is skipped, as the UN and OFAC readers skip theirs: too vague to identify anyone,
it would match innocent parties. Registration and tax numbers of Russian (Kazakh) entries are
INN/OGRN (BIN) when the checksum validates, else registration or tax numbers; passports and other
personal documents map onto no scheme of `features.identifiers` and are left out.

Ids are `eu-fsf-<euReferenceNumber>`, or `eu-fsf-<logicalId>` for an entry without one. The file
is streamed as `features.lists.xml_stream` streams both official XML lists: safe parser, bounded
memory, line-numbered errors; a DOCTYPE is refused, since the FSF file has none.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from features.countries import country_for_name, normalize_country
from features.identifiers import Identifier, normalize_identifier
from features.lists.entities import Entity, Link
from features.lists.errors import ListFormatError
from features.lists.limits import checked
from features.lists.xml_stream import clean, events, qname, release, root_date, root_name, xsd_date

NS = "http://eu.europa.ec/fpi/fsd/export"
SCHEMAS = {"person": "Person", "enterprise": "Organization"}
ID_SCHEMES = {"regnumber": "registration_number", "fiscalcode": "tax_number", "tax": "tax_number",
              "imo": "registration_number"}
# National numbers a registration or tax number may be, by country: (scheme, digit counts).
NATIONAL_NUMBERS: dict[str, list[tuple[str, tuple[int, ...]]]] = {
    "ru": [("inn", (10, 12)), ("ogrn", (13, 15))], "kz": [("bin", (12,))]}
ADDRESS_PARTS = ("street", "poBox", "zipCode", "city", "region", "place")
CONTACTS = {"PHONE": "phones", "FAX": "phones", "EMAIL": "emails"}
SOURCE = "the FSF file"  # as ListFormatError messages name it
ENTRIES = frozenset({f"{{{NS}}}sanctionEntity", "sanctionEntity"})  # with the namespace or without
_REGISTERED = re.compile(r"date of registration:?\s*(\d{1,2})\.(\d{1,2})\.(\d{4})", re.I)
log = logging.getLogger(__name__)


def looks_like_eu_fsf(head: bytes) -> bool:
    name = root_name(head)  # the local name: a prefixed <fsd:export> is the FSF file too
    return name is not None and name[1] == b"export" and (NS.encode() in head or b"<sanctionEntity" in head)


def _country(node: etree._Element) -> str | None:
    """The ISO code, else the written name ("UNKNOWN" and the code "00" mean none)."""
    code = normalize_country(node.get("countryIso2Code") or "")
    description = clean(node.get("countryDescription"))
    if not code and description.upper() != "UNKNOWN":
        code = country_for_name(description)
    return code.lower() if code else None


def _alias(node: etree._Element) -> tuple[str, bool]:
    """(name, strong). A missing `strong` counts as strong: only an explicit weak mark drops a name."""
    name = clean(node.get("wholeName")) or " ".join(
        p for key in ("firstName", "middleName", "lastName") if (p := clean(node.get(key))))
    remarks = " ".join(clean(r.text) for r in node if qname(r)[1] == "remark").lower()
    return name, node.get("strong", "true").strip().lower() != "false" and "low quality" not in remarks


def _names(entry: etree._Element, ns: str, path: Path) -> list[str]:
    aliases = [_alias(node) for node in entry.iterfind(f"{ns}nameAlias")]
    strong = [name for name, is_strong in aliases if name and is_strong]
    if not strong and any(name for name, _ in aliases):  # screen a weak name rather than none at all
        log.warning("%s:%s: entry has weak names only; read them", path, entry.sourceline)
        strong = [name for name, _ in aliases if name]
    return list(dict.fromkeys(strong))


def _identifier(scheme: str, value: str, countries: set[str]) -> Identifier:
    """A Russian registration or tax number is an INN or OGRN, a Kazakh one a BIN, when its checksum says so."""
    digits = re.sub(r"\D", "", value)
    national = [n for country in ("ru", "kz") if country in countries for n in NATIONAL_NUMBERS[country]]
    for name, lengths in national if scheme in ("registration_number", "tax_number") else []:
        if len(digits) in lengths and (found := normalize_identifier(name, digits)).valid:
            return found
    return normalize_identifier(scheme, value)


def _identifiers(entry: etree._Element, ns: str, countries: list[str]) -> list[Identifier]:
    found = []
    for node in entry.iterfind(f"{ns}identification"):
        code = clean(node.get("identificationTypeCode")).lower()
        if (scheme := ID_SCHEMES.get(code)) is None:
            continue
        own = _country(node)
        for number in dict.fromkeys(n for n in (clean(node.get("number")), clean(node.get("latinNumber"))) if n):
            if code == "imo":  # an entry's IMO company number, kept as the OFAC reader keeps it: "IMO<n>"
                number = "IMO" + number.upper().removeprefix("IMO").strip()
            found.append(_identifier(scheme, number, {own} if own else set(countries)))
    return list(dict.fromkeys(found))


def _addresses(entry: etree._Element, ns: str) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(address lines, alpha-2 countries, phones and emails). A country alone is not an address
    line: it would join every entry "in" that country through the shared-address graph."""
    lines, countries = [], []
    contacts: dict[str, list[str]] = {"phones": [], "emails": []}
    for node in entry.iterfind(f"{ns}address"):
        parts = [clean(node.get(key)) for key in ADDRESS_PARTS]
        if parts[1].isdigit():
            parts[1] = f"PO Box {parts[1]}"
        country, description = _country(node), clean(node.get("countryDescription"))
        countries += [country] if country else []
        if any(parts):
            lines.append(", ".join(p for p in [*parts, description if description.upper() != "UNKNOWN" else ""] if p))
        for info in node.iterfind(f"{ns}contactInfo"):
            if kind := CONTACTS.get(clean(info.get("key")).upper()):
                contacts[kind] += [v for v in map(clean, re.split(r"[,;]", info.get("value") or "")) if v]
    return list(dict.fromkeys(lines)), countries, contacts


def _registered(entry: etree._Element, ns: str) -> dt.date | None:
    """The date of registration: a registration number's issueDate, else a remark's
    "Date of registration: 1.9.2005" (day.month.year, as the Official Journal writes dates)."""
    for node in entry.iterfind(f"{ns}identification"):
        issued = xsd_date(node.get("issueDate"))
        if issued and clean(node.get("identificationTypeCode")).lower() == "regnumber":
            return dt.date.fromisoformat(issued)
    for remark in entry.iterfind(f"{ns}remark"):
        if match := _REGISTERED.search(clean(remark.text)):
            day, month, year = map(int, match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def _sanctions(entry: etree._Element, ns: str, ref: str) -> list[str]:
    """One line per programme, dated by the earliest of the entry's designationDate and its regulations'
    entry into force: the entry's date may be missing, and a regulation may be a later amendment."""
    programmes: dict[str, list[str]] = {}
    for regulation in entry.iterfind(f"{ns}regulation"):
        dates = programmes.setdefault(clean(regulation.get("programme")), [])
        if start := xsd_date(regulation.get("entryIntoForceDate")) or xsd_date(regulation.get("publicationDate")):
            dates.append(start)
    un_id = clean(entry.get("unitedNationId"))
    lines = []
    for programme, dates in (programmes or {"": []}).items():
        start = min(filter(None, [xsd_date(entry.get("designationDate")), *dates]), default=None)
        lines.append((f"EU FSF ({programme})" if programme else "EU FSF") + f": {ref}, "
                     + (f"designated {start}" if start else "designation date not stated")
                     + (f" (UN listing {un_id})" if un_id else ""))
    return lines


def _entity(entry: etree._Element, ns: str, path: Path) -> Entity:
    ref, logical = clean(entry.get("euReferenceNumber")), clean(entry.get("logicalId"))
    subject = entry.find(f"{ns}subjectType")
    kind = clean(subject.get("code")).lower() if subject is not None else ""
    names = _names(entry, ns, path)
    if not (ref or logical) or kind not in SCHEMAS or not names:
        raise ListFormatError(path, entry.sourceline or 1, "a sanctionEntity needs a euReferenceNumber or logicalId, "
                              "a subjectType of person/enterprise and a nameAlias with a name")
    schema = SCHEMAS[kind]
    addresses, address_countries, contacts = _addresses(entry, ns)
    citizenships = [c for node in entry.iterfind(f"{ns}citizenship") if (c := _country(node))]
    countries = list(dict.fromkeys(citizenships + address_countries))
    return checked(path, entry.sourceline or 1, Entity(
        id=f"eu-fsf-{ref or logical}",
        schema=schema,
        names=names,
        source=path.name,
        countries=countries,
        identifiers=_identifiers(entry, ns, countries),
        incorporation_date=_registered(entry, ns) if schema == "Organization" else None,
        addresses=addresses,
        phones=list(dict.fromkeys(contacts["phones"])),
        emails=list(dict.fromkeys(contacts["emails"])),
        sanctions=_sanctions(entry, ns, ref or f"logicalId {logical}"),
    ))


def read_eu_fsf(path: Path) -> Iterator[Entity | Link]:
    ns = ""
    for event, element in events(path, SOURCE, ENTRIES):
        if event == "start":
            if element.getparent() is None:
                namespace, local = qname(element)
                if local != "export" or namespace not in (NS, None):
                    raise ListFormatError(path, element.sourceline or 1, f"root element is <{element.tag}>, "
                                          f"not the FSF file's <export xmlns=\"{NS}\">")
                ns = f"{{{NS}}}" if namespace else ""
        elif element.tag == f"{ns}sanctionEntity":
            yield _entity(element, ns, path)
            release(element)


def as_of(path: Path) -> dt.date | None:
    """The date of the root's generationDate, as the publisher wrote it; only the root is parsed."""
    return root_date(path, "generationDate", SOURCE)

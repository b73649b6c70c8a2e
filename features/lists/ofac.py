"""OFAC's SDN list in its legacy CSV set, and an OFAC alias file on its own.

`sdn.csv` holds one row per entry; `alt.csv` (aliases), `add.csv` (addresses) and, when
present, `sdn_comments.csv` (the rest of Remarks cut at 1,000 characters) sit beside it and
are read with it, since an entry's names and addresses are spread over the set.

Entities get the id `ofac-sdn-<ent_num>`, which OFAC never reuses, so an alias file of a
later date merges into the entries of an older `sdn.csv` in one snapshot.

Aircraft entries are skipped: a shipment party is a person, a company or a vessel, never an
aircraft (the FtM reader drops `Airplane` for the same reason), and an aircraft's operator
is an SDN entry of its own.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from features.countries import country_for_name
from features.lists.entities import Entity, Link
from features.lists.errors import ListFormatError
from features.lists.limits import MAX_NAME_CHARS, checked, text_problem
from features.lists.ofac_csv import ADD_WIDTH, ALIAS_TYPES, ALT_WIDTH, COMMENTS_WIDTH, SDN_WIDTH, read_rows, sniff_rows
from features.lists.ofac_remarks import parse_remarks

SCHEMAS = {"individual": "Person", "vessel": "Vessel", "": "Organization"}
SKIPPED_TYPES = frozenset({"aircraft"})
log = logging.getLogger(__name__)


def looks_like_ofac_sdn(head: bytes) -> bool:
    rows = sniff_rows(head)
    return bool(rows) and all(
        len(r) == SDN_WIDTH and r[0].isdigit() and r[2].strip() in SCHEMAS.keys() | SKIPPED_TYPES for r in rows)


def looks_like_ofac_alt(head: bytes) -> bool:
    rows = sniff_rows(head)
    return bool(rows) and all(
        len(r) == ALT_WIDTH and r[0].isdigit() and r[1].isdigit() and r[2].strip().lower() in ALIAS_TYPES for r in rows)


def entity_id(ent_num: str) -> str:
    return f"ofac-sdn-{ent_num.strip()}"


SIBLINGS = ("alt.csv", "add.csv", "sdn_comments.csv")


def _sibling(path: Path, name: str) -> Path | None:
    """`alt.csv` beside `sdn.csv`, or `ALT.CSV` beside `SDN.CSV` as OFAC's site names them, each
    perhaps gzipped."""
    for candidate in (name, name.upper(), name + ".gz", name.upper() + ".gz"):
        if path.with_name(candidate).is_file():
            return path.with_name(candidate)
    return None


def companions(path: Path) -> list[Path]:
    """The files of the set that `read_ofac_sdn(path)` reads with `sdn.csv`."""
    return [found for name in SIBLINGS if (found := _sibling(path, name))]


def as_of(_: Path) -> None:
    """The legacy CSV set states no publication date (SDN_ADVANCED.XML does): a home takes the
    download's Last-Modified, or the date the source declares."""
    return None


def _aliases(path: Path) -> dict[str, tuple[int, list[str]]]:
    """ent_num -> (the line of its last alias, its alias names in file order)."""
    names: dict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    for lineno, row in read_rows(path, ALT_WIDTH):
        ent_num, _, alt_type, name, _ = (v.strip() for v in row)
        if alt_type.lower() not in ALIAS_TYPES or not name:
            raise ListFormatError(path, lineno, f"an alias row needs an alt_type of {'/'.join(sorted(ALIAS_TYPES))} and a name")
        if problem := text_problem(name, MAX_NAME_CHARS):  # refused here, where its line is known
            raise ListFormatError(path, lineno, f"an alias of entry {ent_num}: {problem}")
        names[ent_num].append(name)
        last[ent_num] = lineno
    return {ent_num: (last[ent_num], found) for ent_num, found in names.items()}


def _addresses(path: Path) -> dict[str, list[tuple[str, str | None]]]:
    """ent_num -> (address line, alpha-2 country or None)."""
    found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for _, row in read_rows(path, ADD_WIDTH):
        ent_num, _, street, city, country, _ = (v.strip() for v in row)
        code = country_for_name(country.removeprefix("Region: "))
        found[ent_num].append((", ".join(v for v in (street, city, country) if v), code and code.lower()))
    return found


def _comments(path: Path) -> dict[str, str]:
    found: dict[str, str] = defaultdict(str)
    for _, (ent_num, text) in read_rows(path, COMMENTS_WIDTH):
        found[ent_num.strip()] += text
    return found


def _designation(programs: str) -> str:
    # Several programs are written "DPRK3] [CYBER2", the inside of "[DPRK3] [CYBER2]".
    return "OFAC SDN: " + ", ".join(p.strip() for p in programs.split("] [") if p.strip())


def _unique_targets(linked: list[str], by_name: dict[str, set[str]]) -> set[str]:
    """Entries named by "Linked To:" clauses, when a name is the primary name of exactly one entry.

    The last clause keeps the period that ends Remarks, which may also end a name ("S.A."):
    both readings are tried.
    """
    targets = set()
    for name in linked:
        found = by_name.get(name.casefold(), set()) | by_name.get(name.removesuffix(".").casefold(), set())
        if len(found) == 1:
            targets |= found
    return targets


def read_ofac_sdn(path: Path) -> Iterator[Entity | Link]:
    siblings = {name: _sibling(path, name) for name in SIBLINGS}
    for name in ("alt.csv", "add.csv"):
        if siblings[name] is None:
            log.warning("%s: no %s beside it; entries are read without their %s", path, name,
                        "aliases" if name == "alt.csv" else "addresses")
    aliases = _aliases(siblings["alt.csv"]) if siblings["alt.csv"] else {}
    addresses = _addresses(siblings["add.csv"]) if siblings["add.csv"] else {}
    comments = _comments(siblings["sdn_comments.csv"]) if siblings["sdn_comments.csv"] else {}

    entities: list[Entity] = []
    linked: dict[str, list[str]] = {}
    by_name: dict[str, set[str]] = defaultdict(set)
    skipped = 0
    for lineno, row in read_rows(path, SDN_WIDTH):
        ent_num, name, sdn_type, programs = (v.strip() for v in row[:4])
        vessel_flag, remarks = row[9].strip(), row[11] + comments.get(ent_num, "")
        by_name[name.casefold()].add(entity_id(ent_num))
        if sdn_type in SKIPPED_TYPES:
            skipped += 1
            continue
        if sdn_type not in SCHEMAS or not name:
            raise ListFormatError(path, lineno, f"entry {ent_num}: needs a name and an SDN_Type of individual/vessel/aircraft or none")
        facts = parse_remarks(remarks)
        places = addresses.get(ent_num, [])
        countries = [code for _, code in places if code] + facts.countries
        if flag := country_for_name(vessel_flag):
            countries.append(flag.lower())
        entity = checked(path, lineno, Entity(
            id=entity_id(ent_num),
            schema=SCHEMAS[sdn_type],
            names=list(dict.fromkeys([name, *aliases.get(ent_num, (0, []))[1]])),
            source=path.name,
            countries=list(dict.fromkeys(countries)),
            identifiers=list(dict.fromkeys(facts.identifiers)),
            incorporation_date=facts.established,
            addresses=list(dict.fromkeys(line for line, _ in places if line)),
            phones=facts.phones,
            emails=facts.emails,
            sanctions=[_designation(programs)],
        ))
        entities.append(entity)
        linked[entity.id] = facts.linked_to
    if skipped:
        log.info("%s: %d aircraft entries skipped", path, skipped)
    yield from entities
    for entity in entities:  # a target must be an entity read here: aircraft are not
        # Not `& linked.keys() - {entity.id}`: that copies every entry's id for each entry (6 s for the SDN list).
        for target in sorted(t for t in _unique_targets(linked[entity.id], by_name) if t in linked and t != entity.id):
            yield Link(entity.id, target, "UnknownLink")


def read_ofac_alt(path: Path) -> Iterator[Entity | Link]:
    """An alias file alone: each entry becomes a sanctioned entity known only by its aliases."""
    for ent_num, (lineno, names) in _aliases(path).items():
        yield checked(path, lineno, Entity(
            id=entity_id(ent_num),
            schema="LegalEntity",  # alt.csv does not say whether an entry is a person or a company
            names=list(dict.fromkeys(names)),
            source=path.name,
            sanctions=["OFAC SDN (aliases only)"],
        ))

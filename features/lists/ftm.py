"""FollowTheMoney JSON lines, the entity format of OpenSanctions and of company registries.

Legal entities and vessels become `Entity`s; the relation schemas become `Link`s; `Address`
entities are folded into the addresses of the entities that point at them; `Sanction`
entities mark their `entity` as sanctioned, as does the topic `sanction`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData

from features.entities import LINK_PHRASES, Entity, Link
from features.identifiers import normalize_identifier
from features.lists.errors import ListFormatError

# FtM identifier properties and the wire contract's scheme for each.
IDENTIFIER_PROPS = {
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "leiCode": "lei",
    "imoNumber": "imo",
    "registrationNumber": "registration_number",
    "taxNumber": "tax_number",
    "vatCode": "vat",
    "idNumber": "registration_number",
}
NAME_PROPS = ("name", "alias", "previousName")


def looks_like_ftm(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0]
    return first.startswith(b"{") and b'"schema"' in first


def _identifiers(proxy) -> list:
    found = []
    for prop, scheme in IDENTIFIER_PROPS.items():
        for value in proxy.get(prop, quiet=True):
            ident = normalize_identifier(scheme, value)
            # A 12-digit registration number of a Kazakh company is its BIN.
            if scheme == "registration_number" and "kz" in proxy.countries:
                bin_ = normalize_identifier("bin", value)
                ident = bin_ if bin_.valid else ident
            found.append(ident)
    return found


def _date(values: list[str]) -> dt.date | None:
    for value in sorted(values):
        try:  # FtM dates may be partial ("2023", "2023-01"): take the earliest full reading.
            return dt.date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value[:10])
        except ValueError:
            continue
    return None


def _designation(proxy, source: str) -> str:
    authority = ", ".join(proxy.get("authority")) or source
    program = ", ".join(proxy.get("program") or proxy.get("programId"))
    start = ", ".join(proxy.get("startDate"))
    return f"{authority}: {program or 'sanction'}" + (f" ({start})" if start else "")


def _parse(path: Path, lineno: int, line: str):
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return model.get_proxy(data)
    except (ValueError, InvalidData, TypeError) as exc:
        raise ListFormatError(path, lineno, f"not an FtM entity: {exc}") from None


def read_ftm(path: Path) -> Iterator[Entity | Link]:
    source = path.name
    entities: dict[str, Entity] = {}
    address_refs: dict[str, list[str]] = defaultdict(list)
    addresses: dict[str, str] = {}
    designations: dict[str, list[str]] = defaultdict(list)
    links: list[Link] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            proxy = _parse(path, lineno, line)
            schema = proxy.schema
            if schema.name == "Address":
                addresses[proxy.id] = ", ".join(proxy.get("full")) or proxy.caption
            elif schema.name == "Sanction":
                for target in proxy.get("entity"):
                    designations[target].append(_designation(proxy, source))
            elif schema.edge and schema.name in LINK_PHRASES:
                for src in proxy.get(schema.source_prop):
                    for dst in proxy.get(schema.target_prop):
                        links.append(Link(src, dst, schema.name))
            elif schema.is_a("LegalEntity") or schema.is_a("Vessel"):
                names = [n for prop in NAME_PROPS for n in proxy.get(prop, quiet=True)]
                if not names:
                    raise ListFormatError(path, lineno, f"entity {proxy.id} has no name")
                entity = Entity(
                    id=proxy.id,
                    schema=schema.name,
                    names=names,
                    source=source,
                    countries=sorted(proxy.countries),
                    identifiers=_identifiers(proxy),
                    incorporation_date=_date(proxy.get("incorporationDate", quiet=True)),
                    addresses=list(proxy.get("address", quiet=True)),
                    phones=list(proxy.get("phone", quiet=True)),
                    emails=list(proxy.get("email", quiet=True)),
                )
                if "sanction" in proxy.get("topics", quiet=True):
                    entity.sanctions.append(f"{source}: topic sanction")
                entities[proxy.id] = entity
                address_refs[proxy.id] = list(proxy.get("addressEntity", quiet=True))
    for entity_id, entity in entities.items():
        entity.addresses.extend(addresses[a] for a in address_refs[entity_id] if a in addresses)
        entity.sanctions.extend(designations.get(entity_id, ()))
        yield entity
    yield from links

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


def parse_proxy(path: Path, lineno: int, data):
    """An FtM entity from its JSON object, or the error naming the line."""
    try:
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return model.get_proxy(data)
    except (ValueError, InvalidData, TypeError) as exc:
        raise ListFormatError(path, lineno, f"not an FtM entity: {exc}") from None


def parse_json(path: Path, lineno: int, line: str):
    try:
        return json.loads(line)
    except ValueError as exc:
        raise ListFormatError(path, lineno, f"not a JSON line: {exc}") from None


class FtmCollector:
    """Folds FtM entities into `Entity`s and `Link`s. Addresses and sanctions may come before or
    after the entities they belong to, so entities are only complete once the file has been read."""

    def __init__(self, path: Path):
        self.path, self.source = path, path.name
        self.entities: dict[str, Entity] = {}
        self.address_refs: dict[str, list[str]] = defaultdict(list)
        self.addresses: dict[str, str] = {}
        self.designations: dict[str, list[str]] = defaultdict(list)
        self.links: list[Link] = []

    def add(self, lineno: int, proxy) -> None:
        schema = proxy.schema
        if schema.name == "Address":
            self.addresses[proxy.id] = ", ".join(proxy.get("full")) or proxy.caption
        elif schema.name == "Sanction":
            for target in proxy.get("entity"):
                self.designations[target].append(_designation(proxy, self.source))
        elif schema.edge and schema.name in LINK_PHRASES:
            for src in proxy.get(schema.source_prop):
                for dst in proxy.get(schema.target_prop):
                    self.links.append(Link(src, dst, schema.name))
        elif schema.is_a("LegalEntity") or schema.is_a("Vessel"):
            names = [n for prop in NAME_PROPS for n in proxy.get(prop, quiet=True)]
            if not names:
                raise ListFormatError(self.path, lineno, f"entity {proxy.id} has no name")
            entity = Entity(
                id=proxy.id,
                schema=schema.name,
                names=names,
                source=self.source,
                countries=sorted(proxy.countries),
                identifiers=_identifiers(proxy),
                incorporation_date=_date(proxy.get("incorporationDate", quiet=True)),
                addresses=list(proxy.get("address", quiet=True)),
                phones=list(proxy.get("phone", quiet=True)),
                emails=list(proxy.get("email", quiet=True)),
            )
            if "sanction" in proxy.get("topics", quiet=True):
                entity.sanctions.append(f"{self.source}: topic sanction")
            self.entities[proxy.id] = entity
            self.address_refs[proxy.id] = list(proxy.get("addressEntity", quiet=True))

    def discard(self, entity_id: str) -> None:
        self.entities.pop(entity_id, None)

    def records(self) -> Iterator[Entity | Link]:
        for entity_id, entity in self.entities.items():
            entity.addresses.extend(self.addresses[a] for a in self.address_refs[entity_id] if a in self.addresses)
            entity.sanctions.extend(self.designations.get(entity_id, ()))
            yield entity
        yield from self.links


def json_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a UTF-8 JSON-lines file.

    Lines are decoded one by one so that an encoding error names its own line."""
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ListFormatError(path, lineno, f"not UTF-8 text: {exc.reason}") from None
            if line.strip():
                yield lineno, line


def read_ftm(path: Path) -> Iterator[Entity | Link]:
    collector = FtmCollector(path)
    for lineno, line in json_lines(path):
        collector.add(lineno, parse_proxy(path, lineno, parse_json(path, lineno, line)))
    yield from collector.records()

"""FollowTheMoney JSON lines, the entity format of OpenSanctions and of company registries.

Legal entities and vessels become `Entity`s; the relation schemas become `Link`s; `Address`
entities are folded into the addresses of the entities that point at them; `Sanction`
entities mark their `entity` as sanctioned, as does the topic `sanction`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import re
from collections import defaultdict, deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson
from followthemoney import model, registry
from followthemoney.exc import InvalidData

from features.bulk import gc_paused
from features.identifiers import Identifier, normalize_identifier
from features.lists.dates import latest_date
from features.lists.entities import LINK_PHRASES, Entity, Link
from features.lists.errors import ListFormatError
from features.lists.files import numbered_lines, open_binary, text_lines
from features.lists.limits import MAX_RECORD_BYTES, checked

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
# Files from this size on are parsed by worker processes, a batch of lines at a time: building
# FtM proxies costs tens of microseconds a line, minutes for a registry of millions of lines.
PARALLEL_FROM_BYTES = 32 << 20
BATCH_BYTES = 4 << 20
# The relation schemas read as links, with the properties holding their two ends.
EDGE_PROPS = {name: (schema.source_prop.name, schema.target_prop.name)
              for name in LINK_PHRASES if (schema := model.get(name)) is not None and schema.edge}


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
        if not isinstance(data.get("schema", ""), str):  # the model would take any other value for a schema
            raise ValueError("its schema is not a name")
        return model.get_proxy(data)
    except (ValueError, InvalidData, TypeError) as exc:
        raise ListFormatError(path, lineno, f"not an FtM entity: {exc}") from None


def plain_links(data) -> list[Link] | None:
    """The links of a plain relation object (an `EDGE_PROPS` schema, both ends lists of string
    ids), read without an FtM proxy; None for any other object, which goes through the proxy.

    Hand-written for speed: a proxy costs ~10 us a line and a registry has millions of relation
    lines. Ends are deduplicated in order, as the proxy does; anything unusual (another value
    type, no properties object) is left to the proxy, so it is handled or rejected as before.
    """
    schema = data.get("schema") if isinstance(data, dict) else None
    if not isinstance(schema, str) or schema not in EDGE_PROPS:
        return None
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        return None
    source_prop, target_prop = EDGE_PROPS[schema]
    sources, targets = properties.get(source_prop, []), properties.get(target_prop, [])
    if not (isinstance(sources, list) and isinstance(targets, list)) or \
            not all(isinstance(i, str) for i in sources + targets):
        return None
    return [Link(src, dst, schema) for src in dict.fromkeys(sources) for dst in dict.fromkeys(targets)]


# The schemas `FtmCollector.add` reads as entities, each with its matchable country properties.
ENTITY_SCHEMAS = {
    name: (schema, tuple(p.name for p in schema.properties.values() if p.type is registry.country and p.matchable))
    for name, schema in model.schemata.items()
    if name not in ("Address", "Sanction") and not (schema.edge and name in LINK_PHRASES)
    and (schema.is_a("LegalEntity") or schema.is_a("Vessel"))
}


class PlainEntity:
    """A plain FtM entity object read without a proxy: the part of `EntityProxy` that
    `FtmCollector.add` uses (`id`, `schema`, `get`, `countries`), with the same values.

    Hand-written for speed: a proxy costs ~20 us a line, a registry has a million entity lines.
    The proxy (cleaned, as `parse_proxy` makes it) keeps the schema's properties only, each
    with its values deduplicated in order; so does this. Built by `plain_entity` only when
    every property value is a list of strings; tests compare it with the proxy.
    """

    __slots__ = ("id", "schema", "_properties", "_country_props")

    def __init__(self, entity_id: str, schema, properties: dict[str, list[str]], country_props: tuple[str, ...]):
        self.id, self.schema, self._properties, self._country_props = entity_id, schema, properties, country_props

    def get(self, prop: str, quiet: bool = False) -> list[str]:
        return self._properties.get(prop, [])

    @property
    def countries(self) -> list[str]:
        return list({v for prop in self._country_props for v in self._properties.get(prop, ())})


def plain_entity(data) -> PlainEntity | None:
    """A `PlainEntity` of a plain entity object (an `ENTITY_SCHEMAS` schema, a string id, each
    property a list of strings); None for any other object, which goes through the proxy."""
    schema_name = data.get("schema") if isinstance(data, dict) else None
    found = ENTITY_SCHEMAS.get(schema_name) if isinstance(schema_name, str) else None
    entity_id, properties = (data.get("id"), data.get("properties", {})) if found else (None, None)
    if not (entity_id and isinstance(entity_id, str) and isinstance(properties, dict)):
        return None
    schema, country_props = found
    known, kept = schema.properties, {}
    try:
        for prop, values in properties.items():
            if prop in known:
                if type(values) is not list:
                    return None
                "".join(values)  # a TypeError unless every value is a string
                # A single value is kept as the object's own list: nothing changes these lists.
                kept[prop] = list(dict.fromkeys(values)) if len(values) > 1 else values
    except TypeError:
        return None
    return PlainEntity(entity_id, schema, kept, country_props)


def parse_json(path: Path, lineno: int, line: str):
    try:
        return json.loads(line)
    except ValueError as exc:
        raise ListFormatError(path, lineno, f"not a JSON line: {exc}") from None
    except RecursionError:  # arrays or objects nested deeper than Python's recursion limit
        raise ListFormatError(path, lineno, "not an FtM line: JSON nested too deep") from None


class FtmCollector:
    """Folds FtM entities into `Entity`s and `Link`s. Addresses and sanctions may come before or
    after the entities they belong to, so entities are only complete once the file has been read."""

    def __init__(self, path: Path):
        self.path, self.source = path, path.name
        self.entities: dict[str, Entity] = {}
        self.address_refs: dict[str, list[str]] = defaultdict(list)
        self.lines: dict[str, int] = {}  # where each entity was read: `records` checks it against the limits there
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
            if not proxy.id:
                raise ListFormatError(self.path, lineno, f"a {schema.name} entity has no id")
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
            self.lines[proxy.id] = lineno

    def add_object(self, lineno: int, data) -> None:
        """Add a line's JSON object: a plain relation or entity without a proxy (`plain_links`,
        `plain_entity`), anything else as an FtM proxy."""
        links = plain_links(data)
        if links is None:
            self.add(lineno, plain_entity(data) or parse_proxy(self.path, lineno, data))
        else:
            self.links.extend(links)

    def add_line(self, lineno: int, line: str) -> None:
        """Add a JSON line. orjson parses ~3x faster than json, but not always the same way (a
        huge integer becomes a float, NaN and lone surrogates are refused), so its reading is
        used only when the object takes a plain path, which reads nothing but strings, read
        alike by both; any other line is parsed again by json and added as before."""
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError:
            data = None
        if (links := plain_links(data)) is not None:
            self.links.extend(links)
        elif (entity := plain_entity(data)) is not None:
            self.add(lineno, entity)
        else:
            self.add_object(lineno, parse_json(self.path, lineno, line))

    def export(self) -> tuple:
        """This collector's state as plain tuples and dicts, which pickle several times faster
        than the dataclasses: what a worker process sends back (see `absorb`)."""
        entities = [(e.id, e.schema, e.names, e.source, e.countries, [(i.scheme, i.value, i.valid) for i in e.identifiers],
                     e.incorporation_date, e.addresses, e.phones, e.emails, e.sanctions) for e in self.entities.values()]
        links = [(link.source, link.target, link.type) for link in self.links]
        return entities, dict(self.address_refs), self.lines, self.addresses, dict(self.designations), links

    def absorb(self, state: tuple) -> None:
        """Add what a collector of the lines after this one's `export`ed, as if this one had read them."""
        entities, address_refs, lines, addresses, designations, links = state
        for fields in entities:
            self.entities[fields[0]] = Entity(*fields[:5], [Identifier(*i) for i in fields[5]], *fields[6:])
        self.address_refs.update(address_refs)
        self.lines.update(lines)
        self.addresses.update(addresses)
        for target, found in designations.items():
            self.designations[target].extend(found)
        self.links.extend(Link(*link) for link in links)

    def discard(self, entity_id: str) -> None:
        self.entities.pop(entity_id, None)

    def records(self) -> Iterator[Entity | Link]:
        """The entities completed, each checked against the limits at its line, then the links."""
        for entity_id, entity in self.entities.items():
            entity.addresses.extend(self.addresses[a] for a in self.address_refs[entity_id] if a in self.addresses)
            entity.sanctions.extend(self.designations.get(entity_id, ()))
            yield checked(self.path, self.lines[entity_id], entity)
        yield from self.links


def json_lines(path: Path, stream: BinaryIO | None = None, first: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a UTF-8 JSON-lines file (perhaps gzipped),
    or of `stream`, a part of it from line `first` on."""
    return ((lineno, line) for lineno, line in text_lines(path, stream=stream, first=first) if line.strip())


_LAST_CHANGE = re.compile(rb'"last_change"\s*:\s*"(\d{4}-\d{2}-\d{2})')


def last_change(path: Path) -> dt.date | None:
    """The latest `last_change` of the file's entities (OpenSanctions sets it on each): when the
    data last changed. A plain scan of the bytes, not a parse: it is read once per import."""
    try:
        with open_binary(path) as handle:
            dates = (m.decode() for _, line in numbered_lines(path, handle) for m in _LAST_CHANGE.findall(line))
            return latest_date(dates)
    except (OSError, ListFormatError):
        return None  # the reader refuses the file with its line


def _parse_batch(path: Path, first: int, block: bytes) -> tuple:
    """A worker's share, whole lines from line `first` on: ("ok", collector state) or ("error",
    line, message) at the first bad line."""
    collector = FtmCollector(path)
    try:
        for lineno, line in json_lines(path, io.BytesIO(block), first):  # lines cut as in the file
            collector.add_line(lineno, line)
    except ListFormatError as exc:  # its constructor takes three arguments: it does not unpickle
        return ("error", exc.line, exc.message)
    return ("ok", collector.export())


def _batches(path: Path) -> Iterator[tuple[int, bytes]]:
    """(first line number, whole lines as one block of about BATCH_BYTES): one bytes object is
    much cheaper to cut and send to a worker than as many objects as lines."""
    with open_binary(path) as handle:
        lineno = 1
        while block := handle.read(BATCH_BYTES):
            if not block.endswith(b"\n"):  # no further than a line may run: a worker refuses it
                block += handle.readline(MAX_RECORD_BYTES + 1)
            yield lineno, block
            lineno += block.count(b"\n")


def _parsed_in_workers(path: Path, workers: int) -> Iterator[tuple]:
    """`_parse_batch` of each batch, in file order, with few batches in flight so memory stays flat."""
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for first, block in _batches(path):
            pending.append(pool.apply_async(_parse_batch, (path, first, block)))
            if len(pending) > 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def read_ftm(path: Path) -> Iterator[Entity | Link]:
    collector = FtmCollector(path)
    workers = os.cpu_count() or 1
    if workers < 2 or path.stat().st_size < PARALLEL_FROM_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        for lineno, line in json_lines(path):
            collector.add_line(lineno, line)
        yield from collector.records()
        return
    with gc_paused():  # millions of entities and links, no cycles (see features.bulk)
        for result in _parsed_in_workers(path, workers):
            if result[0] == "error":
                raise ListFormatError(path, result[1], result[2])
            collector.absorb(result[1])
        records = list(collector.records())  # completing the entities allocates too
    yield from records

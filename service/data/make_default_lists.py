"""Make the bundled default sources (`service/data/default_lists/<source>/`) from the project's
shared reference data: `python service/data/make_default_lists.py [SHARED_DATA_DIR]`.

Each official file is copied byte for byte, gzipped (reproducibly: no name, no time in the
header) so the package stays small; the readers decompress any gzip file. One file is DERIVED:
OFAC's list of 2026-08-20 exists offline only as a third party's table of names, programs and
aliases (`lists-2026/ofac_sdn_2026-08-20_derived/`, not OFAC's layout). It is turned here into
an FtM delta file, `ofac-sdn-2026-08-20.derived.delta.ftm.json.gz`, applied after OFAC's
complete legacy set of 2024-05-03 (with the 2026-06-02 alias and address files beside it):
- ADD each entry designated since (names, aliases and programs from the table; addresses and
  countries from the 2026 ADD.CSV);
- MOD each entry of 2024 whose names or programs the table changes (its 2024 record, with the
  table's names and programs);
- DEL each entry of 2024 no longer in the table (delisted), aircraft aside as the readers skip them.
Every entity line carries `last_change: 2026-08-20`, the publication date, read back as the
source's as-of date.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from features.countries import country_for_name  # noqa: E402
from features.lists.entities import Entity  # noqa: E402
from features.lists.ofac import entity_id, read_ofac_sdn  # noqa: E402

OUT = Path(__file__).resolve().parent / "default_lists"
DERIVED_DATE = "2026-08-20"
DELTA = f"ofac-sdn-{DERIVED_DATE}.derived.delta.ftm.json.gz"
# (source, file under the shared data, name in the package): official files, copied as they are.
COPIES = [
    ("ofac", "lists-2026/ofac_sdn_2024-05-03/SDN.CSV", "SDN.CSV.gz"),
    ("ofac", "lists-2026/ofac_2026-06-02/ALT.CSV", "ALT.CSV.gz"),
    ("ofac", "lists-2026/ofac_2026-06-02/ADD.CSV", "ADD.CSV.gz"),
    ("ofac", "lists-2026/ofac_comments_2025-12-24/SDN_COMMENTS.CSV", "SDN_COMMENTS.CSV.gz"),
    ("uk-fcdo", "uk_fcdo_sanctions_list_2025-08-11.csv", "uk_fcdo_sanctions_list_2025-08-11.csv.gz"),
    ("un", "lists-2026/un/UN_consolidated_2026-02-27.xml", "UN_consolidated_2026-02-27.xml.gz"),
    ("us-csl", "lists-2026/us_csl_2022-04/consolidated.csv.gz", "consolidated_2022-04.csv.gz"),
]
SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel"}
# Entity identifier schemes back to FtM properties (the inverse of features.lists.ftm.IDENTIFIER_PROPS).
IDENT_PROPS = {"inn": "innCode", "ogrn": "ogrnCode", "lei": "leiCode", "imo": "imoNumber", "bin": "registrationNumber",
               "iin": "idNumber", "registration_number": "registrationNumber", "tax_number": "taxNumber", "vat": "vatCode"}
PERSON_ONLY_MISSING = {"Person": {"imoNumber"}, "Vessel": {"phone", "email", "innCode", "ogrnCode", "leiCode", "taxNumber",
                                                           "vatCode", "idNumber", "incorporationDate"}}


def write_gzip(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(data)


def copy(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if data[:2] == b"\x1f\x8b":
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    else:
        write_gzip(data, target)


def designation(programs: list[str]) -> str:
    return ", ".join(programs)  # as features.lists.ofac writes an entry's programs


def ftm_lines(entity_id_: str, schema: str, names: list[str], programs: list[str], base: Entity | None,
              addresses: list[tuple[str, str | None]]) -> list[dict]:
    props: dict[str, list[str]] = {"name": names[:1], "alias": names[1:]}
    countries = [c for _, c in addresses if c]
    if base is not None:
        countries += base.countries
        props["address"] = base.addresses
        props["phone"], props["email"] = base.phones, base.emails
        for ident in base.identifiers:
            props.setdefault(IDENT_PROPS[ident.scheme], []).append(ident.value)
        if base.incorporation_date:
            props["incorporationDate"] = [base.incorporation_date.isoformat()]
    else:
        props["address"] = [line for line, _ in addresses]
    props["country"] = list(dict.fromkeys(countries))
    missing = PERSON_ONLY_MISSING.get(schema, set())
    props = {k: list(dict.fromkeys(v)) for k, v in props.items() if v and k not in missing}
    entity = {"id": entity_id_, "schema": schema, "properties": props, "last_change": DERIVED_DATE,
              "datasets": ["ofac-sdn-derived"]}
    sanction = {"id": f"{entity_id_}-sanction", "schema": "Sanction", "last_change": DERIVED_DATE,
                "properties": {"entity": [entity_id_], "authority": ["OFAC SDN"], "program": [designation(programs)]}}
    return [entity, sanction]


def addresses_2026(shared: Path) -> dict[str, list[tuple[str, str | None]]]:
    found: dict[str, list[tuple[str, str | None]]] = {}
    text = (shared / "lists-2026/ofac_2026-06-02/ADD.CSV").read_bytes().decode("latin-1").rstrip("\x1a\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        if len(row) != 6:
            continue
        ent_num, _, street, city, country, _ = (("" if v.strip() == "-0-" else v.strip()) for v in row)
        code = country_for_name(country.removeprefix("Region: "))
        found.setdefault(ent_num, []).append((", ".join(v for v in (street, city, country) if v), code and code.lower()))
    return found


def derived_delta(shared: Path, ofac_dir: Path) -> tuple[bytes, dict]:
    table = list(csv.DictReader(open(shared / "lists-2026/ofac_sdn_2026-08-20_derived/ofac-sdn.csv", encoding="utf-8")))
    base = {e.id: e for e in read_ofac_sdn(ofac_dir / "SDN.CSV.gz") if isinstance(e, Entity)}
    places = addresses_2026(shared)
    ops, counts, listed = [], {"ADD": 0, "MOD": 0, "DEL": 0}, set()
    for row in table:
        if row["type"] not in SCHEMAS:  # aircraft: not a shipment party (see features.lists.ofac)
            continue
        ident = entity_id(row["uid"])
        listed.add(ident)
        names = list(dict.fromkeys([row["name"].strip(), *(a.strip() for a in row["alternate_names"].split(";") if a.strip())]))
        programs = [p.strip() for p in row["programs"].split(";") if p.strip()]
        old = base.get(ident)
        if old is None:
            op = "ADD"
        elif set(names) <= set(old.names) and old.sanctions == ["OFAC SDN: " + designation(programs)]:
            continue  # the 2024 record already says it
        else:
            op = "MOD"
            names = list(dict.fromkeys(names + old.names))
        for line in ftm_lines(ident, SCHEMAS[row["type"]], names, programs, old, places.get(row["uid"], [])):
            ops.append({"op": op if line["schema"] != "Sanction" else "ADD", "entity": line})
        counts[op] += 1
    for ident in sorted(base.keys() - listed):
        ops.append({"op": "DEL", "entity": {"id": ident}})
        counts["DEL"] += 1
    text = "".join(json.dumps(op, ensure_ascii=False, sort_keys=True) + "\n" for op in ops)
    return text.encode("utf-8"), counts


def main(shared: Path) -> None:
    for source, name, target in COPIES:
        copy(shared / name, OUT / source / target)
    data, counts = derived_delta(shared, OUT / "ofac")
    write_gzip(data, OUT / "ofac" / DELTA)
    print(" ".join(f"{k.lower()}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")

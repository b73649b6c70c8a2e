"""Small valid files of every list format, each holding one entity of a given name: the seeds of
the fuzzing harness (`test_fuzz.py`) and the poisoned files of `test_poison.py`.

Each writer returns the file's bytes and the line the named entity is read at (where a reader
refuses it). The formats are those of the fixtures in tests/fixtures/lists (see its README),
cut to an entry or two.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from features.lists.csl import HEADER as CSL_HEADER
from features.lists.uk_fcdo import HEADER as UK_HEADER


def _csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def uk(name: str) -> tuple[bytes, int]:
    return _csv([UK_HEADER,
                 ["RUS0001", "14180", name, "Russia", "Entity", "UK", "24-03-2022", "Asset freeze|Trust services sanctions"],
                 ["RUS0002", "14181", "Ivan Petrov", "Russia", "Individual", "UK", "01-03-2022", "Asset freeze"]]), 2


def csl(name: str) -> tuple[bytes, int]:
    row = dict.fromkeys(CSL_HEADER, "")
    row.update(_id="e1", source="Entity List (EL) - Bureau of Industry and Security", type="Entity", name=name,
               addresses="ul. Lenina 1, Moscow, RU", start_date="2022-03-03", alt_names="Alpha; Beta",
               ids="Tax ID No., 7707083893, RU", remarks="Phone Number +7 495 123 45 67.")
    return _csv([CSL_HEADER, list(row.values())]), 2


def ofac_sdn(name: str) -> tuple[bytes, int]:
    rows = [["36", "AEROCARIBBEAN AIRLINES", "-0- ", "CUBA", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- "],
            ["22406", name, "-0- ", "RUSSIA-EO14024", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ", "-0- ",
             "Tax ID No. 7707083893 (Russia); Linked To: AEROCARIBBEAN AIRLINES."]]
    return _csv(rows, "latin-1") + b"\x1a", 2


def ofac_alt(name: str) -> tuple[bytes, int]:
    return _csv([["36", "12", "aka", "AERO-CARIBBEAN", "-0- "], ["22406", "13", "fka", name, "-0- "]], "latin-1") + b"\x1a", 2


def ftm(name: str) -> tuple[bytes, int]:
    lines = [
        {"id": "c1", "schema": "Company", "properties": {"name": [name], "country": ["ru"], "innCode": ["7707083893"],
                                                          "addressEntity": ["a1"], "topics": ["sanction"]}},
        {"id": "a1", "schema": "Address", "properties": {"full": ["ul. Lenina 1, Moscow"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"], "authority": ["Test"], "program": ["RU"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Aspan Arba LLP"], "country": ["kz"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["c1"], "asset": ["c2"]}},
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines), 1


def ftm_delta(name: str) -> tuple[bytes, int]:
    lines = [
        {"op": "ADD", "entity": {"id": "c1", "schema": "Company", "properties": {"name": [name], "topics": ["sanction"]}}},
        {"op": "DEL", "entity": {"id": "c9"}},
    ]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines), 1


def un_sc(name: str) -> tuple[bytes, int]:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
<INDIVIDUALS>
<INDIVIDUAL>
<DATAID>6908555</DATAID><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER><FIRST_NAME>{escape(name)}</FIRST_NAME>
<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><LISTED_ON>2001-01-25</LISTED_ON>
<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Test</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_ADDRESS><CITY>Kabul</CITY><COUNTRY>Afghanistan</COUNTRY></INDIVIDUAL_ADDRESS>
</INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES>
<ENTITY><DATAID>110403</DATAID><REFERENCE_NUMBER>KPe.002</REFERENCE_NUMBER><FIRST_NAME>KOREA TEST CORPORATION</FIRST_NAME>
<COMMENTS1>IMO number: 5571322</COMMENTS1></ENTITY>
</ENTITIES>
</CONSOLIDATED_LIST>""".encode(), 4


def eu_fsf(name: str) -> tuple[bytes, int]:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-02-26T18:01:46.367+01:00">
<sanctionEntity euReferenceNumber="EU.9901.12" logicalId="990001" designationDate="2022-03-01">
<regulation programme="RUS" entryIntoForceDate="2022-03-01"/>
<subjectType code="enterprise"/>
<nameAlias wholeName={quoteattr(name)} strong="true"/>
<identification identificationTypeCode="regnumber" number="1027700132195" countryIso2Code="RU"/>
<address city="Moscow" countryIso2Code="RU" countryDescription="RUSSIA"/>
</sanctionEntity>
</export>""".encode(), 3


# format -> (the file's name, its writer)
SAMPLES: dict[str, tuple[str, Callable[[str], tuple[bytes, int]]]] = {
    "uk-fcdo": ("uk.csv", uk),
    "us-csl": ("consolidated.csv", csl),
    "ofac-sdn": ("sdn.csv", ofac_sdn),
    "ofac-alt": ("alt.csv", ofac_alt),
    "ftm": ("list.ftm.json", ftm),
    "ftm-delta": ("delta.json", ftm_delta),
    "un-sc": ("un.xml", un_sc),
    "eu-fsf": ("eu.xml", eu_fsf),
}


def write(directory: Path, fmt: str, name: str) -> tuple[Path, int]:
    """The sample of `fmt` with an entity named `name`, written into `directory`, and its line."""
    filename, writer = SAMPLES[fmt]
    data, line = writer(name)
    path = directory / filename
    path.write_bytes(data)
    return path, line

"""Writes declarations.csv: SIMULATED past declarations with inspection outcomes, in the shape a
forwarder's or a customs office's export might have, for trying `diversion-risk train --data`.

    python examples/history/make_declarations.py

Every row is simulated (model/default/simulate.py; docs/data-card.md); no row describes a real shipment.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from features.reference import load_reference
from model.default.simulate import SimulationConfig, simulate

COLUMNS = ["declaration_id", "declared_on", "hs_code", "origin", "destination", "transit", "consignee",
           "consignee_country", "consignee_bin", "declared_value", "outcome"]


def main(out: Path = Path(__file__).with_name("declarations.csv"), rows: int = 3000) -> None:
    config = SimulationConfig(seed=7, shipments=rows)
    with tempfile.TemporaryDirectory() as tmp:
        shipments, labels = simulate(config, load_reference(), Path(tmp) / "registry.jsonl")
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for shipment, label in zip(shipments, labels):
            consignee, item = shipment.consignee, shipment.items[0]
            bins = [i.value for i in consignee.identifiers if i.scheme == "bin"]
            writer.writerow([shipment.shipment_id, shipment.date.isoformat(), item.hs_code, shipment.origin_country,
                             shipment.destination_country, ";".join(shipment.transit_countries), consignee.name,
                             consignee.country, bins[0] if bins else "", item.value if item.value is not None else "",
                             "diversion confirmed" if label else "cleared"])


if __name__ == "__main__":
    main()

"""What the benchmarks share: a prepared home, sample shipments, the machine's description,
and figures printed as name=value pairs and saved under bench/out/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from pathlib import Path

from features.reference import load_reference
from features.shipment import Shipment
from model.default.simulate import SimulationConfig, simulate
from model.metrics import figures_line
from service.db import Database
from service.home import Home
from service.keys import Keys
from service.settings import Settings

OUT = Path(__file__).resolve().parent / "out"


def prepared_home(name: str = "home") -> Home:
    """bench/out/NAME with the bundled lists and the default model (made once, then reused)."""
    home = Home(Settings.from_env(home=OUT / name))
    home.prepare(load_reference(), progress=lambda m: print(f"# {m}"))
    return home


def bench_key(home: Home) -> dict:
    """The Authorization header of a fresh score+read key in the home's decision store."""
    db = Database(home.settings)
    db.upgrade()
    key = Keys(db).create("bench", "bench", "score,read")[1]
    db.engine.dispose()
    return {"Authorization": f"Bearer {key}"}


def sample_shipments(count: int, seed: int = 99) -> list[Shipment]:
    """SIMULATED shipments as forwarders would post them (names, identifiers, CHPL and other goods)."""
    with tempfile.TemporaryDirectory() as tmp:
        shipments, _ = simulate(SimulationConfig(seed=seed, shipments=count), load_reference(), Path(tmp) / "r.jsonl")
    return shipments


def machine() -> dict:
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("Model name")), "?")
    with open("/proc/meminfo") as handle:
        mem_kb = int(handle.readline().split()[1])
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "kernel": platform.release()}


def report(name: str, figures: dict) -> None:
    """Save the figures with the machine to bench/out/NAME.json; print them on one line."""
    OUT.mkdir(exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps({"machine": machine(), "figures": figures}, indent=2))
    print(figures_line(figures))

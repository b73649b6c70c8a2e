"""A SIMULATED decision history at scale, for the re-screening benchmarks (bench.bench_rescreen).

N decisions over the five years before now, each a shipment scored for real by the service's
`Scorer` with the home's active snapshot and model (so signals, reasons and bands are real), and
inserted as the service records them. Shipments are the simulator's (`model.default.simulate`) with
their consignee replaced by one of P invented traders (`model.default.names`), drawn with a
Zipf-like skew (a few traders ship often, most rarely), every one at least once: the history
holds P distinct consignees. Every name is invented; none is a real company. All of it is SIMULATED.

    python -m bench.gen_decisions --home DIR --decisions 1000000 --parties 200000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import random
import sys
import time

from sqlalchemy import insert

from bench.common import sample_shipments
from features.matching import names
from features.reference import load_reference
from features.shipment import Party, Shipment
from model.default.names import company_name, spelling
from model.metrics import figures_line
from service.db import Database
from service.decisions import canonical_json
from service.home import Home
from service.routes.score import result
from service.runtime import Runtime
from service.settings import Settings
from service.tables import Decision

COUNTRIES = ("KZ", "KG", "AM", "AE", "TR", "HK", "DE", "RU")
TENANTS = ("forwarder-a", "forwarder-b", "customs-pilot")
BATCH = 5000


def traders(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` distinct (canonical name, country) traders: invented names, a number where the
    simulator's words run out (as registries hold "Vector 2", "Vector 3")."""
    seen, out = set(), []
    while len(out) < count:
        country = rng.choice(COUNTRIES)
        name = company_name(rng, country)
        if (name, country) in seen:
            name = f"{name} {rng.randint(2, 999)}"
        if (name, country) not in seen:
            seen.add((name, country))
            out.append((name, country))
    return out


def consignee_draws(rng: random.Random, decisions: int, parties: int, s: float = 1.1) -> list[int]:
    """Which trader each decision ships to: every trader once (so the history holds `parties`
    distinct ones), the rest drawn with weights 1 / rank**s (a few traders ship often), shuffled."""
    cumulative, total = [], 0.0
    for rank in range(1, parties + 1):
        total += rank ** -s
        cumulative.append(total)
    draws = list(range(min(parties, decisions))) + rng.choices(range(parties), cum_weights=cumulative,
                                                               k=max(decisions - parties, 0))
    rng.shuffle(draws)
    return draws


def generate(home: Home, decisions: int, parties: int, seed: int, progress=print) -> dict:
    rng = random.Random(seed)
    names.warm_up()
    state = Runtime(home, load_reference()).current()
    templates = sample_shipments(min(decisions, 20_000), seed=seed)
    pool = traders(parties, rng)
    # Each trader's spelling is fixed once (a booking system spells a customer one way).
    spelled = [spelling(rng, name, country) for name, country in pool]
    db = Database(home.settings)
    db.upgrade()
    end = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    span = dt.timedelta(days=5 * 365).total_seconds()
    draws = consignee_draws(rng, decisions, parties)
    started, done = time.perf_counter(), 0
    while done < decisions:
        batch: list[tuple[Shipment, dt.datetime]] = []
        for _ in range(min(BATCH, decisions - done)):
            template = templates[rng.randrange(len(templates))]
            index = draws[done + len(batch)]
            consignee = Party("consignee", spelled[index], pool[index][1])
            at = end - dt.timedelta(seconds=rng.random() * span)
            batch.append((dataclasses.replace(template, shipment_id=f"SIM-{done + len(batch):07d}",
                                              destination_country=pool[index][1], date=at.date(),
                                              parties=(consignee, *template.parties[1:])), at))
        assessed = state.scorer.assess([s for s, _ in batch])
        rows = []
        for (shipment, at), assessment in zip(batch, assessed):
            text, answered = canonical_json(shipment), result(shipment, assessment, state)  # as the service answers
            rows.append(dict(
                id=answered["decision_id"], created_at=at, tenant=rng.choice(TENANTS), key_id="simulated",
                shipment_id=shipment.shipment_id, input=text, input_sha256=hashlib.sha256(text.encode()).hexdigest(),
                **{k: answered[k] for k in ("signals", "score", "band", "base", "reasons", "model_version", "lists_version")}))
        with db.engine.begin() as connection:
            connection.execute(insert(Decision), rows)
        done += len(rows)
        progress(f"... {done}/{decisions} decisions")
    seconds = time.perf_counter() - started
    return {"decisions": done, "parties": parties, "seconds": round(seconds, 1), "per_second": round(done / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=None, help="distinct consignees (default: decisions / 5)")
    parser.add_argument("--seed", type=int, default=20260224)
    args = parser.parse_args()
    home = Home(Settings.from_env(home=args.home))
    home.prepare(load_reference(), progress=lambda m: print(f"... {m}", file=sys.stderr))
    found = generate(home, args.decisions, args.parties or args.decisions // 5, args.seed,
                     progress=lambda m: print(m, file=sys.stderr))
    print(figures_line(found))


if __name__ == "__main__":
    main()

"""Continuous screening at scale (issue "Continuous screening"): the delta re-screen after a list
update, and the full look-back on Dask with 1 and 2 workers.

On a SIMULATED history (bench.gen_decisions: N decisions over five years, N/5 distinct
consignees), a first re-screen indexes every decision's parties (a one-off, reported apart);
then a list update of 500 new SIMULATED sanctioned companies (some named like traders of the
history, some owned by another) is imported and the delta re-screen is timed (target for 1 M
decisions on 2 cores: under 60 s). The look-back re-scores the decisions of a recent window in
full on a LocalCluster of 1, then 2 workers (target: at least 1.8x), beside the in-process batch
speed of one worker (the ceiling).

    python -m bench.bench_rescreen --decisions 1000000 --home /tmp/bench-rescreen
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.common import report
from bench.gen_decisions import generate, traders
from features.reference import load_reference
from service.db import Database
from service.decisions import shipment_of
from service.home import Home
from service.lookback import run_lookback
from service.rescreen import Rescreener
from service.runtime import Runtime
from service.settings import Settings
from service.tables import Decision

UPDATE = 500
NAMED_LIKE_HISTORY = 200


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr)


def write_update(path: Path, parties: int, seed: int) -> None:
    """500 SIMULATED sanctioned companies in FtM JSON lines: 200 named as traders of the history
    (in their canonical spelling), 300 new, every tenth owned by another of them."""
    rng = random.Random(seed + 1)
    pool = traders(parties, random.Random(seed))  # the generator's traders, drawn alike
    named = rng.sample(pool, NAMED_LIKE_HISTORY)
    fresh = traders(UPDATE - NAMED_LIKE_HISTORY + len(pool), random.Random(seed + 2))[-(UPDATE - NAMED_LIKE_HISTORY):]
    today = dt.date.today().isoformat()
    with path.open("w") as out:
        for n, (name, country) in enumerate(named + fresh):
            out.write(json.dumps({"id": f"bench-{n}", "schema": "Company",
                                  "properties": {"name": [name], "country": [country.lower()]}}, ensure_ascii=False) + "\n")
            out.write(json.dumps({"id": f"bench-s-{n}", "schema": "Sanction", "properties": {
                "entity": [f"bench-{n}"], "authority": ["SIMULATED authority"], "program": ["BENCH"], "startDate": [today]}}) + "\n")
            if n % 10 == 9:
                out.write(json.dumps({"id": f"bench-o-{n}", "schema": "Ownership",
                                      "properties": {"owner": [f"bench-{n - 1}"], "asset": [f"bench-{n}"]}}) + "\n")


def timed(call):
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def lookback_window(db: Database, count: int) -> dt.datetime:
    """The time from which the newest `count` decisions were made."""
    with db.engine.connect() as connection:
        return connection.execute(select(Decision.created_at).order_by(Decision.created_at.desc())
                                  .offset(count - 1).limit(1)).scalar() or dt.datetime(1970, 1, 1)


def ceiling(home: Home, db: Database, count: int = 5000) -> float:
    """In-process Scorer.assess on `count` recorded decisions, after 1,000 others (a worker after
    its first chunk: loaded, its memos holding the common names, not these decisions' parties):
    shipments/s of one worker, the look-back's ceiling per worker."""
    with db.engine.connect() as connection:
        inputs = connection.execute(select(Decision.input).order_by(Decision.seq.desc()).limit(count + 1000)).scalars()
        shipments = [shipment_of(t) for t in inputs]
    scorer = Runtime(home, load_reference()).current().scorer
    scorer.assess(shipments[:1000])
    _, seconds = timed(lambda: scorer.assess(shipments[1000:]))
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--lookback", type=int, default=100_000, help="decisions the look-back re-scores")
    parser.add_argument("--skip-generate", action="store_true", help="the home holds the history already")
    parser.add_argument("--seed", type=int, default=20260224)
    parser.add_argument("--rounds", type=int, default=3, help="look-back rounds of 1 then 2 workers (medians)")
    parser.add_argument("--lookback-only", action="store_true", help="only the look-back, on the home's history")
    args = parser.parse_args()
    home = Home(Settings.from_env(home=args.home))
    home.prepare(load_reference(), progress)
    db = Database(home.settings)
    db.upgrade()
    parties = args.decisions // 5
    figures = {}
    if not args.lookback_only:
        figures.update(screening(home, db, args, parties))
    figures.update(lookback(home, db, args.lookback, args.rounds))
    figures["in_process_per_second"] = round(ceiling(home, db))
    report("rescreen", figures)


def screening(home: Home, db: Database, args, parties: int) -> dict:
    """Generate the history (unless told not to), re-screen it once, update the lists, time the delta."""
    figures = {}
    if not args.skip_generate:
        made = generate(home, args.decisions, parties, args.seed, progress)
        figures.update(generate_seconds=made["seconds"], generate_per_second=made["per_second"])
    with db.engine.connect() as connection:
        figures["decisions"] = connection.execute(select(func.count()).select_from(Decision)).scalar()
    _, figures["first_rescreen_seconds"] = timed(lambda: Rescreener(home, db, progress).run())
    update = Path(args.home) / "bench-update.ftm.jsonl"
    write_update(update, parties, args.seed)
    _, figures["import_seconds"] = timed(lambda: home.import_lists([update], source="bench-update"))
    delta, figures["delta_rescreen_seconds"] = timed(lambda: Rescreener(home, db, progress).run())
    figures.update(changed_entities=delta.changed_entities, parties=delta.parties, flagged=delta.flagged,
                   alerts=delta.alerts)
    return figures


def lookback(home: Home, db: Database, count: int, rounds: int) -> dict:
    """The look-back of the newest `count` decisions on 1 then 2 workers, `rounds` times: medians
    of the rate once the workers are loaded and of the wall-clock rate, and their ratio."""
    since = lookback_window(db, count)
    rates: dict[int, list] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in rates:
            result = run_lookback(home.settings, since=since, workers=workers, progress=progress)
            rates[workers].append((result.scoring_per_second, result.per_second))
    figures = {"lookback_decisions": count, "lookback_rounds": rounds}
    for workers, runs in rates.items():
        figures[f"lookback_{workers}w_scoring_per_second"] = round(statistics.median(r[0] for r in runs))
        figures[f"lookback_{workers}w_per_second"] = round(statistics.median(r[1] for r in runs))  # start-up included
    figures["lookback_speedup"] = round(figures["lookback_2w_scoring_per_second"] / figures["lookback_1w_scoring_per_second"], 2)
    return figures


if __name__ == "__main__":
    main()

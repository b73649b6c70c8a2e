"""The Korean customs import declarations benchmark (Jeong et al. 2022, arXiv:2208.02484).

Trains a history model on the train file only (its own temporal split inside train is the one
used for tuning), then evaluates on the validation file (2021 Q1, strictly later than all of
train) against the rules baseline. The paper's LightGBM reaches precision@5% 0.762 and @10%
0.641 on its test split (2021 Q2, not distributed here), so the figures are comparable in kind,
not identical in rows. Run: python -m bench.korean_customs
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from features.lists import read_list
from features.reference import load_reference
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from model.history.evaluate import evaluate
from model.history.mapping import load_mapping
from model.history.report import write_report
from model.history.train import train_on_history
from model.metrics import figures_line
from model.serving.persist import save_model

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "../shared/data/external/customs-declaration-datasets"
MAPPING = ROOT / "bench/mappings/korean-customs.yaml"
LISTS = ROOT / "service/data/default_lists/uk-fcdo/uk_fcdo_sanctions_list_2025-08-11.csv.gz"
OUT = ROOT / "bench/out"
PAPER = {"LightGBM precision@5%": 0.762, "LightGBM precision@10%": 0.641}


def main() -> int:
    train, valid = DATA / "df_syn_train_eng.csv", DATA / "df_syn_valid_eng.csv"
    if not train.exists():
        print(f"benchmark data not found at {DATA.resolve()}", file=sys.stderr)
        return 2
    mapping, reference = load_mapping(MAPPING), load_reference()
    with tempfile.TemporaryDirectory(prefix="korean-customs-") as tmp:
        snapshot_dir = Path(tmp) / "snapshot"
        snapshot_dir.mkdir()
        build_snapshot(read_list(LISTS), snapshot_dir, [{"path": LISTS.name}])
        snapshot = Snapshot(snapshot_dir)
        started = time.perf_counter()
        model, card = train_on_history([train], mapping, reference, snapshot, "korean-customs",
                                       progress=lambda m: print(f"# {m}", file=sys.stderr))
        train_seconds = time.perf_counter() - started
        result = evaluate(model, [valid], mapping, reference, snapshot, name="history model")
    OUT.mkdir(parents=True, exist_ok=True)
    report = write_report(result, OUT / "korean-customs.html")
    model_dir = OUT / f"korean-customs-model-{int(time.time())}"
    save_model(model, card, model_dir)
    figures = {"train_seconds": round(train_seconds, 1), "tuning_split_inside_train": card["metrics"]["model"],
               "valid": result.metrics, "paper_test_split": PAPER}
    (OUT / "korean-customs.json").write_text(json.dumps(figures, indent=2))
    print(f"# inside-train temporal split: {figures_line(card['metrics']['model'])}")
    print(f"# rules baseline on valid: {figures_line(result.metrics['rules baseline'])}")
    print(f"# report {report}, model {model_dir}")
    print(f"train_seconds={train_seconds:.1f} rows_train={card['training_data']['rows']} rows_valid={len(result.data.y)}")
    print(figures_line(result.headline))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

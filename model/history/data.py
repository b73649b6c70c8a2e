"""A user's labelled history: read the files, apply the mapping, run the real feature builder.

Each row becomes a `features.shipment.Shipment` and goes through `gather_facts` and the
signals table with the lists snapshot given, so a history model learns from the same signals
the service computes for a wire request. Columns the mapping names but the data lacks are
reported and dropped from the mapping: the features they feed are unknown, the run goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from features.facts import gather_facts
from features.history import Ledger
from features.identifiers import normalize_identifier
from features.reference import Reference
from features.resolve import Resolver
from features.shipment import Item, Party, Shipment
from features.signals import SIGNAL_NAMES, Value, compute_signals
from features.snapshot.reader import Snapshot
from model.history.mapping import Mapping, PartyColumns, available_signals, spec_for
from model.serving.card import file_sha256
from model.serving.spec import FeatureSpec

SUFFIXES = {".csv": "csv", ".gz": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
            ".parquet": "parquet", ".pq": "parquet"}


class HistoryError(ValueError):
    """A history that cannot be trained on (unreadable file, no label or date column, no rows)."""


@dataclass
class HistoryData:
    mapping: Mapping  # the mapping as applied: keys whose columns are absent are set to None
    shipments: list[Shipment]
    signals: list[dict[str, Value]]
    extras: pd.DataFrame  # the history-only categorical and numeric columns, as strings / floats
    y: np.ndarray
    dates: np.ndarray  # datetime64[D]
    sha256: str  # of the files' bytes, in the order given
    notes: list[str]  # what was missing or dropped, for the model card
    record_hashes: np.ndarray  # uint64 per record, of its content (`record_hashes`)

    def frame(self, spec: FeatureSpec) -> pd.DataFrame:
        return spec.frame(self.shipments, self.signals, self.extras)

    def subset(self, rows: np.ndarray) -> HistoryData:
        return replace(self, shipments=[self.shipments[i] for i in rows], signals=[self.signals[i] for i in rows],
                       extras=self.extras.iloc[rows].reset_index(drop=True), y=self.y[rows], dates=self.dates[rows],
                       record_hashes=self.record_hashes[rows])


def record_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A 64-bit hash of each row's values in `columns` (taken by name, as text, in name order):
    the same record hashes the same in another file, at another line or beside other columns, so
    an evaluation can tell which of its records a model was trained on."""
    content = frame[sorted(set(columns))].astype("string").fillna("")
    return pd.util.hash_pandas_object(content, index=False).to_numpy(np.uint64)


def _read_one(path: Path) -> pd.DataFrame:
    kind = SUFFIXES.get(path.suffix.lower())
    try:
        if kind == "csv":  # strings throughout: HS codes and identifiers keep their leading zeros
            return pd.read_csv(path, dtype=str, keep_default_na=True)
        if kind == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        if kind == "parquet":
            return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise HistoryError(f"{path}: not readable as {kind} ({exc})") from exc
    raise HistoryError(f"{path}: unknown file type; use .csv, .jsonl or .parquet")


# Where a record is in its file, as an editor or a spreadsheet numbers it: a CSV's header is line 1.
FIRST_RECORD = {"csv": 2, "jsonl": 1, "parquet": 1}


def read_history(files: Sequence[Path]) -> tuple[pd.DataFrame, str, list[str]]:
    """All rows of all files (columns united by name), the SHA-256 of their bytes, and each row's
    place ("declarations.csv:17"), so a report's rows lead back to the record."""
    if not files:
        raise HistoryError("no history files given")
    digest = hashlib.sha256()
    frames, places = [], []
    for path in map(Path, files):
        frame = _read_one(path)
        first = FIRST_RECORD[SUFFIXES[path.suffix.lower()]]
        frames.append(frame)
        places += [f"{path.name}:{first + i}" for i in range(len(frame))]
        digest.update(file_sha256(path).encode())
    return pd.concat(frames, ignore_index=True), digest.hexdigest(), places


def _present(mapping: Mapping, columns: set[str]) -> tuple[Mapping, list[str]]:
    """The mapping without the columns the data lacks, and a note for each one dropped."""
    notes = [f"column {c!r} is in the mapping but not in the data: its features are unknown"
             for c in mapping.columns() if c not in columns]
    keep = lambda c: c if c in columns else None  # noqa: E731
    parties = tuple(p for p in (replace(p, **{k: keep(getattr(p, k)) for k in ("name", "identifier", "country",
                                                                                "incorporation_date")})
                                for p in mapping.parties)
                    if p.name or p.identifier or p.country or p.incorporation_date)
    kept_categorical = tuple(c for c in mapping.categorical if c in columns)
    applied = replace(
        mapping, parties=parties, categorical=kept_categorical, numeric=tuple(c for c in mapping.numeric if c in columns),
        **{k: keep(getattr(mapping, k)) for k in ("hs_code", "origin_country", "destination_country",
                                                  "transit_countries", "value", "quantity", "currency")})
    known = set(spec_for(replace(applied, crosses=())).categorical)
    return replace(applied, crosses=tuple(c for c in mapping.crosses if set(c) <= known)), notes


def _text(series: pd.Series | None, n: int) -> list[str | None]:
    if series is None:
        return [None] * n
    return [None if pd.isna(v) or str(v).strip() == "" else str(v).strip() for v in series]


def _number(series: pd.Series | None, n: int) -> list[float | None]:
    if series is None:
        return [None] * n
    values = pd.to_numeric(series, errors="coerce")
    return [None if pd.isna(v) else float(v) for v in values]


def _day(series: pd.Series | None, n: int) -> list[dt.date | None]:
    if series is None:
        return [None] * n
    parsed = pd.to_datetime(series, errors="coerce")
    return [None if pd.isna(v) else v.date() for v in parsed]


def _parties(spec: PartyColumns, data: pd.DataFrame) -> list[Party | None]:
    n = len(data)
    col = lambda name: data[name] if name else None  # noqa: E731
    names, idents = _text(col(spec.name), n), _text(col(spec.identifier), n)
    countries, founded = _text(col(spec.country), n), _day(col(spec.incorporation_date), n)
    out = []
    for name, ident, country, date in zip(names, idents, countries, founded):
        if not (name or ident or country or date):
            out.append(None)
            continue
        identifiers = (normalize_identifier(spec.identifier_scheme, ident),) if ident else ()
        out.append(Party(spec.role, name or "", country.upper() if country else None, identifiers, date))
    return out


def _shipments(mapping: Mapping, data: pd.DataFrame, dates: list[dt.date], places: list[str]) -> list[Shipment]:
    """One shipment per record, its id the record's place in its file."""
    n = len(data)
    col = lambda key: data[getattr(mapping, key)] if getattr(mapping, key) else None  # noqa: E731
    hs, values, quantities = _text(col("hs_code"), n), _number(col("value"), n), _number(col("quantity"), n)
    currencies, origins, destinations = _text(col("currency"), n), _text(col("origin_country"), n), _text(col("destination_country"), n)
    transits = _text(col("transit_countries"), n)
    parties = [_parties(p, data) for p in mapping.parties]
    shipments = []
    for i in range(n):
        present = [p[i] for p in parties if p[i] is not None]
        if not any(p.role == "consignee" for p in present):  # the feature builder expects a consignee
            present.append(Party("consignee", ""))
        transit = tuple(c.strip().upper() for c in (transits[i] or "").split(mapping.transit_separator) if c.strip())
        shipments.append(Shipment(
            shipment_id=places[i], date=dates[i], destination_country=(destinations[i] or "").upper(),
            items=(Item(hs[i] or "", quantity=quantities[i], value=values[i], currency=currencies[i]),),
            parties=tuple(present), origin_country=origins[i].upper() if origins[i] else None,
            transit_countries=transit))
    return shipments


def load_history(files: Sequence[Path], mapping: Mapping, reference: Reference, snapshot: Snapshot, *,
                 match_threshold: float, max_hops: int,
                 progress: Callable[[str], None] = lambda _: None) -> HistoryData:
    """Read, map and featurise a labelled history; rows without a label or a date are dropped."""
    raw, sha256, places = read_history(files)
    for key, column in (("label", mapping.label), ("date", mapping.date)):
        if column not in raw:
            raise HistoryError(f"the {key} column {column!r} is not in the data (columns: {', '.join(map(str, raw))})")
    mapping, notes = _present(mapping, set(raw.columns))
    labelled = raw[mapping.label].notna() & pd.to_datetime(raw[mapping.date], errors="coerce").notna()
    if not labelled.all():
        notes.append(f"{int((~labelled).sum())} rows without a label or a readable date were dropped")
    data = raw[labelled].reset_index(drop=True)
    if data.empty:
        raise HistoryError("no rows with both a label and a readable date")
    y = data[mapping.label].map(lambda v: str(v).strip() in mapping.positive).to_numpy(dtype=int)
    dates = _day(data[mapping.date], len(data))
    progress(f"building features for {len(data)} records ({int(y.sum())} positive)")
    kept = [place for place, keep in zip(places, labelled) if keep]
    shipments = _shipments(mapping, data, dates, kept)
    usable = set(available_signals(mapping))
    signals: list[dict[str, Value]] = [{}] * len(shipments)
    resolver, ledger = Resolver(snapshot, match_threshold), Ledger()
    # In date order through one history ledger, as the service reads and adds to a tenant's
    # tallies: each record's history signals see only the records before it.
    for i in sorted(range(len(shipments)), key=lambda i: shipments[i].date):
        computed = compute_signals(gather_facts(shipments[i], reference, resolver, max_hops=max_hops, ledger=ledger))
        signals[i] = {k: v if k in usable else Value(None) for k, v in computed.items()}
    spec = spec_for(mapping)
    extra_columns = [c for c in spec.categorical + spec.numeric if c in data]
    extras = data[extra_columns].reset_index(drop=True)
    unknown = [s for s in SIGNAL_NAMES if s not in usable]
    if unknown:
        notes.append(f"signals unknown for lack of columns: {', '.join(unknown)}")
    # A record is its date and the columns its features read; its label may be corrected later.
    hashes = record_hashes(data, [c for c in mapping.columns() if c in data and c != mapping.label])
    return HistoryData(mapping, shipments, signals, extras, y, np.array(dates, dtype="datetime64[D]"), sha256, notes,
                       hashes)

"""The column mapping: which columns of a user's labelled history mean what.

A YAML file names the label column and its positive values, the date column, and whichever of
the shipment's fields the data has (HS code, countries, parties, value, quantity), plus any
other categorical or numeric columns worth learning from. Only `label` and `date` are
required: a history without an HS code or parties still trains, on fewer features.

Example (see bench/mappings/korean-customs.yaml for a complete one):

    label: {column: Fraud, positive: [1]}
    date: Date
    hs_code: HS6 Code
    origin_country: Country of Origin
    parties:
      - {role: consignee, identifier: Importer ID, identifier_scheme: registration_number}
    value: Item Price
    quantity: Net Mass
    categorical: [Office ID]
    numeric: [Tax Rate]
    crosses: [[consignee_id, hs6]]

Every error names the key at fault, so a user can fix the file without reading this code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from features.identifiers import SCHEMES
from features.shipment import ROLES
from features.signals import SIGNALS
from model.serving.spec import CATEGORICAL, NUMERIC, PARTY_PARTS, FeatureSpec

COLUMN_KEYS = ("hs_code", "origin_country", "destination_country", "value", "quantity", "currency")
PARTY_KEYS = ("role", "name", "identifier", "identifier_scheme", "country", "incorporation_date")
TOP_KEYS = ("label", "date", "transit_countries", "parties", "categorical", "numeric", "crosses") + COLUMN_KEYS


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the offending key."""


@dataclass(frozen=True)
class PartyColumns:
    role: str
    name: str | None = None
    identifier: str | None = None
    identifier_scheme: str = "registration_number"
    country: str | None = None
    incorporation_date: str | None = None


@dataclass(frozen=True)
class Mapping:
    label: str
    positive: tuple[str, ...]  # compared as stripped strings: 1, "1" and "1 " are one value
    date: str
    hs_code: str | None = None
    origin_country: str | None = None
    destination_country: str | None = None
    transit_countries: str | None = None
    transit_separator: str = ";"
    parties: tuple[PartyColumns, ...] = ()
    value: str | None = None
    quantity: str | None = None
    currency: str | None = None
    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    crosses: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def columns(self) -> list[str]:
        """Every source column the mapping names (the label and date first)."""
        return list(dict.fromkeys([self.label, self.date] + self.feature_columns()))

    def feature_columns(self) -> list[str]:
        """The source columns features are built from (not the label or the date)."""
        named = [self.hs_code, self.origin_country, self.destination_country,
                 self.transit_countries, self.value, self.quantity, self.currency]
        for party in self.parties:
            named += [party.name, party.identifier, party.country, party.incorporation_date]
        return list(dict.fromkeys(c for c in named + list(self.categorical) + list(self.numeric) if c))


def _column(raw, key: str) -> str | None:
    """A column name: a non-empty string (or null for "the data has none")."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise MappingError(f"`{key}` must be a column name (a non-empty string), got {raw!r}")
    return raw


def _columns(raw, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise MappingError(f"`{key}` must be a list of column names, got {type(raw).__name__}")
    return tuple(_column(c, f"{key}[{i}]") for i, c in enumerate(raw))


def _label(raw) -> tuple[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or set(raw) - {"column", "positive"} or "column" not in raw:
        raise MappingError("`label` must be a mapping with `column` and optionally `positive` (default [1])")
    positive = raw.get("positive", [1])
    positive = positive if isinstance(positive, list) else [positive]
    if not positive or any(isinstance(p, (dict, list)) or p is None for p in positive):
        raise MappingError("`label.positive` must be a non-empty list of values that mean 'positive outcome'")
    return _column(raw["column"], "label.column"), tuple(str(p).strip() for p in positive)


def _party(raw, index: int) -> PartyColumns:
    key = f"parties[{index}]"
    if not isinstance(raw, dict):
        raise MappingError(f"`{key}` must be a mapping with `role` and party columns")
    unknown = set(raw) - set(PARTY_KEYS)
    if unknown:
        raise MappingError(f"`{key}`: unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(PARTY_KEYS)}")
    if raw.get("role") not in ROLES:
        raise MappingError(f"`{key}.role` must be one of {', '.join(ROLES)}, got {raw.get('role')!r}")
    scheme = raw.get("identifier_scheme", "registration_number")
    if scheme not in SCHEMES:
        raise MappingError(f"`{key}.identifier_scheme` must be one of {', '.join(SCHEMES)}, got {scheme!r}")
    columns = {k: _column(raw.get(k), f"{key}.{k}") for k in ("name", "identifier", "country", "incorporation_date")}
    if not any(columns.values()):
        raise MappingError(f"`{key}` names no column: give at least one of name, identifier, country, incorporation_date")
    return PartyColumns(role=raw["role"], identifier_scheme=scheme, **columns)


def _transit(raw) -> tuple[str | None, str]:
    if isinstance(raw, dict):
        if set(raw) - {"column", "separator"} or not isinstance(raw.get("separator", ";"), str):
            raise MappingError("`transit_countries` must be a column name or {column, separator}")
        return _column(raw.get("column"), "transit_countries.column"), raw.get("separator", ";")
    return _column(raw, "transit_countries"), ";"


def _crosses(raw, known: set[str]) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, list) and len(c) >= 2 for c in raw):
        raise MappingError("`crosses` must be a list of lists of two or more categorical feature names")
    for i, cross in enumerate(raw):
        for name in cross:
            if name not in known:
                raise MappingError(f"`crosses[{i}]`: {name!r} is not a categorical feature of this mapping; "
                                   f"known: {', '.join(sorted(known))}")
    return tuple(tuple(c) for c in raw)


def parse_mapping(raw) -> Mapping:
    """Validate a mapping given as a dict (as YAML loads it)."""
    if not isinstance(raw, dict):
        raise MappingError("a mapping must be a YAML mapping of keys to columns")
    unknown = set(raw) - set(TOP_KEYS)
    if unknown:
        raise MappingError(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(TOP_KEYS)}")
    for required in ("label", "date"):
        if raw.get(required) is None:
            raise MappingError(f"`{required}` is required")
    label, positive = _label(raw["label"])
    transit, separator = _transit(raw.get("transit_countries"))
    parties = tuple(_party(p, i) for i, p in enumerate(raw.get("parties") or []))
    roles = [p.role for p in parties]
    if len(set(roles)) != len(roles):
        raise MappingError("`parties`: each role may appear once")
    mapping = Mapping(
        label=label, positive=positive, date=_column(raw["date"], "date"),
        transit_countries=transit, transit_separator=separator, parties=parties,
        categorical=_columns(raw.get("categorical"), "categorical"), numeric=_columns(raw.get("numeric"), "numeric"),
        **{k: _column(raw.get(k), k) for k in COLUMN_KEYS},
    )
    if mapping.label in mapping.feature_columns() + [mapping.date]:
        raise MappingError(f"`label`: the label column {mapping.label!r} is also used as a feature")
    return replace(mapping, crosses=_crosses(raw.get("crosses"), set(categorical_features(mapping))))


# What a mapping supports: the signals and the shipment-derived features its columns make.

def _mapped_keys(mapping: Mapping) -> set[str]:
    keys = {k for k in ("hs_code", "origin_country", "destination_country", "transit_countries", "value", "quantity")
            if getattr(mapping, k)}
    for party in mapping.parties:
        for part in ("name", "identifier", "incorporation_date"):
            if getattr(party, part):
                keys |= {f"{party.role}.{part}", f"party.{part}"}
    return keys


def available_signals(mapping: Mapping) -> tuple[str, ...]:
    """The signals whose inputs (`features.signals.Signal.inputs`) the mapping has."""
    keys = _mapped_keys(mapping)
    return tuple(s.name for s in SIGNALS if all(keys & set(need.split("|")) for need in s.inputs))


def _party_features(mapping: Mapping) -> list[str]:
    return [f"{p.role}_{part}" for p in mapping.parties for part, key in PARTY_PARTS.items() if getattr(p, key)]


def categorical_features(mapping: Mapping) -> list[str]:
    """Shipment-derived categoricals the mapping supports, then its extra categorical columns."""
    derived = [name for name, (key, _) in CATEGORICAL.items() if getattr(mapping, key)] + _party_features(mapping)
    return derived + [c for c in mapping.categorical if c not in derived]


def numeric_features(mapping: Mapping) -> list[str]:
    keys = _mapped_keys(mapping)
    derived = [name for name, (need, _) in NUMERIC.items() if set(need) <= keys]
    return derived + [c for c in mapping.numeric if c not in derived]


def spec_for(mapping: Mapping) -> FeatureSpec:
    """The columns a model trained on data of this mapping reads."""
    return FeatureSpec(available_signals(mapping), tuple(categorical_features(mapping)),
                       tuple(numeric_features(mapping)), mapping.crosses)


def load_mapping(path: Path) -> Mapping:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: not a readable YAML file ({exc})") from exc
    try:
        return parse_mapping(raw)
    except MappingError as exc:
        raise MappingError(f"{path}: {exc}") from exc

"""The shipment as the feature builder sees it: plain, validated values, no transport concerns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from features.identifiers import Identifier

ROLES = ("shipper", "consignee", "end_user", "notify_party", "intermediary", "forwarder")


@dataclass(frozen=True)
class Item:
    hs_code: str
    description: str = ""
    quantity: float | None = None
    value: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Party:
    role: str
    name: str
    country: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    incorporation_date: dt.date | None = None
    address: str | None = None


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    date: dt.date
    destination_country: str
    items: tuple[Item, ...]
    parties: tuple[Party, ...]
    origin_country: str | None = None
    transit_countries: tuple[str, ...] = field(default_factory=tuple)

    @property
    def consignee(self) -> Party:
        return next(party for party in self.parties if party.role == "consignee")

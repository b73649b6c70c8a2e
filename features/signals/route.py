"""Signals of the route: an embargoed destination, an EAEU member, a transshipment point."""

from __future__ import annotations

from features.facts import Facts
from features.signals.value import Value


def embargoed_route(f: Facts) -> Value:
    """2 when the destination is under a comprehensive embargo (Russia, Belarus, Iran, North
    Korea, Syria, Cuba: `features/data/embargoed_countries.csv`), 1 when only a transit country
    is, else 0. Shipping CHPL goods straight to Russia needs no intermediary at all."""
    s, embargoed = f.shipment, f.reference.embargoed
    if s.destination_country in embargoed:
        return Value(2.0, {"country": s.destination_country, "as": "destination",
                           "programme": embargoed[s.destination_country]})
    transit = [c for c in dict.fromkeys(s.transit_countries) if c in embargoed]
    if transit:
        return Value(1.0, {"country": transit[0], "as": "transit", "programme": embargoed[transit[0]],
                           "countries": transit})
    return Value(0.0)


def eaeu_destination(f: Facts) -> Value:
    """1 when the destination is an EAEU member: goods then reach Russia with no customs border."""
    country = f.shipment.destination_country
    member = f.reference.eaeu.get(country)
    return Value(1.0 if member else 0.0, {"country": country, "name": member} if member else None)


def hub_destination(f: Facts) -> Value:
    """1 when the destination is a transshipment point: the 18 of FinCEN/BIS alert
    FIN-2022-Alert003, and Hong Kong and Macau as the China it names (`transshipment_countries.csv`)."""
    country = f.shipment.destination_country
    hub = f.reference.hubs.get(country)
    return Value(1.0 if hub else 0.0, {"country": country, "name": hub, "as": "destination"} if hub else None)


def hub_transit(f: Facts) -> Value:
    """Number of transit countries that are transshipment points or EAEU members (not the destination)."""
    hits = [c for c in dict.fromkeys(f.shipment.transit_countries)
            if c != f.shipment.destination_country and (c in f.reference.hubs or c in f.reference.eaeu)]
    return Value(float(len(hits)), {"countries": hits, "as": "transit"} if hits else None)


def embargoed_message(e: dict) -> str:
    d = e["embargoed_route"]
    return f"{d['country']} ({d['as']}) is under a comprehensive embargo: {d['programme']}"


def eaeu_message(e: dict) -> str:
    d = e["eaeu_destination"]
    return f"Destination {d['name']} is in the Eurasian Economic Union: goods reach Russia with no further customs border"


def route_message(e: dict) -> str:
    places = ([e["hub_destination"]["name"] + " (destination)"] if "hub_destination" in e else []) + \
             [f"{c} (transit)" for c in e.get("hub_transit", {}).get("countries", [])]
    return f"Route through a transshipment point for Russia-bound goods (FinCEN/BIS alert FIN-2022-Alert003): {', '.join(places)}"

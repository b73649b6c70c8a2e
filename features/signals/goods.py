"""Signals of the goods: CHPL items, drones, what the CHPL part of the value is, what a CHPL item costs."""

from __future__ import annotations

from features.facts import Facts, ItemFacts
from features.history import unit_checks
from features.signals.value import Value


def chpl_tier(f: Facts) -> Value:
    """Highest CHPL tier among the items, as a rank (Tier 1 = 6 ... Tier 4.B = 1, none = 0).

    The CHPL's 50 HS codes are the items found in Russian weapons; Tier 1 chips are the ones
    Russia cannot make."""
    hits = [i for i in f.items if i.chpl]
    if not hits:
        return Value(0.0)
    best = max(hits, key=lambda i: i.chpl.rank)
    return Value(float(best.chpl.rank), {
        "hs6": best.hs6, "tier": best.chpl.tier, "tier_definition": f.reference.tiers.get(best.chpl.tier),
        "description": best.chpl.description,
        "items": [{"hs_code": i.item.hs_code, "hs6": i.hs6, "tier": i.chpl.tier} for i in hits],
    })


def _amounts(valued: list[ItemFacts]) -> tuple[list[float] | None, str | None]:
    """The items' values in one currency: as declared when they share one (a share needs no
    rate), else in dollars; None when a currency has no rate."""
    currencies = {i.usd.currency for i in valued}
    if len(currencies) == 1:
        return [i.item.value for i in valued], currencies.pop()
    if all(i.usd.value is not None for i in valued):
        return [i.usd.value for i in valued], "USD"
    return None, None


def chpl_value_share(f: Facts) -> Value:
    """Share of the declared value in CHPL items; unknown when no item declares a value, or
    when items in several currencies cannot all be converted.

    A pallet of furniture with one microcontroller is not a chip shipment."""
    valued = [i for i in f.items if i.usd is not None]
    amounts, currency = _amounts(valued)
    if amounts is None:
        return Value(None)
    total = sum(amounts)
    if total <= 0:
        return Value(None)
    chpl_value = sum(a for a, i in zip(amounts, valued) if i.chpl)
    return Value(round(chpl_value / total, 6), {"chpl_value": round(chpl_value, 2), "total_value": round(total, 2),
                                                "currency": currency} if chpl_value else None)


def chpl_unit_value(f: Facts) -> Value:
    """How far a CHPL item's dollar value per unit is from what the tenant's own record holds
    for its HS6, in standard deviations of log value, either way (an under-declared chip is as
    suspicious as a gold-plated one); unknown without a large enough record of that HS6."""
    if f.history is None:
        return Value(None)
    checks = unit_checks(f.history, [i.view for i in f.items])
    if not checks:
        return Value(None)
    worst = max(checks, key=lambda c: abs(c.z))
    return Value(abs(worst.z), {"items": [{
        "hs6": c.hs6, "unit_value_usd": c.unit_usd, "deviations": c.z, "typical_usd": list(c.typical_usd),
        "records": c.records, "direction": "below" if c.z < 0 else "above",
    } for c in sorted(checks, key=lambda c: -abs(c.z))]})


def uav_item(f: Facts) -> Value:
    """1 when an item is an unmanned aircraft or part (HS 8806/8807) that is not on the CHPL.

    Drones and their parts reach the front as consumer goods; weaker than the CHPL itself."""
    hits = [i for i in f.items if i.uav]
    return Value(1.0 if hits else 0.0, {"items": [{"hs6": i.hs6, "description": i.uav} for i in hits]} if hits else None)


def dual_use_message(e: dict) -> str:
    tier = e.get("chpl_tier")
    if tier is None:
        share = e["chpl_value_share"]
        return f"CHPL items carry {share['chpl_value']:,.2f} {share['currency']} of {share['total_value']:,.2f}"
    return f"HS {tier['hs6']} is on the Common High Priority List ({tier['tier']}): {tier['description']}"


def uav_message(e: dict) -> str:
    return f"HS {e['uav_item']['items'][0]['hs6']}: unmanned aircraft or parts (not on the CHPL, a weaker signal)"


def unit_value_message(e: dict) -> str:
    c = e["chpl_unit_value"]["items"][0]
    low, high = c["typical_usd"]
    return (f"HS {c['hs6']} declared at {c['unit_value_usd']:,.4g} USD a unit, {abs(c['deviations']):.1f} standard "
            f"deviations {c['direction']} your record of {c['records']} such items (typically {low:,.4g} to {high:,.4g} USD)")

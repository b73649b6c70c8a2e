"""Signals of the consignee's own history in the tenant's decision record (`features.history`).

Each is unknown ("no history") while the record is too thin to tell, so a fresh home's first
shipments are judged on everything else; the model weighs a value against that unknown."""

from __future__ import annotations

from features.facts import Facts
from features.history import MIN_PAST_FOR_CHAPTERS, chpl_surge
from features.signals.value import Value


def consignee_seen(f: Facts) -> Value:
    """Earlier decisions of the tenant naming this consignee (0: the first time it is seen)."""
    h = f.history
    if h is None:
        return Value(None)
    return Value(float(h.past), {"past_decisions": h.past,
                                 "first_seen": h.first_seen.isoformat() if h.first_seen else None})


def chpl_value_surge(f: Facts) -> Value:
    """log2 of the consignee's CHPL value per month over the last three months (this shipment
    included) against its months before: Kazakhstan's chip imports doubled in 2022 while its
    chip exports to Russia grew seventy-fold."""
    h = f.history
    surge = chpl_surge(h, f.shipment.date) if h is not None else None
    if surge is None:
        return Value(None)
    return Value(surge.log2_ratio, {"recent_usd": surge.recent_usd, "baseline_usd": surge.baseline_usd,
                                    "baseline_months": surge.baseline_months, "log2_ratio": surge.log2_ratio})


def new_goods_chapter(f: Facts) -> Value:
    """2 when an HS chapter this consignee never imported before holds a CHPL or drone item
    (a steel supplier importing drones, as Aspan Arba did), 1 for another new chapter, else 0;
    unknown until the consignee has MIN_PAST_FOR_CHAPTERS past decisions."""
    h = f.history
    if h is None or h.past < MIN_PAST_FOR_CHAPTERS:
        return Value(None)
    new = [chapter for chapter, n in h.chapters.items() if n == 0]
    if not new:
        return Value(0.0)
    controlled = [i.hs6 for i in f.items if i.hs6 and i.hs6[:2] in new and (i.chpl or i.uav)]
    return Value(2.0 if controlled else 1.0, {"new_chapters": new, "controlled_hs6": controlled,
                                              "past_decisions": h.past})


def distinct_shippers(f: Facts) -> Value:
    """Distinct shippers that sent to this consignee, this shipment's included: an intermediary
    buys wherever it can, an importer from its suppliers."""
    h = f.history
    if h is None:
        return Value(None)
    return Value(float(h.shippers), {"shippers": h.shippers, "new_shipper": h.shipper_new, "past_decisions": h.past})


def new_route(f: Facts) -> Value:
    """1 when the consignee gets goods on a route (origin, transits, destination) none of its
    past decisions took (a first shipment's route is new too), else 0."""
    h = f.history
    if h is None:
        return Value(None)
    return Value(1.0 if h.route_new else 0.0, {"route": h.route, "past_decisions": h.past} if h.route_new else None)


def seen_message(e: dict) -> str:
    d = e["consignee_seen"]
    if d["past_decisions"] == 0:
        return "First time this consignee is seen in your decisions"
    return f"The consignee appears in only {d['past_decisions']} earlier decision(s) of yours, first on {d['first_seen']}"


def surge_message(e: dict) -> str:
    d = e["chpl_value_surge"]
    return (f"The consignee's CHPL imports surged: {d['recent_usd']:,.0f} USD in the last three months against "
            f"{d['baseline_usd']:,.0f} USD in the {d['baseline_months']} months before ({2 ** d['log2_ratio']:.1f}x the monthly rate)")


def chapter_message(e: dict) -> str:
    d = e["new_goods_chapter"]
    what = f", with controlled items ({', '.join(d['controlled_hs6'])})" if d["controlled_hs6"] else ""
    return (f"Goods outside the consignee's usual lines: HS chapter(s) {', '.join(d['new_chapters'])} never in its "
            f"{d['past_decisions']} earlier decisions{what}")


def shippers_message(e: dict) -> str:
    d = e["distinct_shippers"]
    return f"The consignee has received goods from {d['shippers']} different shippers in your decisions"


def new_route_message(e: dict) -> str:
    d = e["new_route"]
    if d["past_decisions"] == 0:
        return f"A first shipment for the consignee, on the route {d['route']}"
    return f"A route the consignee's {d['past_decisions']} earlier decisions never took: {d['route']}"

"""The lists being screened against: each source, how current its data says it is, when it was
fetched and last synced."""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template

from service.routes.common import serving_state
from service.sources import read_sync_state
from service.ui.blueprint import bp
from service.ui.session import needs


def freshness(as_of: str | None, stale_days: int, today: dt.date) -> tuple[int | None, str]:
    """A source's age in days and its state: "current", "stale" past `stale_days`, or "undated"
    when its files state no date (the age is then unknown, not zero)."""
    if not as_of:
        return None, "undated"
    age = (today - dt.date.fromisoformat(as_of[:10])).days
    return age, "stale" if age > stale_days else "current"


@bp.get("/lists")
@needs("read")
def lists():
    state = serving_state()
    home = current_app.extensions["diversion_risk"].home
    synced = read_sync_state(home.sources)
    today = dt.datetime.now(dt.timezone.utc).date()
    sources = [s | {"sync": synced.get(s["name"], {}),
                    **dict(zip(("age_days", "freshness"), freshness(s.get("as_of"), home.settings.lists_stale_days, today)))}
               for s in state.lists_meta.get("sources", [])]
    return render_template("ui/lists.html", state=state, sources=sources, stale_days=home.settings.lists_stale_days)

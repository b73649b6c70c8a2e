"""The consignees' histories in the store: the tallies a request reads, adds to and rebuilds.

A request reads the tallies its shipments need in one query (`ledger`); its scorer reads each
shipment against them and adds it (`features.history.Ledger`); the decisions' transaction adds
the same increments to the stored tallies (`add`), as one upsert per tally that adds to what is
there, so two workers recording decisions of one consignee at once both count. Only the count
of distinct shippers is decided from what the request read: two requests bringing the same new
shipper of one consignee in the same instant count it twice, until `rebuild` recounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache

from sqlalchemy import Connection, Insert, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from features.facts import item_facts
from features.history import Increment, Ledger, Tally, history_keys
from features.reference import Reference
from features.shipment import Shipment
from service.db import Database
from service.decisions import shipment_of
from service.tables import Decision, HistoryTally

# Keys per query: well under SQLite's and PostgreSQL's limits on bound parameters.
CHUNK = 500
# The statements of every request, built once: building a SQLAlchemy expression costs more than
# running the cached compiled form it maps to.
_T = HistoryTally.__table__.c
TALLIES = select(_T.key, _T.n, _T.total, _T.total_sq, _T.first_date, _T.last_date).where(
    _T.tenant == bindparam("tenant"), _T.key.in_(bindparam("keys", expanding=True)))


@cache
def _upsert(dialect: str) -> Insert:
    """The statement that adds increments to the stored tallies, in this dialect."""
    postgres = dialect == "postgresql"
    statement = (postgresql if postgres else sqlite).insert(HistoryTally)
    new = statement.excluded
    earliest, latest = (func.least, func.greatest) if postgres else (func.min, func.max)
    return statement.on_conflict_do_update(index_elements=["tenant", "key"], set_={
        "n": _T.n + new.n, "total": _T.total + new.total, "total_sq": _T.total_sq + new.total_sq,
        "first_date": earliest(_T.first_date, new.first_date), "last_date": latest(_T.last_date, new.last_date),
    })


def _tally(row) -> Tally:
    return Tally(row.n, row.total, row.total_sq, row.first_date, row.last_date)


class HistoryStore:
    def __init__(self, db: Database, reference: Reference):
        self.db, self.reference = db, reference

    def ledger(self, tenant: str, shipments: Sequence[Shipment]) -> Ledger:
        """The tallies these shipments are read against, as the store holds them now."""
        keys = list(dict.fromkeys(k for s in shipments for k in history_keys(s, self.reference.chpl)))
        rows = {}
        with self.db.engine.connect() as connection:
            for start in range(0, len(keys), CHUNK):
                found = connection.execute(TALLIES, {"tenant": tenant, "keys": keys[start:start + CHUNK]})
                rows.update((row.key, _tally(row)) for row in found)
        return Ledger(rows)

    @staticmethod
    def add(connection: Connection, tenant: str, increments: Iterable[Increment]) -> None:
        """Add increments to the stored tallies, in the caller's transaction; keys in order, so two
        transactions lock the rows they share in the same order."""
        merged: dict[str, Tally] = {}
        for increment in increments:
            merged.setdefault(increment.key, Tally()).add(increment.tally)
        if not merged:
            return
        rows = [dict(tenant=tenant, key=key, n=t.n, total=t.total, total_sq=t.total_sq, first_date=t.first,
                     last_date=t.last) for key, t in sorted(merged.items())]
        connection.execute(_upsert(connection.dialect.name), rows)

    def rebuild(self, tenant: str, progress: Callable[[int], None] = lambda _: None) -> tuple[int, int]:
        """Recompute a tenant's tallies from its decisions in the order they were made, and
        replace the stored ones in one transaction: readers see the old tallies or the new.
        Returns (decisions read, tallies written)."""
        ledger, read = Ledger(), 0
        with self.db.engine.connect() as connection:
            query = (select(Decision.input).where(Decision.tenant == tenant).order_by(Decision.seq)
                     .execution_options(yield_per=1000))
            for (text,) in connection.execute(query):
                shipment = shipment_of(text)
                ledger.add(shipment, [item_facts(i, self.reference, shipment).view for i in shipment.items])
                read += 1
                if read % 1000 == 0:
                    progress(read)
        with self.db.engine.begin() as connection:
            connection.execute(delete(HistoryTally).where(HistoryTally.tenant == tenant))
            self.add(connection, tenant, (Increment(key, tally) for key, tally in ledger.rows.items()))
        return read, len(ledger.rows)

    def tenants(self) -> list[str]:
        with self.db.engine.connect() as connection:
            return sorted(connection.scalars(select(Decision.tenant).distinct()))


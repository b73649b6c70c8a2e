"""The party index: each distinct party of the recorded decisions, and which decisions name it.

Re-screening resolves a party once however many decisions name it, so it reads parties from
here rather than from every decision's input. The index is derived: `update` reads the decisions
recorded since it last ran (by seq, a watermark kept in `screening_state`) and adds their
parties, in transactions that move the watermark with the rows, so an interrupted update
resumes where it stopped and adds nothing twice. Nothing on the request path writes to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, select

from features.resolve import party_identity, party_key, party_of_identity
from features.shipment import Party
from service.db import Database, insert_ignoring
from service.decisions import shipment_of
from service.tables import Decision, DecisionParty, Party as PartyRow, ScreeningState

BATCH = 5000


def read_state(connection: Connection, name: str) -> str | None:
    return connection.execute(select(ScreeningState.value).where(ScreeningState.name == name)).scalar()


def write_state(connection: Connection, name: str, value: str) -> None:
    """Set one bookkeeping value in the caller's transaction (a delete and an insert: portable)."""
    connection.execute(ScreeningState.__table__.delete().where(ScreeningState.name == name))
    connection.execute(ScreeningState.__table__.insert(), [{"name": name, "value": value}])


class PartyIndex:
    def __init__(self, db: Database):
        self.db = db

    def watermark(self) -> int:
        """The seq of the last decision indexed."""
        with self.db.engine.connect() as connection:
            return int(read_state(connection, "indexed_seq") or 0)

    def update(self, progress: Callable[[str], None] | None = None) -> int:
        """Index every decision recorded since the last update; how many were."""
        after, read = self.watermark(), 0
        while True:
            with self.db.engine.begin() as connection:
                rows = connection.execute(select(Decision.seq, Decision.created_at, Decision.input)
                                          .where(Decision.seq > after).order_by(Decision.seq).limit(BATCH)).all()
                if not rows:
                    return read
                parties: dict[str, str] = {}
                links = []
                for seq, created_at, text in rows:
                    for party in shipment_of(text).parties:
                        key = party_key(party)
                        parties.setdefault(key, party_identity(party))
                        links.append({"party_key": key, "decision_seq": seq, "role": party.role, "created_at": created_at})
                connection.execute(insert_ignoring(PartyRow, connection), [{"key": k, "identity": v} for k, v in parties.items()])
                connection.execute(insert_ignoring(DecisionParty, connection), links)
                after = rows[-1].seq
                write_state(connection, "indexed_seq", str(after))
            read += len(rows)
            if progress:
                progress(f"indexed the parties of {read} decisions")

    def made_with_others(self, after_seq: int, versions: set[str]) -> set[str]:
        """The parties of decisions after `after_seq` made with a lists snapshot not in `versions`."""
        with self.db.engine.connect() as connection:
            return set(connection.execute(
                select(DecisionParty.party_key).distinct().join(Decision, Decision.seq == DecisionParty.decision_seq)
                .where(Decision.seq > after_seq, Decision.lists_version.not_in(versions))).scalars())

    def parties(self, after: str = "", limit: int = BATCH) -> list[tuple[str, Party]]:
        """Up to `limit` parties in key order after key `after`, as parties resolution reads."""
        with self.db.engine.connect() as connection:
            rows = connection.execute(select(PartyRow.key, PartyRow.identity).where(PartyRow.key > after)
                                      .order_by(PartyRow.key).limit(limit)).all()
        return [(key, party_of_identity(identity)) for key, identity in rows]

    def decisions_of(self, connection: Connection, keys: list[str], since: dt.datetime) -> Iterator:
        """The decisions recorded since `since` naming the parties `keys`: rows of (party_key, role,
        and the decision's id, tenant, shipment_id, input and signals)."""
        if not keys:
            return iter(())
        query = (select(DecisionParty.party_key, DecisionParty.role, Decision.id, Decision.tenant, Decision.shipment_id,
                        Decision.input, Decision.signals)
                 .join(Decision, Decision.seq == DecisionParty.decision_seq)
                 .where(DecisionParty.party_key.in_(keys), DecisionParty.created_at >= since)
                 .order_by(DecisionParty.decision_seq))
        return iter(connection.execute(query).all())


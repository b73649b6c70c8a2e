"""The connection to the decision store: engine, sessions and migrations.

SQLite (the default, a file in the home) gets WAL and a busy timeout so several gunicorn workers
can write to it; PostgreSQL gets pre-ping so a restarted server costs one failed check, not a 500.

SQLite syncs to disk as `Settings.sqlite_synchronous` says. NORMAL, SQLite's advice for WAL, makes
a commit durable across the crash of any process (a killed worker loses no acknowledged decision)
but not across a power loss or an OS crash, which may roll back the last commits; FULL makes it
durable across those too, at the cost of an fsync (about 2 ms here) per commit. PostgreSQL commits
are always synced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings


def engine_url(url: str) -> str:
    """`postgres://` and `postgresql://` (as platforms set DATABASE_URL) mean the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(synchronous: str):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "busy_timeout=5000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
    return on_connect


def make_engine(url: str, sqlite_synchronous: str = "FULL") -> Engine:
    url = engine_url(url)
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=5,
                         connect_args={"connect_timeout": 5})


class Database:
    def __init__(self, settings: Settings):
        self.engine = make_engine(settings.database, settings.sqlite_synchronous)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits when the block ends and rolls back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration, then drop the connections so that forked
        gunicorn workers each open their own."""
        from alembic import command  # here, not above: the workers and most commands never migrate
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files("service") / "migrations"))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        self.engine.dispose()


def insert_ignoring(table, connection: Connection):
    """An INSERT that skips rows whose key (or a unique index) is already held, on SQLite and
    PostgreSQL alike: what makes a retried write add nothing."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()

"""Alembic's entry point: migrates the connection `service.db.upgrade` hands over (never reads alembic.ini)."""

from alembic import context

from service.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

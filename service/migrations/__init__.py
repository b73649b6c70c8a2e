"""Alembic migrations of the decision store, shipped with the package and run by `db.upgrade`."""

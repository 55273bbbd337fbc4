"""Alembic environment: runs on the connection that `store.db.migrate` hands over.

There is no alembic.ini: the store builds its Alembic config in code, so migrations run
the same way from the app, the CLI and the tests, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from store.db import register_tables

register_tables()
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

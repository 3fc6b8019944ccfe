"""Alembic environment. Migrations run on a connection handed over by ``storage.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line: a sync URL, e.g. sqlite:///senscommun.db
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///senscommun.db"
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()

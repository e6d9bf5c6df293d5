"""Alembic environment for kctrack.

The URL comes from kctrack itself (``kctrack.store.migrate`` puts it in the
config), never from alembic.ini; SQLite gets batch mode so that later
migrations can alter tables.
"""

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import kctrack.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("kctrack migrations run online only")
run_migrations_online()

"""Alembic environment for the runtime's database, run programmatically by
`bots.runtime.db.migrate` with the connection passed in `config.attributes`."""

from __future__ import annotations

import logging

from alembic import context
from sqlalchemy import create_engine

from bots.runtime.models import Base

log = logging.getLogger(__name__)

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # Only for `alembic revision --autogenerate` by a developer.
        url = config.get_main_option("sqlalchemy.url") or "sqlite://"
        with create_engine(url).connect() as own:
            _run(own)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

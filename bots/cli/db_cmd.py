"""`o2c db upgrade` and `o2c db status`: the database schema (Alembic migrations).

SQLite databases are upgraded on first use by every command; a PostgreSQL database
(O2C_DATABASE_URL) is upgraded on purpose with `o2c db upgrade`.
"""

from __future__ import annotations

import logging
import sys

import click

from bots.config import load_settings
from bots.runtime.db import check_migrated, current_revision, head_revision, migrate
from bots.runtime.present import echo_json

log = logging.getLogger(__name__)


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Upgrade the database to this version's schema."""
    settings = load_settings()
    revision = migrate(settings)
    click.echo(f"database at revision {revision} (newest)")


@db_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status_command(as_json: bool) -> None:
    """Say whether the schema is current; exit 2 when it is not."""
    settings = load_settings()
    problem = check_migrated(settings)
    current = None if problem and "reached" in problem else current_revision(settings)
    data = {"current": current, "head": head_revision(), "problem": problem}
    if as_json:
        echo_json(data)
    else:
        click.echo(problem + "; run `o2c db upgrade`" if problem else
                   f"database at revision {current} (newest)")  # fmt: skip
    sys.exit(2 if problem else 0)


def register(main: click.Group) -> None:
    main.add_command(db_group)

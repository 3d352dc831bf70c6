"""`o2c tryton up`: a throwaway Tryton 6.0 on loopback from Debian's packages.

Installs nothing: it writes a configuration into a folder, creates and seeds the
database there when it is missing (company, currencies, chart, fiscal year,
customers, products, open invoices, the bots' user) - or copies a database of the
same seed kept in O2C_TRYTON_CACHE (default ~/.cache/o2c-tryton) - and runs
`trytond` in the foreground until Ctrl-C, printing the URL, the login and the
settings for the bots.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType

import click

from sandbox.tryton.server import (
    DATABASE,
    TrytonMissing,
    TrytonServer,
    default_cache,
)

log = logging.getLogger(__name__)

DEFAULT_PORT = 8810
EXIT_UNAVAILABLE = 4


def default_dir() -> Path:
    return Path(os.environ.get("O2C_HOME") or Path.cwd()) / "tryton-state"


@click.group("tryton")
def tryton_group() -> None:
    """A throwaway Tryton ERP for the bots (Debian's tryton-server)."""


@tryton_group.command("up")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port of the Tryton web client.",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the database [default: $O2C_HOME/tryton-state].",
)
def up(port: int, folder: Path | None) -> None:
    """Start Tryton on 127.0.0.1, creating and seeding its database when missing."""
    server = TrytonServer(folder or default_dir(), port)
    try:
        if server.prepare(cache=default_cache()):
            click.echo(f"created and seeded database '{DATABASE}' in {server.folder}")
        server.start()
    except TrytonMissing as exc:
        click.echo(f"o2c: {exc}", err=True)
        sys.exit(EXIT_UNAVAILABLE)
    except RuntimeError as exc:
        click.echo(f"o2c: Tryton could not start: {exc}", err=True)
        sys.exit(EXIT_UNAVAILABLE)
    _print_login(server)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Both, explicitly: a shell's background job inherits SIGINT ignored, and then
    # Python would never raise KeyboardInterrupt for Ctrl-C.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    try:
        server.wait()
    except KeyboardInterrupt:
        click.echo("stopping Tryton")
    finally:
        server.stop()


def _print_login(server: TrytonServer) -> None:
    login = server.login
    click.echo(f"Tryton web client: {login.url}")
    click.echo(
        f"database: {login.database}  user: {login.username}  "
        f"password: {login.password} (practice credentials)"
    )
    click.echo("settings for the bots:")
    click.echo("  O2C_ERP__KIND=tryton")
    click.echo(f"  O2C_ERP__URL={login.url}")
    click.echo(f"  O2C_ERP__DATABASE={login.database}")
    click.echo(f"  O2C_ERP__USERNAME={login.username}")
    click.echo(f"  O2C_ERP__PART_MAP={server.part_map}")
    click.echo("  O2C_ERP__PASSWORD=<the password above>")
    click.echo("Ctrl-C stops it.")


def register(main: click.Group) -> None:
    main.add_command(tryton_group)

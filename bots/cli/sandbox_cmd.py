"""`o2c sandbox up` and `o2c sandbox reset`: the practice legacy systems.

`up` runs the sandbox ERP, both customer portals, the IMAP mailbox, the SMTP sink and
its sent-mail page on 127.0.0.1 in the foreground until Ctrl-C (or SIGTERM), printing
each URL and the demo logins. `reset` restores the seed data. State lives in
`$O2C_HOME/sandbox-state` unless `--state-dir` says otherwise.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import sys
import threading
from pathlib import Path
from types import FrameType

import click
from rich.console import Console
from rich.table import Table

from sandbox.chaos import PROFILES
from sandbox.credentials import DEFAULT_PORTS
from sandbox.server import LABELS, PortInUse, Sandbox, demo_credentials, reset_state

log = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 4


def default_state_dir() -> Path:
    return Path(os.environ.get("O2C_HOME") or Path.cwd()) / "sandbox-state"


def _state_dir_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--state-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for the sandbox's SQLite files [default: $O2C_HOME/sandbox-state].",
    )(func)


@click.group("sandbox")
def sandbox_group() -> None:
    """The sandbox legacy systems: ERP, two customer portals, mail."""


def _port(name: str, flag: str) -> click.decorators.FC:
    return click.option(
        flag,
        name,
        type=click.IntRange(1, 65535),
        default=DEFAULT_PORTS[name],
        show_default=True,
        help=f"Port of the {LABELS[name]}.",
    )


@sandbox_group.command("up")
@_port("erp", "--erp-port")
@_port("portal_a", "--portal-a-port")
@_port("portal_b", "--portal-b-port")
@_port("imap", "--imap-port")
@_port("smtp", "--smtp-port")
@_port("mail_web", "--mail-web-port")
@click.option(
    "--chaos",
    "profile",
    type=click.Choice(sorted(PROFILES)),
    default="none",
    show_default=True,
    help="Chaos profile every system starts with.",
)
@_state_dir_option
def up(profile: str, state_dir: Path | None, **ports: int) -> None:
    """Run the sandbox in the foreground until Ctrl-C."""
    sandbox = Sandbox(state_dir or default_state_dir(), ports, profile)
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {
        sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        try:
            sandbox.start()
        except PortInUse as exc:
            click.echo(f"o2c: {exc.message}", err=True)
            sys.exit(EXIT_USAGE)
        except (OSError, sqlite3.Error) as exc:
            click.echo(
                f"o2c: cannot keep the sandbox state in {sandbox.state_dir}: {exc}",
                err=True,
            )
            sys.exit(EXIT_USAGE)
        except RuntimeError as exc:
            click.echo(f"o2c: the sandbox could not start: {exc}", err=True)
            sys.exit(EXIT_UNAVAILABLE)
        _print_table(sandbox)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Sandbox stopped.")


def _print_table(sandbox: Sandbox) -> None:
    table = Table(title=f"O2C sandbox (chaos: {sandbox.chaos_profile})")
    for column in ("System", "URL", "User", "Password"):
        table.add_column(column)
    logins = demo_credentials()
    logins["smtp"] = ("(any)", "(any)")
    for name, url in sandbox.urls().items():
        user, password = logins.get(name, ("", ""))
        table.add_row(LABELS[name], url, user, password)
    console = Console()
    console.print(table)
    console.print(f"State: {sandbox.state_dir}  ·  chaos controls at <url>/admin/chaos")
    console.print("Running. Press Ctrl-C to stop.")
    sys.stdout.flush()


@sandbox_group.command("reset")
@_state_dir_option
def reset(state_dir: Path | None) -> None:
    """Restore the seed data of every sandbox system (drops what was posted)."""
    folder = state_dir or default_state_dir()
    try:
        done = reset_state(folder)
    except (OSError, sqlite3.Error) as exc:
        click.echo(f"o2c: cannot reset the sandbox state in {folder}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(
        f"Sandbox state in {folder} reset: {', '.join(LABELS[n] for n in done)}."
    )


def register(main: click.Group) -> None:
    main.add_command(sandbox_group)

"""`o2c users add/list/remove`: the console's users and their roles."""

from __future__ import annotations

import json
import logging
import sys

import click

from bots.config import load_settings
from bots.console.users import ROLES, UserError, add_user, list_users, remove_user

log = logging.getLogger(__name__)


@click.group("users")
def users_group() -> None:
    """Manage who may sign in to the operator console."""


@users_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="viewer sees; operator acts on items and launches bots; "
    "admin also manages schedules and users.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from the first line of standard input.",
)
def add(name: str, role: str, password_stdin: bool) -> None:
    """Add a console user NAME with a role; the password comes from stdin."""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = add_user(load_settings(), name, role, password, actor=_os_user())
    except UserError as exc:
        click.echo(f"o2c: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"added {user.name} ({user.role})")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """List the console users and their roles."""
    found = list_users(load_settings())
    if as_json:
        rows = [
            {
                "name": u.name,
                "role": u.role,
                "created_at": u.created_at.isoformat() if u.created_at else None,
                "last_login_at": u.last_login_at.isoformat()
                if u.last_login_at
                else None,
            }
            for u in found
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    if not found:
        click.echo(
            "no users yet: add one with `o2c users add NAME --role admin "
            "--password-stdin`"
        )
    for user in found:
        last = (
            user.last_login_at.strftime("%Y-%m-%d %H:%M")
            if user.last_login_at
            else "never"
        )
        click.echo(f"{user.name:<24} {user.role:<9} last sign-in {last}")


@users_group.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove the console user NAME."""
    try:
        remove_user(load_settings(), name, actor=_os_user())
    except UserError as exc:
        click.echo(f"o2c: {exc.message}", err=True)
        sys.exit(2)
    click.echo(f"removed {name}")


def _os_user() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def register(main: click.Group) -> None:
    main.add_command(users_group)

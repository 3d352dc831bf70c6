"""`o2c config show`: the effective settings, secrets masked."""

from __future__ import annotations

import json

import click

from bots.config import load_settings


@click.group("config")
def config_group() -> None:
    """Inspect the settings."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(as_json: bool) -> None:
    """Print the effective settings with every password masked."""
    data = load_settings().masked()
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
        return
    _print_flat(data, "")


def _print_flat(data: dict, prefix: str) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and value:
            _print_flat(value, f"{prefix}{key}.")
        else:
            click.echo(f"{prefix}{key} = {json.dumps(value, default=str)}")


def register(main: click.Group) -> None:
    main.add_command(config_group)

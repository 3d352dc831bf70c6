"""`o2c artifacts prune --older-than 30d`: remove old run folders (logs, evidence)."""

from __future__ import annotations

import logging

import click

from bots.runtime.artifacts import parse_age, prune
from bots.runtime.present import echo_json, settings_with_db

log = logging.getLogger(__name__)


@click.group("artifacts")
def artifacts_group() -> None:
    """Run artifacts: logs, screenshots, traces."""


@artifacts_group.command("prune")
@click.option("--older-than", "older_than", required=True,
              help="Age of runs to remove, e.g. 30d, 12h, 2w.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def prune_command(older_than: str, dry_run: bool, as_json: bool) -> None:
    """Remove run folders older than the given age."""
    age = parse_age(older_than)
    removed = prune(settings_with_db(), age, dry_run=dry_run)
    if as_json:
        echo_json({"removed": [str(p) for p in removed], "dry_run": dry_run})
        return
    verb = "would remove" if dry_run else "removed"
    for path in removed:
        click.echo(f"{verb} {path}")
    click.echo(f"{len(removed)} run folder(s) {verb}")


def register(main: click.Group) -> None:
    main.add_command(artifacts_group)

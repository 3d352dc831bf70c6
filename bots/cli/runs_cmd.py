"""`o2c runs list` and `o2c runs show ID`: the record of every bot run."""

from __future__ import annotations

import logging

import click
from rich.console import Console
from rich.table import Table

from bots.runtime.present import echo_json, fail, settings_with_db, when
from bots.runtime.runs import RUN_STATUSES, RunNotFound, get_run, list_runs

log = logging.getLogger(__name__)


@click.group("runs")
def runs_group() -> None:
    """Bot runs: when, what started them, how they ended."""


@runs_group.command("list")
@click.option("--bot", help="Only this bot's runs.")
@click.option("--status", type=click.Choice(RUN_STATUSES))
@click.option("--limit", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(
    bot: str | None, status: str | None, limit: int, as_json: bool
) -> None:
    """Runs, newest first."""
    found = list_runs(settings_with_db(), bot=bot, status=status, limit=limit)
    if as_json:
        echo_json(found)
        return
    table = Table(title=f"{len(found)} run(s)")
    for column in ("run", "bot", "trigger", "status", "started", "ended", "counts"):
        table.add_column(column)
    for run in found:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(run["counts"].items()))
        table.add_row(
            run["id"], run["bot"], run["trigger"], run["status"],
            when(run["started_at"]), when(run["ended_at"]), counts,
        )  # fmt: skip
    Console().print(table)


@runs_group.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_command(run_id: str, as_json: bool) -> None:
    """One run's record."""
    try:
        run = get_run(settings_with_db(), run_id)
    except RunNotFound as exc:
        fail(exc.message)
    if as_json:
        echo_json(run)
        return
    for key, value in run.items():
        click.echo(f"{key}: {value if value is not None else ''}")


def register(main: click.Group) -> None:
    main.add_command(runs_group)

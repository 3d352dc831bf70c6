"""`o2c run BOT`: launch a bot now, with a progress bar and a summary table.

Exit codes: 0 the run finished and nothing new went to the exception queue; 1 the
run failed unexpectedly (or the bot is running already); 2 usage or configuration
error; 3 the run finished and some items went to the exception queue; 4 the run
stopped early because a system it needs is unavailable.
"""

from __future__ import annotations

import logging
import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bots.runtime.present import echo_json, settings_with_db
from bots.runtime.runner import RunProgress, RunSummary, run_bot

log = logging.getLogger(__name__)

OUTCOME_STYLE = {"done": "green", "exception": "red", "retry": "yellow"}


@click.command("run")
@click.argument("bot")
@click.option("--limit", type=click.IntRange(min=1), help="Process at most N items.")
@click.option(
    "--dry-run", is_flag=True, help="Find work and show it; change nothing outside."
)
@click.option(
    "--trigger",
    type=click.Choice(["manual", "console", "schedule"]),
    default="manual",
    show_default=True,
    help="Who started the run (recorded with it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def run_command(
    bot: str, limit: int | None, dry_run: bool, trigger: str, as_json: bool
) -> None:
    """Run BOT (e.g. order-intake) until its queue is empty."""
    settings = settings_with_db()
    quiet = as_json or not sys.stderr.isatty()
    if quiet:
        summary = run_bot(bot, settings, trigger=trigger, limit=limit, dry_run=dry_run)
    else:
        summary = _run_with_progress(bot, settings, trigger, limit, dry_run)
    if as_json:
        echo_json(summary.as_dict())
    else:
        _print_summary(summary)
    sys.exit(summary.exit_code)


def _run_with_progress(
    bot: str, settings: object, trigger: str, limit: int | None, dry_run: bool
) -> RunSummary:
    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(bot, total=None, last="")

        def show(progress: RunProgress) -> None:
            last = f"{progress.reference} {progress.outcome}".strip()
            bar.update(task, completed=progress.processed,
                       total=progress.total or None, last=last)  # fmt: skip

        return run_bot(
            bot, settings, trigger=trigger, limit=limit, dry_run=dry_run,
            progress=show,
        )  # fmt: skip


def _print_summary(summary: RunSummary) -> None:
    table = Table(title=f"run {summary.run_id} of {summary.bot}: {summary.status}")
    table.add_column("outcome")
    table.add_column("items", justify="right")
    for outcome, count in sorted(summary.counts.items()):
        style = OUTCOME_STYLE.get(outcome, "")
        table.add_row(f"[{style}]{outcome}[/]" if style else outcome, str(count))
    table.add_row("[bold]processed[/]", str(summary.processed))
    console = Console()
    console.print(table)
    if summary.message:
        console.print(summary.message, markup=False, highlight=False)
    console.print(f"artifacts: {summary.artifact_dir}", highlight=False)


def register(main: click.Group) -> None:
    main.add_command(run_command)

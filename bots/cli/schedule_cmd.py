"""`o2c schedule list` (each schedule with its next fire time) and `o2c schedule
run` (the unattended scheduler daemon; one per database, stops on SIGTERM)."""

from __future__ import annotations

import logging
import signal
import sys

import click
from rich.console import Console
from rich.table import Table

from bots.runtime.models import utcnow
from bots.runtime.present import echo_json, settings_with_db
from bots.runtime.schedules import as_dict, load_schedules

log = logging.getLogger(__name__)


@click.group("schedule")
def schedule_group() -> None:
    """Schedules that start bots unattended (schedules/*.yaml)."""


@schedule_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """Each schedule with its next fire time."""
    from bots.runtime.scheduler import paused_names

    settings = settings_with_db()
    schedules = load_schedules(settings)
    paused = paused_names(settings)
    now = utcnow()
    rows = [as_dict(s, now, s.name in paused) for s in schedules]
    if as_json:
        echo_json(rows)
        return
    table = Table(title=f"{len(rows)} schedule(s) in {settings.schedules_dir}")
    for column in ("schedule", "bot", "when", "time zone", "state", "next fire"):
        table.add_column(column)
    for row in rows:
        state = "paused" if row["paused"] else "on" if row["enabled"] else "off"
        table.add_row(row["name"], row["bot"], row["when"], row["timezone"], state,
                      (row["next_fire_time"] or "")[:16].replace("T", " "))  # fmt: skip
    Console().print(table)


@schedule_group.command("run")
def run_command() -> None:
    """Run the scheduler daemon until SIGTERM or Ctrl-C."""
    from bots.runtime.scheduler import SchedulerBusy, SchedulerDaemon

    daemon = SchedulerDaemon(settings_with_db())
    try:
        schedules = daemon.start()
    except SchedulerBusy as exc:
        click.echo(f"o2c: {exc.message}", err=True)
        sys.exit(1)
    for schedule in schedules:
        state = "" if schedule.spec.enabled else " (disabled)"
        click.echo(f"schedule {schedule.name}: {schedule.bot}, "
                   f"{schedule.describe()}{state}")  # fmt: skip

    def stop(signum: int, _frame: object) -> None:
        log.warning("signal %s: stopping the scheduler", signum)
        daemon._stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        daemon.wait()
    finally:
        daemon.stop()


def register(main: click.Group) -> None:
    main.add_command(schedule_group)

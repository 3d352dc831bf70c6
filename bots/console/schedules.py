"""The schedules as the console shows them: what each file says, when it fires
next, and whether an admin paused it (`schedule_states`, which the scheduler daemon
checks before every run).

Files are read with the runtime's own loader (`bots.runtime.schedules`), so the
page shows the same next fire times as the daemon, business hours included; a file
the loader refuses is listed with its one-line problem instead of breaking the page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bots.config import Settings
from bots.errors import ConfigError
from bots.runtime.db import session_scope
from bots.runtime.models import ScheduleState
from bots.runtime.schedules import load_schedule

log = logging.getLogger(__name__)


@dataclass
class ScheduleView:
    name: str
    bot: str
    when: str
    timezone: str
    enabled: bool
    next_fire: datetime | None
    paused: bool = False
    paused_by: str | None = None
    paused_at: datetime | None = None
    problem: str = ""
    limit: int | None = None
    description: str = ""


def _files(settings: Settings) -> list[Path]:
    folder = settings.schedules_dir
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _states(settings: Settings) -> dict[str, ScheduleState]:
    with session_scope(settings) as session:
        rows = session.scalars(select(ScheduleState)).all()
        session.expunge_all()
        return {row.name: row for row in rows}


def overview(settings: Settings) -> list[ScheduleView]:
    """Every schedule file with its next fire time and pause state."""
    states = _states(settings)
    views = []
    for path in _files(settings):
        view = _read(path, settings)
        state = states.get(view.name)
        if state is not None:
            view.paused = bool(state.paused)
            view.paused_by = state.updated_by
            view.paused_at = state.updated_at
        views.append(view)
    return views


def _read(path: Path, settings: Settings) -> ScheduleView:
    try:
        schedule = load_schedule(path, settings)
    except ConfigError as exc:
        return ScheduleView(path.stem, "?", "", settings.timezone, False, None,
                            problem=exc.message)  # fmt: skip
    fire = schedule.next_fire_time(datetime.now(UTC))
    return ScheduleView(
        name=schedule.name,
        bot=schedule.bot,
        when=schedule.describe(),
        timezone=schedule.timezone,
        enabled=schedule.spec.enabled,
        next_fire=fire.astimezone(UTC) if fire else None,
        limit=schedule.spec.limits.items,
        description=schedule.spec.description,
    )


def set_paused(settings: Settings, name: str, paused: bool, user: str) -> None:
    """Pause or resume one schedule; the daemon checks this before each run."""
    with session_scope(settings) as session:
        row = session.get(ScheduleState, name)
        if row is None:
            row = ScheduleState(name=name)
            session.add(row)
        row.paused = paused
        row.updated_at = datetime.now(UTC)
        row.updated_by = user
    log.info("schedule %s %s by %s", name, "paused" if paused else "resumed", user)

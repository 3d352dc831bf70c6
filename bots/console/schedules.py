"""The schedules as the console shows them: what each file says, when it fires
next, and whether an admin paused it (`schedule_states`, read by the scheduler
daemon before every run).
Next fire times come from APScheduler's own triggers, as the daemon uses them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select

from bots.config import Settings
from bots.runtime.db import session_scope
from bots.runtime.models import ScheduleState

log = logging.getLogger(__name__)


@dataclass
class ScheduleView:
    name: str
    bot: str
    when: str
    timezone: str
    enabled: bool
    next_fire: datetime | None
    paused: bool
    paused_by: str | None
    paused_at: datetime | None
    problem: str = ""
    limit: int | None = None


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
    states = _states(settings)
    views = []
    for path in _files(settings):
        view = _read(path, settings.timezone)
        state = states.get(view.name)
        if state is not None:
            view.paused = bool(state.paused)
            view.paused_by = state.updated_by
            view.paused_at = state.updated_at
        views.append(view)
    return views


def _read(path: Path, default_zone: str) -> ScheduleView:
    name = path.stem
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise TypeError("the file is not a mapping of settings")
    except (yaml.YAMLError, TypeError, OSError) as exc:
        return ScheduleView(
            name,
            "?",
            "",
            default_zone,
            False,
            None,
            False,
            None,
            None,
            problem=f"{path.name}: {exc}",
        )
    zone = str(data.get("timezone") or data.get("time_zone") or default_zone)
    view = ScheduleView(
        name=str(data.get("name") or name),
        bot=str(data.get("bot") or "?"),
        when=_describe_when(data),
        timezone=zone,
        enabled=bool(data.get("enabled", True)),
        next_fire=None,
        paused=False,
        paused_by=None,
        paused_at=None,
        limit=_limit(data),
    )
    try:
        view.next_fire = _next_fire(data, zone) if view.enabled else None
    except (ValueError, KeyError, TypeError) as exc:
        view.problem = f"{path.name}: {exc}"
    return view


def _limit(data: dict[str, Any]) -> int | None:
    for key in ("limit", "item_limit", "max_items"):
        if isinstance(data.get(key), int):
            return data[key]
    limits = data.get("limits")
    if isinstance(limits, dict):
        for key in ("items", "max_items", "limit"):
            if isinstance(limits.get(key), int):
                return limits[key]
    return None


def _describe_when(data: dict[str, Any]) -> str:
    if data.get("cron"):
        text = f"cron {data['cron']}"
    elif data.get("interval"):
        text = f"every {data['interval']}"
    else:
        text = "(no timing)"
    hours = data.get("business_hours")
    if isinstance(hours, dict):
        text += f", {hours.get('start', '?')}–{hours.get('end', '?')}"
        if hours.get("days"):
            text += f" {hours['days']}"
    elif hours:
        text += f", {hours}"
    return text


def _interval_seconds(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value) * 60
    if isinstance(value, dict):
        units = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
        return float(sum(float(value.get(k, 0)) * f for k, f in units.items()))
    text = str(value).strip().lower()
    factor = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], None)
    if factor is None:
        return float(text) * 60
    return float(text[:-1]) * factor


def _next_fire(data: dict[str, Any], zone: str) -> datetime | None:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    tz = ZoneInfo(zone)
    now = datetime.now(tz)
    if data.get("cron"):
        trigger: Any = CronTrigger.from_crontab(str(data["cron"]), timezone=tz)
    elif data.get("interval"):
        trigger = IntervalTrigger(
            seconds=_interval_seconds(data["interval"]), timezone=tz, start_date=now
        )
    else:
        return None
    fire = trigger.get_next_fire_time(None, now)
    return fire.astimezone(UTC) if fire else None


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

"""Schedule files: `schedules/*.yaml`, one per bot run plan, validated on load.

A schedule names its bot, a cron expression (`cron: "*/5 * * * *"`) or an interval
(`interval: {minutes: 60}`), a time zone, an optional business-hours window
(`business_hours: {days: mon-fri, start: "07:00", end: "18:00"}`: fires outside it
are skipped), `enabled`, and run limits (`limits: {items: 200, minutes: 30}`). A bad
file is refused with one line naming the file and the key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from bots.config import Settings
from bots.errors import ConfigError

log = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Interval(BaseModel):
    model_config = {"extra": "forbid"}
    hours: float = 0
    minutes: float = 0
    seconds: float = 0

    @model_validator(mode="after")
    def _positive(self) -> Interval:
        if self.total_seconds() <= 0:
            raise ValueError("the interval must be longer than 0 seconds")
        return self

    def total_seconds(self) -> float:
        return self.hours * 3600 + self.minutes * 60 + self.seconds


class BusinessHours(BaseModel):
    model_config = {"extra": "forbid"}
    days: str = "mon-fri"
    start: time = time(7, 0)
    end: time = time(18, 0)

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        parse_days(value)
        return value

    @model_validator(mode="after")
    def _order(self) -> BusinessHours:
        if self.end <= self.start:
            raise ValueError("business_hours: end must be after start")
        return self

    def contains(self, moment: datetime) -> bool:
        """Is the local `moment` inside the window?"""
        if moment.weekday() not in parse_days(self.days):
            return False
        return self.start <= moment.time().replace(tzinfo=None) < self.end


class Limits(BaseModel):
    model_config = {"extra": "forbid"}
    items: int | None = Field(default=None, ge=1)
    minutes: float | None = Field(default=None, gt=0)


class ScheduleFile(BaseModel):
    model_config = {"extra": "forbid"}
    bot: str
    description: str = ""
    cron: str | None = None
    interval: Interval | None = None
    timezone: str | None = None
    business_hours: BusinessHours | None = None
    enabled: bool = True
    limits: Limits = Field(default_factory=Limits)
    misfire_grace_minutes: float = Field(default=30, gt=0)

    @model_validator(mode="after")
    def _one_trigger(self) -> ScheduleFile:
        if (self.cron is None) == (self.interval is None):
            raise ValueError("give exactly one of 'cron' or 'interval'")
        return self


@dataclass(frozen=True)
class Schedule:
    """A validated schedule; `name` is the file name without `.yaml`."""

    name: str
    path: Path
    spec: ScheduleFile
    timezone: str
    fingerprint: str

    @property
    def bot(self) -> str:
        return self.spec.bot

    def trigger(self) -> BaseTrigger:
        zone = ZoneInfo(self.timezone)
        spec = self.spec
        if spec.cron is not None:
            inner: BaseTrigger = CronTrigger.from_crontab(spec.cron, timezone=zone)
        else:
            assert spec.interval is not None
            seconds = spec.interval.total_seconds()
            inner = IntervalTrigger(seconds=seconds, timezone=zone)
        if spec.business_hours is None:
            return inner
        return BusinessHoursTrigger(inner, spec.business_hours, self.timezone)

    def next_fire_time(self, now: datetime) -> datetime | None:
        if not self.spec.enabled:
            return None
        return self.trigger().get_next_fire_time(None, now)

    def describe(self) -> str:
        spec = self.spec
        if spec.cron is not None:
            when = f"cron {spec.cron}"
        else:
            assert spec.interval is not None
            when = f"every {_duration(spec.interval.total_seconds())}"
        if spec.business_hours is not None:
            hours = spec.business_hours
            when += f", {hours.days} {hours.start:%H:%M}-{hours.end:%H:%M}"
        return when


class BusinessHoursTrigger(BaseTrigger):
    """Wraps a trigger and skips its fire times outside a business-hours window."""

    def __init__(self, inner: BaseTrigger, hours: BusinessHours, timezone: str) -> None:
        self.inner = inner
        self.days = tuple(sorted(parse_days(hours.days)))
        self.start = hours.start
        self.end = hours.end
        self.timezone = timezone

    def _inside(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def _next_opening(self, moment: datetime) -> datetime:
        local = moment.astimezone(ZoneInfo(self.timezone))
        day = local.date()
        for offset in range(8):
            candidate = datetime.combine(
                day + timedelta(days=offset), self.start, ZoneInfo(self.timezone)
            )
            if candidate > local and candidate.weekday() in self.days:
                return candidate
        return local + timedelta(days=7)

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        fire = self.inner.get_next_fire_time(previous_fire_time, now)
        for _ in range(400):
            if fire is None or self._inside(fire):
                return fire
            fire = self.inner.get_next_fire_time(None, self._next_opening(fire))
        return None

    def __str__(self) -> str:
        return f"{self.inner} within business hours"

    def __repr__(self) -> str:
        return (
            f"<BusinessHoursTrigger {self.inner!r} {self.days} {self.start}-{self.end}>"
        )


def parse_days(text: str) -> set[int]:
    """`mon-fri`, `mon,wed,fri` or `sat-sun` -> weekday numbers (mon = 0)."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"'{text}' is not a list of days like mon-fri or mon,wed")
        start, stop = DAYS.index(first), DAYS.index(last or first)
        if stop < start:
            raise ValueError(f"'{part}' runs backwards; write it like mon-fri")
        days.update(range(start, stop + 1))
    return days


def load_schedule(path: Path, settings: Settings) -> Schedule:
    """Read and validate one schedule file; ConfigError naming file and key."""
    text = _read(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _bad(path, "(file)", f"not valid YAML ({_yaml_where(exc)})") from exc
    if not isinstance(data, dict):
        raise _bad(path, "(file)", "must be a mapping of keys like bot, cron, enabled")
    try:
        spec = ScheduleFile.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "(file)"
        raise _bad(path, key, error["msg"].removeprefix("Value error, ")) from exc
    timezone = spec.timezone or settings.timezone
    _check_semantics(path, spec, timezone)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Schedule(path.stem, path, spec, timezone, fingerprint)


def _check_semantics(path: Path, spec: ScheduleFile, timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _bad(path, "timezone", f"'{timezone}' is not a time zone") from exc
    if spec.cron is not None:
        try:
            CronTrigger.from_crontab(spec.cron, timezone=ZoneInfo(timezone))
        except ValueError as exc:
            raise _bad(
                path, "cron", f"'{spec.cron}' is not a cron expression ({exc})"
            ) from exc
    from bots.flows import BOTS

    if spec.bot not in BOTS and ":" not in spec.bot:
        raise _bad(
            path, "bot", f"there is no bot '{spec.bot}'; use one of {', '.join(BOTS)}"
        )


def load_schedules(settings: Settings, folder: Path | None = None) -> list[Schedule]:
    """Every schedule in the folder (default: the settings' schedules dir)."""
    folder = folder or settings.schedules_dir
    if not folder.is_dir():
        raise ConfigError("schedules_dir", f"{folder} is not a folder", "create it")
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    return [load_schedule(path, settings) for path in paths]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, "(file)", f"cannot be read ({exc})") from exc


def _bad(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{path.name}: {key}", problem, f"correct {path}")


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "syntax error"
    return f"line {mark.line + 1}: {problem}" if mark else str(problem)


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"


def as_dict(schedule: Schedule, now: datetime, paused: bool) -> dict[str, Any]:
    spec = schedule.spec
    fire = schedule.next_fire_time(now)
    hours = spec.business_hours
    return {
        "name": schedule.name,
        "bot": spec.bot,
        "description": spec.description,
        "when": schedule.describe(),
        "cron": spec.cron,
        "interval_seconds": spec.interval.total_seconds() if spec.interval else None,
        "timezone": schedule.timezone,
        "business_hours": (
            {
                "days": hours.days,
                "start": f"{hours.start:%H:%M}",
                "end": f"{hours.end:%H:%M}",
            }
            if hours
            else None
        ),
        "enabled": spec.enabled,
        "paused": paused,
        "limits": spec.limits.model_dump(),
        "next_fire_time": fire.isoformat() if fire else None,
        "file": str(schedule.path),
    }

"""Template filters: times in the company's time zone, ages, sizes and JSON."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from bots.config import Settings

log = logging.getLogger(__name__)


def aware(value: datetime | str | None) -> datetime | None:
    """A UTC-aware datetime from a stored value (naive values are UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def age_text(value: datetime | str | None, now: datetime | None = None) -> str:
    """`4 min`, `3 h`, `2 d` since `value`."""
    moment = aware(value)
    if moment is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 0:
        return "in " + age_text(now or datetime.now(UTC), moment)
    if seconds < 60:
        return f"{int(seconds)} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    return f"{int(seconds // 86400)} d {int(seconds % 86400 // 3600)} h"


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def install_filters(app: Flask, settings: Settings) -> None:
    zone = ZoneInfo(settings.timezone)

    def local_time(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        moment = aware(value)
        return moment.astimezone(zone).strftime(fmt) if moment else ""

    app.jinja_env.filters["dt"] = local_time
    app.jinja_env.filters["age"] = age_text
    app.jinja_env.filters["size"] = size_text
    app.jinja_env.filters["pretty_json"] = lambda value: json.dumps(
        value, indent=2, ensure_ascii=False, default=str, sort_keys=True
    )
    app.jinja_env.globals["timezone_name"] = settings.timezone

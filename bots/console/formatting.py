"""Template filters: times in the company's time zone, ages, sizes and JSON."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
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


@dataclass
class FailureFacts:
    """An error's details arranged for people: plain values, and lists of records
    (e.g. the PO lines whose prices differ) as small tables."""

    scalars: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[dict[str, Any]]]] = field(
        default_factory=list
    )


HIDDEN_DETAILS = ("candidates",)
MAX_ROWS = 50


def failure_facts(details: Any) -> FailureFacts:
    facts = FailureFacts()
    if not isinstance(details, dict):
        return facts
    for key, value in details.items():
        if key in HIDDEN_DETAILS or value in (None, "", [], {}):
            continue
        if isinstance(value, (str, int, float, bool)):
            facts.scalars.append((str(key), str(value)))
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            columns: list[str] = []
            for row in value:
                columns.extend(str(k) for k in row if str(k) not in columns)
            facts.tables.append((str(key), columns, value[:MAX_ROWS]))
        elif isinstance(value, list):
            facts.scalars.append((str(key), ", ".join(str(v) for v in value)))
    return facts


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
    app.jinja_env.globals["failure_facts"] = failure_facts

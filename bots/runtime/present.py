"""Shared helpers of the runtime's commands: JSON output, the operator's name,
short cells for tables, and opening the database with a clear message."""

from __future__ import annotations

import getpass
import json
import logging
import os
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from bots.config import Settings, load_settings

log = logging.getLogger(__name__)


def json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=json_default, ensure_ascii=False))


def operator_name(explicit: str | None = None) -> str:
    """Who acts: --user, else $O2C_USER, else the login name."""
    if explicit:
        return explicit
    try:
        return os.environ.get("O2C_USER") or getpass.getuser()
    except OSError:
        return "cli"


def settings_with_db() -> Settings:
    """Load the settings and make sure the database schema is current."""
    from bots.runtime.db import ensure_db

    settings = load_settings()
    ensure_db(settings)
    return settings


def when(value: datetime | None) -> str:
    """A datetime as local 'YYYY-MM-DD HH:MM' (empty for None)."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def short(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def fail(message: str, code: int = 2) -> None:
    click.echo(f"o2c: {message}", err=True)
    sys.exit(code)

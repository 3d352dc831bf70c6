"""Run records and system states in the database.

A run row is written when a run starts and updated after every item, so that the
console can show live progress; `system_states` holds what the circuit breaker last
saw of each outside system (`up`, `degraded`, `down`).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select

from bots.config import Settings
from bots.errors import O2CError
from bots.runtime.db import ensure_db, session_scope
from bots.runtime.models import Run, SystemState, utcnow

log = logging.getLogger(__name__)

RUN_STATUSES = ("running", "finished", "failed", "unavailable", "stopped")
TRIGGERS = ("schedule", "manual", "console")
RUN_COLUMNS = tuple(column.key for column in inspect(Run).columns)


class RunNotFound(O2CError):
    """No run has that id."""


def new_run_id(now: datetime | None = None) -> str:
    """`YYYYMMDD-HHMMSS-xxxxxx` in UTC, sortable by start time."""
    stamp = (now or utcnow()).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{secrets.token_hex(3)}"


def create_run(settings: Settings, run_id: str, bot: str, **fields: Any) -> None:
    with session_scope(settings) as session:
        session.add(
            Run(
                id=run_id, bot=bot, status="running", started_at=utcnow(),
                counts={}, host=socket.gethostname(), pid=os.getpid(), **fields,
            )
        )  # fmt: skip


def update_run(settings: Settings, run_id: str, **fields: Any) -> None:
    with session_scope(settings) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise RunNotFound(f"there is no run {run_id}")
        for key, value in fields.items():
            setattr(run, key, value)


def get_run(settings: Settings, run_id: str) -> dict[str, Any]:
    ensure_db(settings)
    with session_scope(settings) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise RunNotFound(f"there is no run {run_id}", run_id=run_id)
        return _as_dict(run)


def list_runs(
    settings: Settings,
    bot: str | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Runs, newest first."""
    ensure_db(settings)
    query = select(Run).order_by(Run.started_at.desc(), Run.id.desc())
    if bot:
        query = query.where(Run.bot == bot)
    if status:
        query = query.where(Run.status == status)
    with session_scope(settings) as session:
        return [_as_dict(run) for run in session.scalars(query.limit(limit))]


def set_system_state(
    settings: Settings, name: str, state: str, message: str, run_id: str | None
) -> None:
    with session_scope(settings) as session:
        row = session.get(SystemState, name, with_for_update=True)
        if row is None:
            row = SystemState(name=name)
            session.add(row)
        row.state = state
        row.message = message
        row.run_id = run_id
        row.updated_at = utcnow()


def system_states(settings: Settings) -> list[dict[str, Any]]:
    ensure_db(settings)
    with session_scope(settings) as session:
        rows = session.scalars(select(SystemState).order_by(SystemState.name))
        return [
            {
                "name": row.name,
                "state": row.state,
                "message": row.message,
                "updated_at": row.updated_at,
                "run_id": row.run_id,
            }
            for row in rows
        ]


def _as_dict(run: Run) -> dict[str, Any]:
    return {name: getattr(run, name) for name in RUN_COLUMNS}

"""The work queue and the exception queue: one table of work items.

Runners add work idempotently by reference, lease the next item (priority, then due
time, then age), keep the lease alive with heartbeats and settle it: done, retry
(technical failure, exponential backoff with jitter) or exception (business failure,
or technical failures past `runtime.max_attempts`). Leases of dead runners expire
and the item is taken again. Operators retry, resolve, discard and assign items;
every change is an event in the item's history. Operator actions and reads are in
`bots.runtime.queue_ops`.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from bots.config import Settings
from bots.errors import IllegalTransition, O2CError, WorkItemError
from bots.runtime import artifacts, sql, states
from bots.runtime.bot import NewItem, WorkItem
from bots.runtime.db import (
    ensure_db,
    get_engine,
    read_connection,
    session_scope,
)
from bots.runtime.models import NO_DUE, ItemEvent, ItemFile, WorkItemRow, utcnow
from bots.runtime.queue_ops import OperatorActions
from bots.runtime.scrub import Scrubber

log = logging.getLogger(__name__)

REAP_EVERY = 0.25  # seconds between looks for expired leases, per bot


class LeaseLost(IllegalTransition):
    """The runner no longer holds the item: its lease expired and it moved on."""


class ItemNotFound(O2CError):
    """No work item has that id."""


class WorkQueue(OperatorActions):
    """Work items of every bot in the settings' database."""

    def __init__(self, settings: Settings) -> None:
        ensure_db(settings)
        self.settings = settings
        self.runtime = settings.runtime
        self._scrubber: Scrubber | None = None
        self._last_reap: dict[str, float] = {}

    @property
    def scrubber(self) -> Scrubber:
        if self._scrubber is None:
            self._scrubber = Scrubber(self.settings.secret_values())
        return self._scrubber

    # Adding work ------------------------------------------------------------

    def add(self, bot: str, item: NewItem, actor: str = "system") -> tuple[int, bool]:
        """Add `item` unless `bot` has its reference already; (id, created)."""
        return self.add_many(bot, [item], actor)[0]

    def add_many(
        self, bot: str, items: Iterable[NewItem], actor: str = "system"
    ) -> list[tuple[int, bool]]:
        """Add several items in one transaction; (id, created) for each."""
        added: list[tuple[int, bool]] = []
        with session_scope(self.settings) as session:
            conn = session.connection()
            insert_item = sql.insert_ignoring_duplicates(conn.dialect.name)
            for item in items:
                added.append(
                    self._add_one(session, conn, insert_item, bot, item, actor)
                )
        return added

    def _add_one(
        self,
        session: Session,
        conn: Connection,
        insert_item: Any,
        bot: str,
        item: NewItem,
        actor: str,
    ) -> tuple[int, bool]:
        if not item.reference:
            raise O2CError(f"a work item of {bot} needs a reference")
        now = utcnow()
        new_id = conn.execute(
            insert_item,
            {
                "bot": bot, "reference": item.reference, "status": states.NEW,
                "priority": item.priority, "due_at": item.due_at,
                "due_key": item.due_at or NO_DUE, "payload": item.payload,
                "result": {}, "attempts": 0, "created_at": now, "updated_at": now,
            },
        ).scalar()  # fmt: skip
        if new_id is None:
            existing = conn.execute(
                select(sql.c.id).where(
                    sql.c.bot == bot, sql.c.reference == item.reference
                )
            ).scalar()
            assert existing is not None
            return existing, False
        sql.add_event(conn, new_id, actor, "added", None, states.NEW,
                   f"added {item.reference}")  # fmt: skip
        for name, data in item.files.items():
            self._store_file(session, new_id, name, data, "input", None)
        return new_id, True

    # Leasing -----------------------------------------------------------------

    def lease(
        self,
        bot: str,
        owner: str,
        *,
        run_id: str | None = None,
        lease_seconds: float | None = None,
    ) -> WorkItem | None:
        """Take the next item of `bot` that is due, or None when there is none."""
        seconds = lease_seconds or self.runtime.lease_seconds
        self._reap_if_due(bot, seconds)
        # One short write transaction: on PostgreSQL the candidate rows are
        # locked with SKIP LOCKED; on SQLite BEGIN IMMEDIATE makes it atomic.
        with get_engine(self.settings).begin() as conn:
            now = utcnow()
            params = {"bot": bot, "now": now}
            candidates = [
                row
                for query in (sql.NEXT_NEW, sql.NEXT_RETRY)
                if (row := conn.execute(query, params).first()) is not None
            ]
            leased = None
            for row in sorted(candidates, key=_urgency):
                leased = self._take(conn, row, owner, run_id, seconds, now)
                if leased is not None:
                    break
            if leased is None:
                return None
            files = conn.execute(sql.INPUT_FILES, {"p_id": row.id}).all()
        return WorkItem(
            id=row.id,
            bot=bot,
            reference=leased.reference,
            payload=dict(leased.payload or {}),
            attempts=leased.attempts,
            files={name: self.settings.artifacts_dir / path for name, path in files},
            result=dict(leased.result or {}),
        )

    def _take(
        self,
        conn: Connection,
        row: Any,
        owner: str,
        run_id: str | None,
        seconds: float,
        now: datetime,
    ) -> Any:
        leased = conn.execute(
            sql.LEASE,
            {
                "p_id": row.id, "p_from": row.status, "p_owner": owner,
                "p_expires": now + timedelta(seconds=seconds), "p_now": now,
                "p_run": run_id,
            },
        ).first()  # fmt: skip
        if leased is not None:
            sql.add_event(
                conn, row.id, _actor(owner, run_id), "leased", row.status,
                states.IN_PROGRESS, f"attempt {leased.attempts}",
            )  # fmt: skip
        return leased

    def _reap_if_due(self, bot: str, seconds: float) -> None:
        """Look for expired leases now and then, not on every lease."""
        now = time.monotonic()
        if now - self._last_reap.get(bot, -1e9) < min(REAP_EVERY, seconds / 4):
            return
        self._last_reap[bot] = now
        self.reap_expired(bot)

    def reap_expired(self, bot: str) -> int:
        """Take back items of `bot` whose runner stopped renewing the lease."""
        now = utcnow()
        with read_connection(self.settings) as conn:
            rows = conn.execute(sql.EXPIRED, {"bot": bot, "now": now}).all()
        if not rows:
            return 0
        taken = 0
        with get_engine(self.settings).begin() as conn:
            for row in rows:
                taken += self._expire(conn, row, utcnow())
        return taken

    def _expire(self, conn: Connection, row: Any, now: datetime) -> int:
        exhausted = row.attempts >= self.runtime.max_attempts
        target = states.EXCEPTION if exhausted else states.RETRY
        message = f"the lease of {row.lease_owner} expired (attempt {row.attempts})"
        values: dict[str, Any] = {"status": target, "next_attempt_at": now}
        if exhausted:
            values.update(
                error_kind="technical",
                error_code="lease_expired",
                error_message=(
                    f"The runner working on this item stopped {row.attempts} times "
                    "without finishing it; check the evidence and the outside "
                    "system, then retry or resolve it."
                ),
            )
        changed = conn.execute(
            sql.EXPIRE,
            {"p_id": row.id, "p_now": now, **values, **_NO_LEASE, "updated_at": now},
        ).rowcount
        if not changed:  # a heartbeat came in meanwhile
            return 0
        sql.add_event(conn, row.id, "system", "lease_expired", states.IN_PROGRESS,
                   target, message)  # fmt: skip
        log.warning("work item %s: %s, now %s", row.id, message, target)
        return 1

    def heartbeat(
        self, item_id: int, owner: str, lease_seconds: float | None = None
    ) -> None:
        """Extend the lease; LeaseLost when the item is no longer this owner's."""
        seconds = lease_seconds or self.runtime.lease_seconds
        now = utcnow()
        with get_engine(self.settings).begin() as conn:
            changed = conn.execute(
                sql.HEARTBEAT,
                {"p_id": item_id, "p_owner": owner, "p_now": now,
                 "p_expires": now + timedelta(seconds=seconds)},
            ).rowcount  # fmt: skip
        if not changed:
            raise LeaseLost(
                f"work item {item_id} is no longer leased to {owner}", item_id=item_id
            )

    # Settling ----------------------------------------------------------------

    def complete(
        self, item_id: int, owner: str, result: dict[str, Any] | None = None
    ) -> None:
        """Mark a leased item done, merging `result` into its stored result."""
        with get_engine(self.settings).begin() as conn:
            held = self._held(conn, item_id, owner, states.DONE, "done")
            merged = {**(held.result or {}), **(result or {})}
            self._settle(
                conn, item_id, owner, "done",
                {"status": states.DONE, "result": merged, "next_attempt_at": None,
                 **_NO_ERROR},
            )  # fmt: skip
            sql.add_event(
                conn, item_id, _actor(owner, held.last_run_id), "done",
                states.IN_PROGRESS, states.DONE, _summary(result), result or None,
            )  # fmt: skip

    def fail(self, item_id: int, owner: str, error: WorkItemError) -> str:
        """Settle a failure; returns the new status (`retry` or `exception`)."""
        message = self.scrubber.text(error.message)
        with get_engine(self.settings).begin() as conn:
            held = self._held(conn, item_id, owner, None, "failed")
            now = utcnow()
            target = self._failure_target(held.attempts, error)
            states.check_transition(item_id, held.status, target, "failed")
            self._settle(
                conn, item_id, owner, "failed",
                {
                    "status": target, "error_kind": error.kind,
                    "error_code": error.code, "error_message": message,
                    "error_step": error.step or None,
                    "error_details": _scrub_json(self.scrubber, error.details) or None,
                    "next_attempt_at": self._next_attempt(held.attempts, now, target),
                },
            )  # fmt: skip
            sql.add_event(
                conn, item_id, _actor(owner, held.last_run_id), "failed",
                states.IN_PROGRESS, target, message,
                {"kind": error.kind, "code": error.code, "step": error.step},
            )  # fmt: skip
            return target

    def _failure_target(self, attempts: int, error: WorkItemError) -> str:
        if error.kind == "business":
            return states.EXCEPTION
        if attempts >= self.runtime.max_attempts:
            return states.EXCEPTION
        return states.RETRY

    def _next_attempt(
        self, attempts: int, now: datetime, target: str
    ) -> datetime | None:
        if target != states.RETRY:
            return None
        delay = states.backoff_seconds(
            attempts,
            self.runtime.backoff_base_seconds,
            self.runtime.backoff_max_seconds,
        )
        return now + timedelta(seconds=delay)

    def release(self, item_id: int, owner: str, message: str = "") -> None:
        """Give a leased item back untouched (the run stops): `new` again and the
        attempt is not counted."""
        with get_engine(self.settings).begin() as conn:
            held = self._held(conn, item_id, owner, states.NEW, "released")
            self._settle(
                conn, item_id, owner, "released",
                {"status": states.NEW, "attempts": max(0, held.attempts - 1)},
            )  # fmt: skip
            sql.add_event(
                conn, item_id, _actor(owner, held.last_run_id), "released",
                states.IN_PROGRESS, states.NEW, message or "released by the run",
            )  # fmt: skip

    def _held(
        self,
        conn: Connection,
        item_id: int,
        owner: str,
        target: str | None,
        action: str,
    ) -> Any:
        """The item as leased by `owner`; LeaseLost when it is not."""
        held = conn.execute(sql.HELD, {"p_id": item_id}).first()
        if held is None:
            raise ItemNotFound(f"there is no work item {item_id}", item_id=item_id)
        if held.status != states.IN_PROGRESS or held.lease_owner != owner:
            holder = (
                f"leased to {held.lease_owner}" if held.lease_owner else "not leased"
            )
            raise LeaseLost(
                f"work item {item_id} is '{held.status}' ({holder}); {owner} no "
                f"longer holds it and cannot settle it as {action}",
                item_id=item_id,
            )
        if target is not None:
            states.check_transition(item_id, held.status, target, action)
        return held

    def _settle(
        self,
        conn: Connection,
        item_id: int,
        owner: str,
        action: str,
        values: dict[str, Any],
    ) -> None:
        params = {"p_id": item_id, "p_owner": owner, **values, **_NO_LEASE,
                  "updated_at": utcnow()}  # fmt: skip
        if not conn.execute(sql.SETTLE, params).rowcount:
            raise LeaseLost(
                f"work item {item_id} was taken from {owner} before it was "
                f"settled as {action}",
                item_id=item_id,
            )

    def update_result(self, item_id: int, **fields: Any) -> None:
        """Merge outcome fields into the item's result right away."""
        with session_scope(self.settings) as session:
            row = self._row(session, item_id, lock=True)
            row.result = {**(row.result or {}), **fields}
            row.updated_at = utcnow()

    def record_step(
        self, item_id: int, actor: str, step: str, message: str = ""
    ) -> None:
        with session_scope(self.settings) as session:
            self._event(session, item_id, actor, "step", None, None, message or step,
                        {"step": step})  # fmt: skip

    # Files -------------------------------------------------------------------

    def attach(
        self,
        item_id: int,
        name: str,
        data: bytes | str,
        kind: str = "evidence",
        run_id: str | None = None,
    ) -> Path:
        """Store a file of an item (secrets scrubbed) and return its path."""
        if kind not in ("input", "evidence"):
            raise ValueError(f"kind must be 'input' or 'evidence', not {kind!r}")
        raw = data.encode("utf-8") if isinstance(data, str) else data
        with session_scope(self.settings) as session:
            self._row(session, item_id)
            return self._store_file(session, item_id, name, raw, kind, run_id)

    def _store_file(
        self,
        session: Session,
        item_id: int,
        name: str,
        data: bytes,
        kind: str,
        run_id: str | None,
    ) -> Path:
        if kind == "evidence":
            data = self.scrubber.data(data)
            base = artifacts.run_dir(self.settings, run_id or "manual")
            folder = base / "items" / str(item_id)
        else:
            folder = self.settings.artifacts_dir / "items" / str(item_id)
        stored = artifacts.store(self.settings, folder, name, data)
        session.add(
            ItemFile(
                item_id=item_id, name=stored.path.name, kind=kind,
                path=stored.relative, size=stored.size, sha256=stored.sha256,
                content_type=mimetypes.guess_type(stored.path.name)[0],
                run_id=run_id,
            )
        )  # fmt: skip
        return stored.path

    # Helpers -----------------------------------------------------------------

    def _row(self, session: Session, item_id: int, lock: bool = False) -> WorkItemRow:
        query = select(WorkItemRow).where(WorkItemRow.id == item_id)
        row = session.scalars(query.with_for_update() if lock else query).first()
        if row is None:
            raise ItemNotFound(f"there is no work item {item_id}", item_id=item_id)
        return row

    @staticmethod
    def _clear_error(row: WorkItemRow) -> None:
        row.error_kind = None
        row.error_code = None
        row.error_message = None
        row.error_step = None
        row.error_details = None

    @staticmethod
    def _event(
        session: Session,
        item_id: int,
        actor: str,
        action: str,
        from_status: str | None,
        to_status: str | None,
        message: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        session.add(
            ItemEvent(
                item_id=item_id, at=utcnow(), actor=actor, action=action,
                from_status=from_status, to_status=to_status, message=message,
                details=details,
            )
        )  # fmt: skip


def _urgency(row: Any) -> tuple[int, datetime, datetime, int]:
    return (-row.priority, row.due_key, row.created_at, row.id)


_NO_LEASE = {"lease_owner": None, "lease_expires_at": None}
_NO_ERROR = {
    "error_kind": None, "error_code": None, "error_message": None,
    "error_step": None, "error_details": None,
}  # fmt: skip


def _actor(owner: str, run_id: str | None) -> str:
    return f"run:{run_id}" if run_id else owner


def _summary(result: dict[str, Any] | None) -> str:
    if not result:
        return "done"
    shown = ", ".join(f"{key}={value}" for key, value in list(result.items())[:4])
    return f"done: {shown}"


def _scrub_json(scrubber: Scrubber, value: Any) -> Any:
    if isinstance(value, str):
        return scrubber.text(value)
    if isinstance(value, dict):
        return {key: _scrub_json(scrubber, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_json(scrubber, item) for item in value]
    return value

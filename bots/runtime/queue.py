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
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bots.config import Settings
from bots.errors import IllegalTransition, O2CError, WorkItemError
from bots.runtime import artifacts, states
from bots.runtime.bot import NewItem, WorkItem
from bots.runtime.db import ensure_db, session_scope
from bots.runtime.models import ItemEvent, ItemFile, WorkItemRow, utcnow
from bots.runtime.queue_ops import OperatorActions
from bots.runtime.scrub import Scrubber

log = logging.getLogger(__name__)

REAP_BATCH = 50


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
            for item in items:
                added.append(self._add_one(session, bot, item, actor))
        return added

    def _add_one(
        self, session: Session, bot: str, item: NewItem, actor: str
    ) -> tuple[int, bool]:
        if not item.reference:
            raise O2CError(f"a work item of {bot} needs a reference")
        now = utcnow()
        values = {
            "bot": bot,
            "reference": item.reference,
            "status": states.NEW,
            "priority": item.priority,
            "due_at": item.due_at,
            "payload": item.payload,
            "result": {},
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(WorkItemRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["bot", "reference"])
            .returning(WorkItemRow.id)
        )
        new_id = session.execute(statement).scalar()
        if new_id is None:
            existing = session.scalar(
                select(WorkItemRow.id).where(
                    WorkItemRow.bot == bot, WorkItemRow.reference == item.reference
                )
            )
            assert existing is not None
            return existing, False
        session.add(
            ItemEvent(
                item_id=new_id, at=now, actor=actor, action="added",
                to_status=states.NEW, message=f"added {item.reference}",
            )
        )  # fmt: skip
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
        with session_scope(self.settings) as session:
            self._reap_expired(session, bot)
            now = utcnow()
            row = session.execute(
                select(WorkItemRow.id, WorkItemRow.status)
                .where(
                    WorkItemRow.bot == bot,
                    WorkItemRow.status.in_(states.LEASABLE),
                    or_(
                        WorkItemRow.next_attempt_at.is_(None),
                        WorkItemRow.next_attempt_at <= now,
                    ),
                )
                .order_by(
                    WorkItemRow.priority.desc(),
                    WorkItemRow.due_at.asc().nulls_last(),
                    WorkItemRow.created_at.asc(),
                    WorkItemRow.id.asc(),
                )
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            item_id, from_status = row
            leased = session.execute(
                update(WorkItemRow)
                .where(WorkItemRow.id == item_id, WorkItemRow.status == from_status)
                .values(
                    status=states.IN_PROGRESS,
                    lease_owner=owner,
                    lease_expires_at=now + timedelta(seconds=seconds),
                    heartbeat_at=now,
                    attempts=WorkItemRow.attempts + 1,
                    last_run_id=run_id,
                    updated_at=now,
                )
                .returning(
                    WorkItemRow.reference, WorkItemRow.payload,
                    WorkItemRow.attempts, WorkItemRow.result,
                )
            ).first()  # fmt: skip
            if leased is None:  # cannot happen under the row lock; be safe anyway
                return None
            self._event(
                session, item_id, _actor(owner, run_id), "leased", from_status,
                states.IN_PROGRESS, f"attempt {leased.attempts}",
            )  # fmt: skip
            return WorkItem(
                id=item_id,
                bot=bot,
                reference=leased.reference,
                payload=dict(leased.payload or {}),
                attempts=leased.attempts,
                files=self._input_files(session, item_id),
                result=dict(leased.result or {}),
            )

    def _reap_expired(self, session: Session, bot: str | None) -> int:
        """Take back items whose runner stopped renewing the lease."""
        now = utcnow()
        query = select(WorkItemRow).where(
            WorkItemRow.status == states.IN_PROGRESS,
            WorkItemRow.lease_expires_at < now,
        )
        if bot is not None:
            query = query.where(WorkItemRow.bot == bot)
        rows = session.scalars(
            query.limit(REAP_BATCH).with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            self._expire(session, row, now)
        return len(rows)

    def _expire(self, session: Session, row: WorkItemRow, now: datetime) -> None:
        owner = row.lease_owner
        exhausted = row.attempts >= self.runtime.max_attempts
        target = states.EXCEPTION if exhausted else states.RETRY
        message = f"the lease of {owner} expired (attempt {row.attempts})"
        if exhausted:
            row.error_kind = "technical"
            row.error_code = "lease_expired"
            row.error_message = (
                "The runner working on this item stopped "
                f"{row.attempts} times without finishing it; check the evidence and "
                "the outside system, then retry or resolve it."
            )
        row.status = target
        row.next_attempt_at = now
        self._clear_lease(row, now)
        self._event(
            session, row.id, "system", "lease_expired", states.IN_PROGRESS, target,
            message,
        )  # fmt: skip
        log.warning("work item %s: %s, now %s", row.id, message, target)

    def heartbeat(
        self, item_id: int, owner: str, lease_seconds: float | None = None
    ) -> None:
        """Extend the lease; LeaseLost when the item is no longer this owner's."""
        seconds = lease_seconds or self.runtime.lease_seconds
        now = utcnow()
        with session_scope(self.settings) as session:
            changed = session.execute(
                update(WorkItemRow)
                .where(
                    WorkItemRow.id == item_id,
                    WorkItemRow.status == states.IN_PROGRESS,
                    WorkItemRow.lease_owner == owner,
                )
                .values(
                    heartbeat_at=now,
                    lease_expires_at=now + timedelta(seconds=seconds),
                )
            ).rowcount
        if not changed:
            raise LeaseLost(
                f"work item {item_id} is no longer leased to {owner}", item_id=item_id
            )

    # Settling ----------------------------------------------------------------

    def complete(
        self, item_id: int, owner: str, result: dict[str, Any] | None = None
    ) -> None:
        """Mark a leased item done, merging `result` into its stored result."""
        with session_scope(self.settings) as session:
            row = self._held(session, item_id, owner, states.DONE, "done")
            now = utcnow()
            row.result = {**(row.result or {}), **(result or {})}
            row.status = states.DONE
            row.next_attempt_at = None
            self._clear_error(row)
            self._clear_lease(row, now)
            self._event(
                session, item_id, _actor(owner, row.last_run_id), "done",
                states.IN_PROGRESS, states.DONE, _summary(result), result or None,
            )  # fmt: skip

    def fail(self, item_id: int, owner: str, error: WorkItemError) -> str:
        """Settle a failure; returns the new status (`retry` or `exception`)."""
        with session_scope(self.settings) as session:
            row = self._held(session, item_id, owner, None, "failed")
            now = utcnow()
            target = self._failure_target(row, error)
            check = states.check_transition
            check(item_id, row.status, target, "failed")
            row.status = target
            row.error_kind = error.kind
            row.error_code = error.code
            row.error_message = self.scrubber.text(error.message)
            row.error_step = error.step or None
            row.error_details = _scrub_json(self.scrubber, error.details) or None
            row.next_attempt_at = self._next_attempt(row, now, target)
            self._clear_lease(row, now)
            self._event(
                session, item_id, _actor(owner, row.last_run_id), "failed",
                states.IN_PROGRESS, target, row.error_message,
                {"kind": error.kind, "code": error.code, "step": error.step},
            )  # fmt: skip
            return target

    def _failure_target(self, row: WorkItemRow, error: WorkItemError) -> str:
        if error.kind == "business":
            return states.EXCEPTION
        if row.attempts >= self.runtime.max_attempts:
            return states.EXCEPTION
        return states.RETRY

    def _next_attempt(
        self, row: WorkItemRow, now: datetime, target: str
    ) -> datetime | None:
        if target != states.RETRY:
            return None
        delay = states.backoff_seconds(
            row.attempts,
            self.runtime.backoff_base_seconds,
            self.runtime.backoff_max_seconds,
        )
        return now + timedelta(seconds=delay)

    def release(self, item_id: int, owner: str, message: str = "") -> None:
        """Give a leased item back untouched (the run stops): `new` again and the
        attempt is not counted."""
        with session_scope(self.settings) as session:
            row = self._held(session, item_id, owner, states.NEW, "released")
            now = utcnow()
            row.status = states.NEW
            row.attempts = max(0, row.attempts - 1)
            self._clear_lease(row, now)
            self._event(
                session, item_id, _actor(owner, row.last_run_id), "released",
                states.IN_PROGRESS, states.NEW, message or "released by the run",
            )  # fmt: skip

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

    def _input_files(self, session: Session, item_id: int) -> dict[str, Path]:
        rows = session.execute(
            select(ItemFile.name, ItemFile.path).where(
                ItemFile.item_id == item_id, ItemFile.kind == "input"
            )
        ).all()
        return {name: self.settings.artifacts_dir / path for name, path in rows}

    # Helpers -----------------------------------------------------------------

    def _row(self, session: Session, item_id: int, lock: bool = False) -> WorkItemRow:
        query = select(WorkItemRow).where(WorkItemRow.id == item_id)
        row = session.scalars(query.with_for_update() if lock else query).first()
        if row is None:
            raise ItemNotFound(f"there is no work item {item_id}", item_id=item_id)
        return row

    def _held(
        self,
        session: Session,
        item_id: int,
        owner: str,
        target: str | None,
        action: str,
    ) -> WorkItemRow:
        row = self._row(session, item_id, lock=True)
        if row.status != states.IN_PROGRESS or row.lease_owner != owner:
            holder = f"leased to {row.lease_owner}" if row.lease_owner else "not leased"
            raise LeaseLost(
                f"work item {item_id} is '{row.status}' ({holder}); {owner} no "
                f"longer holds it and cannot settle it as {action}",
                item_id=item_id,
            )
        if target is not None:
            states.check_transition(item_id, row.status, target, action)
        return row

    @staticmethod
    def _clear_lease(row: WorkItemRow, now: datetime) -> None:
        row.lease_owner = None
        row.lease_expires_at = None
        row.updated_at = now

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

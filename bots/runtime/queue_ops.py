"""Operator actions on work items and the queue's reads.

Mixed into `bots.runtime.queue.WorkQueue`: retry (optionally with an edited
payload), resolve with a note, discard with a reason, assign to a person; each is an
event in the item's history with the user's name. Reads return plain dicts with
aware UTC datetimes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, inspect, or_, select

from bots.errors import O2CError
from bots.runtime import states
from bots.runtime.db import session_scope
from bots.runtime.models import ItemEvent, ItemFile, WorkItemRow, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bots.config import Settings

log = logging.getLogger(__name__)

ITEM_COLUMNS = tuple(column.key for column in inspect(WorkItemRow).columns)


class OperatorActions:
    """What an operator does with items, and the reads the console shows."""

    settings: Settings

    # Operator actions --------------------------------------------------------

    def retry(
        self, item_id: int, user: str, payload: dict[str, Any] | None = None
    ) -> None:
        """Queue the item again as `new` with its attempts reset, optionally with
        a corrected payload (the old one is kept in the history)."""
        with session_scope(self.settings) as session:
            row = self._row(session, item_id, lock=True)
            states.check_transition(item_id, row.status, states.NEW, "retry")
            if payload is not None:
                if not isinstance(payload, dict):
                    raise O2CError("the edited payload must be a JSON object")
                self._event(
                    session, item_id, user, "edited", row.status, row.status,
                    "payload edited", {"previous_payload": row.payload},
                )  # fmt: skip
                row.payload = payload
            self._event(
                session, item_id, user, "retry", row.status, states.NEW,
                f"retry requested by {user}",
            )  # fmt: skip
            row.status = states.NEW
            row.attempts = 0
            row.next_attempt_at = None
            row.updated_at = utcnow()
            self._clear_error(row)
        log.info("work item %s queued again by %s", item_id, user)

    def resolve(self, item_id: int, user: str, note: str) -> None:
        """The operator finished the item by hand."""
        self._close_by_hand(item_id, user, states.RESOLVED, "resolved", note, "note")

    def discard(self, item_id: int, user: str, reason: str) -> None:
        """The operator dropped the item."""
        self._close_by_hand(
            item_id, user, states.DISCARDED, "discarded", reason, "reason"
        )

    def _close_by_hand(
        self, item_id: int, user: str, target: str, action: str, text: str, what: str
    ) -> None:
        if not text or not text.strip():
            raise O2CError(f"a {what} is required to mark work item {item_id} {action}")
        with session_scope(self.settings) as session:
            row = self._row(session, item_id, lock=True)
            states.check_transition(item_id, row.status, target, action)
            self._event(
                session, item_id, user, action, row.status, target, text.strip()
            )
            row.status = target
            row.next_attempt_at = None
            row.updated_at = utcnow()
        log.info("work item %s %s by %s", item_id, action, user)

    def assign(self, item_id: int, user: str, assignee: str | None) -> None:
        """Give the item to a person (None takes it away again)."""
        with session_scope(self.settings) as session:
            row = self._row(session, item_id, lock=True)
            message = f"assigned to {assignee}" if assignee else "unassigned"
            self._event(
                session, item_id, user, "assigned", row.status, row.status, message,
                {"assignee": assignee, "previous": row.assignee},
            )  # fmt: skip
            row.assignee = assignee or None
            row.updated_at = utcnow()

    # Reads -------------------------------------------------------------------

    def get(self, item_id: int) -> dict[str, Any]:
        """Every field of one item."""
        with session_scope(self.settings) as session:
            return _as_dict(self._row(session, item_id))

    def list(
        self,
        status: str | Sequence[str] | None = None,
        bot: str | None = None,
        *,
        assignee: str | None = None,
        reference: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Items, most urgent first: priority, then due time, then age."""
        query = select(WorkItemRow)
        if status:
            wanted = [status] if isinstance(status, str) else list(status)
            query = query.where(WorkItemRow.status.in_(wanted))
        if bot:
            query = query.where(WorkItemRow.bot == bot)
        if assignee:
            query = query.where(WorkItemRow.assignee == assignee)
        if reference:
            query = query.where(WorkItemRow.reference.contains(reference))
        query = query.order_by(
            WorkItemRow.priority.desc(),
            WorkItemRow.due_at.asc().nulls_last(),
            WorkItemRow.created_at.asc(),
            WorkItemRow.id.asc(),
        )
        with session_scope(self.settings) as session:
            rows = session.scalars(query.limit(limit).offset(offset)).all()
            return [_as_dict(row) for row in rows]

    def counts(self, bot: str | None = None) -> dict[str, int]:
        """How many items are in each status (every status present, maybe 0)."""
        query = select(WorkItemRow.status, func.count()).group_by(WorkItemRow.status)
        if bot:
            query = query.where(WorkItemRow.bot == bot)
        with session_scope(self.settings) as session:
            found = {status: count for status, count in session.execute(query).all()}
        return {status: int(found.get(status, 0)) for status in states.STATUSES}

    def due_count(self, bot: str) -> int:
        """How many items of `bot` a runner could lease now."""
        query = select(func.count()).where(
            WorkItemRow.bot == bot,
            WorkItemRow.status.in_(states.LEASABLE),
            or_(
                WorkItemRow.next_attempt_at.is_(None),
                WorkItemRow.next_attempt_at <= utcnow(),
            ),
        )
        with session_scope(self.settings) as session:
            return int(session.scalar(query) or 0)

    def history(self, item_id: int) -> list[dict[str, Any]]:
        """The item's events, oldest first."""
        with session_scope(self.settings) as session:
            self._row(session, item_id)
            rows = session.scalars(
                select(ItemEvent)
                .where(ItemEvent.item_id == item_id)
                .order_by(ItemEvent.id)
            ).all()
            return [_event_dict(row) for row in rows]

    def files(self, item_id: int) -> list[dict[str, Any]]:
        """The item's input and evidence files, with absolute paths."""
        with session_scope(self.settings) as session:
            rows = session.scalars(
                select(ItemFile)
                .where(ItemFile.item_id == item_id)
                .order_by(ItemFile.id)
            ).all()
            return [
                {
                    "id": row.id,
                    "name": row.name,
                    "kind": row.kind,
                    "path": str(self.settings.artifacts_dir / row.path),
                    "relative_path": row.path,
                    "size": row.size,
                    "sha256": row.sha256,
                    "content_type": row.content_type,
                    "run_id": row.run_id,
                    "created_at": row.created_at,
                }
                for row in rows
            ]

    # Provided by WorkQueue.
    def _row(self, session: Session, item_id: int, lock: bool = False) -> Any: ...

    @staticmethod
    def _clear_error(row: WorkItemRow) -> None: ...

    @staticmethod
    def _event(session: Session, item_id: int, actor: str, action: str,
               from_status: str | None, to_status: str | None,
               message: str | None = None,
               details: dict[str, Any] | None = None) -> None: ...  # fmt: skip


def _as_dict(row: WorkItemRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ITEM_COLUMNS}


def _event_dict(row: ItemEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "at": row.at,
        "actor": row.actor,
        "action": row.action,
        "from_status": row.from_status,
        "to_status": row.to_status,
        "message": row.message,
        "details": row.details,
    }

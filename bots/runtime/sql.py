"""Prebuilt SQL for the queue's hot path (lease, heartbeat, settle).

Built once with bound parameters and run on a plain connection, so that leasing
and settling thousands of items costs a few statements each and no ORM work.
`FOR UPDATE SKIP LOCKED` is rendered on PostgreSQL; on SQLite the transaction is
`BEGIN IMMEDIATE` (see `bots.runtime.db`), which makes the claim atomic.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bots.runtime import states
from bots.runtime.models import ItemEvent, ItemFile, WorkItemRow, utcnow

log = logging.getLogger(__name__)

ITEMS: Table = WorkItemRow.__table__  # type: ignore[assignment]
EVENTS: Table = ItemEvent.__table__  # type: ignore[assignment]
FILES: Table = ItemFile.__table__  # type: ignore[assignment]
c = ITEMS.c

LEASE_ORDER = (c.priority.desc(), c.due_key.asc(), c.created_at.asc(), c.id.asc())
_CANDIDATE = select(c.id, c.status, c.priority, c.due_key, c.created_at).where(
    c.bot == bindparam("bot")
)

# The most urgent item of each leasable status; each walks ix_work_items_next.
NEXT_NEW = (
    _CANDIDATE.where(c.status == states.NEW)
    .order_by(*LEASE_ORDER)
    .limit(1)
    .with_for_update(skip_locked=True)
)
NEXT_RETRY = (
    _CANDIDATE.where(c.status == states.RETRY, c.next_attempt_at <= bindparam("now"))
    .order_by(*LEASE_ORDER)
    .limit(1)
    .with_for_update(skip_locked=True)
)

EXPIRED = (
    select(c.id, c.attempts, c.lease_owner)
    .where(
        c.status == states.IN_PROGRESS,
        c.lease_expires_at < bindparam("now"),
        c.bot == bindparam("bot"),
    )
    .limit(50)
    .with_for_update(skip_locked=True)
)

LEASE = (
    update(ITEMS)
    .where(c.id == bindparam("p_id"), c.status == bindparam("p_from"))
    .values(
        status=states.IN_PROGRESS,
        lease_owner=bindparam("p_owner"),
        lease_expires_at=bindparam("p_expires"),
        heartbeat_at=bindparam("p_now"),
        attempts=c.attempts + 1,
        last_run_id=bindparam("p_run"),
        updated_at=bindparam("p_now"),
    )
    .returning(c.reference, c.payload, c.attempts, c.result)
)

HEARTBEAT = (
    update(ITEMS)
    .where(
        c.id == bindparam("p_id"),
        c.status == states.IN_PROGRESS,
        c.lease_owner == bindparam("p_owner"),
    )
    .values(heartbeat_at=bindparam("p_now"), lease_expires_at=bindparam("p_expires"))
)

HELD = select(
    c.status, c.lease_owner, c.attempts, c.result, c.last_run_id
).where(c.id == bindparam("p_id"))  # fmt: skip

# Settle only if the item is still leased to this owner; executed with the
# changed columns as parameters.
SETTLE = update(ITEMS).where(
    c.id == bindparam("p_id"),
    c.status == states.IN_PROGRESS,
    c.lease_owner == bindparam("p_owner"),
)

# Take back an expired lease, unless a heartbeat renewed it meanwhile.
EXPIRE = update(ITEMS).where(
    c.id == bindparam("p_id"),
    c.status == states.IN_PROGRESS,
    c.lease_expires_at < bindparam("p_now"),
)

ADD_EVENT = insert(EVENTS)

INPUT_FILES = select(FILES.c.name, FILES.c.path).where(
    FILES.c.item_id == bindparam("p_id"), FILES.c.kind == "input"
)


def insert_ignoring_duplicates(dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(ITEMS)
        .on_conflict_do_nothing(index_elements=["bot", "reference"])
        .returning(c.id)
    )


def add_event(
    conn: Connection,
    item_id: int,
    actor: str,
    action: str,
    from_status: str | None,
    to_status: str | None,
    message: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        ADD_EVENT,
        {"item_id": item_id, "at": utcnow(), "actor": actor, "action": action,
         "from_status": from_status, "to_status": to_status, "message": message,
         "details": details},
    )  # fmt: skip

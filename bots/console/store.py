"""What the console reads from the runtime's database: queue figures, the filtered
exception list, runs, system states and the audit log.

Reads only; every change to a work item goes through `bots.runtime.queue.WorkQueue`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, or_, select

from bots.config import Settings
from bots.runtime.db import ensure_db, session_scope
from bots.runtime.models import AuditEntry, ItemEvent, Run, SystemState, WorkItemRow

log = logging.getLogger(__name__)

AGE_BUCKETS = (("under 1 hour", timedelta(hours=1)), ("under 1 day", timedelta(days=1)))
OPEN_STATUSES = ("new", "in_progress", "retry", "exception")
STATUSES = ("new", "in_progress", "retry", "exception", "done", "resolved", "discarded")
CHART_HOURS = 72
LIST_LIMIT = 500


def prepare(settings: Settings) -> None:
    """Make sure the schema exists (SQLite is migrated on first use)."""
    ensure_db(settings)


def now_utc() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


@dataclass
class ItemFilter:
    """The exception list's filters, as read from the query string."""

    status: str = "exception"
    bot: str = ""
    code: str = ""
    kind: str = ""
    age: str = ""
    assignee: str = ""
    search: str = ""
    order: str = "urgent"

    @classmethod
    def from_args(cls, args: Any) -> ItemFilter:
        values = {name: (args.get(name) or "").strip() for name in cls.__annotations__}
        found = cls(**{k: v for k, v in values.items() if v})
        if found.status not in STATUSES + ("open", "all"):
            found.status = "exception"
        return found


def _exception_since() -> Any:
    """When each item last went to the exception queue."""
    return (
        select(ItemEvent.item_id, func.max(ItemEvent.at).label("since"))
        .where(ItemEvent.to_status == "exception")
        .group_by(ItemEvent.item_id)
        .subquery()
    )


def exception_count(settings: Settings) -> int:
    with session_scope(settings) as session:
        query = select(func.count()).where(WorkItemRow.status == "exception")
        return int(session.scalar(query) or 0)


def list_items(settings: Settings, chosen: ItemFilter) -> list[dict[str, Any]]:
    """Items matching the filter, most urgent (priority, due, age) or oldest first."""
    since = _exception_since()
    waiting = func.coalesce(since.c.since, WorkItemRow.updated_at)
    query = select(WorkItemRow, waiting).outerjoin(
        since, since.c.item_id == WorkItemRow.id
    )
    if chosen.status == "open":
        query = query.where(WorkItemRow.status.in_(OPEN_STATUSES))
    elif chosen.status != "all":
        query = query.where(WorkItemRow.status == chosen.status)
    for column, value in (
        (WorkItemRow.bot, chosen.bot),
        (WorkItemRow.error_code, chosen.code),
        (WorkItemRow.error_kind, chosen.kind),
    ):
        if value:
            query = query.where(column == value)
    query = _assignee_filter(query, chosen.assignee)
    query = _age_filter(query, chosen.age, waiting)
    if chosen.search:
        query = query.where(_search_clause(chosen.search))
    query = query.order_by(*_ordering(chosen.order)).limit(LIST_LIMIT)
    with session_scope(settings) as session:
        return [
            {**_item_row(row), "waiting_since": _aware(at)}
            for row, at in session.execute(query)
        ]


def _assignee_filter(query: Any, assignee: str) -> Any:
    if assignee == "(nobody)":
        return query.where(WorkItemRow.assignee.is_(None))
    if assignee:
        return query.where(WorkItemRow.assignee == assignee)
    return query


def _age_filter(query: Any, age: str, waiting: Any) -> Any:
    now = now_utc()
    if age == "1h":
        return query.where(waiting >= now - timedelta(hours=1))
    if age == "1d":
        return query.where(waiting >= now - timedelta(days=1))
    if age == "older":
        return query.where(waiting < now - timedelta(days=1))
    return query


def _search_clause(text: str) -> Any:
    """Reference, error message, payload or result contain the text (PO number,
    customer, payment id all live in payload or result)."""
    pattern = f"%{text.lower()}%"
    return or_(
        func.lower(WorkItemRow.reference).like(pattern),
        func.lower(cast(WorkItemRow.payload, String)).like(pattern),
        func.lower(cast(WorkItemRow.result, String)).like(pattern),
        func.lower(func.coalesce(WorkItemRow.error_message, "")).like(pattern),
    )


def _ordering(order: str) -> tuple[Any, ...]:
    if order == "oldest":
        return (WorkItemRow.created_at.asc(), WorkItemRow.id.asc())
    if order == "newest":
        return (WorkItemRow.updated_at.desc(), WorkItemRow.id.desc())
    return (
        WorkItemRow.priority.desc(),
        WorkItemRow.due_at.is_(None),
        WorkItemRow.due_at.asc(),
        WorkItemRow.created_at.asc(),
    )


def _item_row(row: WorkItemRow) -> dict[str, Any]:
    due = _aware(row.due_at)
    return {
        "id": row.id,
        "bot": row.bot,
        "reference": row.reference,
        "status": row.status,
        "priority": row.priority,
        "due_at": due,
        "breached": bool(due and due < now_utc() and row.status in OPEN_STATUSES),
        "attempts": row.attempts,
        "error_kind": row.error_kind,
        "error_code": row.error_code,
        "error_message": row.error_message,
        "error_step": row.error_step,
        "assignee": row.assignee,
        "created_at": _aware(row.created_at),
        "updated_at": _aware(row.updated_at),
        "summary": summarize_payload(row.payload or {}),
    }


SUMMARY_FIELDS = (
    ("po", "po_number"),
    ("po", "customer_no"),
    ("po", "customer_name"),
    ("payment", "payment_id"),
    ("payment", "payer"),
    ("payment", "amount"),
    ("payment", "currency"),
    ("", "po_number"),
    ("", "customer_no"),
    ("", "payment_id"),
    ("", "order_number"),
    ("", "amount"),
    ("mail", "subject"),
    ("", "subject"),
    ("", "mail_subject"),
)


def summarize_payload(payload: dict[str, Any]) -> str:
    """A short line naming the PO, customer or payment the item is about."""
    parts: list[str] = []
    for section, key in SUMMARY_FIELDS:
        source = payload.get(section) if section else payload
        value = source.get(key) if isinstance(source, dict) else None
        if isinstance(value, (str, int)) and value != "" and str(value) not in parts:
            parts.append(str(value))
    return " · ".join(parts[:4])


@dataclass
class Overview:
    """The figures of the queue overview page."""

    bots: list[str]
    counts: dict[str, dict[str, int]]
    aging: list[tuple[str, int]]
    breaches: list[dict[str, Any]]
    per_hour: list[tuple[datetime, int]]
    systems: list[dict[str, Any]]
    latest_runs: list[dict[str, Any]] = field(default_factory=list)


def overview(settings: Settings) -> Overview:
    with session_scope(settings) as session:
        counts = _counts(session)
        aging = _aging(session)
        breaches = _breaches(session)
        per_hour = _exceptions_per_hour(session)
        systems = [
            {
                "name": s.name,
                "state": s.state,
                "message": s.message,
                "updated_at": _aware(s.updated_at),
                "run_id": s.run_id,
            }
            for s in session.scalars(select(SystemState).order_by(SystemState.name))
        ]
    return Overview(
        bots=sorted(counts),
        counts=counts,
        aging=aging,
        breaches=breaches,
        per_hour=per_hour,
        systems=systems,
        latest_runs=list_runs(settings, limit=6),
    )


def _counts(session: Any) -> dict[str, dict[str, int]]:
    query = select(WorkItemRow.bot, WorkItemRow.status, func.count()).group_by(
        WorkItemRow.bot, WorkItemRow.status
    )
    counts: dict[str, dict[str, int]] = {}
    for bot, status, number in session.execute(query):
        counts.setdefault(bot, {})[status] = int(number)
    return counts


def _aging(session: Any) -> list[tuple[str, int]]:
    """Exceptions by how long they have waited (since they became exceptions)."""
    since = _exception_since()
    query = (
        select(func.coalesce(since.c.since, WorkItemRow.updated_at))
        .outerjoin(since, since.c.item_id == WorkItemRow.id)
        .where(WorkItemRow.status == "exception")
    )
    now = now_utc()
    tally: Counter[str] = Counter()
    for (updated,) in session.execute(query):
        waited = now - (_aware(updated) or now)
        label = next((name for name, limit in AGE_BUCKETS if waited < limit), "older")
        tally[label] += 1
    return [(name, tally[name]) for name in ("under 1 hour", "under 1 day", "older")]


def _breaches(session: Any) -> list[dict[str, Any]]:
    query = (
        select(WorkItemRow)
        .where(WorkItemRow.status.in_(OPEN_STATUSES))
        .where(WorkItemRow.due_at.is_not(None))
        .where(WorkItemRow.due_at < now_utc())
        .order_by(WorkItemRow.due_at.asc())
        .limit(50)
    )
    return [_item_row(row) for row in session.scalars(query)]


def _exceptions_per_hour(session: Any) -> list[tuple[datetime, int]]:
    """Items that went to the exception queue in each of the last 72 hours."""
    end = now_utc().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=CHART_HOURS)
    query = select(ItemEvent.at).where(
        ItemEvent.to_status == "exception", ItemEvent.at >= start
    )
    tally: Counter[int] = Counter()
    for (at,) in session.execute(query):
        tally[int(((_aware(at) or start) - start).total_seconds() // 3600)] += 1
    return [(start + timedelta(hours=h), tally[h]) for h in range(CHART_HOURS)]


def facets(settings: Settings) -> dict[str, list[str]]:
    """Values to offer in the filter drop-downs."""
    with session_scope(settings) as session:

        def distinct(column: Any) -> list[str]:
            rows = session.execute(select(column).where(column.is_not(None)).distinct())
            return sorted(str(value) for (value,) in rows)

        return {
            "bots": distinct(WorkItemRow.bot),
            "codes": distinct(WorkItemRow.error_code),
            "assignees": distinct(WorkItemRow.assignee),
        }


def _run_row(row: Run) -> dict[str, Any]:
    return {
        "id": row.id,
        "bot": row.bot,
        "trigger": row.trigger,
        "status": row.status,
        "started_at": _aware(row.started_at),
        "ended_at": _aware(row.ended_at),
        "counts": dict(row.counts or {}),
        "total": row.total,
        "processed": row.processed,
        "artifact_dir": row.artifact_dir,
        "message": row.message,
        "host": row.host,
        "pid": row.pid,
        "item_limit": row.item_limit,
        "dry_run": row.dry_run,
    }


def list_runs(
    settings: Settings, bot: str = "", limit: int = 200
) -> list[dict[str, Any]]:
    query = select(Run).order_by(Run.started_at.desc()).limit(limit)
    if bot:
        query = query.where(Run.bot == bot)
    with session_scope(settings) as session:
        return [_run_row(row) for row in session.scalars(query)]


def get_run(settings: Settings, run_id: str) -> dict[str, Any] | None:
    with session_scope(settings) as session:
        row = session.get(Run, run_id)
        return _run_row(row) if row is not None else None


def running_run_of(settings: Settings, bot: str) -> str | None:
    """The run holding the bot's lock right now, if any (a bot never runs twice)."""
    from bots.runtime.models import BotLock

    with session_scope(settings) as session:
        lock = session.get(BotLock, bot)
        if lock is None or (_aware(lock.expires_at) or now_utc()) <= now_utc():
            return None
        return lock.owner


def run_items(settings: Settings, run_id: str) -> list[dict[str, Any]]:
    query = (
        select(WorkItemRow)
        .where(WorkItemRow.last_run_id == run_id)
        .order_by(WorkItemRow.id)
        .limit(LIST_LIMIT)
    )
    with session_scope(settings) as session:
        return [_item_row(row) for row in session.scalars(query)]


def audit_entries(settings: Settings, limit: int = 300) -> list[dict[str, Any]]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc()).limit(limit)
    with session_scope(settings) as session:
        return [
            {
                "at": _aware(e.at),
                "user": e.user,
                "action": e.action,
                "target": e.target,
                "details": e.details or {},
            }
            for e in session.scalars(query)
        ]

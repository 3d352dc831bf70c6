"""Generic bot memory in the database: small JSON values by namespace and key
(learned payer aliases, which status was last sent per order, seen mail UIDs)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from bots.config import Settings
from bots.runtime.db import ensure_db, session_scope
from bots.runtime.models import KvEntry, utcnow

log = logging.getLogger(__name__)


def kv_get(settings: Settings, namespace: str, key: str, default: Any = None) -> Any:
    """The stored value, or `default` when there is none."""
    ensure_db(settings)
    with session_scope(settings) as session:
        entry = session.get(KvEntry, (namespace, key))
        return default if entry is None else entry.value


def kv_put(settings: Settings, namespace: str, key: str, value: Any) -> None:
    """Store a JSON-serialisable value, replacing the old one."""
    ensure_db(settings)
    with session_scope(settings) as session:
        entry = session.get(KvEntry, (namespace, key), with_for_update=True)
        if entry is None:
            session.add(
                KvEntry(namespace=namespace, key=key, value=value, updated_at=utcnow())
            )
        else:
            entry.value = value
            entry.updated_at = utcnow()


def kv_delete(settings: Settings, namespace: str, key: str) -> None:
    ensure_db(settings)
    with session_scope(settings) as session:
        session.execute(
            delete(KvEntry).where(KvEntry.namespace == namespace, KvEntry.key == key)
        )


def kv_items(settings: Settings, namespace: str) -> dict[str, Any]:
    """Every key and value of a namespace."""
    ensure_db(settings)
    with session_scope(settings) as session:
        rows = session.execute(
            select(KvEntry.key, KvEntry.value).where(KvEntry.namespace == namespace)
        ).all()
        return {key: value for key, value in rows}

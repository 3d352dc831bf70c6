"""Named locks with expiry in the database (`bot_locks`), shared by every process on
the database: a bot never runs twice at once, and only one scheduler daemon runs per
database. A holder renews its lock; a lock whose holder died expires by itself."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bots.config import Settings
from bots.runtime.db import session_scope
from bots.runtime.models import BotLock, utcnow

log = logging.getLogger(__name__)

SCHEDULER_LOCK = "scheduler-daemon"


def acquire(settings: Settings, name: str, owner: str, seconds: float) -> str | None:
    """Take the lock `name` for `owner`; None on success, else who holds it."""
    try:
        with session_scope(settings) as session:
            now = utcnow()
            lock = session.get(BotLock, name, with_for_update=True)
            if lock is not None and lock.owner != owner and lock.expires_at > now:
                return lock.owner
            if lock is None:
                lock = BotLock(bot=name, owner=owner)
                session.add(lock)
            elif lock.owner != owner:
                log.warning("lock %s of %s had expired; taken over", name, lock.owner)
            lock.owner = owner
            lock.acquired_at = now
            lock.expires_at = now + timedelta(seconds=seconds)
    except IntegrityError:  # another process inserted it at the same moment
        with session_scope(settings) as session:
            lock = session.get(BotLock, name)
            return lock.owner if lock is not None else "another process"
    return None


def refresh(settings: Settings, name: str, owner: str, seconds: float) -> bool:
    """Extend a held lock; False when it is no longer ours."""
    with session_scope(settings) as session:
        lock = session.get(BotLock, name, with_for_update=True)
        if lock is None or lock.owner != owner:
            return False
        lock.expires_at = utcnow() + timedelta(seconds=seconds)
        return True


def release(settings: Settings, name: str, owner: str) -> None:
    with session_scope(settings) as session:
        session.execute(
            delete(BotLock).where(BotLock.bot == name, BotLock.owner == owner)
        )


def holder(settings: Settings, name: str) -> str | None:
    """Who holds the lock now (None when free or expired)."""
    with session_scope(settings) as session:
        lock = session.get(BotLock, name)
        if lock is None or lock.expires_at <= utcnow():
            return None
        return lock.owner

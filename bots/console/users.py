"""Console users: add, list, remove and check passwords.

Passwords are hashed with Argon2id (argon2-cffi), a memory-hard hash; the `users`
table itself belongs to the runtime's migration. Every change is written to the
audit log with the acting user.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from bots.config import Settings
from bots.errors import O2CError
from bots.runtime.db import ensure_db, session_scope
from bots.runtime.models import AuditEntry, User

log = logging.getLogger(__name__)

ROLES = ("viewer", "operator", "admin")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()
# Checked against when the user does not exist, so both cases take as long.
_DUMMY_HASH = _hasher.hash("no such user, but take the same time")


class UserError(O2CError):
    """A user cannot be added or removed; the message says why."""


@dataclass(frozen=True)
class ConsoleUser:
    name: str
    role: str
    created_at: datetime | None = None
    last_login_at: datetime | None = None


def _as_user(row: User) -> ConsoleUser:
    return ConsoleUser(row.name, row.role, row.created_at, row.last_login_at)


def audit(
    settings: Settings,
    user: str,
    action: str,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one line to the audit log."""
    with session_scope(settings) as session:
        session.add(
            AuditEntry(
                at=datetime.now(UTC),
                user=user,
                action=action,
                target=target,
                details=details or {},
            )
        )


def add_user(
    settings: Settings, name: str, role: str, password: str, actor: str = "cli"
) -> ConsoleUser:
    """Create a user; UserError for a bad name, role, short password or duplicate."""
    if not NAME_PATTERN.match(name):
        raise UserError(
            f"user name '{name}' is not allowed: use letters, digits, . _ @ - "
            "(at most 64)"
        )
    if role not in ROLES:
        raise UserError(f"role '{role}' is unknown: use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters"
        )
    ensure_db(settings)
    with session_scope(settings) as session:
        if session.scalar(select(User).where(User.name == name)) is not None:
            raise UserError(f"user '{name}' already exists; remove it first")
        row = User(
            name=name,
            role=role,
            password_hash=_hasher.hash(password),
            created_at=datetime.now(UTC),
        )
        session.add(row)
        session.flush()
        created = _as_user(row)
    audit(settings, actor, "user.add", name, {"role": role})
    log.info("user %s added with role %s by %s", name, role, actor)
    return created


def list_users(settings: Settings) -> list[ConsoleUser]:
    ensure_db(settings)
    with session_scope(settings) as session:
        rows = session.scalars(select(User).order_by(User.name)).all()
        return [_as_user(row) for row in rows]


def remove_user(settings: Settings, name: str, actor: str = "cli") -> None:
    """Delete a user; UserError when there is none of that name."""
    ensure_db(settings)
    with session_scope(settings) as session:
        row = session.scalar(select(User).where(User.name == name))
        if row is None:
            raise UserError(f"there is no user '{name}'")
        session.delete(row)
    audit(settings, actor, "user.remove", name)
    log.info("user %s removed by %s", name, actor)


def find_user(settings: Settings, name: str) -> ConsoleUser | None:
    with session_scope(settings) as session:
        row = session.scalar(select(User).where(User.name == name))
        return _as_user(row) if row is not None else None


def authenticate(settings: Settings, name: str, password: str) -> ConsoleUser | None:
    """The user when the password is right, else None (same cost either way)."""
    with session_scope(settings) as session:
        row = session.scalar(select(User).where(User.name == name))
        if row is None:
            _verify(_DUMMY_HASH, password)
            return None
        if not _verify(row.password_hash, password):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        row.last_login_at = datetime.now(UTC)
        return _as_user(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False

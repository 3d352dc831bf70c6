"""Sessions, CSRF tokens, roles, login throttling and security headers.

The browser holds only a random session id in Flask's signed cookie (HttpOnly,
SameSite=Lax); the session itself lives in the database (the runtime's key-value
store, keyed by the id's SHA-256), so signing out or idling past the limit ends it
for good, even if someone kept a copy of the cookie. The signing key lives in
`<home>/console-secret.key`, created on first start with owner-only permissions.
Every request re-reads the user, so a removed user or a changed role takes effect
at once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, redirect, request, session, url_for

from bots.config import Settings
from bots.runtime.kv import kv_delete, kv_get, kv_items, kv_put

log = logging.getLogger(__name__)

ROLES = ("viewer", "operator", "admin")
WINDOW = 900  # failed sign-ins older than this (seconds) no longer count
MAX_TRACKED = 10_000
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC_ENDPOINTS = ("auth.login", "static")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def secret_key(home: Path) -> bytes:
    """The session signing key, created once per O2C_HOME."""
    path = home / "console-secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


SESSIONS = "console.sessions"
TOUCH_EVERY_SECONDS = 30


class SessionStore:
    """Server-side sessions: created at sign-in, ended at sign-out or when idle."""

    def __init__(self, settings: Settings, idle_minutes: int) -> None:
        self.settings = settings
        self.idle_seconds = idle_minutes * 60

    @staticmethod
    def _key(sid: str) -> str:
        return hashlib.sha256(sid.encode()).hexdigest()

    def create(self, user: str) -> str:
        self._forget_idle()
        sid = secrets.token_urlsafe(32)
        now = time.time()
        kv_put(
            self.settings,
            SESSIONS,
            self._key(sid),
            {"user": user, "created": now, "seen": now},
        )
        return sid

    def touch(self, sid: str) -> str | None:
        """The session's user if it is alive (and note it was used), else None."""
        key = self._key(sid)
        record = kv_get(self.settings, SESSIONS, key)
        now = time.time()
        if not isinstance(record, dict):
            return None
        if now - float(record.get("seen", 0)) > self.idle_seconds:
            kv_delete(self.settings, SESSIONS, key)
            return None
        if now - float(record["seen"]) > TOUCH_EVERY_SECONDS:
            kv_put(self.settings, SESSIONS, key, {**record, "seen": now})
        return str(record.get("user") or "") or None

    def end(self, sid: str) -> None:
        kv_delete(self.settings, SESSIONS, self._key(sid))

    def _forget_idle(self) -> None:
        now = time.time()
        for key, record in kv_items(self.settings, SESSIONS).items():
            seen = record.get("seen", 0) if isinstance(record, dict) else 0
            if now - float(seen) > self.idle_seconds:
                kv_delete(self.settings, SESSIONS, key)


def csrf_token() -> str:
    """The CSRF token of the current session (created on first use)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def check_csrf() -> None:
    """Abort with 403 unless a state-changing request carries the session's token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        log.warning(
            "refused %s %s: missing or wrong CSRF token", request.method, request.path
        )
        abort(
            403,
            description="The form has expired or did not come from the "
            "console. Reload the page and try again.",
        )


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def require_role(needed: str) -> Callable:
    """A view decorator: 403 unless the signed-in user has at least `needed`."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None or not role_at_least(user.role, needed):
                abort(403, description=f"This needs the {needed} role.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


@dataclass
class Throttle:
    """Failed logins per (user, address): after `limit` failures, a lockout."""

    limit: int
    lockout_seconds: int

    def __post_init__(self) -> None:
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._locked_until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def seconds_locked(self, key: tuple[str, str]) -> int:
        with self._lock:
            until = self._locked_until.get(key, 0.0)
        remaining = until - time.monotonic()
        return int(remaining) + 1 if remaining > 0 else 0

    def failed(self, key: tuple[str, str]) -> int:
        """Record a failure; the lockout in seconds it caused (0 if none)."""
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > MAX_TRACKED:
                self._forget_stale(now)
            recent = [t for t in self._failures.get(key, []) if now - t < WINDOW]
            recent.append(now)
            self._failures[key] = recent
            if len(recent) >= self.limit:
                self._failures[key] = []
                self._locked_until[key] = now + self.lockout_seconds
                return self.lockout_seconds
        return 0

    def _forget_stale(self, now: float) -> None:
        for known, times in list(self._failures.items()):
            if not times or now - times[-1] >= WINDOW:
                del self._failures[known]
        for known, until in list(self._locked_until.items()):
            if until <= now:
                del self._locked_until[known]

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)


def install(app: Flask, load_user: Callable[[str], Any], store: SessionStore) -> None:
    """Wire session checks, CSRF and headers into every request of `app`."""

    @app.before_request
    def _guard() -> Response | None:
        check_csrf()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        sid = session.get("sid")
        name = store.touch(sid) if sid else None
        user = load_user(name) if name else None
        if user is None:
            if sid:
                log.info("session ended (signed out, idle or user removed)")
            session.pop("sid", None)
            if request.method not in SAFE_METHODS:
                abort(403, description="Your session has ended. Sign in again.")
            target = request.full_path.rstrip("?")
            return redirect(url_for("auth.login", next=target), 303)
        g.user = user
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["role_at_least"] = role_at_least

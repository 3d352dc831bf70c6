"""Sessions, CSRF tokens, roles, login throttling and security headers.

The console keeps its session in Flask's signed cookie (HttpOnly, SameSite=Lax);
the signing key lives in `<home>/console-secret.key`, created on first start with
owner-only permissions. Every request re-reads the user from the database, so a
removed user or a changed role takes effect at once.
"""

from __future__ import annotations

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


def install(app: Flask, load_user: Callable[[str], Any], idle_minutes: int) -> None:
    """Wire session checks, CSRF and headers into every request of `app`."""
    idle_seconds = idle_minutes * 60

    @app.before_request
    def _guard() -> Response | None:
        check_csrf()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        name = session.get("user")
        seen = session.get("seen", 0)
        user = load_user(name) if name else None
        if user is None or time.time() - seen > idle_seconds:
            if name:
                log.info("session of %s ended (idle or user removed)", name)
            session.pop("user", None)
            if request.method not in SAFE_METHODS:
                abort(403, description="Your session has ended. Sign in again.")
            target = request.full_path.rstrip("?")
            return redirect(url_for("auth.login", next=target), 303)
        session["seen"] = int(time.time())
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

"""Sessions, CSRF tokens and the admin JSON API shared by both sandbox portals.

A portal logs its supplier in with a user from `sandbox/credentials.py`, keeps the
session in a signed cookie of its own name (the portals and the ERP share the host
127.0.0.1, and cookies do not tell ports apart), ends it after the chaos session
lifetime of inactivity, and refuses any POST without the session's CSRF token. The admin
API (`/admin/api/...`) answers only on loopback and is for tests and the demo.
"""

from __future__ import annotations

import functools
import hmac
import logging
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, request, session
from markupsafe import Markup

from sandbox.chaos import Chaos, skin_id
from sandbox.portal_a.store import PostingError, PoStore

log = logging.getLogger(__name__)

CSRF_FIELDS = ("_csrf", "TOKEN")
CSRF_HEADER = "X-CSRF-Token"
EXEMPT_PREFIXES = ("/admin", "/chaos", "/static")


def configure(app: Flask, cookie_name: str, bad_token: Callable[[], Response]) -> None:
    """Give `app` its own session cookie and refuse POSTs without a valid token."""
    app.secret_key = secrets.token_hex(32)
    app.config.update(SESSION_COOKIE_NAME=cookie_name, SESSION_COOKIE_SAMESITE="Lax")
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check_csrf() -> Response | None:
        if request.method != "POST" or request.path.startswith(EXEMPT_PREFIXES):
            return None
        sent = request.headers.get(CSRF_HEADER) or next(
            (request.form[f] for f in CSRF_FIELDS if f in request.form), ""
        )
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(str(sent), expected):
            log.info("refused a POST to %s without a valid CSRF token", request.path)
            return bad_token()
        return None


def skinned_css(path: Path, chaos: Chaos) -> Markup:
    """A stylesheet whose `.@name` / `#@name` tokens are spelled the current skin's way."""
    return Markup(_skinned_css(path, chaos.skin))


@functools.lru_cache(maxsize=16)
def _skinned_css(path: Path, skin: int) -> str:
    probe = Chaos(skin=skin)
    return TOKEN.sub(lambda m: m[1] + skin_id(probe, m[2]), path.read_text("utf-8"))


TOKEN = re.compile(r"([.#])@([A-Za-z0-9_-]+)")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def log_in(user: str) -> None:
    session["user"] = user
    session["seen"] = time.time()


def log_out() -> None:
    session.pop("user", None)
    session.pop("seen", None)


def current_user(chaos: Chaos) -> tuple[str | None, bool]:
    """(user, expired): the logged-in user, or None and whether a session timed out."""
    user = session.get("user")
    if not user:
        return None, False
    if time.time() - float(session.get("seen", 0)) > chaos.session_ttl_seconds:
        log_out()
        return None, True
    session["seen"] = time.time()
    return user, False


def admin_blueprint(store: Callable[[], PoStore]) -> Blueprint:
    """`/admin/api/purchase-orders` (create, list, read) and `/admin/api/reset`."""
    bp = Blueprint("portal_admin", __name__)

    @bp.before_request
    def _loopback_only() -> None:
        if request.remote_addr not in ("127.0.0.1", "::1"):
            abort(403)

    @bp.post("/admin/api/purchase-orders")
    def create() -> tuple[Response, int]:
        data: Any = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error="send the purchase order as a JSON object"), 400
        try:
            return jsonify(store().create(data)), 201
        except PostingError as exc:
            return jsonify(error=exc.message), exc.status

    @bp.get("/admin/api/purchase-orders")
    def listing() -> Response:
        return jsonify(store().list())

    @bp.get("/admin/api/purchase-orders/<po_number>")
    def read(po_number: str) -> tuple[Response, int]:
        order = store().find(po_number)
        if order is None:
            return jsonify(error=f"Purchase order {po_number} was not found."), 404
        return jsonify(order), 200

    @bp.post("/admin/api/reset")
    def reset() -> Response:
        store().reset()
        return jsonify(ok=True)

    return bp

"""Sign in and sign out, with failed logins throttled per user and address."""

from __future__ import annotations

import logging
import secrets

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from bots.console import users
from bots.console.security import Throttle

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes to the overview."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("overview.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", error=None, username="", next_url=next_url)
    settings = current_app.config["O2C_SETTINGS"]
    throttle: Throttle = current_app.config["O2C_THROTTLE"]
    name = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    key = (name.lower(), request.remote_addr or "")
    locked = throttle.seconds_locked(key)
    if locked:
        return _refused(name, next_url, _locked_message(locked), 429)
    user = users.authenticate(settings, name, password) if name else None
    if user is None:
        lockout = throttle.failed(key)
        log.warning("failed login for %r from %s", name, key[1])
        users.audit(settings, name or "(empty)", "login.failed", key[1])
        if lockout:
            return _refused(name, next_url, _locked_message(lockout), 429)
        return _refused(name, next_url, "Wrong user name or password.", 401)
    throttle.succeeded(key)
    session.clear()
    session["sid"] = current_app.config["O2C_SESSIONS"].create(user.name)
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True
    users.audit(settings, user.name, "login", key[1])
    log.info("%s signed in from %s", user.name, key[1])
    return redirect(_safe_next(next_url), 303)


def _locked_message(seconds: int) -> str:
    return (
        f"Too many failed sign-ins. Sign-in for this user is locked for "
        f"{seconds} seconds; try again after that."
    )


def _refused(name: str, next_url: str, error: str, code: int) -> tuple[str, int]:
    page = render_template("login.html", error=error, username=name, next_url=next_url)
    return page, code


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    settings = current_app.config["O2C_SETTINGS"]
    sid = session.get("sid")
    if sid:
        current_app.config["O2C_SESSIONS"].end(sid)
    session.clear()
    users.audit(settings, g.user.name, "logout")
    return redirect(url_for("auth.login"), 303)

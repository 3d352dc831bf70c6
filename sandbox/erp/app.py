"""The sandbox legacy ERP ("SAGA/400 ERP 4.2"): a Flask app of server-rendered screens.

`create_app(state_path, chaos)` builds the app over its own SQLite state file (seeded on
first use); `reset_state(state_path)` restores the seed. The screens - login, the
frameset with its menu, order entry, order search and status, customers and items,
open items with the Excel export, cash application - are described in
notes/erp-contract.md and their locators in selectors/sandbox-erp.yaml. Sessions
expire after `chaos.session_ttl_seconds` of inactivity; every form carries a CSRF
token; `/admin` (warehouse moves, JSON endpoints, chaos) answers only on loopback.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import sqlite3
import time
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
)
from markupsafe import Markup, escape

from sandbox.chaos import Chaos, install_chaos
from sandbox.credentials import ERP_USERS
from sandbox.erp import db, forms

log = logging.getLogger(__name__)

APP_NAME = "SAGA/400 ERP"
VERSION = "4.2"
BUILD = "4.2.0 (build 2231)"
PUBLIC_PATHS = ("/login", "/chaos/", "/favicon.ico")
LOOPBACK = ("127.0.0.1",)


class SecurityTokenError(Exception):
    """A state-changing request without a valid CSRF token."""


def create_app(state_path: Path, chaos: Chaos, *, reset: bool = False) -> Flask:
    """The ERP app over the state file at `state_path` (seeded when new or `reset`)."""
    state_path = Path(state_path)
    if reset or not db.is_seeded(state_path):
        db.reset(state_path)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_NAME="SAGA400SESSION",
        SESSION_COOKIE_SAMESITE="Lax",
        ERP_STATE_PATH=state_path,
    )
    install_chaos(app, chaos)
    app.before_request(_guard)
    app.teardown_appcontext(_close_db)
    app.context_processor(_template_globals)
    app.jinja_env.filters["money"] = forms.money
    app.jinja_env.filters["qty"] = forms.quantity
    app.register_error_handler(SecurityTokenError, _bad_token)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(403, _forbidden)

    from sandbox.erp import admin, ar, master, orders

    app.register_blueprint(shell)
    for module in (orders, master, ar, admin):
        app.register_blueprint(module.bp)
    return app


def reset_state(state_path: Path) -> None:
    """Restore the seed data in the state file at `state_path`."""
    db.reset(Path(state_path))


# --- request plumbing ----------------------------------------------------------------


def conn() -> sqlite3.Connection:
    """This request's connection to the state file."""
    if "erp_db" not in g:
        g.erp_db = db.connect(current_app.config["ERP_STATE_PATH"])
    return g.erp_db


def _close_db(_exc: BaseException | None) -> None:
    connection = g.pop("erp_db", None)
    if connection is not None:
        connection.close()


def chaos() -> Chaos:
    return current_app.extensions["chaos"]


def _guard() -> Response | None:
    path = request.path
    if path.startswith("/static"):
        return None
    if path.startswith("/admin"):
        if request.remote_addr not in LOOPBACK:
            abort(403)
        return None
    if path.startswith(PUBLIC_PATHS):
        return None
    user = session.get("user")
    if not user:
        return redirect("/login", code=303)
    if time.time() - session.get("last_seen", 0) > chaos().session_ttl_seconds:
        log.info("session of %s expired", user)
        _new_session()
        return redirect("/login?expired=1", code=303)
    session["last_seen"] = time.time()
    if request.method == "POST":
        check_token(request.form.get("csrf_token", ""))
    return None


def check_token(token: str) -> None:
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, token or ""):
        raise SecurityTokenError()


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _new_session(**values: Any) -> None:
    dismissed = session.get("chaos_dismissed")
    session.clear()
    if dismissed is not None:
        session["chaos_dismissed"] = dismissed
    session.update(values)


def _template_globals() -> dict[str, Any]:
    return {
        "csrf_field": lambda: Markup(
            f'<input type="hidden" name="csrf_token" value="{escape(csrf_token())}">'
        ),
        "csrf_token": csrf_token,
        "user": session.get("user", ""),
        "today": date.today(),
        "app_name": APP_NAME,
        "version": VERSION,
        "build": BUILD,
    }


def _bad_token(_error: SecurityTokenError) -> tuple[str, int]:
    return render_template(
        "message.html",
        title="Security check failed",
        code="SYS400",
        heading="Invalid or missing security token",
        text="The form was not sent from this session. Open the "
        "screen again and repeat the entry.",
    ), 400


def _not_found(_error: Exception) -> tuple[str, int]:
    return render_template(
        "message.html",
        title="Not found",
        code="SYS404",
        heading="Record or screen not found",
        text=f"Nothing exists at {request.path}.",
    ), 404


def _forbidden(_error: Exception) -> tuple[str, int]:
    return render_template(
        "message.html",
        title="Forbidden",
        code="SYS403",
        heading="Access denied",
        text="This function is available on the server console only.",
    ), 403


# --- login, frameset, menu -----------------------------------------------------------

shell = Blueprint("shell", __name__)


@shell.get("/")
def index() -> Response:
    return redirect("/main" if session.get("user") else "/login", code=303)


@shell.get("/favicon.ico")
def favicon() -> Response:
    return Response(status=204)


@shell.get("/login")
def login_form() -> str:
    return render_template(
        "login.html", expired=request.args.get("expired") == "1", error="", username=""
    )


@shell.post("/login")
def login() -> Response | str:
    check_token(request.form.get("csrf_token", ""))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    expected = ERP_USERS.get(username)
    if expected is None or not hmac.compare_digest(expected, password):
        log.info("failed login for %r", username)
        return render_template(
            "login.html",
            expired=False,
            username=username,
            error="Invalid user name or password",
        )
    _new_session(user=username, last_seen=time.time(), csrf=secrets.token_urlsafe(24))
    log.info("user %s logged in", username)
    return redirect("/main", code=303)


@shell.get("/logout")
def logout() -> Response:
    _new_session()
    return redirect("/login", code=303)


@shell.get("/main")
def main() -> str:
    return render_template("main.html")


@shell.get("/menu")
def menu() -> str:
    return render_template("menu.html")


@shell.get("/welcome")
def welcome() -> str:
    connection = conn()
    counts = {
        "open_orders": connection.execute(
            "SELECT COUNT(*) FROM orders WHERE status='open'"
        ).fetchone()[0],
        "open_items": connection.execute(
            "SELECT COUNT(*) FROM invoices WHERE CAST(open_amount AS REAL) > 0"
        ).fetchone()[0],
        "payments": connection.execute("SELECT COUNT(*) FROM payments").fetchone()[0],
    }
    return render_template("welcome.html", counts=counts)

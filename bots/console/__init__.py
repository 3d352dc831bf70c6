"""The operator console: a small Flask app where clerks clear the exception queue,
watch runs and launch bots.

`create_app(settings)` builds the app; `o2c console` serves it. Everything it shows
comes from the runtime's database; every change to a work item goes through the
runtime's `WorkQueue` so the item's history names the user, and every action is
written to the audit log as well.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, g, render_template
from werkzeug.exceptions import HTTPException

from bots.config import Settings
from bots.console import security, store, users
from bots.console.formatting import install_filters
from bots.console.views import auth, files, items, overview, runs, schedules
from bots.console.views import users as users_view

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Flask:
    """The console for the database and artifacts of `settings`."""
    store.prepare(settings)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=security.secret_key(settings.home),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="o2c_console",
        PERMANENT_SESSION_LIFETIME=timedelta(
            minutes=settings.console.session_idle_minutes
        ),
        MAX_CONTENT_LENGTH=2_000_000,
        O2C_SETTINGS=settings,
        O2C_THROTTLE=security.Throttle(
            settings.console.login_max_failures,
            settings.console.login_lockout_seconds,
        ),
    )
    sessions = security.SessionStore(settings, settings.console.session_idle_minutes)
    app.config["O2C_SESSIONS"] = sessions
    security.install(app, lambda name: users.find_user(settings, name), sessions)
    install_filters(app, settings)
    for blueprint in (
        auth.bp,
        overview.bp,
        items.bp,
        files.bp,
        runs.bp,
        schedules.bp,
        users_view.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _error_page)
    app.context_processor(lambda: _nav_context(settings))
    return app


def _nav_context(settings: Settings) -> dict[str, Any]:
    if g.get("user") is None:
        return {}
    return {"nav_exceptions": store.exception_count(settings)}


def _error_page(error: HTTPException) -> Any:
    if error.code is not None and error.code < 400:
        return error
    body = render_template(
        "error.html",
        code=error.code,
        title=error.name,
        description=error.description,
    )
    return body, error.code or 500

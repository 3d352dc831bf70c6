"""Schedules (next fire times, pause and resume, admins only) and launching a bot
now (operators and admins)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)

from bots.console import schedules, users
from bots.console.security import require_role
from bots.flows import BOTS

log = logging.getLogger(__name__)

bp = Blueprint("schedules", __name__)


@bp.route("/schedules")
def index() -> str:
    settings = current_app.config["O2C_SETTINGS"]
    return render_template(
        "schedules.html",
        schedules=schedules.overview(settings),
        bots=list(BOTS),
        now=datetime.now(UTC),
    )


@bp.route("/schedules/<name>/<action>", methods=["POST"])
@require_role("admin")
def toggle(name: str, action: str) -> Response:
    settings = current_app.config["O2C_SETTINGS"]
    if action not in ("pause", "resume"):
        abort(404)
    known = {entry.name for entry in schedules.overview(settings)}
    if name not in known:
        abort(404, description=f"There is no schedule '{name}'.")
    schedules.set_paused(settings, name, action == "pause", g.user.name)
    users.audit(settings, g.user.name, f"schedule.{action}", name)
    flash(f"Schedule {name} {'paused' if action == 'pause' else 'resumed'}.", "ok")
    return redirect(url_for("schedules.index"), 303)

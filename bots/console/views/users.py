"""Console users, for admins: list, add and remove."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from bots.console import users
from bots.console.security import require_role

log = logging.getLogger(__name__)

bp = Blueprint("users", __name__)


@bp.route("/users")
@require_role("admin")
def index() -> str:
    settings = current_app.config["O2C_SETTINGS"]
    return render_template(
        "users.html", users=users.list_users(settings), roles=users.ROLES
    )


@bp.route("/users/add", methods=["POST"])
@require_role("admin")
def add() -> Response:
    settings = current_app.config["O2C_SETTINGS"]
    try:
        users.add_user(
            settings,
            request.form.get("name", "").strip(),
            request.form.get("role", ""),
            request.form.get("password", ""),
            actor=g.user.name,
        )
    except users.UserError as exc:
        flash(exc.message, "error")
    else:
        flash("User added.", "ok")
    return redirect(url_for("users.index"), 303)


@bp.route("/users/remove", methods=["POST"])
@require_role("admin")
def remove() -> Response:
    settings = current_app.config["O2C_SETTINGS"]
    name = request.form.get("name", "")
    if name == g.user.name:
        flash("You cannot remove yourself.", "error")
        return redirect(url_for("users.index"), 303)
    try:
        users.remove_user(settings, name, actor=g.user.name)
    except users.UserError as exc:
        flash(exc.message, "error")
    else:
        flash(f"User {name} removed.", "ok")
    return redirect(url_for("users.index"), 303)

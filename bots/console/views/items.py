"""The exception list (filters, search, bulk actions) and an item's detail page
with its evidence, history and the operator's actions.

Every action goes through the runtime's `WorkQueue`, which records the user in the
item's history, and is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from bots.console import editing, evidence, store, users
from bots.console.security import require_role
from bots.errors import IllegalTransition, O2CError
from bots.runtime.queue import WorkQueue

log = logging.getLogger(__name__)

bp = Blueprint("items", __name__)

MAX_BULK = 500
KIND_EXPLAINED = {
    "business": "The data needs a decision by a person; the bot does not retry "
    "this by itself.",
    "technical": "A system failed and the automatic retries ran out; retry once "
    "the system works again.",
}


def _settings() -> Any:
    return current_app.config["O2C_SETTINGS"]


def _queue() -> WorkQueue:
    return WorkQueue(_settings())


@bp.route("/exceptions")
def exceptions() -> str:
    chosen = store.ItemFilter.from_args(request.args)
    return render_template(
        "exceptions.html",
        items=store.list_items(_settings(), chosen),
        chosen=chosen,
        facets=store.facets(_settings()),
        statuses=store.STATUSES,
        limit=store.LIST_LIMIT,
    )


@bp.route("/exceptions/bulk", methods=["POST"])
@require_role("operator")
def bulk() -> Response:
    action = request.form.get("action", "")
    ids = _selected_ids()
    back = request.form.get("back") or url_for("items.exceptions")
    if not ids:
        flash("Select at least one item first.", "error")
        return redirect(_same_site(back), 303)
    perform = _bulk_action(action)
    done, refused = 0, []
    for item_id in ids:
        try:
            perform(item_id)
            done += 1
        except (O2CError, editing.EditError) as exc:
            refused.append(f"#{item_id}: {exc}")
    _audit(
        f"bulk.{action}",
        ",".join(str(i) for i in ids),
        {"done": done, "refused": refused},
    )
    flash(f"{action.capitalize()}: {done} item(s) done.", "ok")
    if refused:
        flash("Not changed: " + "; ".join(refused[:10]), "error")
    return redirect(_same_site(back), 303)


def _selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("ids")[:MAX_BULK]:
        if raw.isdigit():
            ids.append(int(raw))
    return ids


def _bulk_action(action: str) -> Callable[[int], Any]:
    queue, user = _queue(), g.user.name
    if action == "retry":
        return lambda item_id: queue.retry(item_id, user)
    if action == "assign":
        assignee = request.form.get("assignee", "").strip() or user
        return lambda item_id: queue.assign(item_id, user, assignee)
    if action == "discard":
        reason = request.form.get("reason", "").strip()
        if not reason:
            abort(400, description="Give a reason to discard items.")
        return lambda item_id: queue.discard(item_id, user, reason)
    abort(400, description="Unknown bulk action.")


def _same_site(target: str) -> str:
    if target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("items.exceptions")


def _audit(action: str, target: str, details: dict[str, Any] | None = None) -> None:
    users.audit(_settings(), g.user.name, action, target, details)


def _load(item_id: int) -> dict[str, Any]:
    try:
        item = _queue().get(item_id)
    except (LookupError, O2CError):
        item = None
    if not item:
        abort(404, description=f"There is no work item {item_id}.")
    return item


@bp.route("/items/<int:item_id>")
def detail(item_id: int) -> str:
    item = _load(item_id)
    queue = _queue()
    files = queue.files(item_id)
    return render_template(
        "item.html",
        item=item,
        explained=KIND_EXPLAINED.get(item.get("error_kind") or "", ""),
        shown=evidence.arrange(_settings(), files),
        history=queue.history(item_id),
        po=editing.po_form(item.get("payload") or {}),
        candidates=[
            (index, editing.candidate_label(c), c)
            for index, c in enumerate(editing.candidates_of(item))
        ],
        summary=store.summarize_payload(item.get("payload") or {}),
    )


def _act(item_id: int, action: str, perform: Callable[[], Any], done: str) -> Response:
    try:
        perform()
    except IllegalTransition as exc:
        flash(f"Not possible: {exc}", "error")
        return redirect(url_for("items.detail", item_id=item_id), 303)
    except editing.EditError as exc:
        flash(f"Not retried: {exc}", "error")
        return redirect(url_for("items.detail", item_id=item_id), 303)
    _audit(action, f"item {item_id}", _audit_details())
    flash(done, "ok")
    return redirect(url_for("items.detail", item_id=item_id), 303)


def _audit_details() -> dict[str, Any]:
    keep = ("note", "reason", "assignee", "choice")
    return {k: request.form[k] for k in keep if request.form.get(k)}


@bp.route("/items/<int:item_id>/retry", methods=["POST"])
@require_role("operator")
def retry(item_id: int) -> Response:
    _load(item_id)
    user = g.user.name
    return _act(
        item_id,
        "item.retry",
        lambda: _queue().retry(item_id, user),
        "Sent back to the bot for another attempt.",
    )


@bp.route("/items/<int:item_id>/correct", methods=["POST"])
@require_role("operator")
def correct(item_id: int) -> Response:
    item = _load(item_id)
    user = g.user.name

    def perform() -> None:
        payload = editing.apply_po_form(item.get("payload") or {}, request.form)
        _queue().retry(item_id, user, payload=payload)

    return _act(
        item_id,
        "item.correct_and_retry",
        perform,
        "Corrected and sent back to the bot.",
    )


@bp.route("/items/<int:item_id>/apply", methods=["POST"])
@require_role("operator")
def apply(item_id: int) -> Response:
    item = _load(item_id)
    user = g.user.name

    def perform() -> None:
        payload = editing.apply_candidate(
            item.get("payload") or {},
            editing.candidates_of(item),
            request.form.get("choice", ""),
        )
        _queue().retry(item_id, user, payload=payload)

    return _act(
        item_id,
        "item.apply_and_retry",
        perform,
        "Application chosen; the bot will post it.",
    )


@bp.route("/items/<int:item_id>/payload", methods=["POST"])
@require_role("operator")
def edit_payload(item_id: int) -> Response:
    _load(item_id)
    user = g.user.name

    def perform() -> None:
        payload = editing.parse_payload_json(request.form.get("payload", ""))
        _queue().retry(item_id, user, payload=payload)

    return _act(
        item_id,
        "item.edit_and_retry",
        perform,
        "Payload changed and sent back to the bot.",
    )


@bp.route("/items/<int:item_id>/resolve", methods=["POST"])
@require_role("operator")
def resolve(item_id: int) -> Response:
    _load(item_id)
    note = request.form.get("note", "").strip()
    if not note:
        flash("Write a note saying how you finished it.", "error")
        return redirect(url_for("items.detail", item_id=item_id), 303)
    user = g.user.name
    return _act(
        item_id,
        "item.resolve",
        lambda: _queue().resolve(item_id, user, note),
        "Marked as resolved.",
    )


@bp.route("/items/<int:item_id>/discard", methods=["POST"])
@require_role("operator")
def discard(item_id: int) -> Response:
    _load(item_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash("Give a reason to discard it.", "error")
        return redirect(url_for("items.detail", item_id=item_id), 303)
    user = g.user.name
    return _act(
        item_id,
        "item.discard",
        lambda: _queue().discard(item_id, user, reason),
        "Discarded.",
    )


@bp.route("/items/<int:item_id>/assign", methods=["POST"])
@require_role("operator")
def assign(item_id: int) -> Response:
    _load(item_id)
    user = g.user.name
    assignee = request.form.get("assignee", "").strip() or user
    return _act(
        item_id,
        "item.assign",
        lambda: _queue().assign(item_id, user, assignee),
        f"Assigned to {assignee}.",
    )

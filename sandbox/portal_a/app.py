"""Customer portal A: Northwind Retail's "Supplier Hub", a newer JavaScript portal.

The supplier signs in, accepts the cookie banner, finds a purchase order in a table the
browser renders from JSON, and posts an acknowledgment, a ship notice or a delay notice
through modal dialogs that send JSON with fetch(). State: one SQLite file
(`sandbox.portal_a.store`). Screens and ids: `selectors/portal-a.yaml`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, redirect, render_template, request, url_for

from sandbox.chaos import Chaos, install_chaos, skin_id
from sandbox.credentials import PORTAL_A_CUSTOMER, PORTAL_A_USERS
from sandbox.portal_a import common, seed
from sandbox.portal_a.store import PostingError, PoStore, parse_decimal

log = logging.getLogger(__name__)

COOKIE_NAME = "nwhub_session"
CSS = Path(__file__).with_name("static") / "hub.css"
# Ids and classes the browser script creates; it gets their skinned names from the page.
SCRIPT_NAMES = (
    "po-row",
    "po-number",
    "po-link",
    "po-date",
    "po-requested",
    "po-status",
    "po-total",
    "status-badge",
    "line-row",
    "line-no",
    "line-sku",
    "line-desc",
    "line-qty",
    "line-uom",
    "line-price",
    "line-shipped",
    "comm-item",
    "comm-type",
    "comm-date",
    "comm-field",
    "comm-value",
    "comm-fields",
    "toast",
    "toast-success",
    "toast-info",
    "toast-error",
    "ship-qty",
    "po-empty",
    "po-table",
    "po-tbody",
    "po-search",
    "po-pager",
    "po-page-info",
    "po-next",
    "po-prev",
    "po-detail",
    "po-not-found",
    "po-shipto",
    "po-buyer",
    "po-lines",
    "comms",
    "toasts",
    "modal-error",
    "modal-ack",
    "modal-ship",
    "modal-delay",
    "action-ack",
    "action-ship",
    "action-delay",
    "ack-order-number",
    "ack-confirmed-date",
    "ship-carrier",
    "ship-tracking",
    "ship-date",
    "delay-date",
    "delay-reason",
    "ship-lines",
    "cookie-consent",
    "cookie-accept",
    "cookie-essential",
    "comms-empty",
)


def create_app(state_path: Path, chaos: Chaos, *, reset: bool = False) -> Flask:
    """The portal A web app with its state in `state_path` (seeded on first use)."""
    app = Flask(__name__)
    store = _store(state_path)
    if reset:
        store.reset()
    app.extensions["portal_store"] = store
    install_chaos(app, chaos)
    common.configure(app, COOKIE_NAME, _bad_token)
    app.register_blueprint(common.admin_blueprint(lambda: store))

    @app.context_processor
    def _globals() -> dict[str, Any]:
        skin = {name: skin_id(chaos, name) for name in SCRIPT_NAMES}
        return {
            "skin_map": skin,
            "consented": "nw_cookie_consent" in request.cookies,
            "skin_css": common.skinned_css(CSS, chaos),
        }

    _pages(app, chaos)
    _api(app, chaos, store)
    return app


def reset_state(state_path: Path) -> None:
    """Restore portal A's seed purchase orders (drops everything posted)."""
    _store(state_path).reset()


def _store(state_path: Path) -> PoStore:
    return PoStore(Path(state_path), PORTAL_A_CUSTOMER, seed.purchase_orders)


def _bad_token() -> Response:
    if request.path.startswith("/api/"):
        return Response(
            '{"error": "Invalid or missing security token."}',
            400,
            mimetype="application/json",
        )
    return Response(
        render_template(
            "message.html",
            title="Security check failed",
            text="Invalid or missing security token. Reload the page and try again.",
        ),
        400,
    )


def _login_page(chaos: Chaos, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        user, expired = common.current_user(chaos)
        if user is None:
            return redirect(url_for("signin", expired=1 if expired else None), 303)
        return view(user=user, **kwargs)

    return wrapper


def _login_api(chaos: Chaos, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        user, expired = common.current_user(chaos)
        if user is None:
            message = "Your session has expired." if expired else "Please sign in."
            return jsonify(error=message, login="/signin?expired=1"), 401
        return view(user=user, **kwargs)

    return wrapper


def _pages(app: Flask, chaos: Chaos) -> None:
    @app.get("/")
    def home() -> Response:
        user, _ = common.current_user(chaos)
        return redirect("/app/orders" if user else "/signin", 302)

    @app.route("/signin", methods=["GET", "POST"])
    def signin() -> Any:
        error = ""
        if request.method == "POST":
            user = request.form.get("identifier", "").strip()
            password = request.form.get("secret", "")
            if user in PORTAL_A_USERS and PORTAL_A_USERS[user] == password:
                common.log_in(user)
                log.info("portal A: %s signed in", user)
                return redirect("/app/orders", 303)
            error = "Incorrect username or password."
        expired = request.args.get("expired") == "1"
        status = 401 if error else 200
        return render_template("signin.html", error=error, expired=expired), status

    @app.post("/signout")
    def signout() -> Response:
        common.log_out()
        return redirect("/signin", 303)

    @app.get("/app/orders")
    @functools.partial(_login_page, chaos)
    def orders(user: str) -> str:
        return render_template("orders.html", user=user)

    @app.get("/app/orders/<po_number>")
    @functools.partial(_login_page, chaos)
    def order_detail(user: str, po_number: str) -> str:
        return render_template("detail.html", user=user, po_number=po_number)


def _api(app: Flask, chaos: Chaos, store: PoStore) -> None:
    api = "/api/v1/purchase-orders"

    @app.get(api)
    @functools.partial(_login_api, chaos)
    def api_list(user: str) -> Response:
        return jsonify(items=[_summary(order) for order in store.list()])

    @app.get(f"{api}/<po_number>")
    @functools.partial(_login_api, chaos)
    def api_detail(user: str, po_number: str) -> Any:
        order = store.find(po_number)
        if order is None:
            return jsonify(error=f"Purchase order {po_number} was not found."), 404
        return jsonify(camel(order))

    @app.post(f"{api}/<po_number>/acknowledgements")
    @functools.partial(_login_api, chaos)
    def api_ack(user: str, po_number: str) -> Any:
        return _posting(
            store,
            po_number,
            lambda body: store.acknowledge(
                po_number,
                str(body.get("orderNumber") or ""),
                _date(body.get("confirmedDate"), "confirmed date"),
                user,
            ),
        )

    @app.post(f"{api}/<po_number>/ship-notices")
    @functools.partial(_login_api, chaos)
    def api_ship(user: str, po_number: str) -> Any:
        return _posting(
            store,
            po_number,
            lambda body: store.ship_notice(
                po_number,
                str(body.get("carrier") or ""),
                str(body.get("trackingNumber") or ""),
                _date(body.get("shipDate"), "ship date"),
                _quantities(body),
                user,
            ),
        )

    @app.post(f"{api}/<po_number>/delay-notices")
    @functools.partial(_login_api, chaos)
    def api_delay(user: str, po_number: str) -> Any:
        return _posting(
            store,
            po_number,
            lambda body: store.delay_notice(
                po_number,
                _date(body.get("newDate"), "new delivery date"),
                str(body.get("reason") or ""),
                user,
            ),
        )


MESSAGES = {
    "acknowledgment": (
        "Order acknowledgment sent.",
        "This acknowledgment is already on file.",
    ),
    "ship_notice": (
        "Ship notice sent.",
        "A ship notice with this tracking number is already on file.",
    ),
    "delay_notice": ("Delay notice sent.", "This delay notice is already on file."),
}


def _posting(store: PoStore, po_number: str, post: Callable[[dict], Any]) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="The request could not be read."), 400
    try:
        posted = post(body)
    except PostingError as exc:
        return jsonify(error=exc.message), exc.status
    created, duplicate = MESSAGES[posted.communication["type"]]
    answer = {
        "result": "duplicate" if posted.duplicate else "created",
        "message": duplicate if posted.duplicate else created,
        "communication": camel(posted.communication),
        "purchaseOrder": camel(store.get(po_number)),
    }
    return jsonify(answer), 200 if posted.duplicate else 201


def _date(raw: Any, what: str) -> date:
    text = str(raw or "").strip()
    if not text:
        raise PostingError(f"Enter the {what}.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PostingError(f"The {what} '{text}' is not a valid date.") from None


def _quantities(body: dict[str, Any]) -> dict[int, Any]:
    lines = body.get("lines")
    if not isinstance(lines, list):
        raise PostingError("Enter the shipped quantities.")
    result = {}
    for item in lines:
        try:
            number = int(item.get("line"))
        except (TypeError, ValueError, AttributeError):
            raise PostingError("A shipped line has no line number.") from None
        result[number] = parse_decimal(item.get("quantity", ""), f"Line {number}")
    return result


def _summary(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "poNumber": order["po_number"],
        "poDate": order["po_date"],
        "requestedDate": order["requested_date"],
        "status": order["status"],
        "total": order["total"],
        "currency": order["currency"],
        "lineCount": len(order["lines"]),
        "skus": [line["sku"] for line in order["lines"]],
    }


def camel(value: Any) -> Any:
    """Plain data with snake_case keys turned into camelCase (the portal's JSON style)."""
    if isinstance(value, list):
        return [camel(v) for v in value]
    if isinstance(value, dict):
        return {_camel_key(k): camel(v) for k, v in value.items()}
    return value


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)

"""Customer portal B: Globex's "Vendor Self Service" 2.1, an old server-side portal.

Table layout, a frameset (banner / nav / main) and plain HTML forms - no JavaScript is
needed. The vendor logs on, searches a purchase order, and posts an order
acknowledgment, an advance ship notice or a delay notification on separate forms; the
answer comes back in the page. Dates are MM/DD/YYYY. State: one SQLite file
(`sandbox.portal_a.store`, shared with portal A). Ids: `selectors/portal-b.yaml`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask, Response, redirect, render_template, request, session

from sandbox.chaos import Chaos, install_chaos
from sandbox.credentials import PORTAL_B_CUSTOMER, PORTAL_B_USERS
from sandbox.portal_a import common
from sandbox.portal_a.store import (
    ACK,
    DELAY,
    SHIP,
    PostingError,
    PoStore,
    parse_decimal,
)
from sandbox.portal_b import seed

log = logging.getLogger(__name__)

COOKIE_NAME = "JSESSIONID"
CSS = Path(__file__).with_name("vss.css")
LOGON = "/vss/logon.do"
STATUS_TEXT = {
    "open": "OPEN",
    "acknowledged": "ACKNOWLEDGED",
    "delayed": "DELAYED",
    "partially_shipped": "PARTIALLY SHIPPED",
    "shipped": "SHIPPED",
}
TYPE_TEXT = {
    ACK: "ORDER ACKNOWLEDGMENT",
    SHIP: "ADVANCE SHIP NOTICE",
    DELAY: "DELAY NOTIFICATION",
}
REASON_CODES = {
    "01": "Material shortage",
    "02": "Production delay",
    "03": "Transport delay",
    "04": "Force majeure",
    "99": "Other",
}
SAVED = {
    ACK: "Order acknowledgment saved.",
    SHIP: "Advance ship notice saved.",
    DELAY: "Delay notification saved.",
}
ON_FILE = {
    ACK: "Acknowledgment already on file - no new document created.",
    SHIP: "Ship notice with this tracking number already on file - no new"
    " document created.",
    DELAY: "Delay notification already on file - no new document created.",
}


def item_no(line: int) -> str:
    """Globex numbers PO items 00010, 00020, ... (line 1, 2, ...)."""
    return f"{line * 10:05d}"


def create_app(state_path: Path, chaos: Chaos, *, reset: bool = False) -> Flask:
    """The portal B web app with its state in `state_path` (seeded on first use)."""
    app = Flask(__name__)
    store = _store(state_path)
    if reset:
        store.reset()
    app.extensions["portal_store"] = store
    install_chaos(app, chaos)
    common.configure(app, COOKIE_NAME, _bad_token)
    app.register_blueprint(common.admin_blueprint(lambda: store))
    app.jinja_env.filters.update(us_date=us_date, qty=qty, stamp=stamp)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "skin_css": common.skinned_css(CSS, chaos),
            "status_text": STATUS_TEXT,
            "type_text": TYPE_TEXT,
            "item_no": item_no,
            "details": details,
            "reason_codes": REASON_CODES,
        }

    _session_pages(app, chaos)
    _po_pages(app, chaos, store)
    return app


def reset_state(state_path: Path) -> None:
    """Restore portal B's seed purchase orders (drops everything posted)."""
    _store(state_path).reset()


def _store(state_path: Path) -> PoStore:
    return PoStore(
        Path(state_path),
        PORTAL_B_CUSTOMER,
        seed.purchase_orders,
        line_label=lambda n: f"Item {item_no(n)}",
    )


def _bad_token() -> Response:
    return Response(
        render_template(
            "message.html",
            title="Request rejected",
            error="Security token invalid or missing (VSS-0403). Please log on again.",
        ),
        400,
    )


def us_date(iso: str) -> str:
    return date.fromisoformat(iso[:10]).strftime("%m/%d/%Y")


def stamp(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%m/%d/%Y %H:%M:%S")


def qty(text: str) -> str:
    return f"{Decimal(text):.3f}"


def details(comm: dict[str, Any]) -> str:
    """One line describing a posted document, as the history table shows it."""
    f = comm["fields"]
    if comm["type"] == ACK:
        return (
            f"Sales order: {f['order_number']}; Confirmed date: "
            f"{us_date(f['confirmed_date'])}"
        )
    if comm["type"] == SHIP:
        quantities = ", ".join(
            f"{item_no(x['line'])}={qty(x['quantity'])}" for x in f["lines"]
        )
        return (
            f"Carrier: {f['carrier']}; Tracking no.: {f['tracking_number']}; "
            f"Ship date: {us_date(f['ship_date'])}; Quantities: {quantities}"
        )
    code = f.get("reason_code", "")
    reason = f"{code} {REASON_CODES.get(code, '')} - " if code else ""
    return f"New date: {us_date(f['new_date'])}; Reason: {reason}{f['reason']}"


def _logged_on(chaos: Chaos, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        user, expired = common.current_user(chaos)
        if user is None:
            return redirect(LOGON + ("?reason=timeout" if expired else ""), 303)
        return view(user=user, **kwargs)

    return wrapper


def _session_pages(app: Flask, chaos: Chaos) -> None:
    guard = functools.partial(_logged_on, chaos)

    @app.get("/")
    def home() -> Response:
        return redirect(LOGON, 302)

    @app.route(LOGON, methods=["GET", "POST"])
    def logon() -> Any:
        error = ""
        if request.method == "POST":
            user = request.form.get("USERID", "").strip()
            password = request.form.get("PASSWD", "")
            if PORTAL_B_USERS.get(user) == password and user:
                common.log_in(user)
                log.info("portal B: %s logged on", user)
                return redirect("/vss/main.do", 303)
            error = "E: User ID or password incorrect (VSS-0101)."
        if request.args.get("reason") == "timeout":
            error = "Your session has timed out. Please log on again."
        return render_template("logon.html", error=error), 401 if error else 200

    @app.get("/vss/logoff.do")
    def logoff() -> Response:
        common.log_out()
        return redirect(LOGON, 303)

    @app.get("/vss/main.do")
    @guard
    def main(user: str) -> str:
        return render_template("main.html")

    @app.get("/vss/banner.do")
    @guard
    def banner(user: str) -> str:
        return render_template("banner.html", user=user, today=date.today())

    @app.get("/vss/nav.do")
    @guard
    def nav(user: str) -> str:
        return render_template("nav.html", user=user)


def _po_pages(app: Flask, chaos: Chaos, store: PoStore) -> None:
    guard = functools.partial(_logged_on, chaos)

    @app.get("/vss/poSearch.do")
    @guard
    def po_search(user: str) -> str:
        number = request.args.get("PONUM", "").strip()
        status = request.args.get("STATUS", "ALL")
        rows = [
            o
            for o in store.list()
            if (not number or number in o["po_number"])
            and status in ("ALL", o["status"])
        ]
        return render_template("search.html", rows=rows, number=number, status=status)

    @app.get("/vss/poDetail.do")
    @guard
    def po_detail(user: str) -> Any:
        order = store.find(request.args.get("PONUM", ""))
        if order is None:
            return _not_found()
        message = session.pop("vss_msg", None)
        return render_template("detail.html", order=order, message=message)

    forms = {
        "/vss/poAck.do": ("ack.html", _post_ack),
        "/vss/poAsn.do": ("asn.html", _post_asn),
        "/vss/poDelay.do": ("delay.html", _post_delay),
    }
    for path, (template, post) in forms.items():
        app.add_url_rule(
            path,
            template.split(".")[0],
            guard(functools.partial(_posting_form, store, template, post)),
            methods=["GET", "POST"],
        )


def _not_found() -> tuple[str, int]:
    number = request.values.get("PONUM", "")
    return render_template(
        "message.html",
        title="Purchase order",
        error=f"Purchase order {number} was not found.",
    ), 404


def _posting_form(
    store: PoStore, template: str, post: Callable[..., Any], user: str
) -> Any:
    order = store.find(request.values.get("PONUM", ""))
    if order is None:
        return _not_found()
    if request.method == "GET":
        return render_template(template, order=order, form={}, error="")
    try:
        posted = post(store, order["po_number"], request.form, user)
    except PostingError as exc:
        return render_template(
            template, order=order, form=request.form, error=f"E: {exc.message}"
        ), 422
    kind = posted.communication["type"]
    session["vss_msg"] = (
        ("WARN", ON_FILE[kind]) if posted.duplicate else ("OK", SAVED[kind])
    )
    return redirect(f"/vss/poDetail.do?PONUM={order['po_number']}", 303)


def _us(raw: str, what: str) -> date:
    text = raw.strip()
    if not text:
        raise PostingError(f"Enter the {what}.")
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        raise PostingError(
            f"{what.capitalize()} '{text}': use the format MM/DD/YYYY."
        ) from None


def _post_ack(store: PoStore, po: str, form: Any, user: str) -> Any:
    return store.acknowledge(
        po,
        form.get("SO_NUMBER", ""),
        _us(form.get("CONF_DATE", ""), "confirmed date"),
        user,
    )


def _post_asn(store: PoStore, po: str, form: Any, user: str) -> Any:
    quantities: dict[int, Decimal] = {}
    for line in store.get(po)["lines"]:
        raw = form.get(f"SHIPQTY_{item_no(line['line'])}", "")
        quantities[line["line"]] = parse_decimal(raw, f"Item {item_no(line['line'])}")
    return store.ship_notice(
        po,
        form.get("CARRIER", ""),
        form.get("TRACKNO", ""),
        _us(form.get("SHIPDATE", ""), "ship date"),
        quantities,
        user,
    )


def _post_delay(store: PoStore, po: str, form: Any, user: str) -> Any:
    code = form.get("REASON_CODE", "99")
    if code not in REASON_CODES:
        raise PostingError(f"Reason code {code} is not valid.")
    return store.delay_notice(
        po,
        _us(form.get("NEWDATE", ""), "new delivery date"),
        form.get("REASON_TEXT", ""),
        user,
        reason_code=code,
    )

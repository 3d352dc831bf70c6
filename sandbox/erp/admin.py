"""Sandbox admin of the ERP (not for bots, loopback only): move sales orders through
their statuses the way the warehouse would (confirm, ship, backorder, cancel, and a
bulk backorder of every open order with a given item), reset the seed, and JSON
endpoints that tests and the demo loader use to set up and check the state."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)

from sandbox.erp import db, forms
from sandbox.erp.app import conn

log = logging.getLogger(__name__)

bp = Blueprint("admin", __name__)
TARGET_STATUSES = ("confirmed", "shipped", "backordered", "cancelled", "open")


class AdminError(ValueError):
    """A status change or invoice the admin endpoints refuse; the text says why."""


def set_status(
    connection: sqlite3.Connection, so_number: str, status: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Move one order to `status`; returns the updated order row as a dict."""
    order = connection.execute(
        "SELECT * FROM orders WHERE so_number=?", (so_number,)
    ).fetchone()
    if order is None:
        raise AdminError(f"sales order {so_number} does not exist")
    if status not in TARGET_STATUSES:
        raise AdminError(
            f"status {status!r} is not one of {', '.join(TARGET_STATUSES)}"
        )
    changes = _changes(order, status, fields)
    if status == "shipped":
        _ship_lines(connection, so_number, fields.get("quantities") or {})
    changes.update(status=status, updated_at=db.now_iso())
    assignments = ", ".join(f"{k}=?" for k in changes)
    connection.execute(
        f"UPDATE orders SET {assignments} WHERE so_number=?",
        [*changes.values(), so_number],
    )
    log.info("order %s -> %s", so_number, status)
    row = connection.execute(
        "SELECT * FROM orders WHERE so_number=?", (so_number,)
    ).fetchone()
    return dict(row)


def _changes(order: sqlite3.Row, status: str, fields: dict[str, Any]) -> dict[str, Any]:
    today = date.today().isoformat()
    changes: dict[str, Any] = {}
    if status in ("confirmed", "shipped"):
        changes["confirmed_date"] = (
            _date(fields, "confirmed_date") or order["confirmed_date"] or today
        )
        changes.update(backorder_date=None, reason="")
    if status == "shipped":
        carrier = str(fields.get("carrier") or "").strip()
        tracking = str(fields.get("tracking") or "").strip()
        if not carrier or not tracking:
            raise AdminError("shipping needs a carrier and a tracking number")
        changes.update(
            carrier=carrier,
            tracking=tracking,
            ship_date=_date(fields, "ship_date") or today,
        )
    if status == "backordered":
        new_date = _date(fields, "backorder_date")
        if not new_date:
            raise AdminError("a backorder needs a new date (backorder_date)")
        changes.update(
            backorder_date=new_date, reason=str(fields.get("reason") or "").strip()
        )
    if status == "cancelled":
        changes["reason"] = str(fields.get("reason") or "").strip()
    return changes


def _date(fields: dict[str, Any], key: str) -> str | None:
    text = str(fields.get(key) or "").strip()
    if not text:
        return None
    parsed = forms.parse_date(text)
    if parsed is None:
        raise AdminError(f"{key} {text!r} is not a date (YYYY-MM-DD)")
    return parsed.isoformat()


def _ship_lines(
    connection: sqlite3.Connection, so_number: str, quantities: dict[str, Any]
) -> None:
    lines = connection.execute(
        "SELECT line_no, quantity FROM order_lines WHERE so_number=?", (so_number,)
    ).fetchall()
    for line in lines:
        text = str(quantities.get(str(line["line_no"]), "")).strip()
        shipped = forms.parse_decimal(text) if text else Decimal(line["quantity"])
        if shipped is None or shipped < 0:
            raise AdminError(f"line {line['line_no']}: quantity {text!r} is not valid")
        connection.execute(
            "UPDATE order_lines SET shipped_qty=? WHERE so_number=? AND line_no=?",
            (str(shipped), so_number, line["line_no"]),
        )


def bulk_backorder(
    connection: sqlite3.Connection, item_no: str, new_date: str, reason: str
) -> list[str]:
    """Backorder every open or confirmed order that has a line for `item_no`."""
    rows = connection.execute(
        "SELECT DISTINCT o.so_number FROM orders o JOIN order_lines l USING (so_number)"
        " WHERE upper(l.item_no)=upper(?) AND o.status IN ('open', 'confirmed')"
        " ORDER BY o.so_number",
        (item_no,),
    ).fetchall()
    fields = {"backorder_date": new_date, "reason": reason}
    return [
        set_status(connection, r["so_number"], "backordered", fields)["so_number"]
        for r in rows
    ]


# --- HTML pages ---------------------------------------------------------------------------


@bp.get("/admin")
def admin_index() -> str:
    orders = conn().execute("SELECT * FROM orders ORDER BY so_number DESC").fetchall()
    return render_template(
        "admin.html",
        orders=orders,
        message=request.args.get("m", ""),
        default_date=(date.today() + timedelta(days=14)).isoformat(),
    )


@bp.get("/admin/orders/<so_number>")
def admin_order(so_number: str) -> str:
    order = (
        conn()
        .execute("SELECT * FROM orders WHERE so_number=?", (so_number,))
        .fetchone()
    )
    if order is None:
        return render_template(
            "message.html",
            title="Not found",
            code="ADM404",
            heading=f"Sales order {so_number} does not exist",
            text="",
        ), 404
    lines = (
        conn()
        .execute(
            "SELECT * FROM order_lines WHERE so_number=? ORDER BY line_no", (so_number,)
        )
        .fetchall()
    )
    return render_template(
        "admin_order.html",
        order=order,
        lines=lines,
        error=request.args.get("error", ""),
    )


@bp.post("/admin/orders/<so_number>/<status>")
def admin_move(so_number: str, status: str) -> Response:
    fields: dict[str, Any] = request.form.to_dict()
    fields["quantities"] = {
        k.split("__")[1]: v for k, v in fields.items() if k.startswith("qty__")
    }
    try:
        with db.write(conn()):
            set_status(conn(), so_number, status, fields)
    except AdminError as exc:
        return redirect(
            f"/admin/orders/{so_number}?{urlencode({'error': str(exc)})}", code=303
        )
    return redirect(
        f"/admin?{urlencode({'m': f'{so_number} is now {status}'})}", code=303
    )


@bp.post("/admin/bulk-backorder")
def admin_bulk() -> Response:
    form = request.form
    try:
        with db.write(conn()):
            moved = bulk_backorder(
                conn(),
                form.get("item_no", "").strip(),
                form.get("backorder_date", ""),
                form.get("reason", ""),
            )
    except AdminError as exc:
        return redirect(f"/admin?m=Bulk backorder refused: {exc}", code=303)
    return redirect(f"/admin?m={len(moved)} orders backordered", code=303)


@bp.post("/admin/reset")
def admin_reset() -> Response:
    db.reset(current_app.config["ERP_STATE_PATH"])
    return redirect("/admin?m=Seed data restored", code=303)


# --- JSON endpoints -------------------------------------------------------------------------


def _json_error(message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify({"error": message}), status


@bp.post("/admin/api/orders/<so_number>/status")
def api_status(so_number: str) -> Response | tuple[Response, int]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "status" not in body:
        return _json_error("send a JSON object with a 'status'")
    try:
        with db.write(conn()):
            order = set_status(conn(), so_number, str(body["status"]), body)
    except AdminError as exc:
        return _json_error(str(exc), 404 if "does not exist" in str(exc) else 400)
    return jsonify(order)


@bp.post("/admin/api/orders/bulk-backorder")
def api_bulk() -> Response | tuple[Response, int]:
    body = request.get_json(silent=True) or {}
    try:
        with db.write(conn()):
            moved = bulk_backorder(
                conn(),
                str(body.get("item_no", "")),
                str(body.get("backorder_date", "")),
                str(body.get("reason", "")),
            )
    except AdminError as exc:
        return _json_error(str(exc))
    return jsonify({"backordered": moved})


@bp.post("/admin/api/reset")
def api_reset() -> Response:
    db.reset(current_app.config["ERP_STATE_PATH"])
    return jsonify({"reset": True})


@bp.get("/admin/api/orders")
def api_orders() -> Response:
    orders = [
        dict(r) for r in conn().execute("SELECT * FROM orders ORDER BY so_number")
    ]
    lines: dict[str, list] = {}
    for line in conn().execute("SELECT * FROM order_lines ORDER BY so_number, line_no"):
        lines.setdefault(line["so_number"], []).append(dict(line))
    for order in orders:
        order["lines"] = lines.get(order["so_number"], [])
    return jsonify(orders)


@bp.get("/admin/api/invoices")
def api_invoices() -> Response:
    customer_no = request.args.get("customer_no", "")
    rows = (
        conn()
        .execute(
            "SELECT * FROM invoices WHERE ?='' OR customer_no=? ORDER BY invoice_number",
            (customer_no, customer_no),
        )
        .fetchall()
    )
    return jsonify([{**dict(r), "dispute": bool(r["dispute"])} for r in rows])


@bp.get("/admin/api/payments")
def api_payments() -> Response:
    payments = [
        dict(r) for r in conn().execute("SELECT * FROM payments ORDER BY document")
    ]
    for payment in payments:
        payment["applications"] = [
            dict(a)
            for a in conn().execute(
                "SELECT * FROM applications WHERE document=?", (payment["document"],)
            )
        ]
    return jsonify(payments)


@bp.post("/admin/api/invoices")
def api_add_invoices() -> Response | tuple[Response, int]:
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        return _json_error("send a JSON list of invoices")
    try:
        with db.write(conn()):
            rows = [_invoice_row(conn(), entry) for entry in body]
            conn().executemany(
                "INSERT OR REPLACE INTO invoices VALUES (?,?,?,?,?,?,?,?)", rows
            )
    except AdminError as exc:
        return _json_error(str(exc))
    return jsonify({"added": [r[0] for r in rows]})


def _invoice_row(connection: sqlite3.Connection, entry: Any) -> tuple:
    if not isinstance(entry, dict):
        raise AdminError("each invoice must be a JSON object")
    number = str(entry.get("invoice_number") or "").strip()
    customer_no = str(entry.get("customer_no") or entry.get("customer_id") or "")
    customer = connection.execute(
        "SELECT * FROM customers WHERE customer_no=?", (customer_no,)
    ).fetchone()
    if not number or customer is None:
        raise AdminError(
            f"invoice {number!r}: needs invoice_number and a known"
            f" customer_no (got {customer_no!r})"
        )
    invoice_date = forms.parse_date(str(entry.get("invoice_date") or date.today()))
    amount = forms.parse_decimal(str(entry.get("amount", "")))
    if invoice_date is None or amount is None:
        raise AdminError(f"invoice {number}: invoice_date and amount must be valid")
    due = (
        _date(entry, "due_date")
        or (invoice_date + timedelta(days=customer["net_days"])).isoformat()
    )
    open_text = str(entry.get("open_amount") or amount)
    open_amount = forms.parse_decimal(open_text)
    if open_amount is None:
        raise AdminError(f"invoice {number}: open_amount {open_text!r} is not valid")
    return (
        number,
        customer_no,
        invoice_date.isoformat(),
        due,
        str(entry.get("currency") or customer["currency"]),
        str(amount.quantize(forms.CENT)),
        str(open_amount.quantize(forms.CENT)),
        int(bool(entry.get("dispute"))),
    )


@bp.post("/admin/api/invoices/<invoice_number>/dispute")
def api_dispute(invoice_number: str) -> Response | tuple[Response, int]:
    body = request.get_json(silent=True) or {}
    flag = int(bool(body.get("dispute", True)))
    with db.write(conn()):
        cursor = conn().execute(
            "UPDATE invoices SET dispute=? WHERE invoice_number=?",
            (flag, invoice_number),
        )
    if cursor.rowcount == 0:
        return _json_error(f"invoice {invoice_number} does not exist", 404)
    return jsonify({"invoice_number": invoice_number, "dispute": bool(flag)})

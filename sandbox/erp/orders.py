"""Sales-order screens of the sandbox ERP: order entry (header, duplicate-PO warning,
lines, review, confirmation), order detail, order search and the order status list."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
)

from sandbox.erp import db, forms
from sandbox.erp.app import check_token, conn

log = logging.getLogger(__name__)

bp = Blueprint("orders", __name__)
PAGE_SIZE = 50
STATUSES = ("open", "confirmed", "shipped", "backordered", "cancelled")


# --- step 1: header -----------------------------------------------------------------


@bp.get("/orders/new")
def header_form() -> str:
    values = {"customer_no": request.args.get("customer_no", "")}
    return render_template("order_header.html", values=values, errors=[])


@bp.post("/orders/new")
def header_submit() -> Response | str:
    values = {
        k: request.form.get(k, "").strip()
        for k in ("customer_no", "customer_po", "po_date", "requested_date", "ship_to")
    }
    values["customer_no"] = values["customer_no"].upper()
    header, errors = _validate_header(conn(), values)
    if errors:
        return render_template("order_header.html", values=values, errors=errors)
    duplicate = _existing_po(conn(), header["customer_no"], header["customer_po"])
    data = {
        "header": header,
        "lines": [],
        "duplicate_of": duplicate,
        "duplicate_ack": duplicate is None,
    }
    draft_id = db.create_draft(conn(), "order", session["user"], data)
    if duplicate:
        log.info(
            "duplicate PO %s for %s (on %s)",
            header["customer_po"],
            header["customer_no"],
            duplicate["so_number"],
        )
        return redirect(f"/orders/draft/{draft_id}/duplicate", code=303)
    return redirect(f"/orders/draft/{draft_id}/lines", code=303)


def _validate_header(
    connection: sqlite3.Connection, values: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    customer = None
    if not values["customer_no"]:
        errors.append("Customer number is required")
    else:
        customer = connection.execute(
            "SELECT * FROM customers WHERE customer_no=?", (values["customer_no"],)
        ).fetchone()
        if customer is None:
            errors.append(f"Customer {values['customer_no']} does not exist")
    if not values["customer_po"]:
        errors.append("Customer PO number is required")
    po_date = _date_field(values, "po_date", "PO date", errors, required=True)
    requested = _date_field(values, "requested_date", "Requested delivery date", errors)
    if po_date and requested and requested < po_date:
        errors.append("Requested delivery date is before the PO date")
    ship_to = _ship_to(connection, customer, values["ship_to"], errors)
    header = {
        "customer_no": values["customer_no"],
        "customer_name": customer["name"] if customer else "",
        "currency": customer["currency"] if customer else "",
        "customer_po": values["customer_po"],
        "po_date": po_date.isoformat() if po_date else None,
        "requested_date": requested.isoformat() if requested else None,
        "ship_to": ship_to["code"] if ship_to else "",
        "ship_to_address": ship_to["address"] if ship_to else "",
    }
    return header, errors


def _date_field(
    values: dict[str, str],
    key: str,
    label: str,
    errors: list[str],
    required: bool = False,
) -> date | None:
    text = values[key]
    if not text:
        if required:
            errors.append(f"{label} is required")
        return None
    parsed = forms.parse_date(text)
    if parsed is None:
        errors.append(
            f"{label} {text} is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)"
        )
    return parsed


def _ship_to(
    connection: sqlite3.Connection,
    customer: sqlite3.Row | None,
    code: str,
    errors: list[str],
) -> sqlite3.Row | None:
    if customer is None:
        return None
    rows = connection.execute(
        "SELECT code, address FROM ship_tos WHERE customer_no=? ORDER BY code",
        (customer["customer_no"],),
    ).fetchall()
    if not code:
        return rows[0] if rows else None
    for row in rows:
        if row["code"].upper() == code.upper():
            return row
    errors.append(
        f"Ship-to {code} is not defined for customer {customer['customer_no']}"
    )
    return None


def _existing_po(
    connection: sqlite3.Connection, customer_no: str, customer_po: str
) -> dict[str, str] | None:
    row = connection.execute(
        "SELECT so_number, entered_at FROM orders WHERE customer_no=? AND"
        " upper(trim(customer_po))=upper(?) ORDER BY so_number LIMIT 1",
        (customer_no, customer_po.strip()),
    ).fetchone()
    if row is None:
        return None
    return {"so_number": row["so_number"], "entered": row["entered_at"][:10]}


def _draft(draft_id: int) -> dict[str, Any]:
    data = db.load_draft(conn(), draft_id, "order")
    if data is None:
        abort(404)
    return data


# --- duplicate-PO warning -------------------------------------------------------------


@bp.get("/orders/draft/<int:draft_id>/duplicate")
def duplicate_warning(draft_id: int) -> str:
    data = _draft(draft_id)
    return render_template(
        "order_duplicate.html",
        draft_id=draft_id,
        data=data,
        header=data["header"],
        duplicate=data["duplicate_of"],
    )


@bp.post("/orders/draft/<int:draft_id>/duplicate")
def duplicate_answer(draft_id: int) -> Response:
    data = _draft(draft_id)
    if request.form.get("action") == "continue":
        data["duplicate_ack"] = True
        db.save_draft(conn(), draft_id, data)
        return redirect(f"/orders/draft/{draft_id}/lines", code=303)
    with db.write(conn()):
        db.delete_draft(conn(), draft_id)
    return redirect("/orders/new?cancelled=1", code=303)


# --- step 2: lines ---------------------------------------------------------------------


@bp.get("/orders/draft/<int:draft_id>/lines")
def lines_form(draft_id: int) -> Response | str:
    data = _draft(draft_id)
    if not data["duplicate_ack"]:
        return redirect(f"/orders/draft/{draft_id}/duplicate", code=303)
    errors = []
    if request.args.get("empty") == "1":
        errors.append("Add at least one line before the review")
    return _lines_page(draft_id, data, errors, {})


def _lines_page(
    draft_id: int, data: dict[str, Any], errors: list[str], values: dict[str, str]
) -> str:
    total = sum((Decimal(x["amount"]) for x in data["lines"]), Decimal(0))
    return render_template(
        "order_lines.html",
        draft_id=draft_id,
        data=data,
        header=data["header"],
        lines=data["lines"],
        total=total,
        errors=errors,
        values=values,
    )


@bp.post("/orders/draft/<int:draft_id>/lines")
def add_line(draft_id: int) -> Response | str:
    data = _draft(draft_id)
    values = {
        k: request.form.get(k, "").strip()
        for k in ("item_no", "quantity", "unit_price")
    }
    line, errors = _validate_line(conn(), data["header"]["customer_no"], values)
    if errors:
        return _lines_page(draft_id, data, errors, values)
    line["line_no"] = max((x["line_no"] for x in data["lines"]), default=0) + 1
    data["lines"].append(line)
    db.save_draft(conn(), draft_id, data)
    return redirect(f"/orders/draft/{draft_id}/lines", code=303)


def _validate_line(
    connection: sqlite3.Connection, customer_no: str, values: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    errors: list[str] = []
    item, ref = None, None
    if not values["item_no"]:
        errors.append("Item number is required")
    else:
        item, ref = resolve_item(connection, customer_no, values["item_no"])
        if item is None:
            errors.append(
                f"Item {values['item_no']} is not in the catalogue and has no"
                f" cross-reference for customer {customer_no}"
            )
    quantity = forms.parse_decimal(values["quantity"])
    if quantity is None or quantity <= 0:
        errors.append(
            f"Quantity {values['quantity'] or '(blank)'} is not valid: "
            "enter a number greater than 0"
        )
    price = None
    if values["unit_price"]:
        price = forms.parse_decimal(values["unit_price"])
        if price is None or price < 0:
            errors.append(f"Unit price {values['unit_price']} is not valid")
    if errors or item is None or quantity is None:
        return {}, errors
    if price is None:
        price = Decimal(ref["price"] if ref else item["price"])
    return {
        "item_no": item["item_no"],
        "customer_part": ref["customer_part"] if ref else "",
        "description": item["description"],
        "quantity": str(quantity),
        "uom": item["uom"],
        "unit_price": str(price.quantize(forms.CENT)),
        "amount": str((quantity * price).quantize(forms.CENT)),
    }, []


def resolve_item(
    connection: sqlite3.Connection, customer_no: str, text: str
) -> tuple[sqlite3.Row | None, sqlite3.Row | None]:
    """Our item and the customer's cross-reference row for an item or part number."""
    item = connection.execute(
        "SELECT * FROM items WHERE upper(item_no)=upper(?)", (text,)
    ).fetchone()
    if item is not None:
        ref = connection.execute(
            "SELECT * FROM xref WHERE customer_no=? AND item_no=?",
            (customer_no, item["item_no"]),
        ).fetchone()
        return item, ref
    ref = connection.execute(
        "SELECT * FROM xref WHERE customer_no=? AND upper(customer_part)=upper(?)",
        (customer_no, text),
    ).fetchone()
    if ref is None:
        return None, None
    item = connection.execute(
        "SELECT * FROM items WHERE item_no=?", (ref["item_no"],)
    ).fetchone()
    return item, ref


@bp.get("/orders/draft/<int:draft_id>/lines/<int:line_no>/remove")
def remove_line(draft_id: int, line_no: int) -> Response:
    check_token(request.args.get("csrf_token", ""))
    data = _draft(draft_id)
    data["lines"] = [x for x in data["lines"] if x["line_no"] != line_no]
    db.save_draft(conn(), draft_id, data)
    return redirect(f"/orders/draft/{draft_id}/lines", code=303)


# --- step 3: review and submit ------------------------------------------------------------


@bp.get("/orders/draft/<int:draft_id>/review")
def review(draft_id: int) -> Response | str:
    data = _draft(draft_id)
    if not data["lines"]:
        return redirect(f"/orders/draft/{draft_id}/lines?empty=1", code=303)
    total = sum((Decimal(x["amount"]) for x in data["lines"]), Decimal(0))
    return render_template(
        "order_review.html",
        draft_id=draft_id,
        data=data,
        header=data["header"],
        lines=data["lines"],
        total=total,
    )


@bp.post("/orders/draft/<int:draft_id>/submit")
def submit(draft_id: int) -> Response:
    data = _draft(draft_id)
    if not data["lines"] or not data["duplicate_ack"]:
        return redirect(f"/orders/draft/{draft_id}/lines?empty=1", code=303)
    header = data["header"]
    connection = conn()
    with db.write(connection):
        so_number = db.next_so_number(connection)
        stamp = db.now_iso()
        order = {
            "so_number": so_number,
            "customer_no": header["customer_no"],
            "customer_po": header["customer_po"],
            "po_date": header["po_date"],
            "requested_date": header["requested_date"],
            "ship_to": header["ship_to"],
            "order_date": date.today().isoformat(),
            "entered_at": stamp,
            "entered_by": session["user"],
            "status": "open",
            "updated_at": stamp,
        }
        db.insert_order(connection, order, data["lines"])
        db.delete_draft(connection, draft_id)
    log.info(
        "sales order %s created for %s PO %s",
        so_number,
        header["customer_no"],
        header["customer_po"],
    )
    return redirect(f"/orders/{so_number}/confirmation", code=303)


@bp.get("/orders/<so_number>/confirmation")
def confirmation(so_number: str) -> str:
    order = _order(so_number)
    return render_template("order_confirmation.html", order=order)


# --- detail, search, status ----------------------------------------------------------------


def _order(so_number: str) -> dict[str, Any]:
    row = (
        conn()
        .execute(
            "SELECT o.*, c.name AS customer_name, c.currency FROM orders o"
            " JOIN customers c USING (customer_no) WHERE so_number=?",
            (so_number,),
        )
        .fetchone()
    )
    if row is None:
        abort(404)
    order = dict(row)
    order["lines"] = [
        dict(x)
        for x in conn().execute(
            "SELECT * FROM order_lines WHERE so_number=? ORDER BY line_no", (so_number,)
        )
    ]
    for line in order["lines"]:
        line["amount"] = Decimal(line["quantity"]) * Decimal(line["unit_price"])
    order["total"] = sum((x["amount"] for x in order["lines"]), Decimal(0))
    return order


@bp.get("/orders/<so_number>")
def detail(so_number: str) -> str:
    return render_template("order_detail.html", order=_order(so_number))


@bp.get("/orders/search")
def search() -> str:
    customer_po = request.args.get("customer_po", "").strip()
    customer_no = request.args.get("customer_no", "").strip().upper()
    searched = bool(customer_po or customer_no)
    results = _search(customer_po, customer_no) if searched else []
    return render_template(
        "order_search.html",
        results=results,
        searched=searched,
        values={"customer_po": customer_po, "customer_no": customer_no},
    )


def _search(customer_po: str, customer_no: str) -> list[dict[str, Any]]:
    where, args = [], []
    if customer_po:
        if "*" in customer_po:
            where.append("upper(o.customer_po) LIKE upper(?)")
            args.append(customer_po.replace("*", "%"))
        else:
            where.append("upper(trim(o.customer_po)) = upper(?)")
            args.append(customer_po)
    if customer_no:
        where.append("o.customer_no = ?")
        args.append(customer_no)
    rows = (
        conn()
        .execute(
            "SELECT o.so_number, o.customer_no, o.customer_po, o.order_date, o.status,"
            " (SELECT group_concat(quantity || '*' || unit_price) FROM order_lines l"
            "  WHERE l.so_number=o.so_number) AS amounts FROM orders o"
            f" WHERE {' AND '.join(where)} ORDER BY o.so_number",
            args,
        )
        .fetchall()
    )
    return [{**dict(r), "total": _total(r["amounts"])} for r in rows]


def _total(amounts: str | None) -> Decimal:
    total = Decimal(0)
    for part in (amounts or "").split(","):
        if part:
            quantity, price = part.split("*")
            total += Decimal(quantity) * Decimal(price)
    return total


@bp.get("/orders/status")
def status_list() -> str:
    status = request.args.get("status", "").strip().lower()
    customer_no = request.args.get("customer_no", "").strip().upper()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    where, args = ["1=1"], []
    if status in STATUSES:
        where.append("status=?")
        args.append(status)
    if customer_no:
        where.append("customer_no=?")
        args.append(customer_no)
    clause = " AND ".join(where)
    count = (
        conn()
        .execute(f"SELECT COUNT(*) FROM orders WHERE {clause}", args)
        .fetchone()[0]
    )
    rows = (
        conn()
        .execute(
            f"SELECT * FROM orders WHERE {clause} ORDER BY so_number DESC LIMIT ? OFFSET ?",
            [*args, PAGE_SIZE, (page - 1) * PAGE_SIZE],
        )
        .fetchall()
    )
    pages = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "order_status.html",
        orders=rows,
        page=page,
        pages=pages,
        count=count,
        statuses=STATUSES,
        values={"status": status, "customer_no": customer_no},
    )

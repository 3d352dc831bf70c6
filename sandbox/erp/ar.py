"""Receivables screens of the sandbox ERP: the open-items list with paging, filters and
the Excel export, and cash application (payment entry, bank-reference warning,
applying the payment to open invoices with discount and deduction, confirmation,
payment search)."""

from __future__ import annotations

import io
import logging
import sqlite3
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
)
from openpyxl import Workbook

from sandbox.erp import db, forms
from sandbox.erp.app import conn
from sandbox.seed import REASON_CODES

log = logging.getLogger(__name__)

bp = Blueprint("ar", __name__)
PAGE_SIZE = 50
CURRENCIES = ("EUR", "USD", "GBP")
EXPORT_HEADER = (
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
    "dispute",
)


# --- open items ---------------------------------------------------------------------------


def _filters() -> dict[str, str]:
    return {
        "customer_no": request.args.get("customer_no", "").strip().upper(),
        "overdue": "1" if request.args.get("overdue") in ("1", "on", "true") else "",
    }


def _open_items(
    filters: dict[str, str], limit: int = -1, offset: int = 0
) -> tuple[int, list[sqlite3.Row]]:
    where = ["CAST(i.open_amount AS REAL) > 0"]
    args: list[Any] = []
    if filters["customer_no"]:
        where.append("i.customer_no = ?")
        args.append(filters["customer_no"])
    if filters["overdue"]:
        where.append("i.due_date < ?")
        args.append(date.today().isoformat())
    clause = " AND ".join(where)
    count = (
        conn()
        .execute(f"SELECT COUNT(*) FROM invoices i WHERE {clause}", args)
        .fetchone()[0]
    )
    rows = (
        conn()
        .execute(
            "SELECT i.*, c.name AS customer_name FROM invoices i JOIN customers c"
            f" USING (customer_no) WHERE {clause}"
            " ORDER BY i.invoice_date, i.invoice_number LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )
        .fetchall()
    )
    return count, rows


@bp.get("/ar/open-items")
def open_items() -> str:
    filters = _filters()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    count, rows = _open_items(filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max((count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    query = urlencode({k: v for k, v in filters.items() if v})
    return render_template(
        "open_items.html",
        rows=rows,
        filters=filters,
        page=page,
        pages=pages,
        count=count,
        query=query,
    )


@bp.get("/ar/open-items/export.xlsx")
def export_open_items() -> Response:
    filters = _filters()
    _count, rows = _open_items(filters)
    book = Workbook()
    sheet = book.active
    sheet.title = "Open items"
    sheet.append(EXPORT_HEADER)
    for row in rows:
        sheet.append(
            [
                row["invoice_number"],
                row["customer_no"],
                row["customer_name"],
                date.fromisoformat(row["invoice_date"]),
                date.fromisoformat(row["due_date"]),
                row["currency"],
                Decimal(row["amount"]),
                Decimal(row["open_amount"]),
                "D" if row["dispute"] else "",
            ]
        )
    for cells in sheet.iter_rows(min_row=2):
        cells[3].number_format = cells[4].number_format = "yyyy-mm-dd"
        cells[6].number_format = cells[7].number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"open_items_{date.today():%Y%m%d}.xlsx"
    log.info("open items exported: %d rows", len(rows))
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- cash application: payment entry -----------------------------------------------------


@bp.get("/ar/cash/new")
def payment_form() -> str:
    values = {"currency": "EUR", "value_date": date.today().isoformat()}
    return render_template(
        "cash_new.html", values=values, errors=[], currencies=CURRENCIES
    )


@bp.post("/ar/cash/new")
def payment_submit() -> Response | str:
    values = {
        k: request.form.get(k, "").strip()
        for k in ("amount", "value_date", "bank_ref", "payer", "currency")
    }
    values["payer"] = values["payer"].upper()
    payment, errors = _validate_payment(values)
    if errors:
        return render_template(
            "cash_new.html", values=values, errors=errors, currencies=CURRENCIES
        )
    existing = (
        conn()
        .execute(
            "SELECT document FROM payments WHERE upper(bank_ref)=upper(?)"
            " ORDER BY document LIMIT 1",
            (payment["bank_ref"],),
        )
        .fetchone()
    )
    payment["existing_document"] = existing["document"] if existing else None
    payment["bankref_ack"] = existing is None
    draft_id = db.create_draft(conn(), "payment", session["user"], payment)
    if existing:
        log.info(
            "bank reference %s already posted as %s",
            payment["bank_ref"],
            existing["document"],
        )
        return redirect(f"/ar/cash/draft/{draft_id}/bankref", code=303)
    return redirect(f"/ar/cash/draft/{draft_id}/apply", code=303)


def _validate_payment(values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    errors = []
    amount = forms.parse_decimal(values["amount"])
    if amount is None or amount <= 0:
        errors.append(
            f"Amount {values['amount'] or '(blank)'} is not valid: enter a"
            " number greater than 0"
        )
    value_date = forms.parse_date(values["value_date"])
    if value_date is None:
        errors.append(
            f"Value date {values['value_date'] or '(blank)'} is not a valid"
            " date (use YYYY-MM-DD or DD.MM.YYYY)"
        )
    if not values["bank_ref"]:
        errors.append("Bank reference is required")
    customer = (
        conn()
        .execute("SELECT * FROM customers WHERE customer_no=?", (values["payer"],))
        .fetchone()
    )
    if not values["payer"]:
        errors.append("Payer (customer number) is required")
    elif customer is None:
        errors.append(f"Customer {values['payer']} does not exist")
    if values["currency"] not in CURRENCIES:
        errors.append(f"Currency {values['currency']} is not valid")
    elif customer is not None and customer["currency"] != values["currency"]:
        errors.append(
            f"Payer {customer['customer_no']} is invoiced in"
            f" {customer['currency']}; the payment is in {values['currency']}"
        )
    if errors or amount is None or value_date is None or customer is None:
        return {}, errors
    return {
        "amount": str(amount.quantize(forms.CENT)),
        "value_date": value_date.isoformat(),
        "bank_ref": values["bank_ref"],
        "payer": customer["customer_no"],
        "payer_name": customer["name"],
        "currency": values["currency"],
    }, []


def _payment_draft(draft_id: int) -> dict[str, Any]:
    data = db.load_draft(conn(), draft_id, "payment")
    if data is None:
        abort(404)
    return data


@bp.get("/ar/cash/draft/<int:draft_id>/bankref")
def bankref_warning(draft_id: int) -> str:
    return render_template(
        "cash_bankref.html", draft_id=draft_id, payment=_payment_draft(draft_id)
    )


@bp.post("/ar/cash/draft/<int:draft_id>/bankref")
def bankref_answer(draft_id: int) -> Response:
    payment = _payment_draft(draft_id)
    if request.form.get("action") == "continue":
        payment["bankref_ack"] = True
        db.save_draft(conn(), draft_id, payment)
        return redirect(f"/ar/cash/draft/{draft_id}/apply", code=303)
    with db.write(conn()):
        db.delete_draft(conn(), draft_id)
    return redirect("/ar/cash/new?cancelled=1", code=303)


# --- cash application: apply to invoices --------------------------------------------------


def _payer_invoices(payer: str) -> list[sqlite3.Row]:
    return (
        conn()
        .execute(
            "SELECT * FROM invoices WHERE customer_no=? AND CAST(open_amount AS REAL) > 0"
            " ORDER BY invoice_date, invoice_number",
            (payer,),
        )
        .fetchall()
    )


@bp.get("/ar/cash/draft/<int:draft_id>/apply")
def apply_form(draft_id: int) -> Response | str:
    payment = _payment_draft(draft_id)
    if not payment["bankref_ack"]:
        return redirect(f"/ar/cash/draft/{draft_id}/bankref", code=303)
    return _apply_page(draft_id, payment, {}, [])


def _apply_page(
    draft_id: int, payment: dict[str, Any], entered: dict[str, str], errors: list[str]
) -> str:
    applied = sum(
        (
            forms.parse_decimal(v) or Decimal(0)
            for k, v in entered.items()
            if k.startswith("apply__")
        ),
        Decimal(0),
    )
    return render_template(
        "cash_apply.html",
        draft_id=draft_id,
        payment=payment,
        invoices=_payer_invoices(payment["payer"]),
        entered=entered,
        errors=errors,
        reasons=REASON_CODES,
        unapplied=Decimal(payment["amount"]) - applied,
    )


@bp.post("/ar/cash/draft/<int:draft_id>/apply")
def post_payment(draft_id: int) -> Response | str:
    payment = _payment_draft(draft_id)
    if not payment["bankref_ack"]:
        return redirect(f"/ar/cash/draft/{draft_id}/bankref", code=303)
    entered = {
        k: v.strip()
        for k, v in request.form.items()
        if k.split("__")[0] in ("apply", "discount", "deduction", "reason")
    }
    connection = conn()
    with db.write(connection):
        invoices = _payer_invoices(payment["payer"])
        applications, errors = _validate_applications(payment, invoices, entered)
        if not errors:
            document = _post(connection, payment, applications)
            db.delete_draft(connection, draft_id)
    if errors:
        return _apply_page(draft_id, payment, entered, errors)
    return redirect(f"/ar/cash/{document}/confirmation", code=303)


def _validate_applications(
    payment: dict[str, Any], invoices: list[sqlite3.Row], entered: dict[str, str]
) -> tuple[list[dict], list[str]]:
    errors: list[str] = []
    applications = []
    for invoice in invoices:
        number = invoice["invoice_number"]
        amounts = {}
        for kind in ("apply", "discount", "deduction"):
            text = entered.get(f"{kind}__{number}", "")
            value = forms.parse_decimal(text) if text else Decimal(0)
            if value is None or value < 0:
                errors.append(f"Invoice {number}: {kind} amount {text} is not valid")
                value = Decimal(0)
            amounts[kind] = value.quantize(forms.CENT)
        reason = entered.get(f"reason__{number}", "")
        if not any(amounts.values()):
            continue
        total = sum(amounts.values(), Decimal(0))
        open_amount = Decimal(invoice["open_amount"])
        if total > open_amount:
            errors.append(
                f"Invoice {number}: apply + discount + deduction"
                f" {forms.money(total)} exceeds the open amount"
                f" {forms.money(open_amount)}"
            )
        if amounts["deduction"] and reason not in REASON_CODES:
            errors.append(f"Invoice {number}: a deduction needs a reason code")
        applications.append(
            {
                "invoice_number": number,
                **amounts,
                "reason": reason if amounts["deduction"] else "",
                "open_amount": open_amount,
            }
        )
    applied = sum((a["apply"] for a in applications), Decimal(0))
    if applied > Decimal(payment["amount"]):
        errors.append(
            f"Applied total {forms.money(applied)} exceeds the payment amount"
            f" {forms.money(payment['amount'])}"
        )
    return applications, errors


def _post(
    connection: sqlite3.Connection, payment: dict[str, Any], applications: list[dict]
) -> str:
    document = db.next_payment_document(connection, date.today().year)
    applied = sum((a["apply"] for a in applications), Decimal(0))
    connection.execute(
        "INSERT INTO payments VALUES (?,?,?,?,?,?,?,?,?)",
        (
            document,
            payment["bank_ref"],
            payment["payer"],
            payment["amount"],
            payment["currency"],
            payment["value_date"],
            str(Decimal(payment["amount"]) - applied),
            db.now_iso(),
            session["user"],
        ),
    )
    for a in applications:
        remaining = a["open_amount"] - a["apply"] - a["discount"] - a["deduction"]
        connection.execute(
            "UPDATE invoices SET open_amount=? WHERE invoice_number=?",
            (str(remaining), a["invoice_number"]),
        )
        connection.execute(
            "INSERT INTO applications VALUES (?,?,?,?,?,?)",
            (
                document,
                a["invoice_number"],
                str(a["apply"]),
                str(a["discount"]),
                str(a["deduction"]),
                a["reason"],
            ),
        )
    log.info(
        "payment %s posted: bank ref %s, %s %s, %d invoices",
        document,
        payment["bank_ref"],
        payment["amount"],
        payment["currency"],
        len(applications),
    )
    return document


@bp.get("/ar/cash/<document>/confirmation")
def payment_confirmation(document: str) -> str:
    payment = (
        conn()
        .execute(
            "SELECT p.*, c.name AS payer_name FROM payments p JOIN"
            " customers c ON c.customer_no=p.payer WHERE document=?",
            (document,),
        )
        .fetchone()
    )
    if payment is None:
        abort(404)
    applied = (
        conn()
        .execute(
            "SELECT * FROM applications WHERE document=? ORDER BY invoice_number",
            (document,),
        )
        .fetchall()
    )
    return render_template(
        "cash_confirmation.html", payment=payment, applied=applied, reasons=REASON_CODES
    )


@bp.get("/ar/cash/search")
def payment_search() -> str:
    bank_ref = request.args.get("bank_ref", "").strip()
    rows = []
    if bank_ref:
        rows = (
            conn()
            .execute(
                "SELECT * FROM payments WHERE upper(bank_ref) LIKE upper(?)"
                " ORDER BY document",
                (bank_ref.replace("*", "%"),),
            )
            .fetchall()
        )
    return render_template(
        "cash_search.html", rows=rows, bank_ref=bank_ref, searched=bool(bank_ref)
    )

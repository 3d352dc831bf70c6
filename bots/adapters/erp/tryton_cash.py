"""Open invoices and bank statements in Tryton (modules account_invoice and
account_statement), through the logged-in web client's session.

The open items are the posted customer invoices with an amount still to pay,
written to the .xlsx layout the cash-application bot reads. A payment becomes one
bank statement named after its bank reference, with one line per application
against its invoice (and one for any unapplied rest on the customer's account),
validated and posted - the same records the statement form creates.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.adapters.erp.base import PaymentPosting, PostedPayment
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import BusinessError

log = logging.getLogger(__name__)


def download_open_items(
    ui: SaoScreens, dest_dir: Path, customer_no: str | None
) -> Path:
    """Write the open customer invoices to dest_dir/open_items.xlsx, read from
    the customer-invoice list's CSV export (`tryton_export`)."""
    from bots.adapters.erp import tryton_export

    return tryton_export.download_open_items(ui, dest_dir, customer_no)


def find_statement(ui: SaoScreens, bank_ref: str) -> PostedPayment | None:
    """The statement named after the bank reference, if one was posted or left
    unfinished (a draft counts: it must not be entered twice)."""
    rows = ui.rpc(
        "model.account.statement.search_read",
        [
            [["name", "=", bank_ref.strip()], ["state", "!=", "cancelled"]],
            0,
            1,
            None,
            ["name", "total_amount", "date", "state", "lines.party"],
        ],
        "find_payment",
    )
    if not rows:
        return None
    row = rows[0]
    return PostedPayment(
        document=_document(row["id"]),
        bank_ref=row["name"],
        amount=Decimal(row["total_amount"] or 0),
        value_date=row["date"],
    )


def post_statement(ui: SaoScreens, payment: PaymentPosting, party: int) -> str:
    """Create, validate and post the statement of one payment; its document."""
    step = "post_payment"
    for application in payment.applications:
        if application.discount or application.deduction:
            raise BusinessError(
                "erp_rejected",
                f"payment {payment.bank_ref}: invoice {application.invoice_number} "
                "carries a discount or deduction; the Tryton adapter posts cash "
                "only - write it off in Tryton by hand",
                step=step,
            )
    journal = _journal(ui, payment.currency)
    invoices = _invoices(ui, [a.invoice_number for a in payment.applications])
    lines = [
        _line(payment, party, *invoices[a.invoice_number], a.amount, n)
        for n, a in enumerate(payment.applications, start=1)
    ]
    receivable = _receivable(ui, party)
    rest = payment.amount - sum((a.amount for a in payment.applications), Decimal(0))
    if rest:
        lines.append(_line(payment, party, receivable, None, rest, len(lines) + 1))
    values = {
        "name": payment.bank_ref,
        "journal": journal,
        "date": _date(payment.value_date),
        "total_amount": _decimal(payment.amount),
        "lines": [["create", lines]],
    }
    (statement,) = ui.rpc("model.account.statement.create", [[values]], step)
    ui.rpc("model.account.statement.validate_statement", [[statement]], step)
    ui.rpc("model.account.statement.post", [[statement]], step)
    return _document(statement)


def _line(
    payment: PaymentPosting,
    party: int,
    account: int,
    invoice: int | None,
    amount: Decimal,
    number: int,
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "number": str(number),
        "date": _date(payment.value_date),
        "amount": _decimal(amount),
        "party": party,
        "account": account,
        "description": payment.bank_ref,
    }
    if invoice is not None:
        line["invoice"] = invoice
    return line


def _journal(ui: SaoScreens, currency: str) -> int:
    rows = ui.rpc(
        "model.account.statement.journal.search_read",
        [[["currency.code", "=", currency]], 0, 1, None, ["name"]],
        "post_payment",
    )
    if not rows:
        raise BusinessError(
            "erp_rejected",
            f"Tryton has no statement journal in {currency}",
            step="post_payment",
        )
    return rows[0]["id"]


def _receivable(ui: SaoScreens, party: int) -> int:
    (row,) = ui.rpc(
        "model.party.party.read", [[party], ["account_receivable"]], "post_payment"
    )
    return row["account_receivable"]


def _invoices(ui: SaoScreens, numbers: list[str]) -> dict[str, tuple[int, int]]:
    """invoice number -> (its receivable account, its id)."""
    rows = ui.rpc(
        "model.account.invoice.search_read",
        [
            [["number", "in", numbers], ["type", "=", "out"]],
            0,
            None,
            None,
            ["number", "account"],
        ],
        "post_payment",
    )
    found = {r["number"]: (r["account"], r["id"]) for r in rows}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise BusinessError(
            "erp_rejected",
            f"Tryton has no customer invoice {', '.join(missing)}",
            step="post_payment",
        )
    return found


def _document(statement_id: int) -> str:
    return f"STMT-{statement_id}"


def _date(value: date) -> dict[str, Any]:
    return {
        "__class__": "date",
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def _decimal(value: Decimal) -> dict[str, str]:
    return {"__class__": "Decimal", "decimal": str(value)}

"""Remittance advices as CSV or XLSX: one row per invoice line of a payment.

Columns: `payment_id, payer, payment_date, currency, payment_amount,
invoice_number, amount_paid, discount, deduction, deduction_code`. Rows with the
same `payment_id` make one `Payment` whose advice lines say what it covers.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from bots.documents.bank.model import AdviceLine, Payment
from bots.documents.bank.tabular import Row, parse_amount, parse_date, read_table
from bots.errors import DocumentError

log = logging.getLogger(__name__)

ADVICE_SYNONYMS = {
    "payment_id": "payment_id",
    "payment_reference": "payment_id",
    "payment_ref": "payment_id",
    "payer": "payer",
    "payer_name": "payer",
    "payment_date": "payment_date",
    "value_date": "payment_date",
    "currency": "currency",
    "ccy": "currency",
    "payment_amount": "payment_amount",
    "total_amount": "payment_amount",
    "invoice_number": "invoice_number",
    "invoice_no": "invoice_number",
    "invoice": "invoice_number",
    "amount_paid": "amount_paid",
    "paid": "amount_paid",
    "discount": "discount",
    "deduction": "deduction",
    "deduction_code": "deduction_code",
    "reason_code": "deduction_code",
}
ADVICE_REQUIRED = {"payment_id", "invoice_number", "amount_paid"}


def read_advice_table(data: bytes, source: str) -> list[Payment]:
    """The payments a CSV/XLSX remittance advice describes."""
    rows = read_table(data, source, ADVICE_SYNONYMS, ADVICE_REQUIRED)
    payments: dict[str, Payment] = {}
    for number, row in enumerate(rows, start=2):
        payment_id = str(row.get("payment_id") or "").strip()
        if not payment_id:
            raise DocumentError(source, "advice_row", f"row {number}: no payment_id")
        payment = payments.get(payment_id)
        if payment is None:
            payment = payments[payment_id] = _payment(row, payment_id, source)
        payment.advice_lines.append(_line(row, source, number))
    for payment in payments.values():
        if payment.amount == 0:
            payment.amount = sum(
                (x.amount_paid for x in payment.advice_lines), Decimal(0)
            )
    if not payments:
        raise DocumentError(source, "advice_empty", "remittance advice has no lines")
    return list(payments.values())


def _payment(row: Row, payment_id: str, source: str) -> Payment:
    return Payment(
        payment_id=payment_id,
        amount=parse_amount(row.get("payment_amount"), source, "payment_amount"),
        currency=str(row.get("currency") or "").strip().upper(),
        payer=str(row.get("payer") or "").strip(),
        value_date=parse_date(row.get("payment_date"), source, "payment_date"),
        references=[payment_id],
        source=source,
        source_kind="advice",
    )


def _line(row: Row, source: str, number: int) -> AdviceLine:
    invoice = str(row.get("invoice_number") or "").strip()
    if not invoice:
        raise DocumentError(source, "advice_row", f"row {number}: no invoice_number")
    where = f"row {number}"
    return AdviceLine(
        invoice_number=invoice,
        amount_paid=parse_amount(
            row.get("amount_paid"), source, f"{where} amount_paid"
        ),
        discount=abs(parse_amount(row.get("discount"), source, f"{where} discount")),
        deduction=abs(parse_amount(row.get("deduction"), source, f"{where} deduction")),
        deduction_code=str(row.get("deduction_code") or "").strip(),
    )

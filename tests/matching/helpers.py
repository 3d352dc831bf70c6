"""Small builders for open items and payments in the matching unit tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bots.documents.bank import AdviceLine, OpenItem, Payment

TODAY = date(2026, 11, 30)


def item(
    number: str,
    customer: str,
    name: str,
    amount: str,
    *,
    currency: str = "EUR",
    issued: date = date(2026, 10, 1),
    open_amount: str | None = None,
) -> OpenItem:
    return OpenItem(
        invoice_number=number,
        customer_id=customer,
        customer_name=name,
        invoice_date=issued,
        due_date=issued,
        currency=currency,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount or amount),
    )


def payment(
    payment_id: str,
    amount: str,
    payer: str = "",
    text: str = "",
    *,
    currency: str = "EUR",
    structured: list[str] | None = None,
    lines: list[AdviceLine] | None = None,
    paid_on: date = TODAY,
    kind: str = "camt.054",
    **extra: object,
) -> Payment:
    return Payment(
        payment_id=payment_id,
        amount=Decimal(amount),
        currency=currency,
        payer=payer,
        value_date=paid_on,
        remittance_text=text,
        structured_references=structured or [],
        advice_lines=lines or [],
        source="test",
        source_kind=kind,
        **extra,
    )


def line(
    number: str, paid: str, discount: str = "0", deduction: str = "0", code: str = ""
) -> AdviceLine:
    return AdviceLine(
        number, Decimal(paid), Decimal(discount), Decimal(deduction), code
    )


def applied(match) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            a.invoice_number,
            str(a.amount),
            str(a.discount),
            str(a.deduction),
            a.deduction_code,
        )
        for a in match.applications
    ]

"""Cash application screens of the sandbox ERP: posting a payment with its
applications to open invoices, and finding a posted payment by bank reference."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from bots.adapters.erp.base import PaymentApplication, PaymentPosting, PostedPayment
from bots.adapters.erp.screens import Screens
from bots.adapters.erp.values import day, money
from bots.errors import BusinessError

log = logging.getLogger(__name__)

PAY_DOCUMENT = re.compile(r"PAY-\d{4}-\d+")


def search_payment(ui: Screens, bank_ref: str) -> PostedPayment | None:
    step, screen = "find_payment", "payment_search"
    ui.open(screen, step, query={"bank_ref": bank_ref.strip()})
    rows = ui.list_rows(
        screen,
        ["results", "no_results"],
        "row",
        {
            "document": "cell_document",
            "bank_ref": "cell_bank_ref",
            "payer": "cell_payer",
            "amount": "cell_amount",
            "value_date": "cell_value_date",
        },
        step,
    )
    wanted = bank_ref.strip().upper()
    for r in rows:
        if (r["bank_ref"] or "").strip().upper() == wanted:
            return PostedPayment(
                document=r["document"] or "",
                bank_ref=r["bank_ref"] or "",
                amount=money(r["amount"]),
                payer=(r["payer"] or "").split()[0] or None,
                value_date=day(r["value_date"]),
            )
    return None


def post_payment(ui: Screens, payment: PaymentPosting) -> str:
    """Enter the payment, apply it to its invoices and return the document number."""
    _payment_header(ui, payment)
    step, screen = "cash_apply", "cash_apply"
    ui.require(screen, "table", step)
    for application in payment.applications:
        _apply(ui, payment, application)
    ui.press(screen, "post", "cash_post")
    if ui.present(screen, "table"):
        errors = ui.errors(screen, "error") or ["the application was not accepted"]
        raise BusinessError(
            "erp_rejected",
            f"the ERP refused payment {payment.bank_ref}: " + "; ".join(errors),
            step="cash_post",
            details={"erp_messages": errors},
        )
    text = ui.text("cash_confirmation", "document", "cash_confirmation")
    found = PAY_DOCUMENT.search(text)
    if found is None:
        raise ui.failure(
            "unexpected_screen",
            f"the payment confirmation shows no document number ('{text[:80]}')",
            "cash_confirmation",
        )
    return found.group(0)


def _payment_header(ui: Screens, payment: PaymentPosting) -> None:
    step, screen = "cash_entry", "cash_entry"
    ui.open(screen, step)
    ui.require(screen, "form", step)
    values = {
        "amount": _plain(payment.amount),
        "value_date": payment.value_date.isoformat(),
        "bank_ref": payment.bank_ref,
        "payer": payment.payer,
    }
    ui.fill_form(screen, values, step)
    ui.select(screen, "currency", payment.currency, step)
    ui.press(screen, "next", step)
    if ui.present("bankref_warning", "warning"):
        _refuse_duplicate(ui, payment.bank_ref)
    if ui.present(screen, "form"):
        errors = ui.errors(screen, "error") or ["the payment was not accepted"]
        raise BusinessError(
            "erp_rejected",
            f"the ERP refused payment {payment.bank_ref}: " + "; ".join(errors),
            step=step,
            details={"erp_messages": errors},
        )


def _refuse_duplicate(ui: Screens, bank_ref: str) -> None:
    step = "bankref_warning"
    warning = ui.text("bankref_warning", "warning", step)
    shown = ui.optional_text("bankref_warning", "existing_document") or warning
    found = PAY_DOCUMENT.search(shown) or PAY_DOCUMENT.search(warning)
    document = found.group(0) if found else None
    ui.press("bankref_warning", "cancel", step)
    raise BusinessError(
        "duplicate_bank_ref",
        f"bank reference {bank_ref} was already posted as {document or '(unknown)'}; "
        "not posted again",
        step=step,
        details={"document": document, "erp_message": warning},
    )


def _apply(
    ui: Screens, payment: PaymentPosting, application: PaymentApplication
) -> None:
    step, screen, invoice = "cash_apply", "cash_apply", application.invoice_number
    if not ui.present(screen, "row_for", invoice=invoice):
        raise BusinessError(
            "erp_rejected",
            f"invoice {invoice} is not an open item of payer {payment.payer} in "
            "the ERP",
            step=step,
            details={"invoice_number": invoice},
        )
    values = {"apply_input": _plain(application.amount)}
    if application.discount:
        values["discount_input"] = _plain(application.discount)
    if application.deduction:
        values["deduction_input"] = _plain(application.deduction)
    ui.fill_form(screen, values, step, invoice=invoice)
    if application.reason_code:
        code = application.reason_code
        ui.select(screen, "reason_select", code, step, invoice=invoice)


def _plain(value: Decimal) -> str:
    return format(value, "f")

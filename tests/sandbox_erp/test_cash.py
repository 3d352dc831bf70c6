"""Cash application on the sandbox ERP: a payment applied to two invoices with a
discount and a deduction, the rest on account; checks; the bank-reference warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.sandbox_erp.conftest import Erp, content, open_from_menu

pytestmark = pytest.mark.browser


def _open_invoices(erp: Erp, customer_no: str) -> list[dict]:
    rows = erp.api(f"/admin/api/invoices?customer_no={customer_no}")
    return [r for r in rows if Decimal(r["open_amount"]) > 0]


def _enter_payment(
    frame: Frame, amount: str, bank_ref: str, payer: str = "C1001"
) -> None:
    frame.fill("#amount", amount)
    frame.fill("#value_date", "2026-11-30")
    frame.fill("#bank_ref", bank_ref)
    frame.fill("#payer", payer)
    frame.select_option("#currency", "EUR")
    frame.click("#payment-next")


def test_payment_with_discount_and_deduction_reduces_open_amounts(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    first, second = sorted(
        _open_invoices(erp, "C1001"),
        key=lambda r: (r["invoice_date"], r["invoice_number"]),
    )[:2]
    open_first, open_second = (
        Decimal(first["open_amount"]),
        Decimal(second["open_amount"]),
    )
    discount = (open_first * Decimal("0.02")).quantize(Decimal("0.01"))
    apply_first = open_first - discount
    apply_second, deduction = Decimal("100.00"), Decimal("25.50")
    amount = apply_first + apply_second + Decimal("40.00")  # 40.00 stays on account

    frame = open_from_menu(signed_in, "menu-cash", "/ar/cash/new")
    _enter_payment(frame, f"{amount:,.2f}", "BNK-2026-000777")
    signed_in.screenshot(path=screenshots_dir / "erp-cash-entry.png")
    frame.wait_for_url("**/apply")
    row_first = frame.locator(f"tr.apply-row[data-invoice='{first['invoice_number']}']")
    expect(row_first.locator("td.open-amount")).to_have_text(f"{open_first:,.2f}")
    frame.fill(f"input[name='apply__{first['invoice_number']}']", str(apply_first))
    frame.fill(f"input[name='discount__{first['invoice_number']}']", str(discount))
    frame.fill(f"input[name='apply__{second['invoice_number']}']", str(apply_second))
    frame.fill(f"input[name='deduction__{second['invoice_number']}']", str(deduction))
    frame.click("#post-payment")
    expect(frame.locator(".error")).to_have_text(
        f"Invoice {second['invoice_number']}: a deduction needs a reason code"
    )
    expect(frame.locator("#unapplied")).to_have_text("40.00")

    frame.select_option(f"select[name='reason__{second['invoice_number']}']", "SHT")
    signed_in.screenshot(path=screenshots_dir / "erp-cash-apply.png")
    frame.click("#post-payment")
    frame.wait_for_url("**/confirmation")

    expect(frame.locator("#payment-document")).to_have_text(
        f"PAY-{date.today().year}-000001"
    )
    expect(frame.locator("#on-account")).to_have_text("40.00")
    signed_in.screenshot(path=screenshots_dir / "erp-cash-confirmation.png")
    frame.goto(erp.url + "/ar/open-items?customer_no=C1001")
    numbers = frame.locator("td.invoice-number").all_text_contents()
    assert first["invoice_number"] not in numbers  # fully paid: no longer open
    row = frame.locator("tr.open-item", has_text=second["invoice_number"])
    expect(row.locator("td.open-amount")).to_have_text(
        f"{open_second - apply_second - deduction:,.2f}"
    )
    [payment] = erp.api("/admin/api/payments")
    assert {a["reason"] for a in payment["applications"]} == {"", "SHT"}


def test_apply_checks_amounts_against_open_and_payment(
    signed_in: Page, erp: Erp
) -> None:
    first = _open_invoices(erp, "C1001")[0]
    frame = content(signed_in)
    frame.goto(erp.url + "/ar/cash/new")
    _enter_payment(frame, "10.00", "BNK-CHECKS")
    frame.wait_for_url("**/apply")
    open_amount = Decimal(first["open_amount"])
    too_much = open_amount + 1
    frame.fill(f"input[name='apply__{first['invoice_number']}']", str(too_much))
    frame.click("#post-payment")

    errors = frame.locator(".error")
    expect(errors).to_have_text(
        [
            (
                f"Invoice {first['invoice_number']}: apply + discount + deduction"
                f" {too_much:,.2f} exceeds the open amount {open_amount:,.2f}"
            ),
            f"Applied total {too_much:,.2f} exceeds the payment amount 10.00",
        ]
    )
    assert erp.api("/admin/api/payments") == []


def test_payment_entry_errors(signed_in: Page, erp: Erp) -> None:
    frame = content(signed_in)
    frame.goto(erp.url + "/ar/cash/new")
    _enter_payment(frame, "abc", "", payer="C1002")
    expect(frame.locator("#errors li")).to_have_text(
        [
            "Amount abc is not valid: enter a number greater than 0",
            "Bank reference is required",
            "Payer C1002 is invoiced in USD; the payment is in EUR",
        ]
    )


def test_bank_reference_already_posted_is_warned_about(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    frame = content(signed_in)
    frame.goto(erp.url + "/ar/cash/new")
    _enter_payment(frame, "500.00", "BNK-DUP-1")
    frame.wait_for_url("**/apply")
    frame.click("#post-payment")  # nothing applied: all on account
    frame.wait_for_url("**/confirmation")
    document = frame.locator("#payment-document").inner_text()

    frame.goto(erp.url + "/ar/cash/new")
    _enter_payment(frame, "500.00", "bnk-dup-1")
    expect(frame.locator("#bankref-warning")).to_contain_text(
        f"Bank reference bnk-dup-1 was already posted as payment document {document}."
    )
    signed_in.screenshot(path=screenshots_dir / "erp-bankref-warning.png")
    frame.click("#bankref-cancel")
    frame.wait_for_url("**/ar/cash/new?cancelled=1")
    assert len(erp.api("/admin/api/payments")) == 1

    frame.goto(erp.url + "/ar/cash/search?bank_ref=BNK-DUP-1")
    row = frame.locator("table#payment-results tr.payment")
    expect(row.locator("td.document")).to_have_text(document)
    expect(row.locator("td.amount")).to_have_text("500.00")
    signed_in.screenshot(path=screenshots_dir / "erp-payment-search.png")

    frame.goto(erp.url + "/ar/cash/new")
    _enter_payment(frame, "500.00", "BNK-DUP-1")
    frame.click("#bankref-continue")
    frame.wait_for_url("**/apply")
    expect(frame.locator("table#apply-invoices")).to_be_visible()

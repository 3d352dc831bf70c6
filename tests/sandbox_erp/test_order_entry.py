"""Order entry by hand through every screen of the sandbox ERP, the customer lookup
pop-up included, then finding the order in search; the duplicate-PO warning."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from sandbox import seed
from tests.sandbox_erp.conftest import Erp, content, open_from_menu

pytestmark = pytest.mark.browser


def _pick_customer_in_popup(page: Page, frame: Frame, screenshots_dir: Path) -> None:
    with page.expect_popup() as popup_info:
        frame.click("#customer-lookup")
    popup = popup_info.value
    popup.wait_for_load_state()
    expect(popup).to_have_url(re.compile(r"/customers/lookup"))
    popup.fill("#lookup-q", "Northwind")
    popup.click("#lookup-search")
    expect(popup.locator("#lookup-results tr.lookup-row")).to_have_count(1)
    popup.screenshot(path=screenshots_dir / "erp-customer-lookup.png")
    with popup.expect_event("close"):
        popup.click("a.pick[data-customer-no='C1001']")
    expect(frame.locator("#customer_no")).to_have_value("C1001")


def _add_line(frame: Frame, item: str, quantity: str, price: str = "") -> None:
    frame.fill("#item_no", item)
    frame.fill("#quantity", quantity)
    frame.fill("#unit_price", price)
    with frame.expect_navigation():
        frame.click("#add-line")


def test_order_entered_by_hand_through_every_screen_is_found_in_search(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    page = signed_in
    refs = seed.xref_for("C1001")
    by_part, by_item = refs[0], refs[1]
    po_date = date.today() - timedelta(days=1)

    frame = open_from_menu(page, "menu-order-entry", "/orders/new")
    _pick_customer_in_popup(page, frame, screenshots_dir)
    frame.fill("#customer_po", "PO-TEST-7781")
    frame.fill("#po_date", po_date.strftime("%d.%m.%Y"))
    frame.fill("#requested_date", (po_date + timedelta(days=14)).isoformat())
    page.screenshot(path=screenshots_dir / "erp-order-header.png")
    frame.click("#header-next")
    frame.wait_for_url("**/orders/draft/*/lines")

    _add_line(frame, "NO-SUCH-PART", "5")
    expect(frame.locator(".error")).to_have_text(
        "Item NO-SUCH-PART is not in the catalogue and has no cross-reference for"
        " customer C1001"
    )
    _add_line(frame, by_part.customer_part, "0")
    expect(frame.locator(".error")).to_contain_text("greater than 0")
    page.screenshot(path=screenshots_dir / "erp-order-lines-error.png")
    _add_line(frame, by_part.customer_part, "12")
    _add_line(frame, by_item.item_no, "2.5", "10.00")
    _add_line(frame, "ITM-1200", "1")

    rows = frame.locator("table#draft-lines tr.draft-line")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td.item-no")).to_have_text(by_part.item_no)
    expect(rows.nth(0).locator("td.customer-part")).to_have_text(by_part.customer_part)
    expect(rows.nth(0).locator("td.unit-price")).to_have_text(f"{by_part.price:,.2f}")
    expect(rows.nth(1).locator("td.amount")).to_have_text("25.00")
    page.screenshot(path=screenshots_dir / "erp-order-lines.png")
    with frame.expect_navigation():
        rows.nth(2).locator("a.remove-line").click()
    expect(rows).to_have_count(2)

    frame.click("#to-review")
    frame.wait_for_url("**/review")
    expected_total = by_part.price * 12 + 25
    expect(frame.locator("#review-total")).to_have_text(f"{expected_total:,.2f}")
    expect(frame.locator("#rv-customer-po")).to_have_text("PO-TEST-7781")
    page.screenshot(path=screenshots_dir / "erp-order-review.png")
    frame.click("#submit-order")
    frame.wait_for_url("**/confirmation")

    expect(frame.locator("#order-number")).to_have_text("SO-100031")
    expect(frame.locator("#confirmation-message")).to_have_text(
        "Sales order SO-100031 has been created."
    )
    page.screenshot(path=screenshots_dir / "erp-order-confirmation.png")

    frame = open_from_menu(page, "menu-order-search", "/orders/search")
    frame.fill("#search-customer-po", "PO-TEST-7781")
    frame.click("#search-button")
    row = frame.locator("table#search-results tr.result")
    expect(row).to_have_count(1)
    expect(row.locator("td.so-number")).to_have_text("SO-100031")
    expect(row.locator("td.customer-no")).to_have_text("C1001")
    expect(row.locator("td.status")).to_have_text("open")
    expect(row.locator("td.total")).to_have_text(f"{expected_total:,.2f}")
    page.screenshot(path=screenshots_dir / "erp-order-search.png")

    row.locator("td.so-number a").click()
    frame.wait_for_url("**/orders/SO-100031")
    expect(frame.locator("#od-customer-po")).to_have_text("PO-TEST-7781")
    expect(frame.locator("table#order-lines tr.order-line")).to_have_count(2)
    page.screenshot(path=screenshots_dir / "erp-order-detail.png")
    [stored] = [
        o for o in erp.api("/admin/api/orders") if o["so_number"] == "SO-100031"
    ]
    assert stored["po_date"] == po_date.isoformat()
    assert stored["ship_to"] == "SH01"


def test_search_without_match_says_no_orders_found(signed_in: Page, erp: Erp) -> None:
    frame = content(signed_in)
    frame.goto(erp.url + "/orders/search?customer_po=PO-NOT-THERE")
    expect(frame.locator("#no-results")).to_have_text("No orders found.")
    expect(frame.locator("table#search-results")).to_have_count(0)


def test_header_errors_are_listed(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    frame = content(signed_in)
    frame.goto(erp.url + "/orders/new")
    frame.fill("#customer_no", "C9999")
    frame.fill("#po_date", "31.02.2026")
    frame.fill("#ship_to", "SH77")
    frame.click("#header-next")

    errors = frame.locator("#errors li.error")
    expect(errors).to_have_text(
        [
            "Customer C9999 does not exist",
            "Customer PO number is required",
            "PO date 31.02.2026 is not a valid date (use YYYY-MM-DD or DD.MM.YYYY)",
        ]
    )
    signed_in.screenshot(path=screenshots_dir / "erp-order-header-errors.png")
    frame.fill("#customer_no", "C1002")
    frame.fill("#customer_po", "X-1")
    frame.fill("#po_date", "2026-02-03")
    frame.click("#header-next")
    expect(errors).to_have_text(["Ship-to SH77 is not defined for customer C1002"])


def test_duplicate_customer_po_warns_and_can_be_cancelled_or_continued(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    existing = seed.sales_orders(date.today())[3]
    frame = content(signed_in)

    def enter_header() -> None:
        frame.goto(erp.url + "/orders/new")
        frame.fill("#customer_no", existing.customer_no)
        frame.fill("#customer_po", existing.customer_po.lower())
        frame.fill("#po_date", date.today().isoformat())
        frame.click("#header-next")

    enter_header()
    warning = frame.locator("#duplicate-warning")
    expect(warning).to_contain_text(
        f"Customer PO {existing.customer_po.lower()} already exists on sales order"
        f" {existing.so_number} (entered {existing.order_date.isoformat()})."
    )
    signed_in.screenshot(path=screenshots_dir / "erp-duplicate-warning.png")
    frame.click("#duplicate-cancel")
    frame.wait_for_url("**/orders/new?cancelled=1")

    enter_header()
    frame.click("#duplicate-continue")
    frame.wait_for_url("**/lines")
    expect(frame.locator("#line-form")).to_be_visible()
    assert len(erp.api("/admin/api/orders")) == 30  # nothing created by the warning

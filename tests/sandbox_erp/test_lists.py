"""The sandbox ERP's lists: customers with contacts and cross-references, items, the
order status list, open items with paging and filters, and the Excel export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from sandbox import seed
from tests.sandbox_erp.conftest import Erp, content, open_from_menu

pytestmark = pytest.mark.browser

EXPORT_HEADER = [
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
]


def test_customers_contacts_ship_tos_and_cross_references(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    frame = open_from_menu(signed_in, "menu-customers", "/customers")
    rows = frame.locator("table#customer-list tr.customer")
    expect(rows).to_have_count(len(seed.customers()))
    first = rows.nth(0)
    expect(first.locator("td.name")).to_have_text("Northwind Retail GmbH")
    expect(first.locator("td.email")).to_contain_text(
        "purchasing@northwind-retail.example"
    )
    signed_in.screenshot(path=screenshots_dir / "erp-customers.png")

    first.locator("td.customer-no a").click()
    frame.wait_for_url("**/customers/C1001")
    customer = seed.customers()[0]
    expect(frame.locator("table#contacts tr.contact td.contact-email")).to_have_text(
        [c.email for c in customer.contacts]
    )
    expect(frame.locator("table#ship-to tr.ship-to-row td.code")).to_have_text(
        [s.code for s in customer.ship_tos]
    )
    xref = seed.xref_for("C1001")
    assert 30 <= len(xref) <= 60
    expect(frame.locator("table#xref tr.xref-row")).to_have_count(len(xref))
    part = min(xref, key=lambda x: x.customer_part)
    expect(
        frame.locator("table#xref tr.xref-row").nth(0).locator("td.item-no")
    ).to_have_text(part.item_no)
    signed_in.screenshot(path=screenshots_dir / "erp-customer-detail.png")

    frame = open_from_menu(signed_in, "menu-items", "/items")
    expect(frame.locator("table#item-list tr.item")).to_have_count(200)
    frame.goto(erp.url + "/items?q=ITM-1001")
    expect(frame.locator("td.price")).to_have_text(f"{seed.items()[0].price:,.2f}")
    signed_in.screenshot(path=screenshots_dir / "erp-items.png")


def test_order_status_list_filters_by_status(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    frame = open_from_menu(signed_in, "menu-order-status", "/orders/status")
    expect(frame.locator("table#status-list tr.order")).to_have_count(30)
    signed_in.screenshot(path=screenshots_dir / "erp-order-status.png")

    frame.select_option("#status-select", "shipped")
    with frame.expect_navigation():
        frame.click("#status-filter button")
    shipped = [o for o in seed.sales_orders(date.today()) if o.status == "shipped"]
    rows = frame.locator("table#status-list tr.order")
    expect(rows).to_have_count(len(shipped))
    expect(rows.locator("td.status")).to_have_text(["shipped"] * len(shipped))
    assert all(t.strip() for t in rows.locator("td.tracking").all_text_contents())
    expect(frame.locator("a#next-page")).to_have_count(0)


def test_open_items_page_and_filter(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    invoices = [i for i in seed.open_invoices(date.today()) if i.open_amount > 0]
    frame = open_from_menu(signed_in, "menu-open-items", "/ar/open-items")
    rows = frame.locator("table#open-items tr.open-item")
    expect(rows).to_have_count(50)
    expect(frame.locator("#page-info")).to_have_text(
        f"Page 1 of {(len(invoices) + 49) // 50} ({len(invoices)} open items)"
    )
    expect(rows.nth(0).locator("td.invoice-number")).to_have_text(
        invoices[0].invoice_number
    )
    signed_in.screenshot(path=screenshots_dir / "erp-open-items.png")
    frame.click("a#next-page")
    frame.wait_for_url("**page=2")
    expect(rows.nth(0).locator("td.invoice-number")).to_have_text(
        invoices[50].invoice_number
    )

    frame.fill("#oi-customer-no", "C1002")
    frame.check("#oi-overdue")
    with frame.expect_navigation():
        frame.click("#oi-filter-button")
    expected = [
        i for i in invoices if i.customer_no == "C1002" and i.due_date < date.today()
    ]
    expect(frame.locator("#page-info")).to_contain_text(f"({len(expected)} open items)")
    expect(rows.nth(0).locator("td.customer-no")).to_have_text("C1002")
    expect(rows.nth(0).locator("td.currency")).to_have_text("USD")


def test_open_items_export_matches_the_filtered_list(
    signed_in: Page, erp: Erp, tmp_path: Path
) -> None:
    frame = content(signed_in)
    frame.goto(erp.url + "/ar/open-items?customer_no=C1001")
    info = frame.locator("#page-info").inner_text()
    listed = int(info.split("(")[1].split()[0])
    first_row = frame.locator("table#open-items tr.open-item").nth(0)
    first = {
        cell: first_row.locator(f"td.{cell}").inner_text()
        for cell in ("invoice-number", "invoice-date", "amount", "open-amount")
    }
    assert listed > 50  # the export holds every row, not just the first page

    with signed_in.expect_download() as download_info:
        frame.click("a#export-excel")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    sheet = load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:8]) == EXPORT_HEADER
    assert len(rows) - 1 == listed
    number, customer, _name, invoice_date, _due, currency, amount, open_amount = rows[
        1
    ][:8]
    assert number == first["invoice-number"]
    assert customer == "C1001" and currency == "EUR"
    assert invoice_date.date().isoformat() == first["invoice-date"]
    assert f"{Decimal(str(amount)):,.2f}" == first["amount"]
    assert f"{Decimal(str(open_amount)):,.2f}" == first["open-amount"]
    assert sheet.cell(row=2, column=7).number_format == "#,##0.00"


def test_order_status_list_pages_by_50(signed_in: Page, erp: Erp) -> None:
    from sandbox.erp import db

    connection = db.connect(erp.state_path)
    with db.write(connection):
        for number in range(100101, 100146):  # 45 more orders: 75 in all
            order = {
                "so_number": f"SO-{number}",
                "customer_no": "C1004",
                "customer_po": f"PO-PAGE-{number}",
                "status": "open",
                "order_date": date.today().isoformat(),
                "updated_at": db.now_iso(),
            }
            db.insert_order(connection, order, [])
    connection.close()

    frame = content(signed_in)
    frame.goto(erp.url + "/orders/status")
    rows = frame.locator("table#status-list tr.order")
    expect(rows).to_have_count(50)
    expect(rows.nth(0).locator("td.so-number")).to_have_text("SO-100145")
    frame.click("a#next-page")
    frame.wait_for_url("**page=2")
    expect(rows).to_have_count(25)
    expect(rows.nth(24).locator("td.so-number")).to_have_text("SO-100001")
    expect(frame.locator("a#next-page")).to_have_count(0)
    expect(frame.locator("#page-info")).to_have_text("Page 2 of 2 (75 orders)")

"""The sandbox admin of the ERP: warehouse status moves (JSON and pages), the crisis
bulk backorder, added and disputed invoices, and the reset; all seen on ERP screens."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sandbox import seed
from tests.sandbox_erp.conftest import Erp, content

OPEN_ORDERS = [o for o in seed.sales_orders(date.today()) if o.status == "open"]


def _status_row(page: Page, erp: Erp, so_number: str):
    frame = content(page)
    frame.goto(erp.url + "/orders/status")
    return frame.locator("table#status-list tr.order", has_text=so_number)


def test_admin_status_changes_show_in_the_order_status_list(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    confirmed, shipped, late, cancelled = (o.so_number for o in OPEN_ORDERS[:4])
    erp.api(
        f"/admin/api/orders/{confirmed}/status",
        {"status": "confirmed", "confirmed_date": "2026-12-10"},
    )
    erp.api(
        f"/admin/api/orders/{shipped}/status",
        {
            "status": "shipped",
            "carrier": "UPS",
            "tracking": "1Z999AA10123456784",
            "ship_date": "2026-12-04",
        },
    )
    erp.api(
        f"/admin/api/orders/{late}/status",
        {
            "status": "backordered",
            "backorder_date": "2027-01-15",
            "reason": "Supplier delay",
        },
    )
    answer = erp.api(f"/admin/api/orders/{cancelled}/status", {"status": "cancelled"})
    assert answer["status"] == "cancelled" and answer["updated_at"].startswith(
        date.today().isoformat()
    )

    row = _status_row(signed_in, erp, confirmed)
    expect(row.locator("td.status")).to_have_text("confirmed")
    expect(row.locator("td.confirmed-date")).to_have_text("2026-12-10")
    row = _status_row(signed_in, erp, shipped)
    expect(row.locator("td.status")).to_have_text("shipped")
    expect(row.locator("td.carrier")).to_have_text("UPS")
    expect(row.locator("td.tracking")).to_have_text("1Z999AA10123456784")
    expect(row.locator("td.ship-date")).to_have_text("2026-12-04")
    expect(row.locator("td.updated")).to_contain_text(date.today().isoformat())
    row = _status_row(signed_in, erp, late)
    expect(row.locator("td.backorder-date")).to_have_text("2027-01-15")
    expect(row.locator("td.reason")).to_have_text("Supplier delay")
    expect(_status_row(signed_in, erp, cancelled).locator("td.status")).to_have_text(
        "cancelled"
    )

    frame = content(signed_in)
    frame.goto(f"{erp.url}/orders/{shipped}")
    expect(frame.locator("#od-carrier")).to_have_text("UPS")
    expect(frame.locator("#od-status")).to_have_text("shipped")


def test_admin_pages_ship_an_order(
    signed_in: Page, erp: Erp, screenshots_dir: Path
) -> None:
    order = OPEN_ORDERS[0]
    signed_in.goto(erp.url + "/admin")
    signed_in.screenshot(path=screenshots_dir / "erp-admin.png")
    signed_in.click(f"a[href='/admin/orders/{order.so_number}']")
    signed_in.fill("input[name=tracking]", "JD014600006281234567")
    signed_in.fill("input[name=qty__1]", "1")
    signed_in.screenshot(path=screenshots_dir / "erp-admin-order.png")
    signed_in.click("#admin-ship")
    expect(signed_in.locator("#admin-message")).to_have_text(
        f"{order.so_number} is now shipped"
    )

    signed_in.goto(f"{erp.url}/orders/{order.so_number}")
    expect(signed_in.locator("#od-tracking")).to_have_text("JD014600006281234567")
    expect(
        signed_in.locator("tr.order-line").nth(0).locator("td.shipped-qty")
    ).to_have_text("1")


def test_bulk_backorder_moves_every_open_order_with_the_item(erp: Erp) -> None:
    item = OPEN_ORDERS[0].lines[0].item_no
    expected = sorted(
        o.so_number
        for o in seed.sales_orders(date.today())
        if o.status in ("open", "confirmed") and item in {x.item_no for x in o.lines}
    )

    answer = erp.api(
        "/admin/api/orders/bulk-backorder",
        {"item_no": item, "backorder_date": "2027-02-01", "reason": "Plant fire"},
    )

    assert answer["backordered"] == expected
    states = {o["so_number"]: o for o in erp.api("/admin/api/orders")}
    assert all(states[n]["status"] == "backordered" for n in expected)
    assert all(states[n]["reason"] == "Plant fire" for n in expected)


def test_admin_refuses_bad_status_changes(erp: Erp) -> None:
    def post(path: str, body: dict) -> tuple[int, str]:
        request = urllib.request.Request(
            erp.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())["error"]

    so = OPEN_ORDERS[0].so_number
    assert post(f"/admin/api/orders/{so}/status", {"status": "lost"})[0] == 400
    assert post(f"/admin/api/orders/{so}/status", {"status": "backordered"}) == (
        400,
        "a backorder needs a new date (backorder_date)",
    )
    assert post("/admin/api/orders/SO-999999/status", {"status": "confirmed"})[0] == 404
    assert post("/admin/api/invoices", [{"invoice_number": "X"}])[0] == 400


def test_added_and_disputed_invoices_show_in_open_items_and_reset_restores(
    signed_in: Page, erp: Erp
) -> None:
    added = erp.api(
        "/admin/api/invoices",
        [
            {
                "invoice_number": "INV-2026-90001",
                "customer_no": "C1003",
                "invoice_date": date.today().isoformat(),
                "amount": "1234.56",
            },
        ],
    )
    assert added == {"added": ["INV-2026-90001"]}
    erp.api("/admin/api/invoices/INV-2026-90001/dispute", {"dispute": True})

    frame = content(signed_in)
    frame.goto(erp.url + "/ar/open-items?customer_no=C1003")
    frame.goto(
        frame.url
        + "&page="
        + frame.locator("#page-info").inner_text().split(" of ")[1].split()[0]
    )
    row = frame.locator("tr.open-item", has_text="INV-2026-90001")
    expect(row.locator("td.open-amount")).to_have_text("1,234.56")
    expect(row.locator("td.currency")).to_have_text("GBP")
    expect(row.locator("td.dispute")).to_have_text("D")

    assert erp.api("/admin/api/reset", {}) == {"reset": True}
    invoices = erp.api("/admin/api/invoices?customer_no=C1003")
    assert "INV-2026-90001" not in {i["invoice_number"] for i in invoices}


@pytest.mark.parametrize(
    "path", ["/admin/api/orders", "/admin/api/invoices", "/admin/api/payments"]
)
def test_admin_json_lists_need_no_login(erp: Erp, path: str) -> None:
    assert isinstance(erp.api(path), list)

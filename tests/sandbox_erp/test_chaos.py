"""Every chaos control of the sandbox ERP has an effect a test can see: latency, HTTP
500s, maintenance, session expiry, the system message modal and the skin."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from sandbox.chaos import skin_id
from tests.sandbox_erp.conftest import Erp, content, log_in, menu


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_latency_slows_every_page(erp: Erp) -> None:
    def timed() -> float:
        started = time.perf_counter()
        assert _status(erp.url + "/login") == 200
        return time.perf_counter() - started

    baseline = min(timed() for _ in range(3))
    erp.api("/admin/chaos", {"latency_ms": 400})

    slow = min(timed() for _ in range(3))
    assert slow >= 0.4 > baseline
    started = time.perf_counter()
    erp.api("/admin/api/orders")  # admin is never slowed down
    assert time.perf_counter() - started < 0.4


def test_error_rate_answers_http_500(erp: Erp) -> None:
    erp.chaos.update(error_rate=1.0)
    assert _status(erp.url + "/login") == 500

    erp.chaos.update(error_rate=0.5)
    codes = [_status(erp.url + "/login") for _ in range(200)]
    share = codes.count(500) / len(codes)
    assert 0.35 < share < 0.65, share
    assert set(codes) == {200, 500}


def test_maintenance_answers_503(page: Page, erp: Erp, screenshots_dir: Path) -> None:
    erp.api("/admin/chaos", {"maintenance": True})

    response = page.goto(erp.url + "/login")
    assert response is not None and response.status == 503
    assert response.headers.get("retry-after") == "60"
    expect(page.locator("h1")).to_have_text("Service Unavailable")
    page.screenshot(path=screenshots_dir / "erp-maintenance.png")
    assert erp.api("/admin/chaos")["maintenance"] is True  # admin still answers

    erp.api("/admin/chaos", {"maintenance": False})
    assert page.goto(erp.url + "/login").status == 200


def test_idle_session_expires_to_the_login_page(
    page: Page, erp: Erp, screenshots_dir: Path
) -> None:
    log_in(page, erp)
    frame = content(page)
    frame.goto(erp.url + "/orders/new")
    frame.fill("#customer_no", "C1001")
    frame.fill("#customer_po", "PO-EXPIRED-1")
    frame.fill("#po_date", "2026-11-01")
    erp.chaos.update(
        session_ttl_seconds=1
    )  # after the last request, so load can't race
    time.sleep(1.5)

    frame.click("#header-next")  # a POST on an expired session
    frame.wait_for_url("**/login?expired=1")
    expect(frame.locator("#expired-notice")).to_have_text(
        "Your session has expired. Please log in again."
    )
    page.screenshot(path=screenshots_dir / "erp-session-expired.png")
    page.goto(erp.url + "/orders/search?customer_po=PO-EXPIRED-1")
    expect(page).to_have_url(re.compile(r"/login$"))

    erp.chaos.update(session_ttl_seconds=60)
    log_in(page, erp)
    response = page.goto(erp.url + "/orders/draft/1/lines")  # the header was not saved
    assert response is not None and response.status == 404
    expect(page.locator(".ui-dlgbody b")).to_have_text("Record or screen not found")


def test_system_message_blocks_until_dismissed(
    page: Page, erp: Erp, screenshots_dir: Path
) -> None:
    log_in(page, erp)
    erp.api("/admin/chaos", {"system_message": "Month-end closing tonight <22:00>."})
    page.goto(erp.url + "/orders/new")

    modal = page.locator("#sysmsg")
    expect(modal).to_contain_text("Month-end closing tonight <22:00>.")  # escaped
    page.screenshot(path=screenshots_dir / "erp-system-message.png")
    with pytest.raises(PlaywrightError, match="intercepts pointer events"):
        page.click("#customer-lookup", timeout=1500)
    page.click("#sysmsg-ok")
    page.wait_for_url("**/orders/new")

    expect(modal).to_have_count(0)
    with page.expect_popup(timeout=3000) as popup:
        page.click("#customer-lookup", timeout=3000)
    popup.value.close()
    page.goto(erp.url + "/main")
    expect(menu(page).locator("#sysmsg")).to_have_count(0)  # dismissed for the session
    erp.api("/admin/chaos", {"system_message": "Second notice"})
    page.reload()
    expect(menu(page).locator("#sysmsg")).to_have_count(1)
    expect(content(page).locator("#sysmsg")).to_have_count(1)


def test_skin_2_renames_ids_but_keeps_field_names(
    page: Page, erp: Erp, screenshots_dir: Path
) -> None:
    log_in(page, erp)
    erp.api("/admin/chaos", {"skin": 2})
    page.goto(erp.url + "/orders/new")

    expect(page.locator("#customer_no")).to_have_count(0)
    expect(page.locator("[name=customer_no]")).to_have_count(1)
    renamed = skin_id(erp.chaos, "customer_no")
    assert renamed != "customer_no"
    expect(page.locator("[name=customer_no]")).to_have_attribute("id", renamed)
    expect(page.locator("#header-next")).to_have_count(0)
    page.screenshot(path=screenshots_dir / "erp-skin2-order-header.png")
    page.goto(erp.url + "/orders/status")
    expect(page.locator("table#status-list")).to_have_count(0)
    expect(page.locator(f"table#{skin_id(erp.chaos, 'status-list')} tr")).to_have_count(
        31
    )
    page.goto(erp.url + "/logout")
    expect(page.locator("#login-form")).to_have_count(0)
    expect(page.locator("input[name=username]")).to_have_count(1)

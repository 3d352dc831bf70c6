"""The sandbox ERP adapter under the sandbox's chaos: maintenance, HTTP 500s, a new
skin (selector drift), system notices, sessions expiring mid-flow, a bad password;
and no password in any trace or artifact."""

from __future__ import annotations

import logging
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Route

from bots.adapters.erp import (
    ErpAdapter,
    OrderEntry,
    OrderHeader,
    OrderLine,
    PaymentApplication,
    PaymentPosting,
    open_erp,
)
from bots.config import Settings
from bots.errors import BusinessError, SystemUnavailable, TechnicalError
from sandbox import seed
from tests.adapters.conftest import (
    ERP_PASSWORD,
    SandboxErpServer,
    files_containing,
    make_settings,
)

pytestmark = pytest.mark.browser
TTL = 3


def _entry(po: str, count: int = 2) -> OrderEntry:
    xref = seed.xref_for("C1001")
    lines = [OrderLine(x.customer_part, Decimal(1)) for x in xref[:count]]
    return OrderEntry(OrderHeader("C1001", po, date(2026, 11, 30)), lines)


def _delay_once(erp: ErpAdapter, pattern: str, method: str, seconds: float) -> list:
    """Hold the first matching request back until the ERP session has expired."""
    held: list[str] = []
    page = erp.ui.page  # type: ignore[attr-defined]

    def handler(route: Route) -> None:
        if route.request.method == method and not held:
            held.append(route.request.url)
            time.sleep(seconds)
        route.continue_()

    page.route(pattern, handler)
    return held


def _answer_late_once(erp: ErpAdapter, pattern: str, seconds: float) -> list:
    """Let the first matching POST reach the ERP at once but hold its answer back
    until the session has expired: the ERP did the work, the bot never saw it."""
    held: list[str] = []
    page = erp.ui.page  # type: ignore[attr-defined]

    def handler(route: Route) -> None:
        if route.request.method != "POST" or held:
            route.continue_()
            return
        held.append(route.request.url)
        response = route.fetch(max_redirects=0)
        time.sleep(seconds)
        route.fulfill(response=response)

    page.route(pattern, handler)
    return held


def _evidence_files(error: TechnicalError) -> list[Path]:
    return [Path(p) for p in error.details["evidence"]]


def test_maintenance_is_a_technical_error_with_evidence(
    erp: ErpAdapter,
    erp_server: SandboxErpServer,
    erp_settings: Settings,
    run_dir: Path,
) -> None:
    erp_server.chaos.update(maintenance=True)
    with pytest.raises(TechnicalError) as caught:
        erp.find_order_by_po("C1001", "PO-X")
    assert caught.value.code == "maintenance"
    assert any(p.suffix == ".png" and p.exists() for p in _evidence_files(caught.value))
    with pytest.raises(TechnicalError) as caught:
        open_erp(erp_settings, run_dir=run_dir / "second").open()
    assert caught.value.code == "maintenance"


def test_http_500_is_a_technical_error(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    erp_server.chaos.update(error_rate=1.0)
    with pytest.raises(TechnicalError) as caught:
        erp.order_statuses()
    assert caught.value.code == "http_error"
    assert "HTTP 500" in caught.value.message


def test_new_skin_is_selector_missing_with_a_screenshot(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    erp_server.chaos.update(skin=2)
    with pytest.raises(TechnicalError) as caught:
        erp.enter_order(_entry("PO-SKIN-2"))
    error = caught.value
    assert error.code == "selector_missing"
    assert "sandbox-erp.yaml" in error.message
    shots = [p for p in _evidence_files(error) if p.suffix == ".png"]
    assert shots and shots[0].stat().st_size > 1000
    assert shots[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert erp_server.orders_with_po("PO-SKIN-2") == []


def test_system_notice_is_dismissed(
    erp: ErpAdapter, erp_server: SandboxErpServer, caplog: pytest.LogCaptureFixture
) -> None:
    erp_server.chaos.update(system_message="Month-end closing tonight from 22:00.")
    with caplog.at_level(logging.INFO, logger="bots.adapters.browser"):
        so_number = erp.enter_order(_entry("PO-NOTICE"))
    assert "dismissing a system notice" in caplog.text
    assert erp.find_order_by_po("C1001", "PO-NOTICE").so_number == so_number


def test_notice_on_the_login_page_is_dismissed_too(
    erp_server: SandboxErpServer, erp_settings: Settings, run_dir: Path
) -> None:
    erp_server.chaos.update(system_message="Scheduled maintenance on Sunday.")
    with open_erp(erp_settings, run_dir=run_dir) as erp:
        assert erp.find_order_by_po("C1001", "PO-NONE") is None


def test_session_expired_mid_order_is_recovered_once(
    erp: ErpAdapter, erp_server: SandboxErpServer, caplog: pytest.LogCaptureFixture
) -> None:
    erp_server.chaos.update(session_ttl_seconds=TTL)
    held = _delay_once(erp, "**/orders/draft/*/lines", "POST", TTL + 0.5)
    with caplog.at_level(logging.WARNING):
        so_number = erp.enter_order(_entry("PO-EXPIRE-1", count=3))
    assert held, "the test did not hold back a line post"
    assert "session expired" in caplog.text
    [order] = erp_server.orders_with_po("PO-EXPIRE-1")
    assert order["so_number"] == so_number and len(order["lines"]) == 3


def test_session_expired_after_submit_does_not_enter_twice(
    erp: ErpAdapter, erp_server: SandboxErpServer, caplog: pytest.LogCaptureFixture
) -> None:
    erp_server.chaos.update(session_ttl_seconds=TTL)
    held = _answer_late_once(erp, "**/orders/draft/*/submit", TTL + 0.5)
    with caplog.at_level(logging.INFO, logger="bots.adapters.erp.sandbox"):
        so_number = erp.enter_order(_entry("PO-EXPIRE-2"))
    assert held
    assert "the interrupted attempt had gone through" in caplog.text
    [order] = erp_server.orders_with_po("PO-EXPIRE-2")
    assert order["so_number"] == so_number


def test_session_expired_mid_payment_posts_once(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    invoices = erp_server.admin("/admin/api/invoices?customer_no=C1004")
    invoice = next(i for i in invoices if Decimal(i["open_amount"]) > 10)
    currency = erp.get_customer("C1004").currency
    erp_server.chaos.update(session_ttl_seconds=TTL)
    held = _delay_once(erp, "**/ar/cash/draft/*/apply", "POST", TTL + 0.5)
    payment = PaymentPosting(
        "BANK-EXP-1",
        "C1004",
        Decimal("10.00"),
        currency,
        date(2026, 12, 1),
        [PaymentApplication(invoice["invoice_number"], Decimal("10.00"))],
    )
    document = erp.post_payment(payment)
    assert held
    posted = [
        p
        for p in erp_server.admin("/admin/api/payments")
        if p["bank_ref"] == "BANK-EXP-1"
    ]
    assert [p["document"] for p in posted] == [document]


def test_sessions_that_never_last_end_in_session_expired(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    erp_server.chaos.update(session_ttl_seconds=0)
    with pytest.raises(TechnicalError) as caught:
        erp.find_order_by_po("C1001", "PO-NEVER")
    assert caught.value.code == "session_expired"


def test_wrong_password_stops_with_a_clear_error(
    erp_server: SandboxErpServer,
    o2c_home: Path,
    run_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    chromium: str,
) -> None:
    monkeypatch.setenv("O2C_ERP__PASSWORD", "not-the-password")
    settings = make_settings(o2c_home, erp={"url": erp_server.url})
    with pytest.raises(SystemUnavailable) as caught:
        open_erp(settings, run_dir=run_dir).open()
    assert caught.value.code == "login_failed"
    assert "Invalid user name or password" in caught.value.message
    assert "not-the-password" not in caught.value.message


def test_password_is_in_no_trace_and_no_artifact(
    erp_settings: Settings, erp_server: SandboxErpServer, run_dir: Path
) -> None:
    erp_server.chaos.update(session_ttl_seconds=TTL)
    with open_erp(erp_settings, run_dir=run_dir) as erp:
        held = _delay_once(erp, "**/orders/draft/*/lines", "POST", TTL + 0.5)
        erp.enter_order(_entry("PO-TRACE"))  # logs in twice
        assert held
        erp.capture_evidence(run_dir / "evidence", "after-entry")
        erp_server.chaos.update(skin=2)
        with pytest.raises((TechnicalError, BusinessError)):
            erp.enter_order(_entry("PO-TRACE-2"))
    traces = sorted(run_dir.rglob("*.zip"))
    assert len(traces) >= 3
    assert any(b"PO-TRACE" in _all_members(t) for t in traces)  # traces are real
    assert files_containing(run_dir, ERP_PASSWORD) == []
    assert files_containing(erp_settings.home, ERP_PASSWORD) == []


def _all_members(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(m) for m in archive.namelist())

"""Clearing the exception queue in the browser: see an item and its evidence,
correct and retry it, resolve, discard, bulk actions, hostile text shown inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bots.runtime.db import session_scope
from bots.runtime.models import AuditEntry, ItemEvent
from tests.console.conftest import HOSTILE, Console, mail_bytes, po_pdf

pytestmark = pytest.mark.browser


def audit_actions(console: Console, target: str) -> list[tuple[str, str]]:
    with session_scope(console.settings) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.target == target)
        ).all()
        return [(row.user, row.action) for row in rows]


def test_exception_with_its_evidence(
    console: Console, signed_in: Any, make_exception: Any, screenshots_dir: Any
) -> None:
    item_id = make_exception(
        reference="PO-EVIDENCE-1",
        files={
            "po.pdf": po_pdf("PO-EVIDENCE-1", [("A-999", "Widget", 5, "12.50")]),
            "mail.eml": mail_bytes("Order PO-EVIDENCE-1", "po.pdf"),
        },
    )
    page = signed_in("oscar")
    page.screenshot(path=screenshots_dir / "console-overview-start.png", full_page=True)
    assert int(page.inner_text("#stat-exceptions")) >= 1
    assert page.locator("svg.chart rect.bar").count() >= 1
    page.click("nav >> text=Exceptions")
    row = page.locator(f"tr[data-item-id='{item_id}']")
    assert "Item A-999 is not in the ERP's item list" in row.inner_text()
    page.screenshot(path=screenshots_dir / "console-exceptions.png", full_page=True)
    row.locator("a.item-link").click()
    page.wait_for_url(f"{console.url}/items/{item_id}")

    failure = page.inner_text("#failure")
    assert "validate" in failure and "unknown_item" in failure
    assert "needs a decision" in failure
    # The PDF's page is drawn as an image and really loads.
    pdf_page = page.locator(".pages img").first
    pdf_page.wait_for(state="visible")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 300", arg=pdf_page.element_handle()
    )
    # The mail's headers and text.
    assert "buyer@northwind.example" in page.inner_text(".mail-headers")
    assert "Please find our order attached." in page.inner_text("pre.mailtext")
    shot = page.locator("#screenshots img").first
    page.wait_for_function(
        "img => img.complete && img.naturalWidth == 800", arg=shot.element_handle()
    )
    page.screenshot(path=screenshots_dir / "console-item.png", full_page=True)

    links = {
        a.inner_text(): a.get_attribute("href") for a in page.locator("#files a").all()
    }
    html = page.request.get(console.url + links["page.html"])
    assert html.headers["content-type"].startswith("text/plain")
    assert html.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in html.headers["content-security-policy"]
    trace = page.request.get(console.url + links["trace.zip"])
    assert trace.headers["content-disposition"].startswith("attachment")
    assert trace.body().startswith(b"PK")
    history = page.inner_text("#history")
    assert "added" in history and "failed" in history


def test_correct_a_field_and_retry(
    console: Console, signed_in: Any, make_exception: Any
) -> None:
    item_id = make_exception(reference="PO-CORRECT-1")
    page = signed_in("oscar")
    page.goto(f"{console.url}/items/{item_id}")
    page.fill("input[name='l.0.item']", "A-100")
    page.fill("input[name='l.0.quantity']", "7")
    page.fill("input[name='h.total']", "87.50")
    page.fill("input[name='l.new.item']", "B-200")
    page.fill("input[name='l.new.quantity']", "1")
    page.click("#correct-button")
    page.wait_for_selector(".flash.ok")
    assert page.inner_text("#item-status") == "new"

    item = console.queue.get(item_id)
    assert item["status"] == "new"
    lines = item["payload"]["po"]["lines"]
    assert lines[0]["item"] == "A-100" and lines[0]["quantity"] == 7
    assert lines[0]["unit_price"] == "12.50"
    assert lines[1] == {"item": "B-200", "quantity": 1}
    assert item["payload"]["po"]["total"] == "87.50"
    events = console.queue.history(item_id)
    edited = [e for e in events if e["action"] == "edited"]
    assert edited and edited[0]["actor"] == "oscar"
    previous = edited[0]["details"]["previous_payload"]
    assert previous["po"]["lines"][0]["item"] == "A-999"
    assert any(e["action"] == "retry" and e["actor"] == "oscar" for e in events)
    assert "oscar" in page.inner_text("#history")
    assert ("oscar", "item.correct_and_retry") in audit_actions(
        console, f"item {item_id}"
    )


def test_choose_a_payment_application(
    console: Console, signed_in: Any, make_exception: Any, screenshots_dir: Any
) -> None:
    # The matcher's candidate shape (bots.matching.result.Candidate.to_dict).
    short = {
        "invoice_number": "INV-1001",
        "amount": "1166.20",
        "discount": "0.00",
        "deduction": "23.80",
        "deduction_code": "short",
    }
    discounted = {
        "invoice_number": "INV-1001",
        "amount": "1166.20",
        "discount": "23.80",
        "deduction": "0.00",
        "deduction_code": "",
    }
    candidates = [
        {
            "customer_id": "C1001",
            "applications": [short],
            "unapplied": "0.00",
            "score": 0.62,
            "reasons": ["amount is 2 % under the invoice"],
        },
        {
            "customer_id": "C1001",
            "applications": [discounted],
            "unapplied": "0.00",
            "score": 0.58,
            "reasons": ["paid within the discount period"],
        },
    ]
    item_id = make_exception(
        bot="cash-application",
        reference="PAY-77",
        payload={"payment_id": "PAY-77", "amount": "1166.20", "payer": "Northwind"},
        code="ambiguous_match",
        message="Two applications fit the payment equally",
        step="match",
        details={"candidates": candidates},
        files={},
    )
    page = signed_in("oscar")
    page.goto(f"{console.url}/items/{item_id}")
    shown = page.inner_text("#candidates")
    assert "INV-1001 1166.20 (discount 23.80)" in shown
    assert "paid within the discount period" in shown
    page.screenshot(path=screenshots_dir / "console-item-payment.png", full_page=True)
    page.check("input[name=choice][value='1']")
    page.click("#apply-button")
    page.wait_for_selector(".flash.ok")
    payload = console.queue.get(item_id)["payload"]
    assert payload["application"] == candidates[1]
    assert payload["payment_id"] == "PAY-77"


def test_resolve_discard_and_assign(
    console: Console, signed_in: Any, make_exception: Any
) -> None:
    first, second = make_exception(), make_exception(technical=True, code="erp_timeout")
    page = signed_in("oscar")
    page.goto(f"{console.url}/items/{first}")
    page.fill("#assign-form input[name=assignee]", "maria")
    page.click("#assign-form button")
    page.wait_for_selector(".flash.ok")
    assert page.inner_text("#item-assignee") == "maria"
    page.fill("#resolve-form textarea", "Entered by phone as SO-100777")
    page.click("#resolve-form button")
    page.wait_for_selector(".flash.ok")
    assert page.inner_text("#item-status") == "resolved"
    assert console.queue.get(first)["assignee"] == "maria"

    page.goto(f"{console.url}/items/{second}")
    assert "retries ran out" in page.inner_text("#failure")
    page.fill("#discard-form input[name=reason]", "Customer cancelled the order")
    page.click("#discard-form button")
    page.wait_for_selector(".flash.ok")
    assert console.queue.get(second)["status"] == "discarded"
    history = console.queue.history(second)
    last = history[-1]
    assert (last["action"], last["actor"]) == ("discarded", "oscar")
    assert last["message"] == "Customer cancelled the order"
    # A closed item offers no more actions that would be refused.
    assert page.locator("#discard-form").count() == 0


def test_bulk_assign_retry_and_discard(
    console: Console, signed_in: Any, make_exception: Any, screenshots_dir: Any
) -> None:
    code = "bulk_case"
    ids = [make_exception(code=code) for _ in range(3)]
    page = signed_in("oscar")
    page.goto(f"{console.url}/exceptions?code={code}")
    assert page.locator("tr[data-item-id]").count() == 3
    retry = page.locator("#bulkbar button[value=retry]")
    assert retry.is_disabled()
    page.check("input[data-select-all]")
    assert page.inner_text("[data-selected-count]") == "3 selected"
    page.fill("#bulkbar input[name=assignee]", "team-cash")
    page.screenshot(path=screenshots_dir / "console-bulk.png")
    page.click("#bulkbar button[value=assign]")
    page.wait_for_selector(".flash.ok")
    assert all(console.queue.get(i)["assignee"] == "team-cash" for i in ids)

    page.check(f"tr[data-item-id='{ids[0]}'] input[data-select-item]")
    page.click("#bulkbar button[value=retry]")
    page.wait_for_selector(".flash.ok")
    assert console.queue.get(ids[0])["status"] == "new"

    page.check(f"tr[data-item-id='{ids[1]}'] input[data-select-item]")
    page.check(f"tr[data-item-id='{ids[2]}'] input[data-select-item]")
    page.fill("#bulkbar input[name=reason]", "test orders")
    page.click("#bulkbar button[value=discard]")
    page.wait_for_selector(".flash.ok")
    assert [console.queue.get(i)["status"] for i in ids[1:]] == ["discarded"] * 2
    assert page.locator("tr[data-item-id]").count() == 0


def test_filters_and_search(
    console: Console, signed_in: Any, make_exception: Any
) -> None:
    wanted = make_exception(
        reference="MAIL-5531",
        payload={
            "po": {"po_number": "PO-SEARCH-88", "customer_no": "C7777", "lines": []}
        },
        code="customer_unknown",
        technical=False,
        due_at=datetime.now(UTC) - timedelta(hours=2),
    )
    other = make_exception(code="erp_down", technical=True)
    page = signed_in("vera")
    for query in (
        "search=po-search-88",
        "search=C7777",
        "code=customer_unknown",
        "kind=business&search=5531",
    ):
        page.goto(f"{console.url}/exceptions?{query}")
        shown = page.locator("tr[data-item-id]").evaluate_all(
            "rows => rows.map(r => Number(r.dataset.itemId))"
        )
        assert wanted in shown and other not in shown, query
    page.goto(f"{console.url}/exceptions?kind=technical&age=1h")
    shown = page.locator("tr[data-item-id]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.itemId))"
    )
    assert other in shown and wanted not in shown
    page.goto(f"{console.url}/exceptions?age=older")
    assert page.locator(f"tr[data-item-id='{wanted}']").count() == 0
    # Two days later (the exception event moved back): in the oldest bucket.
    with session_scope(console.settings) as session:
        event = session.scalar(
            select(ItemEvent).where(
                ItemEvent.item_id == wanted, ItemEvent.to_status == "exception"
            )
        )
        event.at = event.at - timedelta(days=2)
    page.goto(f"{console.url}/exceptions?age=older")
    assert page.locator(f"tr[data-item-id='{wanted}']").count() == 1
    assert "2 d" in page.inner_text(f"tr[data-item-id='{wanted}']")
    page.goto(f"{console.url}/")
    assert int(page.inner_text("#aging-older")) >= 1
    # Its due time has passed: an SLA breach, on the overview and in the list.
    assert "MAIL-5531" in page.inner_text("#breaches")
    page.goto(f"{console.url}/exceptions?search=MAIL-5531")
    assert "late 2 h" in page.inner_text(f"tr[data-item-id='{wanted}']")


def test_hostile_text_is_shown_inert(
    console: Console, signed_in: Any, make_exception: Any, screenshots_dir: Any
) -> None:
    reference = f"REF {HOSTILE}"
    item_id = make_exception(
        reference=reference,
        payload={
            "mail_subject": HOSTILE,
            "link": "javascript:alert(document.cookie)",
            "po": {
                "po_number": HOSTILE,
                "customer_no": '" onfocus="alert(2)',
                "lines": [{"item": "<b>x</b>", "quantity": 1}],
            },
        },
        message=f"Unknown customer {HOSTILE}",
        files={"mail.eml": mail_bytes(f"Order {HOSTILE}", f"{HOSTILE}.pdf")},
        evidence={f"{HOSTILE}.html": f"<html>{HOSTILE}</html>"},
    )
    page = signed_in("oscar")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{console.url}/exceptions?search=onerror")
    assert reference in page.inner_text(f"tr[data-item-id='{item_id}']")
    page.goto(f"{console.url}/items/{item_id}")
    page.wait_for_load_state("networkidle")
    assert reference in page.inner_text("#item-title")
    assert f"Unknown customer {HOSTILE}" in page.inner_text("#failure")
    assert f"Order {HOSTILE}" in page.inner_text(".mail-headers")
    assert f"{HOSTILE}.pdf" in page.inner_text(".mail-headers")
    assert page.input_value("input[name='h.po_number']") == HOSTILE
    assert page.input_value("input[name='h.customer_no']") == '" onfocus="alert(2)'
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("[onerror], [onfocus]").count() == 0
    page.focus("input[name='h.customer_no']")
    page.click("#facts summary")
    page.screenshot(path=screenshots_dir / "console-hostile.png", full_page=True)
    assert dialogs == []
    html = page.content()
    assert "<script>alert" not in html
    assert re.search(r"&lt;script&gt;alert\(", html)

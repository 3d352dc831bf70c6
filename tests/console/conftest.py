"""Fixtures for the console tests: one console server on its own port and O2C_HOME,
three users (admin, operator, viewer), and work items in the exception queue made
through the runtime's `WorkQueue` with a real PDF as input and a real Chromium
screenshot as evidence."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from bots.config import Settings, load_settings
from bots.console import create_app, users
from bots.errors import BusinessError, TechnicalError
from bots.runtime.bot import NewItem
from bots.runtime.queue import WorkQueue
from sandbox.webserver import ServerThread, free_port

PASSWORDS = {
    "ada": "admin-pass-123",
    "oscar": "operator-pass-123",
    "vera": "viewer-pass-123",
    "tom": "throttled-pass-123",
}
ROLES = {"ada": "admin", "oscar": "operator", "vera": "viewer", "tom": "viewer"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> "quoted" \'q\''


@dataclass
class Console:
    url: str
    settings: Settings
    queue: WorkQueue
    app: Any


def po_pdf(po_number: str, lines: list[tuple[str, str, int, str]]) -> bytes:
    """A one-page purchase order as a real PDF (reportlab)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(50, 790, "PURCHASE ORDER")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(50, 765, f"PO number: {po_number}")
    pdf.drawString(50, 750, "Customer: C1001 Northwind Traders")
    pdf.drawString(50, 735, "Date: 2026-12-01")
    y = 700
    pdf.drawString(50, y, "Line  Item        Description             Qty   Price")
    for number, (item, text, qty, price) in enumerate(lines, start=1):
        y -= 18
        pdf.drawString(50, y, f"{number:<5} {item:<11} {text:<23} {qty:<5} {price}")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def mail_bytes(subject: str, attachment_name: str) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Buyer <buyer@northwind.example>"
    message["To"] = "orders@supplier.example"
    message["Subject"] = subject
    message["Message-ID"] = "<po-4711@northwind.example>"
    message.set_content(f"Please find our order attached.\n{subject}\n")
    message.add_attachment(
        b"%PDF-1.4", maintype="application", subtype="pdf", filename=attachment_name
    )
    return message.as_bytes()


@pytest.fixture(scope="session")
def console_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("console") / "home"
    home.mkdir()
    return home


@pytest.fixture(scope="session")
def console(console_home: Path) -> Iterator[Console]:
    saved = os.environ.get("O2C_HOME")
    os.environ["O2C_HOME"] = str(console_home)
    _point_systems_nowhere(console_home)
    settings = load_settings(home=console_home)
    app = create_app(settings)
    for name, password in PASSWORDS.items():
        users.add_user(settings, name, ROLES[name], password, actor="test")
    server = ServerThread(app, free_port()).start()
    yield Console(server.url, settings, WorkQueue(settings), app)
    server.stop()
    if saved is None:
        os.environ.pop("O2C_HOME", None)
    else:
        os.environ["O2C_HOME"] = saved


def _point_systems_nowhere(home: Path) -> None:
    """Bots launched from these tests reach no real system: closed ports only."""
    dead = free_port()
    (home / "o2c.toml").write_text(
        f'[erp]\nurl = "http://127.0.0.1:{dead}"\n'
        f"[imap]\nport = {dead}\n[smtp]\nport = {dead}\n"
        f'[portals.portal_a]\nkind = "a"\nurl = "http://127.0.0.1:{dead}"\n'
        f'[portals.portal_b]\nkind = "b"\nurl = "http://127.0.0.1:{dead}"\n',
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def error_screenshot(browser: Any) -> bytes:
    """A real Chromium screenshot of an ERP-like error screen."""
    page = browser.new_page(viewport={"width": 800, "height": 360})
    page.set_content(
        "<body style='font:14px sans-serif;background:#d4d0c8'>"
        "<h2>Order entry</h2><div style='color:#900;border:1px solid #900;"
        "padding:8px'>Item A-999 does not exist.</div></body>"
    )
    shot = page.screenshot()
    page.close()
    return shot


Factory = Callable[..., int]


@pytest.fixture
def make_exception(console: Console, error_screenshot: bytes) -> Factory:
    """Create one item and send it to the exception queue; return its id."""

    def make(
        *,
        bot: str = "order-intake",
        reference: str | None = None,
        payload: dict[str, Any] | None = None,
        code: str = "unknown_item",
        message: str = "Item A-999 is not in the ERP's item list",
        step: str = "validate",
        technical: bool = False,
        details: dict[str, Any] | None = None,
        files: dict[str, bytes] | None = None,
        evidence: dict[str, bytes | str] | None = None,
        due_at: datetime | None = None,
    ) -> int:
        reference = reference or f"PO-{uuid.uuid4().hex[:8]}"
        payload = payload if payload is not None else sample_payload(reference)
        if files is None:
            files = {"po.pdf": po_pdf(reference, [("A-999", "Widget", 5, "12.50")])}
        item_id, _ = console.queue.add(
            bot,
            NewItem(reference=reference, payload=payload, files=files, due_at=due_at),
        )
        owner = f"test-{uuid.uuid4().hex[:6]}"
        _lease_exactly(console.queue, bot, owner, item_id)
        if evidence is None:
            evidence = {
                "screenshot.png": error_screenshot,
                "page.html": "<html><body><script>alert(1)</script>ERP</body></html>",
                "trace.zip": b"PK\x05\x06" + b"\x00" * 18,
            }
        for name, data in evidence.items():
            console.queue.attach(item_id, name, data, "evidence", None)
        cls = TechnicalError if technical else BusinessError
        error = cls(code, message, step=step, details=details or {})
        # One attempt is the limit here, so a technical failure goes straight on.
        single = console.settings.runtime.model_copy(update={"max_attempts": 1})
        queue = WorkQueue(console.settings.model_copy(update={"runtime": single}))
        assert queue.fail(item_id, owner, error) == "exception"
        return item_id

    return make


def _lease_exactly(queue: WorkQueue, bot: str, owner: str, item_id: int) -> None:
    """Lease `item_id`; items other tests sent back to `new` are put back."""
    others = []
    while True:
        leased = queue.lease(bot, owner)
        assert leased is not None, f"item {item_id} could not be leased"
        if leased.id == item_id:
            break
        others.append(leased.id)
    for other in others:
        queue.release(other, owner)


def sample_payload(po_number: str) -> dict[str, Any]:
    return {
        "mail_subject": f"Order {po_number}",
        "po": {
            "po_number": po_number,
            "customer_no": "C1001",
            "po_date": "2026-12-01",
            "currency": "EUR",
            "total": "62.50",
            "lines": [
                {
                    "line": 1,
                    "item": "A-999",
                    "description": "Widget",
                    "quantity": 5,
                    "unit_price": "12.50",
                },
            ],
        },
    }


def login(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.fixture
def signed_in(console: Console, browser: Any) -> Iterator[Callable[[str], Any]]:
    """Open a fresh browser context signed in as the given user."""
    contexts = []

    def open_as(name: str) -> Any:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        contexts.append(context)
        page = context.new_page()
        login(page, console.url, name)
        return page

    yield open_as
    for context in contexts:
        context.close()

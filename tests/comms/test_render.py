"""Mail templates: both parts render, HTML escapes untrusted text, overrides work."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.comms.render import KINDS, money, render_mail
from bots.config import ReminderLevel
from bots.errors import ConfigError

ORDER = {
    "so_number": "SO-100031",
    "customer_po": "NW-PO-<b>24001</b>",
    "confirmed_date": date(2026, 12, 10),
    "carrier": "DHL",
    "tracking": "JD0146000033",
    "ship_date": date(2026, 12, 11),
    "backorder_date": date(2027, 1, 15),
    "reason": "Supplier <script>alert(1)</script> delayed",
    "old_date": date(2026, 12, 20),
}


def context(kind: str) -> dict:
    base = {"contact_name": "Anna Berg", "sender_name": "Customer Service"}
    if kind == "crisis_notice":
        return {**base, "message": "A supplier failed.", "orders": [ORDER, ORDER]}
    if kind == "payment_reminder":
        invoice = {"invoice_number": "INV-2026-00017", "invoice_date": date(2026, 10, 1),
                   "due_date": date(2026, 10, 31), "currency": "EUR",
                   "open_amount": Decimal("1234.5")}
        return {**base, "customer": {"name": "Northwind Retail GmbH"},
                "level": ReminderLevel(name="first", days_overdue=7),
                "invoices": [invoice], "total": Decimal("1234.5"), "currency": "EUR"}
    return {**base, "order": ORDER}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_text_and_html(kind: str) -> None:
    mail = render_mail(kind, context(kind))
    assert mail.subject and "\n" not in mail.subject
    assert "Anna Berg" in mail.text and "Anna Berg" in mail.html
    assert "<script>" not in mail.html
    assert mail.html.lstrip().startswith("<!doctype html>")


def test_untrusted_text_is_escaped_in_html_only() -> None:
    mail = render_mail("delay_notice", context("delay_notice"))
    assert "&lt;script&gt;" in mail.html
    assert "<script>alert(1)</script>" in mail.text  # plain text shows it literally


def test_reminder_lists_amounts_with_currency() -> None:
    mail = render_mail("payment_reminder", context("payment_reminder"))
    assert "1,234.50 EUR" in mail.text
    assert "INV-2026-00017" in mail.html
    assert mail.subject.startswith("Reminder")


def test_home_templates_override_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "delay_notice.subject.txt").write_text("Late: {{ order.so_number }}")
    mail = render_mail("delay_notice", context("delay_notice"), home=tmp_path)
    assert mail.subject == "Late: SO-100031"
    assert "new delivery date" in mail.text


def test_broken_template_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "delay_notice.txt").write_text("{{ order.nope }}")
    with pytest.raises(ConfigError) as caught:
        render_mail("delay_notice", context("delay_notice"), home=tmp_path)
    assert caught.value.key == "templates/delay_notice.txt"


def test_money_formats_decimal_strings() -> None:
    assert money("1234.5", "USD") == "1,234.50 USD"
    assert money(Decimal("0.005")) == "0.01"

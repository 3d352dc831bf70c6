"""The payment-reminders bot against the sandbox ERP's open items: one mail per
customer and level, to the customer's accounts-payable contact, never for a disputed
invoice, and never twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bots.config import load_settings
from bots.runtime.runner import run_bot
from sandbox import seed
from tests.status.conftest import call

BOT = "payment-reminders"


def expected_level(days_overdue: int) -> str | None:
    """The shipped levels, written out independently of the planner."""
    if -3 <= days_overdue < 0:
        return "upcoming"
    if days_overdue >= 30:
        return "final"
    if days_overdue >= 7:
        return "first"
    return None


def test_reminders_reach_the_right_customers_at_the_right_level(world) -> None:
    erp = world.url("erp")
    invoices = call(f"{erp}/admin/api/invoices")
    overdue = [i for i in invoices if expected_level(
        (date.today() - date.fromisoformat(str(i["due_date"])[:10])).days) == "final"]
    disputed = overdue[0]
    call(f"{erp}/admin/api/invoices/{disputed['invoice_number']}/dispute",
         {"dispute": True})

    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for inv in invoices:
        if inv["invoice_number"] == disputed["invoice_number"] or inv.get("dispute"):
            continue
        if float(inv["open_amount"]) <= 0:
            continue
        days = (date.today() - date.fromisoformat(str(inv["due_date"])[:10])).days
        level = expected_level(days)
        if level:
            expected[(inv["customer_no"], level)].add(inv["invoice_number"])

    summary = run_bot(BOT, load_settings())
    assert summary.status == "finished", summary.message

    accounts = {c.customer_no: {k.email for k in c.contacts if k.role == "accounts-payable"}
                for c in seed.customers()}
    got: dict[tuple[str, str], set[str]] = {}
    for mail in world.sink.messages:
        text = mail.get_body(("plain",)).get_content()
        numbers = {n for n in (w.strip() for w in text.split()) if n.startswith("INV-")}
        to = {a.strip() for a in str(mail["To"]).split(",")}
        customer = next(c for c, emails in accounts.items() if emails and emails <= to)
        subject = str(mail["Subject"])
        level = ("upcoming" if subject.startswith("Upcoming") else
                 "final" if subject.startswith("Final") else "first")
        assert (customer, level) not in got, f"two mails for {customer} {level}"
        got[(customer, level)] = numbers
        assert mail.get_body(("html",)) is not None
    assert got == expected
    assert all(disputed["invoice_number"] not in n for n in got.values())

    before = len(world.sink.messages)
    run_bot(BOT, load_settings())
    assert len(world.sink.messages) == before

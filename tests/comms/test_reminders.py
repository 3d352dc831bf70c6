"""Payment reminder planning: levels, once per level, one mail per customer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bots.comms.reminders import ReminderInvoice, level_for, plan_reminders
from bots.config import RemindersSettings

LEVELS = RemindersSettings().levels  # upcoming -3, first 7, final 30
TODAY = date(2026, 12, 3)


def invoice(number: str, customer: str, overdue: int, **kw) -> ReminderInvoice:
    return ReminderInvoice(
        invoice_number=number, customer_id=customer, customer_name=customer + " Ltd",
        invoice_date=TODAY - timedelta(days=30 + overdue),
        due_date=TODAY - timedelta(days=overdue), currency="EUR",
        amount=Decimal("100.00"), open_amount=kw.pop("open_amount", Decimal("100.00")),
        **kw)


def test_levels_by_days_overdue() -> None:
    names = {d: (level_for(d, LEVELS) or None) for d in (-5, -3, -1, 0, 6, 7, 29, 30, 90)}
    assert {d: lv.name if lv else None for d, lv in names.items()} == {
        -5: None, -3: "upcoming", -1: "upcoming", 0: None, 6: None,
        7: "first", 29: "first", 30: "final", 90: "final"}


def test_one_mail_per_customer_and_level() -> None:
    plan = plan_reminders(
        [invoice("I1", "C1", 8), invoice("I2", "C1", 10), invoice("I3", "C1", 45),
         invoice("I4", "C2", 8), invoice("I5", "C2", -2)], TODAY, LEVELS, set())
    got = {(b.customer_id, b.level.name): [i.invoice_number for i in b.invoices]
           for b in plan}
    assert got == {("C1", "first"): ["I2", "I1"], ("C1", "final"): ["I3"],
                   ("C2", "upcoming"): ["I5"], ("C2", "first"): ["I4"]}


def test_never_twice_per_invoice_and_level() -> None:
    plan = plan_reminders([invoice("I1", "C1", 8), invoice("I2", "C1", 9)], TODAY,
                          LEVELS, {("I1", "first")})
    assert [i.invoice_number for b in plan for i in b.invoices] == ["I2"]


def test_paid_and_disputed_invoices_are_skipped() -> None:
    plan = plan_reminders(
        [invoice("I1", "C1", 8, open_amount=Decimal("0")),
         invoice("I2", "C1", 8, dispute=True), invoice("I3", "C1", 8)],
        TODAY, LEVELS, set())
    assert [i.invoice_number for b in plan for i in b.invoices] == ["I3"]


def test_reference_is_stable_and_totals_per_currency() -> None:
    batch = plan_reminders([invoice("I2", "C1", 8), invoice("I1", "C1", 9)], TODAY,
                           LEVELS, set())[0]
    assert batch.reference == "C1:first:I1,I2"
    assert batch.totals() == {"EUR": Decimal("200.00")}

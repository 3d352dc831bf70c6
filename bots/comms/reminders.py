"""Plan payment reminders from open items.

Each invoice is at the highest reminder level its days overdue reach (a level with
negative days, e.g. -3, means "due within 3 days" and applies only before the due
date). An invoice gets each level at most once, and only its current level: one that
is first seen 40 days overdue gets the final reminder, not all three. One mail per
customer and level lists every invoice at that level. Invoices that are paid or in
dispute get nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bots.config import ReminderLevel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderInvoice:
    invoice_number: str
    customer_id: str
    customer_name: str
    invoice_date: date
    due_date: date
    currency: str
    amount: Decimal
    open_amount: Decimal
    dispute: bool = False


@dataclass
class ReminderBatch:
    customer_id: str
    customer_name: str
    level: ReminderLevel
    invoices: list[ReminderInvoice] = field(default_factory=list)

    @property
    def reference(self) -> str:
        numbers = ",".join(sorted(i.invoice_number for i in self.invoices))
        return f"{self.customer_id}:{self.level.name}:{numbers}"

    def totals(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for invoice in self.invoices:
            sums[invoice.currency] += invoice.open_amount
        return dict(sums)


def level_for(days_overdue: int, levels: list[ReminderLevel]) -> ReminderLevel | None:
    """The highest level reached; negative levels only before the due date."""
    reached = None
    for level in sorted(levels, key=lambda lv: lv.days_overdue):
        if level.days_overdue < 0 and not (level.days_overdue <= days_overdue < 0):
            continue
        if days_overdue >= level.days_overdue:
            reached = level
    return reached


def plan_reminders(
    invoices: Iterable[ReminderInvoice],
    today: date,
    levels: list[ReminderLevel],
    already_sent: set[tuple[str, str]],
) -> list[ReminderBatch]:
    """Batches to send; `already_sent` holds (invoice_number, level name) pairs."""
    batches: dict[tuple[str, str], ReminderBatch] = {}
    for invoice in invoices:
        if invoice.open_amount <= 0 or invoice.dispute:
            continue
        level = level_for((today - invoice.due_date).days, levels)
        if level is None or (invoice.invoice_number, level.name) in already_sent:
            continue
        key = (invoice.customer_id, level.name)
        if key not in batches:
            batches[key] = ReminderBatch(
                invoice.customer_id, invoice.customer_name, level
            )
        batches[key].invoices.append(invoice)
    for batch in batches.values():
        batch.invoices.sort(key=lambda i: (i.due_date, i.invoice_number))
    return sorted(batches.values(), key=lambda b: (b.customer_id, b.level.days_overdue))

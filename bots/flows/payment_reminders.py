"""The payment-reminders bot: one reminder mail per customer and level, from the ERP's
open items.

It downloads the open items ("Export to Excel"), plans reminders by days overdue
(`settings.reminders.levels`), and sends each customer one mail listing its invoices
at that level - never a level twice for the same invoice, never for invoices paid or
in dispute since the plan was made.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from bots.adapters.erp import ErpAdapter, open_erp
from bots.adapters.smtp import Mailer
from bots.comms.mails import send_customer_mail
from bots.comms.reminders import ReminderInvoice, plan_reminders
from bots.documents.bank.open_items import COLUMNS
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem
from bots.runtime.kv import kv_items, kv_put

log = logging.getLogger(__name__)
SENT = "payment-reminders:sent"


def read_reminder_invoices(path: Path) -> list[ReminderInvoice]:
    """Open items from the ERP's export, with the `dispute` column when present."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows)]
        index = {
            name: header.index(name)
            for name in COLUMNS + ("dispute",)
            if name in header
        }
        found = []
        for row in rows:
            if not row or row[index["invoice_number"]] in (None, ""):
                continue
            found.append(_invoice(row, index))
        return found
    finally:
        book.close()


def _invoice(row: tuple[Any, ...], index: dict[str, int]) -> ReminderInvoice:
    def day(name: str) -> date:
        value = row[index[name]]
        return (
            value.date() if hasattr(value, "date") else date.fromisoformat(str(value))
        )

    def money(name: str) -> Decimal:
        return Decimal(str(row[index[name]])).quantize(Decimal("0.01"))

    dispute = row[index["dispute"]] if "dispute" in index else None
    return ReminderInvoice(
        invoice_number=str(row[index["invoice_number"]]),
        customer_id=str(row[index["customer_id"]]),
        customer_name=str(row[index["customer_name"]]),
        invoice_date=day("invoice_date"),
        due_date=day("due_date"),
        currency=str(row[index["currency"]]),
        amount=money("amount"),
        open_amount=money("open_amount"),
        dispute=str(dispute or "").strip().upper() in ("D", "Y", "YES", "TRUE", "1"),
    )


class PaymentRemindersBot(Bot):
    name = "payment-reminders"
    systems = ("erp", "smtp")

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.erp: ErpAdapter | None = None
        self.mailer: Mailer | None = None
        self.open_items: dict[str, ReminderInvoice] = {}

    def open(self, ctx: RunContext) -> None:
        self.erp = open_erp(self.settings, run_dir=ctx.run_dir)
        self.erp.open()
        self.mailer = Mailer(self.settings)

    def close(self, ctx: RunContext) -> None:
        if self.erp is not None:
            self.erp.close()
        if self.mailer is not None:
            self.mailer.close()
        self.erp = self.mailer = None

    def _refresh(self) -> list[ReminderInvoice]:
        assert self.erp is not None
        with tempfile.TemporaryDirectory() as folder:
            invoices = read_reminder_invoices(
                self.erp.download_open_items(Path(folder))
            )
        self.open_items = {i.invoice_number: i for i in invoices}
        return invoices

    def find_work(self, ctx: RunContext) -> Iterator[NewItem]:
        invoices = self._refresh()
        sent = {tuple(key.split("|", 1)) for key in kv_items(self.settings, SENT)}
        today = date.today()
        batches = plan_reminders(invoices, today, self.settings.reminders.levels, sent)
        log.info(
            "%d open items: %d reminder mails planned", len(invoices), len(batches)
        )
        for batch in batches:
            if ctx.dry_run:
                log.warning(
                    "dry run: would send the %s reminder to %s for %s",
                    batch.level.name, batch.customer_id,
                    ", ".join(i.invoice_number for i in batch.invoices),
                )
            yield NewItem(
                reference=f"{batch.reference}",
                payload={
                    "customer_no": batch.customer_id,
                    "level": batch.level.name,
                    "invoices": [i.invoice_number for i in batch.invoices],
                },
            )

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any]:
        assert self.erp is not None and self.mailer is not None
        payload = item.payload
        level = next(
            (
                lv
                for lv in self.settings.reminders.levels
                if lv.name == payload["level"]
            ),
            None,
        )
        if level is None:
            return {
                "skipped": f"the level '{payload['level']}' is no longer configured"
            }
        still = [
            self.open_items[n]
            for n in payload["invoices"]
            if n in self.open_items
            and self.open_items[n].open_amount > 0
            and not self.open_items[n].dispute
        ]
        if not still:
            return {"skipped": "every invoice was paid or disputed since"}
        ctx.record_step(f"reminder {level.name} to {payload['customer_no']}")
        customer = self.erp.get_customer(payload["customer_no"])
        total = sum((i.open_amount for i in still), Decimal("0"))
        context = {
            "level": level,
            "invoices": [vars(i) for i in still],
            "total": total,
            "currency": still[0].currency,
        }
        result = send_customer_mail(
            self.settings,
            self.mailer,
            reference=item.reference,
            kind=level.template,
            customer=customer,
            roles=self.settings.comms.reminder_roles,
            context=context,
            dry_run=ctx.dry_run,
        )
        if not ctx.dry_run:
            for invoice in still:
                kv_put(
                    self.settings,
                    SENT,
                    f"{invoice.invoice_number}|{level.name}",
                    item.reference,
                )
        return {**result, "invoices": [i.invoice_number for i in still]}

    def capture_evidence(
        self, ctx: RunContext, item: WorkItem, error: BaseException
    ) -> None:
        if self.erp is None:
            return
        for path in self.erp.capture_evidence(
            ctx.run_dir / "evidence", f"item-{item.id}"
        ):
            ctx.add_evidence(path.name, path.read_bytes())

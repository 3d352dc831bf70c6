"""Open customer invoices read through Tryton's screens, as a clerk would.

The customer-invoice list (model account.invoice) opens filtered to the posted
customer invoices - of one party code when a customer is given - and is exported
through sao's CSV export dialog (`tryton_lists`) with the fields of
`open_items_export` in the selector file: every record of the filtered list, plain
(not locale) numbers and ISO dates. The rows are written to the .xlsx layout the
cash-application bot reads (`COLUMNS`).

A one2many field (the lines to pay) exports one extra row per further line, its
other columns empty: those rows add due dates to the invoice above them, and the
earliest maturity date is the invoice's due date. Invoices with nothing left to pay
are left out. A screen that is not as expected becomes a TechnicalError with
evidence whose message names the stage; no file is written then.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bots.adapters.erp.tryton_lists import Record, read_list, stage
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.documents.bank.open_items import COLUMNS

log = logging.getLogger(__name__)

STEP = "download_open_items"
LIST, FIELDS = "invoice_list", "open_items_export"
# The columns read from the export, in this order (their paths: `open_items_export`).
EXPORTED = (
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "currency",
    "currency_digits",
    "amount",
    "open_amount",
    "due_date",
)


def download_open_items(
    ui: SaoScreens, dest_dir: Path, customer_no: str | None
) -> Path:
    """Write the open customer invoices to dest_dir/open_items.xlsx."""
    domain: list[Any] = [["type", "=", "out"], ["state", "=", "posted"]]
    if customer_no:
        domain.append(["party.code", "=", customer_no.strip().upper()])
    invoices = read_list(
        ui,
        LIST,
        domain,
        FIELDS,
        EXPORTED,
        STEP,
        related={"lines": ("due_date",)},
        label="customer-invoice list",
    )
    with stage(ui, "reading the exported CSV", STEP):
        rows = [_row(ui, inv) for inv in invoices]
    rows = sorted((r for r in rows if Decimal(r[-1]) > 0), key=lambda r: str(r[0]))
    book = Workbook()
    sheet = book.active
    sheet.title = "Open items"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / "open_items.xlsx"
    book.save(target)
    log.info(
        "%d open invoices from Tryton's invoice list (%d exported) written to %s",
        len(rows),
        len(invoices),
        target,
    )
    return target


# The CSV
def _row(ui: SaoScreens, invoice: Record) -> list[Any]:
    values = invoice.values
    number = values["invoice_number"].strip()
    due_dates = [
        _date(ui, line["due_date"].strip(), number) for line in invoice.related["lines"]
    ]
    invoice_date = values["invoice_date"].strip()
    try:
        digits = int(values["currency_digits"] or 2)
    except ValueError:
        raise ui.failure(
            "unexpected_screen",
            f"invoice {number}: the currency digits '{values['currency_digits']}' "
            "are not a number",
            STEP,
        ) from None
    unit = Decimal(1).scaleb(-digits)
    return [
        number,
        values["customer_id"].strip(),
        values["customer_name"].strip(),
        _date(ui, invoice_date, number) if invoice_date else None,
        min(due_dates, default=None),
        values["currency"].strip(),
        str(_amount(ui, values["amount"], number).quantize(unit)),
        str(_amount(ui, values["open_amount"], number).quantize(unit)),
    ]


def _amount(ui: SaoScreens, text: str, where: str | int) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ui.failure(
            "unexpected_screen",
            f"{_where(where)}: the amount '{text}' is no plain number (is "
            "'Use locale format' still ticked?)",
            STEP,
        ) from None


def _date(ui: SaoScreens, text: str, where: str | int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ui.failure(
            "unexpected_screen",
            f"{_where(where)}: the date '{text}' is no ISO date (is "
            "'Use locale format' still ticked?)",
            STEP,
        ) from None


def _where(where: str | int) -> str:
    return f"CSV row {where}" if isinstance(where, int) else f"invoice {where}"

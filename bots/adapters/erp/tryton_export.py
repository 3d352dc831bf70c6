"""Open customer invoices read through Tryton's screens, as a clerk would.

The customer-invoice list (model account.invoice) opens filtered to the posted
customer invoices - of one party code when a customer is given - through the
client's own URL (`paths.invoice_list` and `;domain=`). Its tab menu opens sao's CSV export
dialog; the selected fields are cleared and the fields of `open_items_export` in
the selector file are added from "All Fields" (relations unfolded with their arrow,
e.g. party -> party/code). "Listed Records" with "Ignore search limit" exports every
record of the filtered list, not one page; "Use locale format" is unticked, so
numbers come as plain decimals and dates as ISO dates. The CSV the client downloads
is caught, checked (its fields, its row count against the client's "N records
saved") and written to the .xlsx layout the cash-application bot reads
(`COLUMNS`).

A one2many field (the lines to pay) exports one extra row per further line, its
other columns empty: those rows add due dates to the invoice above them, and the
earliest maturity date is the invoice's due date. Invoices with nothing left to pay
are left out. A screen that is not as expected - no list, no dialog, a field path
the dialog does not offer, no download - becomes a TechnicalError with evidence
whose message names the stage; no file is written then.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, expect

from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import TechnicalError

log = logging.getLogger(__name__)

STEP = "download_open_items"
LIST, EXPORT, FIELDS = "invoice_list", "export", "open_items_export"
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
COLUMNS = (
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
)


@dataclass
class _Invoice:
    values: dict[str, str]
    due_dates: list[date] = field(default_factory=list)


def download_open_items(
    ui: SaoScreens, dest_dir: Path, customer_no: str | None
) -> Path:
    """Write the open customer invoices to dest_dir/open_items.xlsx."""
    paths = [ui.sel.get(FIELDS, key) for key in EXPORTED]
    domain: list[Any] = [["type", "=", "out"], ["state", "=", "posted"]]
    if customer_no:
        domain.append(["party.code", "=", customer_no.strip().upper()])
    with stage(ui, "opening the customer-invoice list"):
        open_list(ui, domain)
    with stage(ui, "exporting the customer-invoice list"):
        text = export_csv(ui, paths)
    with stage(ui, "reading the exported CSV"):
        invoices = _invoices(ui, text)
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
    close_tab(ui)
    return target


# Generic steps on sao's screens
@contextmanager
def stage(ui: SaoScreens, name: str) -> Iterator[None]:
    """Name the stage in the TechnicalError of anything failing inside (evidence
    is saved by SaoScreens); a Playwright error becomes one with evidence."""
    try:
        yield
    except TechnicalError as exc:
        raise type(exc)(
            exc.code, f"{name}: {exc.message}", step=exc.step, details=exc.details
        ) from exc
    except PlaywrightError as exc:
        failed = ui.browser_failure(exc, STEP)
        raise TechnicalError(
            failed.code,
            f"{name}: {failed.message}",
            step=failed.step,
            details=failed.details,
        ) from exc


def open_list(ui: SaoScreens, domain: list[Any]) -> None:
    """Open paths.invoice_list filtered by `domain` in a new tab of the client."""
    before = _active_tab_id(ui)
    ui.goto(LIST, STEP, domain=domain)
    ui.require(ui.tab(), LIST, "ready", STEP, timeout_ms=_long(ui))
    if _active_tab_id(ui) == before:
        raise ui.failure(
            "unexpected_screen",
            "the client opened no new tab for the list (it ignores a URL it "
            f"cannot read): {ui.page.url}",
            STEP,
        )


def export_csv(ui: SaoScreens, paths: list[str]) -> str:
    """The active list's records as CSV, through its export dialog: these field
    paths, every listed record, plain (not locale) numbers and dates."""
    tab = ui.tab()
    ui.click(tab, LIST, "tab_menu", STEP)
    ui.click(tab, LIST, "export", STEP)
    dialog = ui.require(ui.page, EXPORT, "dialog", STEP, timeout_ms=_long(ui))
    ui.wait_quiet(STEP)
    ui.require(dialog, EXPORT, "clear", STEP).click()  # no request: no wait
    for path in paths:
        _add_field(ui, dialog, path)
    chosen = ui.find(dialog, EXPORT, "selected").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('path'))"
    )
    if chosen != paths:
        raise ui.failure(
            "unexpected_screen",
            f"the export dialog selected {chosen} instead of {paths}",
            STEP,
        )
    listed = ui.require(dialog, EXPORT, "listed_records", STEP, state="attached")
    value = listed.get_attribute("value") or ""
    ui.require(dialog, EXPORT, "records", STEP).select_option(value=value)
    ui.require(dialog, EXPORT, "ignore_limit", STEP).check()
    ui.require(dialog, EXPORT, "csv_parameters", STEP).click()
    ui.require(dialog, EXPORT, "delimiter", STEP).fill(",")
    ui.require(dialog, EXPORT, "quote_char", STEP).fill('"')
    ui.require(dialog, EXPORT, "locale_format", STEP).set_checked(False)
    ui.require(dialog, EXPORT, "field_names", STEP).set_checked(True)
    text = _download(ui, ui.require(dialog, EXPORT, "ok", STEP))
    _confirm_saved(ui, text)
    return text


def close_tab(ui: SaoScreens) -> None:
    """Close the list's tab; a failure is only logged (the file is written by
    then)."""
    try:
        with stage(ui, "closing the list"):
            ui.close_tab(STEP)
    except TechnicalError as exc:
        log.warning("the invoice list stays open: %s", exc.message)


def _add_field(ui: SaoScreens, dialog: Locator, path: str) -> None:
    """Select `path` in "All Fields" (unfolding its relations) and add it."""
    fields = ui.require(dialog, EXPORT, "all_fields", STEP)
    parts = path.split("/")
    for depth in range(1, len(parts)):
        child = "/".join(parts[: depth + 1])
        if not ui.find(fields, EXPORT, "field", path=child).count():
            parent = "/".join(parts[:depth])
            ui.require(fields, EXPORT, "expand", STEP, path=parent).click()
    ui.require(fields, EXPORT, "field", STEP, path=path).click()
    ui.require(dialog, EXPORT, "add", STEP).click()


def _download(ui: SaoScreens, ok: Locator) -> str:
    try:
        with ui.page.expect_download(timeout=_long(ui)) as caught:
            ok.click()
        download = caught.value
        failed = download.failure()
        saved = None if failed else download.path()
    except PlaywrightError as exc:
        failed = str(exc).strip().splitlines()[0][:200] if str(exc) else "timeout"
        saved = None
    if saved is None:
        shown = ui.dialog_message()
        raise ui.failure(
            "unexpected_screen",
            f"the export dialog gave no CSV download ({failed})"
            + (f"; the client says: {shown[:200]}" if shown else ""),
            STEP,
        )
    return Path(saved).read_text(encoding="utf-8-sig")


def _confirm_saved(ui: SaoScreens, text: str) -> None:
    """Close the client's "N records saved" and check N against the CSV rows."""
    saved = ui.require(ui.page, EXPORT, "saved", STEP, timeout_ms=_long(ui))
    message = saved.inner_text().strip()
    ui.click(saved, EXPORT, "saved_ok", STEP)
    try:
        expect(ui.find(ui.page, "common", "dialog")).to_have_count(0, timeout=_long(ui))
    except AssertionError:
        raise ui.failure(
            "unexpected_screen", "a dialog stayed open after the export", STEP
        ) from None
    count = re.search(r"\d+", message)
    rows = len(list(csv.reader(io.StringIO(text)))) - 1
    if count and int(count.group()) != rows:
        raise ui.failure(
            "unexpected_screen",
            f"the client saved {count.group()} records but the CSV holds {rows} rows",
            STEP,
        )


def _active_tab_id(ui: SaoScreens) -> str | None:
    tab = ui.find(ui.page, "common", "active_tab")
    return tab.first.get_attribute("id") if tab.count() else None


def _long(ui: SaoScreens) -> int:
    return ui.browser.settings.browser.timeout_ms


# The CSV
def _invoices(ui: SaoScreens, text: str) -> list[_Invoice]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) != len(EXPORTED):
        raise ui.failure(
            "unexpected_screen",
            f"the CSV header {rows[0] if rows else []} does not have the "
            f"{len(EXPORTED)} exported fields",
            STEP,
        )
    invoices: list[_Invoice] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(EXPORTED):
            raise ui.failure(
                "unexpected_screen",
                f"CSV row {number} has {len(row)} columns, not {len(EXPORTED)}",
                STEP,
            )
        values = dict(zip(EXPORTED, row, strict=True))
        if values["invoice_number"].strip():
            invoices.append(_Invoice(values))
        elif not invoices or any(
            v.strip() for k, v in values.items() if k != "due_date"
        ):
            raise ui.failure(
                "unexpected_screen",
                f"CSV row {number} has no invoice number but is no further line "
                "to pay of the invoice above",
                STEP,
            )
        due = values["due_date"].strip()
        if due:
            invoices[-1].due_dates.append(_date(ui, due, number))
    return invoices


def _row(ui: SaoScreens, invoice: _Invoice) -> list[Any]:
    values = invoice.values
    number = values["invoice_number"].strip()
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
        min(invoice.due_dates, default=None),
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

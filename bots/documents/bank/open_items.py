"""Open invoices from the ERP's "Export to Excel" or a CSV/XLSX open-items file.

Columns: `invoice_number, customer_id, customer_name, invoice_date, due_date,
currency, amount, open_amount`, with the usual header spellings of ERP exports
accepted as well.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bots.documents.bank.model import OpenItem
from bots.documents.bank.tabular import (
    Row,
    parse_amount,
    parse_date,
    read_bytes,
    read_table,
)
from bots.errors import DocumentError

log = logging.getLogger(__name__)

# The columns in the order ERP adapters write them.
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

OPEN_ITEM_SYNONYMS = {
    "invoice_number": "invoice_number",
    "invoice_no": "invoice_number",
    "invoice": "invoice_number",
    "document_number": "invoice_number",
    "customer_id": "customer_id",
    "customer_no": "customer_id",
    "customer_number": "customer_id",
    "customer": "customer_id",
    "customer_name": "customer_name",
    "name": "customer_name",
    "invoice_date": "invoice_date",
    "date": "invoice_date",
    "due_date": "due_date",
    "due": "due_date",
    "currency": "currency",
    "ccy": "currency",
    "amount": "amount",
    "invoice_amount": "amount",
    "total": "amount",
    "open_amount": "open_amount",
    "open": "open_amount",
    "balance": "open_amount",
    "outstanding": "open_amount",
    "amount_open": "open_amount",
    "dispute": "dispute",
    "disputed": "dispute",
}
OPEN_ITEM_REQUIRED = {"invoice_number", "customer_id", "currency", "open_amount"}


def read_open_items(path: Path) -> list[OpenItem]:
    """Every open item of the file; a bad file raises `DocumentError`."""
    source = str(path)
    data = read_bytes(path)
    rows = read_table(data, source, OPEN_ITEM_SYNONYMS, OPEN_ITEM_REQUIRED)
    items = [_item(row, source, number) for number, row in enumerate(rows, start=2)]
    log.info("%s: %d open items", source, len(items))
    return items


def _item(row: Row, source: str, number: int) -> OpenItem:
    where = f"row {number}"
    invoice = _text(row, "invoice_number")
    customer = _text(row, "customer_id")
    if not invoice or not customer:
        raise DocumentError(
            source, "open_item_row", f"{where}: invoice_number and customer_id needed"
        )
    open_amount = parse_amount(row.get("open_amount"), source, f"{where} open_amount")
    amount = row.get("amount")
    return OpenItem(
        invoice_number=invoice,
        customer_id=customer,
        customer_name=_text(row, "customer_name"),
        invoice_date=parse_date(
            row.get("invoice_date"), source, f"{where} invoice_date"
        ),
        due_date=parse_date(row.get("due_date"), source, f"{where} due_date"),
        currency=_text(row, "currency").upper(),
        amount=parse_amount(amount, source, f"{where} amount")
        if amount
        else open_amount,
        open_amount=open_amount,
        dispute=_text(row, "dispute").lower() not in ("", "0", "no", "false", "n"),
    )


def _text(row: Row, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

"""Purchase orders sent as spreadsheets (XLSX through openpyxl, or CSV).

The expected shape is the one people make by hand: a header block of `label | value`
cells (an address continues in the value column of the rows below), then a line
table found by its header cells, then totals rows (`label | ... | amount`). Numbers
typed as numbers are taken exactly; numbers typed as text are read in the sheet's
own format, like in a PDF.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.documents.po.labels import HEADER_LABELS, TOTAL_LABELS, match_label
from bots.documents.po.models import OrderLine, Party, PurchaseOrder
from bots.documents.po.parsing import (
    Conventions,
    ambiguous_dates,
    decide_day_first,
    detect_number_format,
    find_currency,
    parse_date,
    parse_number,
)
from bots.documents.po.table import column_name

log = logging.getLogger(__name__)

Cell = str | Decimal | date | None
Grid = list[list[Cell]]


def read_xlsx_grid(path: Path) -> Grid:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            [_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def read_csv_grid(data: bytes) -> Grid:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    return [[_cell(value) for value in row] for row in reader]


def _delimiter(text: str) -> str:
    """The separator found on most of the first lines (`;` wins over `,`)."""
    lines = text.splitlines()[:30]
    counts = {sep: sum(sep in line for line in lines) for sep in ";\t|,"}
    return max(counts, key=lambda sep: counts[sep])


def _cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    return text or None


def read_grid(grid: Grid, source: str) -> PurchaseOrder:
    """A purchase order from the cells of the sheet's first worksheet."""
    rows = [row for row in grid]
    texts = [" ".join(str(c) for c in row if isinstance(c, str)) for row in rows]
    number_format = detect_number_format(texts)
    day_first, certain = decide_day_first(texts, number_format, _currency(texts))
    conventions = Conventions(number_format, day_first, certain)
    header_at = _header_row(rows)
    po = PurchaseOrder(source=source)
    _read_header_block(
        po, rows[: header_at if header_at is not None else len(rows)], conventions
    )
    if header_at is not None:
        columns = {i: column_name(str(c)) for i, c in enumerate(rows[header_at]) if c}
        end = _read_lines(po, rows, header_at, columns, conventions)
        _read_totals(po, rows[end:], conventions)
    po.currency = po.currency or _currency(texts)
    ambiguous = [] if certain else ambiguous_dates(texts)
    if ambiguous:
        order = "day/month" if day_first else "month/day"
        po.warnings.append(
            f"the date {ambiguous[0]} could be day/month or month/day; "
            f"it was read as {order}"
        )
    return po


def _header_row(rows: Grid) -> int | None:
    for index, row in enumerate(rows):
        names = [column_name(c) for c in row if isinstance(c, str)]
        found = [n for n in names if n]
        if len(found) >= 3 and "quantity" in found:
            return index
    return None


def _read_header_block(po: PurchaseOrder, rows: Grid, conventions: Conventions) -> None:
    for index, row in enumerate(rows):
        cells = [(i, c) for i, c in enumerate(row) if c is not None]
        if not cells or not isinstance(cells[0][1], str):
            continue
        column, label = cells[0]
        found = match_label(label, HEADER_LABELS)
        if not found:
            if po.buyer.name is None and index == 0 and len(cells) == 1:
                po.buyer = Party(name=label)
            continue
        value = found.rest or (cells[1][1] if len(cells) > 1 else None)
        value_column = cells[1][0] if len(cells) > 1 and not found.rest else column
        _set_header(
            po, found.field, value, rows[index + 1 :], value_column, conventions
        )


def _set_header(
    po: PurchaseOrder,
    field: str,
    value: Cell,
    below: Grid,
    column: int,
    conventions: Conventions,
) -> None:
    if value is None:
        return
    if field == "po_number" and po.po_number is None:
        po.po_number = str(value).strip()
    elif field in ("order_date", "requested_date") and getattr(po, field) is None:
        found = (
            value
            if isinstance(value, date)
            else parse_date(str(value), conventions.day_first)
        )
        setattr(po, field, found)
    elif field == "currency":
        po.currency = find_currency(str(value).upper())
    elif field in ("buyer", "ship_to"):
        lines = [str(value)] + _continued(below, column)
        setattr(po, field, Party(name=lines[0], address="\n".join(lines[1:]) or None))


def _continued(rows: Grid, column: int) -> list[str]:
    """Address lines in the value column of the rows below, while the label is empty."""
    lines = []
    for row in rows:
        before = [c for c in row[:column] if c is not None]
        value = row[column] if column < len(row) else None
        if before or value is None:
            break
        lines.append(str(value))
    return lines


def _read_lines(
    po: PurchaseOrder,
    rows: Grid,
    header_at: int,
    columns: dict[int, str | None],
    conventions: Conventions,
) -> int:
    index = header_at + 1
    for index in range(header_at + 1, len(rows)):
        cells = {
            columns[i]: c
            for i, c in enumerate(rows[index])
            if columns.get(i) and c is not None
        }
        first = next((c for c in rows[index] if c is not None), None)
        if first is None:
            if po.lines:
                return index
            continue
        if (
            isinstance(first, str)
            and match_label(first, TOTAL_LABELS)
            and "quantity" not in cells
        ):
            return index
        line = _line(cells, conventions, len(po.lines) + 1)
        if line is not None:
            po.lines.append(line)
        elif po.lines and set(cells) == {"description"}:
            last = po.lines[-1]
            last.description = (
                f"{last.description or ''} {cells['description']}".strip()
            )
    return index + 1


def _line(
    cells: dict[str | None, Cell], conventions: Conventions, number: int
) -> OrderLine | None:
    quantity = _decimal(cells.get("quantity"), conventions)
    unit_price = _decimal(cells.get("unit_price"), conventions)
    amount = _decimal(cells.get("amount"), conventions)
    if quantity is None or (unit_price is None and amount is None):
        return None
    line_number = _decimal(cells.get("line"), conventions)
    requested = cells.get("requested_date")
    if isinstance(requested, str):
        requested = parse_date(requested, conventions.day_first)
    return OrderLine(
        line=int(line_number) if line_number is not None else number,
        customer_sku=_text(cells.get("customer_sku")),
        description=_text(cells.get("description")),
        quantity=quantity,
        uom=_text(cells.get("uom")),
        unit_price=unit_price,
        discount_percent=_decimal(cells.get("discount_percent"), conventions),
        amount=amount,
        requested_date=requested if isinstance(requested, date) else None,
    )


def _decimal(cell: Cell, conventions: Conventions) -> Decimal | None:
    if isinstance(cell, Decimal):
        return cell
    if isinstance(cell, str):
        return parse_number(cell, conventions.number_format)
    return None


def _text(cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, Decimal):
        return (
            format(cell.normalize(), "f") if cell == cell.to_integral() else str(cell)
        )
    return str(cell).strip() or None


def _read_totals(po: PurchaseOrder, rows: Grid, conventions: Conventions) -> None:
    for row in rows:
        labels = [c for c in row if isinstance(c, str)]
        if not labels:
            continue
        found = match_label(labels[0], TOTAL_LABELS)
        if not found or found.field == "ignore":
            continue
        numbers = [
            _decimal(c, conventions)
            for c in row
            if c is not None and c is not labels[0]
        ]
        values = [n for n in numbers if n is not None]
        if not values:
            continue
        value = values[-1]
        if found.field in ("tax", "freight"):
            setattr(po, found.field, (getattr(po, found.field) or Decimal(0)) + value)
        elif found.field == "subtotal" and po.subtotal is None:
            po.subtotal = value
        elif found.field == "total":
            po.total = value


def _currency(texts: list[str]) -> str | None:
    for text in texts:
        code = find_currency(text)
        if code:
            return code
    return None

"""The line table, found by its header words and read by column positions.

A header row is a row in which at least three phrases name columns (quantity and a
price or amount among them). Its phrases give each column an x span; on ruled tables
the vertical rules crossing the header give exact cell bounds instead. Below it, a
row with a quantity and a price or amount starts an order line; a row with only
description text continues the line above (a wrapped description). The table ends at
a totals label, a wide gap or the end of the page, and resumes under a repeated
header on the next page.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from bots.documents.po.labels import (
    COLUMN_LABELS,
    HEADER_LABELS,
    fold,
    match_label,
    match_total_label,
)
from bots.documents.po.layout import PageLayout, Phrase, Row
from bots.documents.po.models import OrderLine
from bots.documents.po.parsing import Conventions, parse_date, parse_number

log = logging.getLogger(__name__)

_HEADER_TAIL = re.compile(r"^[\s(\[]*(?:[A-Z]{3}|[$€£%]|in [A-Z]{3})?[\s)\]%.:]*$")
_QUANTITY_WITH_UNIT = re.compile(r"^(?P<number>[\d.,'\s]+?)\s*(?P<unit>[A-Za-z]{1,6})$")


@dataclass
class Column:
    name: str
    x0: float
    x1: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TableHeader:
    row: Row
    columns: list[Column]
    cell_bounds: list[tuple[float, float]] | None = None
    second_row: Row | None = None


@dataclass
class LineTable:
    lines: list[OrderLine] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)
    headers: list[TableHeader] = field(default_factory=list)
    ended: bool = False


def column_name(text: str) -> str | None:
    """The column a header phrase names, allowing a currency or % after it."""
    found = match_label(text, COLUMN_LABELS)
    if found and _HEADER_TAIL.match(found.rest):
        return found.field
    return None


def find_header(row: Row) -> TableHeader | None:
    """The table header in this row, if it is one."""
    return _header_of(row, _join_split_titles(row.phrases))


def find_stacked_header(row: Row, below: Row) -> TableHeader | None:
    """A header whose titles take two lines ("Unit" over "Price")."""
    if below.page != row.page or below.top - row.bottom > 0.8 * row.height:
        return None
    if any(parse_number(p.text, "us") is not None for p in below.phrases):
        return None
    stacked = []
    for phrase in row.phrases:
        under = [p for p in below.phrases if p.overlap(phrase.x0, phrase.x1) > 0]
        stacked.append(_stack(phrase, under) if under else phrase)
    for phrase in below.phrases:
        if not any(phrase.overlap(p.x0, p.x1) > 0 for p in row.phrases):
            stacked.append(phrase)
    stacked.sort(key=lambda p: p.x0)
    return _header_of(row, stacked)


def _stack(top: Phrase, under: list[Phrase]) -> Phrase:
    text = " ".join([top.text, *(p.text for p in under)])
    x0 = min(top.x0, *(p.x0 for p in under))
    x1 = max(top.x1, *(p.x1 for p in under))
    bottom = max(p.bottom for p in under)
    return Phrase(text, x0, x1, top.top, bottom, top.size, top.page, [(text, x0, x1)])


def _join_split_titles(phrases: list[Phrase]) -> list[Phrase]:
    """Join "Unit" and "Price" when widely spaced letters split one title."""
    joined: list[Phrase] = []
    for phrase in phrases:
        last = joined[-1] if joined else None
        if last is not None and _one_title(last, phrase):
            merged = Phrase(
                f"{last.text} {phrase.text}", last.x0, phrase.x1, last.top,
                max(last.bottom, phrase.bottom), last.size, last.page,
                last.words + phrase.words,
            )  # fmt: skip
            joined[-1] = merged
            continue
        joined.append(phrase)
    return joined


def _one_title(left: Phrase, right: Phrase) -> bool:
    gap = right.x0 - left.x1
    if gap > 1.2 * max(left.size, right.size):
        return False
    if column_name(f"{left.text} {right.text}") is None:
        return False
    return (
        column_name(left.text) is None
        or column_name(right.text) is None
        or (gap < 1.2 * left.size)
    )


def _header_of(row: Row, phrases: list[Phrase]) -> TableHeader | None:
    columns = []
    for phrase in phrases:
        columns.extend(_columns_of(phrase))
    names = [c.name for c in columns]
    if len(columns) < 3 or "quantity" not in names:
        return None
    if "amount" not in names and "unit_price" not in names:
        return None
    if len(set(names)) < len(names) - 1:
        return None
    return TableHeader(row=row, columns=columns)


def _columns_of(phrase: Phrase) -> list[Column]:
    """One column per header phrase; a phrase of two close headers is split."""
    name = column_name(phrase.text)
    if name:
        return [Column(name, phrase.x0, phrase.x1)]
    words = phrase.words
    for cut in range(1, len(words)):
        left = " ".join(w[0] for w in words[:cut])
        right = " ".join(w[0] for w in words[cut:])
        left_name, right_name = column_name(left), column_name(right)
        if left_name and right_name:
            return [
                Column(left_name, words[0][1], words[cut - 1][2]),
                Column(right_name, words[cut][1], words[-1][2]),
            ]
    return []


def _cell_bounds(header: TableHeader, page: PageLayout) -> list[tuple[float, float]]:
    """Cell x bounds from the vertical rules crossing the header row, if ruled."""
    row = header.row
    xs = sorted(
        {
            round(x, 1)
            for x, top, bottom in page.vertical_rules
            if top <= row.top + 1 and bottom >= row.bottom - 1
        }
    )
    merged: list[float] = []
    for x in xs:
        if not merged or x - merged[-1] > 3:
            merged.append(x)
    bounds = list(pairwise(merged))
    inside = [
        b for b in bounds if any(b[0] <= c.center <= b[1] for c in header.columns)
    ]
    return inside if len(inside) >= len(header.columns) - 1 else []


def assign_cells(header: TableHeader, row: Row) -> dict[str, str]:
    """The text of a row split into the header's columns."""
    cells: dict[str, list[str]] = {}
    for phrase in row.phrases:
        for part in _split_across(header, phrase):
            name = _column_for(header, part)
            cells.setdefault(name, []).append(part.text)
    return {name: " ".join(parts) for name, parts in cells.items()}


def _split_across(header: TableHeader, phrase: Phrase) -> list[Phrase]:
    """Split a phrase whose words fall into different ruled cells."""
    if not header.cell_bounds or len(phrase.words) < 2:
        return [phrase]
    parts: list[Phrase] = []
    for text, x0, x1 in phrase.words:
        cell = _cell_index(header.cell_bounds, (x0 + x1) / 2)
        if parts and _cell_index(header.cell_bounds, parts[-1].center) == cell:
            parts[-1].text += " " + text
            parts[-1].x1 = x1
            continue
        parts.append(
            Phrase(text, x0, x1, phrase.top, phrase.bottom, phrase.size, phrase.page)
        )
    return parts


def _cell_index(bounds: list[tuple[float, float]], x: float) -> int:
    for index, (left, right) in enumerate(bounds):
        if left <= x <= right:
            return index
    return -1


def _column_for(header: TableHeader, phrase: Phrase) -> str:
    if header.cell_bounds:
        cell = _cell_index(header.cell_bounds, phrase.center)
        if cell >= 0:
            left, right = header.cell_bounds[cell]
            for column in header.columns:
                if left <= column.center <= right:
                    return column.name
    overlaps = [(phrase.overlap(c.x0, c.x1), c) for c in header.columns]
    best_overlap, best = max(overlaps, key=lambda o: o[0])
    if best_overlap > 0:
        return best.name
    return min(header.columns, key=lambda c: _distance(phrase, c)).name


def _distance(phrase: Phrase, column: Column) -> float:
    return min(
        abs(phrase.x0 - column.x0),
        abs(phrase.x1 - column.x1),
        abs(phrase.center - column.center),
    )


def read_table(
    pages: list[PageLayout], rows: list[Row], conventions: Conventions
) -> LineTable:
    """Every order line of the document, over all its pages."""
    table = LineTable()
    header: TableHeader | None = None
    for page in pages:
        page_rows = [r for r in rows if r.page == page.number]
        start = 0
        found = _first_header(page_rows)
        if found is not None:
            header, start = found
            header.cell_bounds = _cell_bounds(header, page)
            table.headers.append(header)
            table.rows.add(header.row.index)
            if header.second_row is not None:
                table.rows.add(header.second_row.index)
        if header is None:
            continue
        if _read_rows(header, page_rows[start:], conventions, table):
            table.ended = True
            break
    _number_lines(table.lines)
    return table


def _first_header(rows: list[Row]) -> tuple[TableHeader, int] | None:
    """The first header on a page and where its rows start."""
    for position, row in enumerate(rows):
        single = find_header(row)
        below = rows[position + 1] if position + 1 < len(rows) else None
        stacked = find_stacked_header(row, below) if below else None
        if stacked and (not single or len(stacked.columns) > len(single.columns)):
            stacked.second_row = below
            return stacked, position + 2
        if single:
            return single, position + 1
    return None


def _read_rows(
    header: TableHeader, rows: list[Row], conventions: Conventions, table: LineTable
) -> bool:
    """Read rows under a header; True when the table ended on this page."""
    previous: Row = header.row
    current: OrderLine | None = None
    paused = False
    for row in rows:
        if find_header(row):
            previous = row
            table.rows.add(row.index)
            continue
        cells = assign_cells(header, row)
        line = _order_line(cells, conventions)
        gap = row.top - previous.bottom
        kind = _totals_kind(row)
        if kind == "total" and (line is None or not line.customer_sku):
            paused, current = True, None  # a section subtotal, or the end
            continue
        if line is not None:
            table.lines.append(line)
            table.rows.add(row.index)
            current, previous, paused = line, row, False
        elif kind == "ignore":
            table.rows.add(row.index)
            previous = row
        elif (
            current is not None
            and gap <= 1.2 * row.height
            and (requested := _requested_date_row(row, conventions))
        ):
            current.requested_date = current.requested_date or requested
            table.rows.add(row.index)
            previous = row
        elif (
            current is not None
            and gap <= 1.2 * row.height
            and _continues(cells)
            and not _starts_with_label(row)
        ):
            extra = cells.get("description") or ""
            current.description = f"{current.description or ''} {extra}".strip()
            table.rows.add(row.index)
            previous = row
        elif gap > 4 * row.height and table.lines and not paused:
            return False
    return paused


def _totals_kind(row: Row) -> str | None:
    """'total' for a subtotal/tax/freight/total row, 'ignore' for carried-forward."""
    for phrase in row.phrases[:3]:
        found = match_total_label(phrase.text)
        if found and (not found.rest or _numeric_rest(found.rest)):
            return "ignore" if found.field == "ignore" else "total"
    return None


def _numeric_rest(rest: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,%()@:/A-Z$€£-]*", rest))


def _requested_date_row(row: Row, conventions: Conventions) -> date | None:
    """A line's own delivery date printed under it ("Delivery date: 05/04/2026")."""
    found = match_label(row.phrases[0].text, HEADER_LABELS)
    if found is None or found.field != "requested_date":
        return None
    texts = [found.rest] if found.rest else []
    texts += [p.text for p in row.phrases[1:2]]
    for text in texts:
        value = _date(text, conventions)
        if value:
            return value
    return None


def _starts_with_label(row: Row) -> bool:
    """A remark under the table ("Notes: ...", "Ship to: ...") is no wrap."""
    text = row.phrases[0].text
    found = match_label(text, HEADER_LABELS)
    if found is None or ":" not in text:
        return False
    return text.index(":") <= len(found.label) + 3


def _continues(cells: dict[str, str]) -> bool:
    """A row with only description text (a wrapped description)."""
    return set(cells) <= {"description"} and bool(cells.get("description"))


def _order_line(cells: dict[str, str], conventions: Conventions) -> OrderLine | None:
    fmt = conventions.number_format
    quantity_text = cells.get("quantity", "")
    quantity, unit = _quantity(quantity_text, fmt)
    unit_price = _number(cells.get("unit_price"), fmt)
    amount = _number(cells.get("amount"), fmt)
    if quantity is None or (unit_price is None and amount is None):
        return None
    line_text = cells.get("line", "")
    return OrderLine(
        line=int(line_text) if line_text.isdigit() else 0,
        customer_sku=cells.get("customer_sku") or None,
        description=cells.get("description") or None,
        quantity=quantity,
        uom=cells.get("uom") or unit,
        unit_price=unit_price,
        discount_percent=_number(cells.get("discount_percent"), fmt),
        amount=amount,
        requested_date=_date(cells.get("requested_date"), conventions),
    )


def _quantity(text: str, fmt: str) -> tuple[Decimal | None, str | None]:
    if "%" in text:
        return None, None
    value = parse_number(text, fmt) if text else None
    if value is not None:
        return value, None
    match = _QUANTITY_WITH_UNIT.match(text.strip())
    if match:
        return parse_number(match.group("number"), fmt), match.group("unit")
    return None, None


def _number(text: str | None, fmt: str) -> Decimal | None:
    if not text or fold(text).strip() in ("-", "--", "n/a"):
        return None
    return parse_number(text, fmt)


def _date(text: str | None, conventions: Conventions) -> date | None:
    return parse_date(text, conventions.day_first) if text else None


def _number_lines(lines: list[OrderLine]) -> None:
    """Lines without a printed number are numbered 1, 2, 3 in order."""
    if lines and all(line.line for line in lines):
        return
    for number, line in enumerate(lines, start=1):
        line.line = number

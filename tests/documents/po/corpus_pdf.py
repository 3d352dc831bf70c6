"""Draw one corpus purchase order as a PDF with reportlab (deterministic output).

The page is laid out like real POs are: the buyer's letterhead and the title, the
header fields beside, below or boxed under their labels, vendor / buyer / ship-to
blocks, the line table (ruled grid or bare columns, descriptions wrapped to the
column width, pages broken with a repeated header and optional carried-forward
lines), then the totals and a footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bots.documents.po.models import OrderLine, PurchaseOrder
from tests.documents.po.corpus_layouts import Column, Spec

FONT, BOLD = "Helvetica", "Helvetica-Bold"
SIZE = 8.5
MARGIN = 40
BOTTOM = 95
LINE = 10.5
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def number(value: Decimal, style: str, places: int | None = None) -> str:
    """A number printed the way the layout's country prints it."""
    if places is None:
        places = max(0, -value.normalize().as_tuple().exponent)
    text = f"{value:,.{places}f}"
    if style == "eu":
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    if style == "space":
        return text.replace(",", " ").replace(".", ",")
    if style == "swiss":
        return text.replace(",", "'")
    return text


def money(value: Decimal, spec: Spec, symbol: bool = True) -> str:
    text = number(value, spec.number_style, max(2, -value.as_tuple().exponent))
    if not symbol or not spec.amount_symbol:
        return text
    if spec.amount_symbol.startswith(" "):
        return text + spec.amount_symbol
    return spec.amount_symbol + text


def date_text(value: date, style: str, short: bool = False) -> str:
    d, m, y = value.day, value.month, value.year
    if short or style in ("de", "fr", "uk", "us", "iso", "us_short"):
        return {
            "de": f"{d:02}.{m:02}.{y}", "de_long": f"{d:02}.{m:02}.{y}",
            "fr": f"{d:02}/{m:02}/{y}", "fr_long": f"{d:02}/{m:02}/{y}",
            "es": f"{d:02}/{m:02}/{y}", "uk": f"{d:02}/{m:02}/{y}",
            "iso": value.isoformat(), "us_short": f"{m}/{d}/{y % 100:02}",
            "dmy_mon": value.strftime("%d-%b-%Y"),
        }.get(style, f"{m:02}/{d:02}/{y}")  # fmt: skip
    return {
        "us_long": f"{MONTHS_EN[m - 1]} {d}, {y}",
        "de_long": f"{d}. {MONTHS_DE[m - 1]} {y}",
        "fr_long": f"{d} {MONTHS_FR[m - 1]} {y}",
        "es": f"{d} de {MONTHS_ES[m - 1]} de {y}",
        "dmy_mon": f"{d:02}-{MONTHS_EN[m - 1][:3]}-{y}",
    }[style]


@dataclass
class Cell:
    text: str
    x0: float
    x1: float
    align: str


class Drawing:
    """One PDF being drawn, with the table geometry of its layout."""

    def __init__(self, spec: Spec, po: PurchaseOrder, path: Path) -> None:
        self.spec, self.po = spec, po
        self.width, self.height = spec.pagesize
        self.canvas = Canvas(str(path), pagesize=spec.pagesize, invariant=1)
        self.canvas.setTitle(f"{spec.labels['title']} {spec.po_number}")
        self.edges = [MARGIN]
        for column in spec.columns:
            self.edges.append(self.edges[-1] + column.width)

    # page furniture -------------------------------------------------------------
    def text(
        self, x: float, y: float, text: str, font: str = FONT, size: float = SIZE
    ) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawString(x, y, text)

    def right(
        self, x: float, y: float, text: str, font: str = FONT, size: float = SIZE
    ) -> None:
        self.canvas.setFont(font, size)
        self.canvas.drawRightString(x, y, text)

    def letterhead(self) -> None:
        top = self.height - 55
        buyer = self.spec.buyer
        self.text(MARGIN, top, buyer.name, BOLD, 15)
        y = top - 16
        for line in buyer.address:
            self.text(MARGIN, y, line, FONT, 9)
            y -= 11
        self.text(
            MARGIN, y, "Tel. +44 117 496 0000  ·  purchasing@example.com", FONT, 8
        )
        self.right(self.width - MARGIN, top, self.spec.labels["title"], BOLD, 18)

    def header_fields(self) -> float:
        """Draw the header fields; the y below them."""
        fields = self.field_values()
        if self.spec.header_mode == "beside":
            y = self.height - 85
            label_x, value_x = self.width - MARGIN - 230, self.width - MARGIN - 110
            for label, value in fields:
                self.text(label_x, y, label, BOLD, 9)
                self.text(value_x, y, value, FONT, 9)
                y -= 14
            return min(y, self.height - 140)
        y = self.height - 150
        step = (self.width - 2 * MARGIN) / max(4, len(fields))
        for index, (label, value) in enumerate(fields):
            x = MARGIN + index * step
            if self.spec.header_mode == "box":
                self.canvas.rect(x, y - 18, step - 6, 32)
                self.canvas.line(x, y - 4, x + step - 6, y - 4)
                x += 4
            self.text(x, y, label, BOLD, 8)
            self.text(x, y - 14, value, FONT, 9)
        return y - 40

    def field_values(self) -> list[tuple[str, str]]:
        spec, po, labels = self.spec, self.po, self.spec.labels
        fields = [
            (labels["po"], spec.po_number),
            (labels["date"], date_text(po.order_date, spec.date_style)),
        ]
        if po.requested_date:
            fields.append(
                (labels["requested"], date_text(po.requested_date, spec.date_style))
            )
        if "currency" in labels:
            fields.append((labels["currency"], spec.currency))
        return fields + spec.extra_fields

    def blocks(self, y: float) -> float:
        spec, labels = self.spec, self.spec.labels
        blocks = []
        if spec.vendor:
            blocks.append((labels["vendor"], spec.vendor, False))
        if spec.buyer_label:
            blocks.append((spec.buyer_label, spec.buyer, False))
        if spec.ship_to:
            blocks.append((labels["ship_to"], spec.ship_to, spec.ship_to_inline))
        step = (self.width - 2 * MARGIN) / max(2, len(blocks))
        lowest = y
        for index, (label, company, inline) in enumerate(blocks):
            x = MARGIN + index * step
            self.text(x, y, label, BOLD, 9)
            line_y, name_x = y - 12, x
            if inline:
                name_x = x + stringWidth(label, BOLD, 9) + 8
                line_y = y
            for line in (company.name, *company.address):
                self.text(name_x, line_y, line, FONT, 9)
                line_y -= 11
            lowest = min(lowest, line_y)
        return lowest - 22

    def footer(self, page: int, pages: int, last: bool) -> None:
        labels = self.spec.labels
        self.canvas.setFont(FONT, 7.5)
        self.canvas.drawCentredString(
            self.width / 2, 32, labels["page"].format(n=page, count=pages)
        )
        if last:
            self.text(MARGIN, 52, labels["note"], FONT, 8)
            if self.spec.currency_note:
                self.text(MARGIN, 64, self.spec.currency_note, FONT, 8)

    # the table ------------------------------------------------------------------
    def cells(self, values: list[str], bold: bool = False) -> list[Cell]:
        cells = []
        for column, value, left, right in zip(
            self.spec.columns, values, self.edges, self.edges[1:]
        ):
            font = BOLD if bold else FONT
            width = stringWidth(value, font, SIZE)
            if width > right - left - 6 and column.key != "description":
                raise ValueError(
                    f"{self.spec.name}: {value!r} does not fit column {column.title!r}"
                )
            if column.align == "right":
                cells.append(Cell(value, right - 4 - width, right - 4, "right"))
            else:
                cells.append(Cell(value, left + 4, left + 4 + width, "left"))
        return cells

    def draw_cells(self, cells: list[Cell], y: float, bold: bool = False) -> None:
        for cell in cells:
            if cell.text:
                self.text(cell.x0, y, cell.text, BOLD if bold else FONT, SIZE)

    def table_header(self, y: float) -> float:
        titles = [c.title for c in self.spec.columns]
        if self.spec.ruled:
            self.canvas.setFillGray(0.88)
            self.canvas.rect(
                self.edges[0],
                y - 4,
                self.edges[-1] - self.edges[0],
                15,
                fill=1,
                stroke=0,
            )
            self.canvas.setFillGray(0)
        if any("\n" in title for title in titles):
            # stacked titles: the first word one line up, single words at the bottom
            upper = [t.split("\n")[0] if "\n" in t else "" for t in titles]
            lower = [t.split("\n")[-1] for t in titles]
            self.draw_cells(self.cells(upper, bold=True), y + 9, bold=True)
            titles = lower
        self.draw_cells(self.cells(titles, bold=True), y, bold=True)
        if not self.spec.ruled:
            self.canvas.line(self.edges[0], y - 4, self.edges[-1], y - 4)
        return y - 17

    def line_values(self, line: OrderLine) -> list[str]:
        spec = self.spec
        values = []
        for column in spec.columns:
            values.append(self.value(column, line))
        return values

    def value(self, column: Column, line: OrderLine) -> str:
        spec = self.spec
        key = column.key
        if key == "line":
            return str(line.line)
        if key == "quantity":
            text = number(line.quantity, spec.number_style)
            return f"{text} {line.uom}" if spec.qty_with_unit else text
        if key in ("unit_price", "amount"):
            value = line.unit_price if key == "unit_price" else line.amount
            symbol = spec.amount_symbol == "$"
            return money(value, spec, symbol=symbol)
        if key == "discount_percent":
            return (
                f"{number(line.discount_percent, spec.number_style)}%"
                if line.discount_percent
                else ""
            )
        if key == "requested_date":
            return date_text(line.requested_date, spec.date_style, short=True)
        return getattr(line, key) or ""

    def description_lines(self, line: OrderLine) -> list[str]:
        index = [c.key for c in self.spec.columns].index("description")
        width = self.edges[index + 1] - self.edges[index] - 8
        return simpleSplit(line.description, FONT, SIZE, width)

    def row_height(self, line: OrderLine) -> float:
        return LINE * len(self.description_lines(line)) + (
            6 if self.spec.ruled else 3.5
        )


def paginate(drawing: Drawing, first_top: float) -> list[list[OrderLine]]:
    spec = drawing.spec
    pages: list[list[OrderLine]] = [[]]
    y = first_top - 17
    reserve = 16 if spec.carried_forward else 0
    for line in drawing.po.lines:
        height = drawing.row_height(line)
        full = len(pages[-1]) >= spec.rows_per_page + (4 if len(pages) > 1 else 0)
        if y - height < BOTTOM + reserve or full:
            pages.append([])
            y = drawing.height - 80 - 17 - (16 if spec.carried_forward else 0)
        pages[-1].append(line)
        y -= height
    return pages


def render_pdf(spec: Spec, po: PurchaseOrder, path: Path) -> None:
    drawing = Drawing(spec, po, path)
    drawing.letterhead()
    table_top = drawing.blocks(drawing.header_fields() - 10)
    pages = paginate(drawing, table_top)
    running = Decimal(0)
    for number_, lines in enumerate(pages, start=1):
        last = number_ == len(pages)
        top = table_top
        if number_ > 1:
            drawing.canvas.showPage()
            drawing.text(
                MARGIN,
                drawing.height - 50,
                f"{spec.labels['title']} {spec.po_number}",
                BOLD,
                10,
            )
            top = drawing.height - 80
        y = drawing.table_header(top)
        if number_ > 1 and spec.carried_forward:
            y = carried_row(drawing, y, running)
        for line in lines:
            y = draw_line(drawing, line, y)
            running += line.amount
        bottom = y + (LINE - 2)
        if spec.ruled:
            grid(drawing, top + 11, bottom)
        if not last:
            if spec.carried_forward:
                y = carried_row(drawing, y - 2, running)
            drawing.right(
                drawing.edges[-1] - 4, y - 6, spec.labels["continued"], FONT, 7.5
            )
        else:
            totals(drawing, y - 14)
        drawing.footer(number_, len(pages), last)
    drawing.canvas.save()


def carried_row(drawing: Drawing, y: float, running: Decimal) -> float:
    spec = drawing.spec
    columns = [c.key for c in spec.columns]
    values = ["" for _ in columns]
    values[columns.index("description")] = spec.carried_forward
    values[columns.index("amount")] = money(running, spec, symbol=False)
    drawing.draw_cells(drawing.cells(values), y, bold=False)
    return y - 16


def draw_line(drawing: Drawing, line: OrderLine, y: float) -> float:
    values = drawing.line_values(line)
    description = drawing.description_lines(line)
    index = [c.key for c in drawing.spec.columns].index("description")
    values[index] = description[0]
    drawing.draw_cells(drawing.cells(values), y)
    x = drawing.edges[index] + 4
    for extra in description[1:]:
        y -= LINE
        drawing.text(x, y, extra)
    y -= LINE + (6 if drawing.spec.ruled else 3.5)
    if drawing.spec.ruled:
        drawing.canvas.line(
            drawing.edges[0], y + LINE - 2, drawing.edges[-1], y + LINE - 2
        )
    return y


def grid(drawing: Drawing, top: float, bottom: float) -> None:
    canvas = drawing.canvas
    canvas.setLineWidth(0.6)
    for x in drawing.edges:
        canvas.line(x, top, x, bottom)
    canvas.line(drawing.edges[0], top, drawing.edges[-1], top)
    canvas.line(drawing.edges[0], bottom, drawing.edges[-1], bottom)


def totals(drawing: Drawing, y: float) -> None:
    spec, po, labels = drawing.spec, drawing.po, drawing.spec.labels
    rows = []
    if spec.show_subtotal:
        rows.append((labels["subtotal"], po.subtotal))
    if po.tax is not None:
        rows.append((labels["tax"], po.tax))
    if po.freight is not None:
        rows.append((labels["freight"], po.freight))
    rows.append((labels["total"], po.total))
    label_x = drawing.edges[-2] - 150
    for index, (label, value) in enumerate(rows):
        bold = index == len(rows) - 1
        font = BOLD if bold else FONT
        drawing.text(label_x, y, label, font, 9)
        drawing.right(drawing.edges[-1] - 4, y, money(value, spec), font, 9)
        y -= 14

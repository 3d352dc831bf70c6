"""Customer mails with purchase orders, built from the sandbox seed (for the demo and
the tests).

Purchase-order PDFs are drawn with reportlab in three layouts (a ruled English grid,
an unruled US layout with MM/DD/YYYY dates and 1,234.50 numbers, a German layout with
DD.MM.YYYY dates and 1.234,50 numbers), using the seed's customers and their own part
numbers and prices, so the sandbox ERP knows them. Around them: forwarded copies, a
mail with two POs, a corrupt PDF, a scanned (image-only) PO, a mail with no
attachment and one with an RFC 2231 encoded file name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

from sandbox import seed

CENT = Decimal("0.01")
TAX_RATES = {"EUR": Decimal("0.19"), "USD": Decimal("0.07"), "GBP": Decimal("0.20")}
LAYOUTS = ("classic", "us", "german")


@dataclass(frozen=True)
class PoLine:
    customer_part: str
    item_no: str
    description: str
    quantity: Decimal
    uom: str
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT)


@dataclass(frozen=True)
class PoSpec:
    """What one purchase order says (and what the ERP should end up with)."""

    customer: seed.Customer
    po_number: str
    order_date: date
    lines: tuple[PoLine, ...]
    layout: str = "classic"
    requested_date: date | None = None
    ship_to: int = 0
    buyer_name: str | None = None
    sender: str = ""
    printed_total: Decimal | None = None  # a wrong grand total, for review cases

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def tax(self) -> Decimal:
        return (self.subtotal * TAX_RATES[self.customer.currency]).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax

    @property
    def sender_address(self) -> str:
        return self.sender or self.customer.contacts[0].email


def customer(customer_no: str) -> seed.Customer:
    return next(c for c in seed.customers() if c.customer_no == customer_no)


def po_spec(
    customer_no: str,
    po_number: str,
    *,
    layout: str = "classic",
    n_lines: int = 3,
    first: int = 0,
    today: date | None = None,
) -> PoSpec:
    """A PO over the customer's own part numbers at the ERP's prices."""
    who = customer(customer_no)
    catalogue = {item.item_no: item for item in seed.items()}
    refs = seed.xref_for(customer_no)[first : first + n_lines]
    lines = tuple(
        PoLine(
            ref.customer_part,
            ref.item_no,
            catalogue[ref.item_no].description,
            Decimal(5 * (index + 2)),
            catalogue[ref.item_no].uom,
            ref.price,
        )
        for index, ref in enumerate(refs)
    )
    order_date = (today or date.today()) - timedelta(days=1)
    return PoSpec(
        who,
        po_number,
        order_date,
        lines,
        layout=layout,
        requested_date=order_date + timedelta(days=14),
    )


def from_order(order: seed.SalesOrder, po_number: str | None = None) -> PoSpec:
    """A PO carrying the same lines as an order already in the ERP."""
    lines = tuple(
        PoLine(line.customer_part, line.item_no, line.description, line.quantity,
               line.uom, line.unit_price)
        for line in order.lines
    )  # fmt: skip
    return PoSpec(customer(order.customer_no), po_number or order.customer_po,
                  order.po_date, lines)  # fmt: skip


def with_prices(spec: PoSpec, factor: Decimal) -> PoSpec:
    """The same PO with every price multiplied (for price-mismatch cases)."""
    lines = tuple(
        replace(line, unit_price=(line.unit_price * factor).quantize(CENT))
        for line in spec.lines
    )
    return replace(spec, lines=lines)


# --- numbers and dates per layout ------------------------------------------------


def _money(value: Decimal, layout: str) -> str:
    text = f"{value:,.2f}"
    if layout == "german":
        return text.replace(",", "X").replace(".", ",").replace("X", ".")
    return text


def _qty(value: Decimal, layout: str) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",") if layout == "german" else text


def _date(value: date, layout: str) -> str:
    if layout == "us":
        return value.strftime("%m/%d/%Y")
    if layout == "german":
        return value.strftime("%d.%m.%Y")
    return value.isoformat()


LABELS = {
    "classic": {
        "title": "PURCHASE ORDER", "po": "PO Number:", "date": "Order Date:",
        "requested": "Requested Delivery Date:", "currency": "Currency:",
        "buyer": "Bill To:", "ship": "Ship To:",
        "columns": ["Line", "Item", "Description", "Qty", "UoM", "Unit Price",
                    "Amount"],
        "subtotal": "Subtotal", "tax": "VAT", "total": "Total",
    },
    "us": {
        "title": "PURCHASE ORDER", "po": "P.O. #", "date": "Date:",
        "requested": "Required By:", "currency": "Currency:",
        "buyer": "Sold To:", "ship": "Ship To:",
        "columns": ["Ln", "Part No.", "Description", "Quantity", "UoM", "Price",
                    "Ext. Price"],
        "subtotal": "Subtotal", "tax": "Sales Tax", "total": "Grand Total",
    },
    "german": {
        "title": "BESTELLUNG", "po": "Bestellnummer:", "date": "Bestelldatum:",
        "requested": "Liefertermin:", "currency": "Währung:",
        "buyer": "Besteller:", "ship": "Lieferadresse:",
        "columns": ["Pos", "Artikelnr.", "Bezeichnung", "Menge", "ME", "Preis",
                    "Betrag"],
        "subtotal": "Zwischensumme", "tax": "MwSt", "total": "Gesamtbetrag",
    },
}  # fmt: skip


def po_pdf(spec: PoSpec) -> bytes:
    """The PO as a one-page PDF in the spec's layout."""
    labels = LABELS[spec.layout]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"{labels['title']} {spec.po_number}")
    width, height = A4
    y = height - 25 * mm
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(20 * mm, y, labels["title"])
    y -= 14 * mm
    y = _header_fields(canvas, spec, labels, y)
    y = _parties(canvas, spec, labels, y - 6 * mm)
    y = _line_table(canvas, spec, labels, y - 8 * mm, width)
    _totals(canvas, spec, labels, y - 8 * mm, width)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header_fields(canvas: Canvas, spec: PoSpec, labels: dict, y: float) -> float:
    layout = spec.layout
    fields = [
        (labels["po"], spec.po_number),
        (labels["date"], _date(spec.order_date, layout)),
        (labels["currency"], spec.customer.currency),
    ]
    if spec.requested_date:
        fields.append((labels["requested"], _date(spec.requested_date, layout)))
    for label, value in fields:
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(20 * mm, y, label)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(75 * mm, y, value)
        y -= 6 * mm
    return y


def _parties(canvas: Canvas, spec: PoSpec, labels: dict, y: float) -> float:
    who = spec.customer
    buyer_lines = [spec.buyer_name or who.name, *who.ship_tos[0].address.split(", ")]
    ship = who.ship_tos[spec.ship_to]
    ship_lines = [spec.buyer_name or who.name, *ship.address.split(", ")]
    for x, label, lines in (
        (20 * mm, labels["buyer"], buyer_lines),
        (110 * mm, labels["ship"], ship_lines),
    ):
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(x, y, label)
        canvas.setFont("Helvetica", 10)
        for number, text in enumerate(lines, start=1):
            canvas.drawString(x, y - number * 5 * mm, text)
    return y - (max(len(buyer_lines), len(ship_lines)) + 1) * 5 * mm


def _line_table(
    canvas: Canvas, spec: PoSpec, labels: dict, y: float, width: float
) -> float:
    layout = spec.layout
    rows = [labels["columns"]]
    for number, line in enumerate(spec.lines, start=1):
        rows.append([
            str(number * (10 if layout == "german" else 1)), line.customer_part,
            line.description[:38], _qty(line.quantity, layout), line.uom,
            _money(line.unit_price, layout), _money(line.amount, layout),
        ])  # fmt: skip
    table = Table(
        rows, colWidths=[12 * mm, 28 * mm, 62 * mm, 18 * mm, 14 * mm, 22 * mm, 24 * mm]
    )
    style = [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
    ]
    if layout != "us":
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    else:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black))
    table.setStyle(TableStyle(style))
    _, table_height = table.wrapOn(canvas, width, 200 * mm)
    table.drawOn(canvas, 20 * mm, y - table_height)
    return y - table_height


def _totals(canvas: Canvas, spec: PoSpec, labels: dict, y: float, width: float) -> None:
    layout = spec.layout
    rate = TAX_RATES[spec.customer.currency] * 100
    tax_label = f"{labels['tax']} {rate.normalize():f}%"
    for label, value in (
        (labels["subtotal"], spec.subtotal),
        (tax_label, spec.tax),
        (labels["total"], spec.printed_total or spec.total),
    ):
        canvas.setFont(
            "Helvetica-Bold" if label == labels["total"] else "Helvetica", 10
        )
        canvas.drawString(130 * mm, y, label)
        canvas.drawRightString(width - 10 * mm, y, _money(value, layout))
        y -= 6 * mm


def scanned_pdf(spec: PoSpec) -> bytes:
    """The PO as a scan would be: one page holding only a picture of it."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (1240, 1754), color=235)
    draw = ImageDraw.Draw(image)
    draw.text((80, 80), f"PURCHASE ORDER {spec.po_number}", fill=20)
    for number, line in enumerate(spec.lines, start=1):
        draw.text(
            (80, 160 + 30 * number),
            f"{line.customer_part}  {line.quantity}  {line.unit_price}",
            fill=20,
        )
    picture = io.BytesIO()
    image.save(picture, format="PNG")
    picture.seek(0)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.drawImage(ImageReader(picture), 0, 0, *A4)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def corrupt_pdf() -> bytes:
    """Bytes that start like a PDF and then break off."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + (
        b"\x00\x13garbled" * 40
    )


# --- mails -----------------------------------------------------------------------


def _mail(
    sender: str,
    subject: str,
    text: str,
    *,
    message_id: str | None = None,
    to: str = "orders@supplier.example",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(_now())
    message["Message-ID"] = message_id or make_msgid(domain=sender.split("@")[-1])
    message.set_content(text)
    return message


def _now():
    from datetime import datetime

    return datetime.now(UTC)


def po_mail(
    spec: PoSpec,
    *,
    pdf: bytes | None = None,
    filename: str | None = None,
    message_id: str | None = None,
) -> bytes:
    """The customer's mail with the PO PDF attached."""
    message = _mail(
        spec.sender_address,
        f"Purchase order {spec.po_number}",
        "Dear supplier,\n\nplease find our purchase order attached.\n",
        message_id=message_id,
    )
    message.add_attachment(
        pdf if pdf is not None else po_pdf(spec),
        maintype="application",
        subtype="pdf",
        filename=filename or f"{spec.po_number}.pdf",
    )
    return message.as_bytes()


def two_po_mail(first: PoSpec, second: PoSpec) -> bytes:
    message = _mail(
        first.sender_address,
        f"Orders {first.po_number} and {second.po_number}",
        "Two orders attached.\n",
    )
    for spec in (first, second):
        message.add_attachment(
            po_pdf(spec),
            maintype="application",
            subtype="pdf",
            filename=f"{spec.po_number}.pdf",
        )
    return message.as_bytes()


def forwarded(raw: bytes, forwarder: str = "sales.rep@supplier.example") -> bytes:
    """A colleague forwards the customer's mail as an attachment (message/rfc822)."""
    from email import message_from_bytes, policy

    original = message_from_bytes(raw, policy=policy.default)
    message = _mail(
        forwarder,
        f"Fwd: {original['Subject']}",
        "Forwarding the order the customer sent me directly.\n",
    )
    message.add_attachment(original)
    return message.as_bytes()


def rfc2231_mail(spec: PoSpec) -> bytes:
    """A PO whose file name needs RFC 2231 encoding (non-ASCII, long)."""
    return po_mail(
        spec,
        filename=f"Bestellung Nr. {spec.po_number} – Größenänderung für Lager Süd.pdf",
    )


def no_attachment_mail(sender: str, message_id: str | None = None) -> bytes:
    return _mail(
        sender, "Order", "Please send us 10 boxes of the usual.\nThanks\n",
        message_id=message_id,
    ).as_bytes()


def unreadable_mail() -> bytes:
    """Bytes that are not a mail at all (a broken upload into the mailbox)."""
    return b"\x00\x01\x02\x03 \xff\xfe binary junk without a single header line " * 4


# --- spreadsheets ----------------------------------------------------------------


def _sheet_rows(spec: PoSpec) -> list[list[object]]:
    """A PO as people type it into a sheet: header block, line table, totals."""
    who = spec.customer
    rows: list[list[object]] = [
        ["Purchase Order"],
        ["PO Number", spec.po_number],
        ["Order Date", spec.order_date],
        ["Currency", who.currency],
        ["Buyer", spec.buyer_name or who.name],
        ["Ship To", who.ship_tos[spec.ship_to].address],
        [],
        ["Line", "Item", "Description", "Qty", "UoM", "Unit Price", "Amount"],
    ]
    for number, line in enumerate(spec.lines, start=1):
        rows.append([number, line.customer_part, line.description, line.quantity,
                     line.uom, line.unit_price, line.amount])  # fmt: skip
    rows += [[], ["Subtotal", "", "", "", "", "", spec.subtotal],
             ["VAT", "", "", "", "", "", spec.tax],
             ["Total", "", "", "", "", "", spec.total]]  # fmt: skip
    return rows


def po_xlsx(spec: PoSpec) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in _sheet_rows(spec):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_xlsx(buffer.getvalue(), spec.order_date)


def _stable_xlsx(data: bytes, day: date) -> bytes:
    """The same bytes for the same PO: openpyxl stamps the save time into the file
    properties and the zip entries, which would make every copy look new."""
    import re
    import zipfile

    stamp = f"{day.isoformat()}T00:00:00Z"
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>" + stamp.encode(), content)
            entry = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month,
                                                              day.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()


def po_csv(spec: PoSpec) -> bytes:
    import csv

    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    for row in _sheet_rows(spec):
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
    return text.getvalue().encode("utf-8")


def spreadsheet_mail(spec: PoSpec, kind: str) -> bytes:
    """The PO as an XLSX or CSV attachment (the CSV without a content type)."""
    message = _mail(spec.sender_address, f"Order {spec.po_number}",
                    "Our order as a spreadsheet.\n")  # fmt: skip
    if kind == "xlsx":
        message.add_attachment(
            po_xlsx(spec), maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename=f"{spec.po_number}.xlsx",
        )  # fmt: skip
    else:
        message.add_attachment(po_csv(spec), maintype="application",
                               subtype="octet-stream", filename="order")  # fmt: skip
    return message.as_bytes()

"""Spreadsheet purchase orders and the bad files of the corpus.

Spreadsheets: an XLSX with typed numbers and dates, a semicolon CSV with German
labels and European numbers as text, a comma CSV with US numbers. Bad files, each
with the error code it must be refused with: a scan (an image, no text layer), a
password-protected PDF, a zero-byte file, a truncated PDF, a PDF of garbage, an
invoice and a letter (readable PDFs that are not purchase orders) and a PNG.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from bots.documents.po.models import OrderLine, Party, PurchaseOrder
from tests.documents.po import corpus_layouts as layouts
from tests.documents.po.corpus_pdf import render_pdf

D = Decimal


def _lines(rows: list[tuple]) -> list[OrderLine]:
    lines = []
    for index, (sku, description, qty, uom, price, discount) in enumerate(rows, 1):
        amount = D(qty) * D(price)
        if discount:
            amount = amount * (100 - D(discount)) / 100
        lines.append(
            OrderLine(
                line=index,
                customer_sku=sku,
                description=description,
                quantity=D(qty),
                uom=uom,
                unit_price=D(price),
                discount_percent=D(discount) if discount else None,
                amount=amount.quantize(D("0.01")),
            )
        )
    return lines


def _po(source: str, **fields) -> PurchaseOrder:
    po = PurchaseOrder(source=source, **fields)
    po.subtotal = sum((line.amount for line in po.lines), D(0))
    po.total = po.subtotal + (po.tax or 0) + (po.freight or 0)
    return po


def granite_po() -> PurchaseOrder:
    po = _po(
        "xlsx_granite.xlsx",
        po_number="GSD-88120",
        order_date=date(2026, 5, 18),
        currency="USD",
        buyer=Party("Granite State Distributors", "19 Mill Street\nNashua, NH 03060"),
        ship_to=Party("Granite State DC", "400 Amherst St\nNashua, NH 03063"),
        requested_date=date(2026, 6, 2),
        lines=_lines([
            ("GS-1042-BLK", "Nitrile gloves, black, size L", "40", "BOX", "8.95", None),
            ("GS-2210-07", "Shop towels, blue, 200 count", "25", "CS", "31.40", None),
            ("GS-7781-XL", "Hi-vis vest class 2, XL", "120", "EA", "6.125", None),
            ("GS-0090-11", "Safety glasses, clear anti-fog", "60", "EA", "4.80", None),
        ]),
        freight=D("35.00"),
    )  # fmt: skip
    po.tax = D("0.00")
    po.total = po.subtotal + po.freight
    return po


def rheinland_po() -> PurchaseOrder:
    po = _po(
        "csv_rheinland.csv",
        po_number="RL-2026-331",
        order_date=date(2026, 3, 9),
        currency="EUR",
        buyer=Party("Rheinland Elektro GmbH", "Ringstraße 5\n50996 Köln"),
        ship_to=Party("Rheinland Elektro GmbH Lager", "Industriestraße 40\n50389 Wesseling"),
        lines=_lines([
            ("10.220.31", "Hutschienen-Netzteil 24 V 5 A", "12", "ST", "58.90", "5"),
            ("10.480.02", "Leitungsschutzschalter B16 1-polig", "150", "ST", "3.12", None),
            ("22.001.77", "Installationskabel NYM-J 3x1,5 Ring 100 m", "6", "RG", "1249.00", "2.5"),
        ]),
    )  # fmt: skip
    po.tax = (po.subtotal * D("0.19")).quantize(D("0.01"))
    po.total = po.subtotal + po.tax
    return po


def lakeside_po() -> PurchaseOrder:
    po = _po(
        "csv_lakeside.csv",
        po_number="LS-40177",
        order_date=date(2026, 8, 21),
        currency="USD",
        buyer=Party("Lakeside Marine Supply", "77 Harbor Road\nDuluth, MN 55802"),
        ship_to=Party(),
        lines=_lines([
            ("LM-3320-A", "Stainless cleat 6in", "48", "EA", "12.40", None),
            ("LM-8812-C", "Marine grade rope 3/8in x 600ft", "3", "SPL", "1189.00", None),
        ]),
    )  # fmt: skip
    po.subtotal = None
    return po


def write_spreadsheets(folder: Path) -> list[tuple[Path, PurchaseOrder]]:
    written = []
    for po, writer in (
        (granite_po(), _write_xlsx),
        (rheinland_po(), _write_csv_de),
        (lakeside_po(), _write_csv_us),
    ):
        path = folder / po.source
        writer(po, path)
        written.append((path, po))
    return written


def _write_xlsx(po: PurchaseOrder, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "PO"
    sheet.append(["PURCHASE ORDER"])
    sheet.append([])
    sheet.append(["PO Number", po.po_number])
    sheet.append(["Order Date", po.order_date])
    sheet.append(["Requested Date", po.requested_date])
    sheet.append(["Currency", po.currency])
    _append_party(sheet.append, "Buyer", po.buyer)
    _append_party(sheet.append, "Ship To", po.ship_to)
    sheet.append([])
    sheet.append(
        ["Line", "Item Number", "Description", "Qty", "UoM", "Unit Price", "Amount"]
    )
    for line in po.lines:
        sheet.append([
            line.line, line.customer_sku, line.description, int(line.quantity),
            line.uom, float(line.unit_price), float(line.amount),
        ])  # fmt: skip
    sheet.append([])
    for label, value in (
        ("Subtotal", po.subtotal), ("Tax", po.tax), ("Freight", po.freight),
        ("Total", po.total),
    ):  # fmt: skip
        sheet.append([label, None, None, None, None, None, float(value)])
    workbook.properties.creator = "corpus"
    workbook.save(path)
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Give every entry a fixed time so that the XLSX is byte-for-byte repeatable."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data
                )
            archive.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data
            )


def _append_party(append, label: str, party: Party) -> None:
    append([label, party.name])
    for line in (party.address or "").split("\n"):
        if line:
            append([None, line])


def _de(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def _write_csv_de(po: PurchaseOrder, path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Bestellnummer", po.po_number])
    writer.writerow(["Bestelldatum", po.order_date.strftime("%d.%m.%Y")])
    writer.writerow(["Währung", po.currency])
    for label, party in (("Besteller", po.buyer), ("Lieferadresse", po.ship_to)):
        writer.writerow([label, party.name])
        for line in party.address.split("\n"):
            writer.writerow(["", line])
    writer.writerow([])
    writer.writerow(["Pos", "Artikelnummer", "Bezeichnung", "Menge", "Einheit",
                     "Einzelpreis", "Rabatt %", "Betrag"])  # fmt: skip
    for line in po.lines:
        discount = (
            str(line.discount_percent).replace(".", ",")
            if line.discount_percent
            else ""
        )
        writer.writerow([
            line.line, line.customer_sku, line.description, str(line.quantity), line.uom,
            _de(line.unit_price), discount, _de(line.amount),
        ])  # fmt: skip
    writer.writerow([])
    writer.writerow(["Nettobetrag", "", "", "", "", "", "", _de(po.subtotal)])
    writer.writerow(["MwSt. 19 %", "", "", "", "", "", "", _de(po.tax)])
    writer.writerow(["Gesamtbetrag", "", "", "", "", "", "", _de(po.total)])
    path.write_bytes(out.getvalue().encode("utf-8"))


def _write_csv_us(po: PurchaseOrder, path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Order No.", po.po_number])
    writer.writerow(["Date", po.order_date.strftime("%m/%d/%Y")])
    writer.writerow(["Bill To", po.buyer.name])
    for line in po.buyer.address.split("\n"):
        writer.writerow(["", line])
    writer.writerow([])
    writer.writerow(
        ["Part No.", "Description", "Quantity", "Unit", "Price", "Extended Price"]
    )
    for line in po.lines:
        writer.writerow([line.customer_sku, line.description, str(line.quantity), line.uom,
                         f"${line.unit_price:,.2f}", f"${line.amount:,.2f}"])  # fmt: skip
    writer.writerow([])
    writer.writerow(["Order Total", "", "", "", "", f"${po.total:,.2f} USD"])
    path.write_text(out.getvalue(), encoding="utf-8")


from datetime import datetime

_FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)


# bad files ---------------------------------------------------------------------
def write_bad_files(folder: Path, good: PurchaseOrder) -> None:
    folder.mkdir(exist_ok=True)
    spec = layouts.SPECS[0]
    expected = {
        "scan_only_image.pdf": ("no_text_layer", _scan),
        "encrypted.pdf": ("encrypted", lambda p: _encrypted(p, spec, good)),
        "empty.pdf": ("empty", lambda p: p.write_bytes(b"")),
        "truncated.pdf": ("corrupt", lambda p: _truncated(p, spec, good)),
        "garbage.pdf": ("corrupt", _garbage),
        "invoice_not_po.pdf": ("not_a_purchase_order", _invoice),
        "letter_not_po.pdf": ("not_a_purchase_order", _letter),
        "photo.png": ("unsupported_type", _png),
    }
    for name, (code, write) in expected.items():
        path = folder / name
        write(path)
        (folder / f"{path.stem}.json").write_text(
            json.dumps({"code": code}, indent=2) + "\n", encoding="utf-8"
        )


def _scan(path: Path) -> None:
    image = Image.new("L", (850, 1100), 255)
    draw = ImageDraw.Draw(image)
    for row in range(40):
        y = 80 + row * 24
        draw.rectangle([70, y, 70 + (row * 37) % 600 + 100, y + 9], fill=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    from reportlab.lib.utils import ImageReader

    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.drawImage(ImageReader(buffer), 0, 0, width=A4[0], height=A4[1])
    canvas.save()


def _encrypted(path: Path, spec: layouts.Spec, good: PurchaseOrder) -> None:
    canvas = Canvas(
        str(path),
        pagesize=spec.pagesize,
        invariant=1,
        encrypt=StandardEncryption("user-secret", "owner-secret", strength=128),
    )
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, f"PURCHASE ORDER {good.po_number}")
    canvas.save()


def _truncated(path: Path, spec: layouts.Spec, good: PurchaseOrder) -> None:
    render_pdf(spec, good, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 55 // 100])


def _garbage(path: Path) -> None:
    body = bytes((i * 73 + 41) % 256 for i in range(3000))
    path.write_bytes(b"%PDF-1.4\n" + body + b"\n%%EOF\n")


def _invoice(path: Path) -> None:
    spec = copy.deepcopy(layouts.SPECS[0])
    spec.name = "invoice_not_po"
    spec.labels = {
        **spec.labels,
        "title": "INVOICE",
        "po": "Invoice No.:",
        "date": "Invoice Date:",
    }
    spec.extra_fields = [("Your PO:", "BIS-2026-04417")]
    po = _po_from_spec(spec)
    render_pdf(spec, po, path)


def _po_from_spec(spec: layouts.Spec) -> PurchaseOrder:
    from tests.documents.po.make_corpus import build_po

    return build_po(spec)


def _letter(path: Path) -> None:
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(72, 770, "Brightline Industrial Supply Inc.")
    canvas.setFont("Helvetica", 10)
    lines = [
        "Columbus, 12 March 2026",
        "",
        "Dear Sir or Madam,",
        "",
        "thank you for your visit last week. As discussed, we will send our purchase",
        "order for the spring season once our budget is approved. Until then please",
        "keep the quoted prices open.",
        "",
        "Kind regards,",
        "Dana Whitfield, Purchasing",
    ]
    y = 720
    for line in lines:
        canvas.drawString(72, y, line)
        y -= 14
    canvas.save()


def _png(path: Path) -> None:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())

"""A purchase order laid out by reportlab's platypus tables, not by the corpus renderer.

The corpus renderer places every word itself; platypus flows a label/value grid,
address columns, a line table that repeats its header on each page and wraps
descriptions in paragraphs. The generic reader has never been tuned to it.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bots.documents.po import read_purchase_order

CENT = Decimal("0.01")
ITEMS = [
    "Nitrile gloves powder-free size M, box of 100",
    (
        "Pipette tips 200 ul, racked, sterile, 10 racks of 96, low retention, "
        "individually wrapped for cleanroom use"
    ),
    "Centrifuge tube 50 ml conical, PP",
]


def build(path: Path, grid: bool) -> list[tuple[str, str, int, Decimal, Decimal]]:
    styles = getSampleStyleSheet()
    rng = random.Random(3)
    lines = []
    for _ in range(30):
        quantity = rng.choice([1, 2, 5, 10, 24])
        price = Decimal(rng.randrange(100, 90000)) / 100
        amount = (quantity * price).quantize(CENT)
        lines.append(
            (
                f"OLS-{rng.randrange(10000, 99999)}",
                rng.choice(ITEMS),
                quantity,
                price,
                amount,
            )
        )
    table_rows = [
        ["Line", "Product Code", "Description", "Qty", "Unit", "Unit Price", "Total"]
    ]
    for number, (sku, text, quantity, price, amount) in enumerate(lines, start=1):
        table_rows.append([str(number), sku, Paragraph(text, styles["Normal"]), str(quantity),
                           "EA", f"{price:,.2f}", f"{amount:,.2f}"])  # fmt: skip
    subtotal = sum((line[4] for line in lines), Decimal(0))
    vat = (subtotal * Decimal("0.2")).quantize(CENT)
    style = [("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("ALIGN", (3, 1), (-1, -1), "RIGHT")]  # fmt: skip
    if grid:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.grey))
    lines_table = Table(
        table_rows, colWidths=[30, 75, 200, 35, 35, 60, 70], repeatRows=1
    )
    lines_table.setStyle(TableStyle(style))
    totals = Table(
        [["Subtotal", f"{subtotal:,.2f}"], ["VAT @ 20%", f"{vat:,.2f}"],
         ["Total GBP", f"{subtotal + vat:,.2f}"]],
        colWidths=[100, 80], hAlign="RIGHT",
    )  # fmt: skip
    totals.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT")]))
    story = [
        Paragraph("<b>Oakridge Lab Supplies Ltd</b>", styles["Title"]),
        Paragraph("14 Science Park Road, Cambridge CB4 0FY", styles["Normal"]),
        Spacer(1, 12),
        Table([["Purchase Order No.", "OLS-77120", "Order date", "12 May 2026"],
               ["Currency", "GBP", "Required by", "02 June 2026"]],
              colWidths=[100, 110, 90, 110]),
        Spacer(1, 12),
        Table([["Invoice to:", "Deliver to:"],
               ["Oakridge Lab Supplies Ltd", "Oakridge Stores"],
               ["14 Science Park Road", "Unit 2, Milton Road"],
               ["Cambridge CB4 0FY", "Cambridge CB4 1XY"]], colWidths=[220, 220]),
        Spacer(1, 16), lines_table, Spacer(1, 12), totals,
    ]  # fmt: skip
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return lines


@pytest.mark.parametrize("grid", [True, False], ids=["ruled", "unruled"])
def test_platypus_po_reads_right(tmp_path: Path, grid: bool) -> None:
    path = tmp_path / "oakridge.pdf"
    lines = build(path, grid)
    po = read_purchase_order(path)
    assert not po.needs_review, po.warnings
    assert (po.po_number, str(po.order_date), str(po.requested_date), po.currency) == (
        "OLS-77120", "2026-05-12", "2026-06-02", "GBP",
    )  # fmt: skip
    assert (po.buyer.name, po.ship_to.name) == (
        "Oakridge Lab Supplies Ltd",
        "Oakridge Stores",
    )
    got = [
        (ln.customer_sku, ln.description, ln.quantity, ln.unit_price, ln.amount)
        for ln in po.lines
    ]
    assert got == lines

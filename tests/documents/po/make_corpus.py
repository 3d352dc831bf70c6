"""Build the purchase order test corpus (deterministic; run it, commit its output).

    .venv/bin/python tests/documents/po/make_corpus.py

Writes into `tests/documents/po/corpus/`: PDF purchase orders in twelve layouts (US,
UK, German, French, Spanish, Swiss; portrait and landscape; ruled and unruled
tables; one to three pages with repeated headers and carried-forward lines; wrapped
descriptions; discount and requested-date columns; values beside and below their
labels; US, European, spaced and Swiss numbers; many date formats), XLSX and CSV
purchase orders, each with the expected JSON beside it, and `bad/` files that must be
refused (with the expected error code beside each). The expected JSON is written from
the data the document was drawn from, never from the reader.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from bots.documents.po.models import OrderLine, Party, PurchaseOrder
from tests.documents.po import corpus_layouts as layouts
from tests.documents.po.corpus_extra import write_bad_files, write_spreadsheets
from tests.documents.po.corpus_pdf import render_pdf

OUT = HERE / "corpus"
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def build_po(spec: layouts.Spec) -> PurchaseOrder:
    """The purchase order a layout shows: the truth its expected JSON is made of."""
    rng = random.Random(spec.seed)
    order_date = date(2026, 1, 5) + timedelta(days=rng.randrange(0, 280))
    lines = []
    catalog = layouts.CATALOG[spec.language]
    for index in range(spec.line_count):
        description = catalog[(index * 7 + spec.seed) % len(catalog)]
        if spec.long_descriptions and index % 2 == 0:
            description += layouts.LONG_TAIL[spec.language][index % 3]
        quantity = Decimal(rng.choice([1, 2, 4, 5, 10, 12, 20, 25, 50, 100, 250, 1200]))
        if spec.fractional_quantities and index % 4 == 1:
            quantity = Decimal(rng.choice(["2.5", "12.75", "0.5"]))
        places = spec.price_places
        price = Decimal(rng.randrange(35, 185_000)) / Decimal(100)
        if places > 2:
            price = Decimal(rng.randrange(40, 9000)) / Decimal(10**places)
        elif quantity >= 100:
            price = Decimal(rng.randrange(35, 4_000)) / Decimal(100)
        discount = None
        if spec.discount_column and index % 3 == 1:
            discount = Decimal(rng.choice(["5", "10", "2.5", "15"]))
        amount = quantity * price
        if discount:
            amount = amount * (100 - discount) / 100
        requested = None
        if spec.line_dates:
            requested = order_date + timedelta(days=14 + 7 * (index % 4))
        lines.append(
            OrderLine(
                line=(index + 1) * spec.line_step,
                customer_sku=layouts.sku(spec.sku_style, rng),
                description=description,
                quantity=quantity,
                uom=rng.choice(spec.uoms) if spec.uoms else None,
                unit_price=price,
                discount_percent=discount,
                amount=money(amount),
                requested_date=requested,
            )
        )
    subtotal = sum((line.amount for line in lines), Decimal(0))
    tax = money(subtotal * spec.tax_rate / 100) if spec.tax_rate is not None else None
    freight = spec.freight
    total = subtotal + (tax or 0) + (freight or 0)
    buyer = spec.buyer
    return PurchaseOrder(
        source=f"{spec.name}.pdf",
        po_number=spec.po_number,
        order_date=order_date,
        currency=spec.currency,
        buyer=Party(buyer.name, "\n".join(buyer.address)),
        ship_to=Party(spec.ship_to.name, "\n".join(spec.ship_to.address))
        if spec.ship_to
        else Party(),
        requested_date=order_date + timedelta(days=21)
        if spec.header_requested
        else None,
        lines=lines,
        subtotal=subtotal if spec.show_subtotal else None,
        tax=tax,
        freight=freight,
        total=total,
    )


def expected_json(po: PurchaseOrder, template: str | None) -> dict:
    data = po.to_json()
    data.update(
        confidence="1.00" if template else "0.90",
        needs_review=False,
        warnings=[],
        template=template,
    )
    return data


def write_json(path: Path, data: dict) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def main(out: Path = OUT) -> None:
    out.mkdir(exist_ok=True)
    for spec in layouts.SPECS:
        po = build_po(spec)
        render_pdf(spec, po, out / f"{spec.name}.pdf")
        write_json(out / f"{spec.name}.json", expected_json(po, spec.template))
    for path, po in write_spreadsheets(out):
        write_json(path.with_suffix(".json"), expected_json(po, None))
    write_bad_files(out / "bad", build_po(layouts.SPECS[0]))
    print(f"corpus written to {out}")


if __name__ == "__main__":
    main()

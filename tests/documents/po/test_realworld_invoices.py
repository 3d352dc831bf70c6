"""The generic reader over eleven real supplier invoices: a robustness check.

They are invoices, not purchase orders, and nothing is tuned to them. The test asserts
that every one is read without an error into a well-formed result, and records what
the reader got right (number, date, total) in `artifacts/realworld_invoices.json`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bots.documents.po.generic import read_layout
from bots.documents.po.reader import read_pdf_pages
from tests.conftest import ARTIFACTS
from tests.documents.po.conftest import INVOICES


def score_invoice(pdf: Path) -> dict[str, bool]:
    want = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))[0]
    po = read_layout(read_pdf_pages(pdf), pdf.name, invoice_mode=True)
    data = po.to_json()
    assert set(data) >= {"po_number", "order_date", "total", "lines"}
    number = (want.get("invoice_number") or "").lstrip("#")
    amount = want.get("amount")
    return {
        "number": data["po_number"] == number,
        "date": data["order_date"] == want.get("date"),
        "total": amount is not None
        and data["total"] is not None
        and Decimal(data["total"]) == Decimal(str(amount)),
    }


def test_generic_reader_on_real_invoices() -> None:
    pdfs = sorted(INVOICES.glob("*.pdf"))
    assert len(pdfs) == 11 and (INVOICES / "LICENSE.invoice2data").exists()
    scores = {pdf.name: score_invoice(pdf) for pdf in pdfs}
    totals = {
        field: sum(s[field] for s in scores.values())
        for field in ("number", "date", "total")
    }
    ARTIFACTS.mkdir(exist_ok=True)
    report = {"documents": len(pdfs), "right": totals, "per_document": scores}
    (ARTIFACTS / "realworld_invoices.json").write_text(json.dumps(report, indent=2))
    print(f"real invoices, fields right of {len(pdfs)}: {totals}")

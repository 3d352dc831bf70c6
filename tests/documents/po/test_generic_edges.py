"""The generic reader where a document leaves room for doubt: it must say so."""

from __future__ import annotations

import copy
from pathlib import Path

from bots.documents.po import read_purchase_order
from tests.documents.po import corpus_layouts as layouts
from tests.documents.po.corpus_pdf import render_pdf
from tests.documents.po.make_corpus import build_po

BRIGHTLINE = layouts.SPECS[0]


def draw(tmp_path: Path, spec: layouts.Spec) -> Path:
    path = tmp_path / f"{spec.name}.pdf"
    render_pdf(spec, build_po(spec), path)
    return path


def test_two_written_currencies_need_review(tmp_path: Path) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.currency_note = "All amounts in USD; duties are invoiced in CAD"
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.needs_review
    assert "several currencies are named (CAD, USD); USD was taken" in po.warnings


def test_ambiguous_date_order_needs_review(tmp_path: Path) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.number_style = "eu"  # European numbers, but dollars and 03/04-style dates
    spec.header_requested = False
    spec.seed = next(
        seed
        for seed in range(1, 500)
        if (d := build_po(_with_seed(spec, seed)).order_date).day <= 12
        and d.day != d.month
    )
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.needs_review
    assert any("could be day/month or month/day" in w for w in po.warnings), po.warnings


def _with_seed(spec: layouts.Spec, seed: int) -> layouts.Spec:
    changed = copy.deepcopy(spec)
    changed.seed = seed
    return changed


def test_two_different_po_numbers_need_review(tmp_path: Path) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.extra_fields = [("Order No.:", "BIS-2026-09999")]
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.needs_review
    assert any("several different PO numbers" in w for w in po.warnings)


def test_missing_currency_needs_review(tmp_path: Path) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.currency_note = None
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.currency is None and "no currency was found" in po.warnings


def test_missing_totals_label_needs_review(tmp_path: Path) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.labels = {**spec.labels, "total": "Zu zahlen"}  # a label the reader lacks
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.total is None and po.needs_review


PLAIN_PAGE = [
        (72, 760, "Purchase Order"), (300, 760, "PO No.: 55-1200"),
        (300, 746, "Date: 2026-04-02"), (300, 732, "Currency: EUR"),
    (72, 690, "Item"), (160, 690, "Description"), (380, 690, "Qty"),
        (430, 690, "Price"), (500, 690, "Amount"),
        (72, 676, "K-100"), (160, 676, "Filter cartridge"), (380, 676, "4"),
        (430, 676, "12.50"), (500, 676, "50.00"),
        (430, 640, "Total"), (500, 640, "50.00"),
]  # fmt: skip


def plain_pdf(path: Path, extra: list[tuple[int, int, str]]) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), invariant=1)
    canvas.setFont("Helvetica", 9)
    for x, y, text in PLAIN_PAGE + extra:
        canvas.drawString(x, y, text)
    canvas.save()
    return path


def test_plain_page_without_letterhead_has_no_guessed_buyer(tmp_path: Path) -> None:
    po = read_purchase_order(plain_pdf(tmp_path / "plain.pdf", []))
    assert (po.po_number, str(po.total), len(po.lines)) == ("55-1200", "50.00", 1)
    assert po.buyer.name is None
    assert po.needs_review and "the buyer was not found" in po.warnings


def test_delivery_date_printed_under_a_line(tmp_path: Path) -> None:
    extra = [(160, 665, "Delivery date: 2026-05-10"), (160, 654, "Notes: gate 3")]
    po = read_purchase_order(plain_pdf(tmp_path / "dated.pdf", extra))
    assert str(po.lines[0].requested_date) == "2026-05-10"
    assert po.lines[0].description == "Filter cartridge"


def test_buyer_label_naming_a_person_gives_way_to_the_letterhead(
    tmp_path: Path,
) -> None:
    spec = copy.deepcopy(BRIGHTLINE)
    spec.extra_fields = [("Buyer:", "Dana Whitfield")]
    po = read_purchase_order(draw(tmp_path, spec), use_templates=False)
    assert po.buyer.name == "Brightline Industrial Supply Inc."
    assert not po.needs_review, po.warnings

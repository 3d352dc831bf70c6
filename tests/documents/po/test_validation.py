"""Checks before entry, the JSON shape, and re-validation after an operator's fix."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.documents.po import OrderLine, Party, PurchaseOrder, assess, validate
from bots.documents.po.models import money_text, quantity_text
from tests.documents.po.conftest import CORPUS, expected

TODAY = date(2026, 6, 1)


def clean_po() -> PurchaseOrder:
    lines = [
        OrderLine(1, "A-1", "Bolt", Decimal(10), "EA", Decimal("2.50"), None, Decimal("25.00")),
        OrderLine(2, "B-2", "Nut", Decimal(4), "EA", Decimal("10.00"), Decimal(5), Decimal("38.00")),
    ]  # fmt: skip
    return PurchaseOrder(
        source="x.pdf",
        po_number="PO-1",
        order_date=date(2026, 5, 2),
        currency="EUR",
        buyer=Party("Buyer Ltd", "1 Road"),
        lines=lines,
        subtotal=Decimal("63.00"),
        tax=Decimal("11.97"),
        freight=Decimal("5.00"),
        total=Decimal("79.97"),
    )


def test_a_clean_po_passes() -> None:
    assert validate(clean_po(), today=TODAY) == []


def test_line_arithmetic_with_discount_and_rounding() -> None:
    po = clean_po()
    po.lines[1].amount = Decimal("38.01")  # within the 0.01 rounding tolerance
    assert validate(po, today=TODAY) == []
    po.lines[1].amount = Decimal("40.00")
    warnings = validate(po, today=TODAY)
    assert "line 2: 4 x 10.00 less 5% = 38.00, but the line says 40.00" in warnings


def test_totals_must_add_up() -> None:
    po = clean_po()
    po.total = Decimal("80.00")
    assert validate(po, today=TODAY) == [
        "subtotal 63.00 + tax 11.97 + freight 5.00 = 79.97, but the total says 80.00"
    ]


def test_missing_fields_are_named() -> None:
    po = PurchaseOrder(source="x.pdf")
    warnings = validate(po, today=TODAY)
    for reason in ("no PO number", "no order date", "no currency", "no order lines",
                   "no grand total", "the buyer"):  # fmt: skip
        assert any(reason in warning for warning in warnings), reason


def test_implausible_dates() -> None:
    po = clean_po()
    po.order_date = date(1999, 1, 1)
    po.lines[0].requested_date = date(1998, 1, 1)
    warnings = validate(po, today=TODAY)
    assert "the order date 1999-01-01 is not plausible" in warnings
    assert "the line 1 requested date 1998-01-01 is before the order date" in warnings
    po.order_date = date(2026, 5, 2)
    po.requested_date = date(2031, 1, 1)
    assert "the requested date 2031-01-01 is more than three years ahead" in validate(
        po, today=TODAY
    )


def test_confidence_is_honest() -> None:
    po = assess(clean_po(), template=False)
    assert (po.needs_review, po.confidence) == (False, Decimal("0.90"))
    po = assess(clean_po(), template=True)
    assert (po.needs_review, po.confidence) == (False, Decimal("1.00"))
    broken = clean_po()
    broken.total = None
    po = assess(broken, template=True)
    assert po.needs_review and po.confidence <= Decimal("0.50")
    assert po.warnings == ["no grand total was found"]


def test_operator_correction_round_trip() -> None:
    data = expected(CORPUS / "us_ruled_brightline.pdf")
    data["lines"][0]["amount"] = "1.00"
    po = PurchaseOrder.from_json(data)
    assert any(w.startswith("line 1:") for w in validate(po))
    data["lines"][0]["amount"] = expected(CORPUS / "us_ruled_brightline.pdf")["lines"][
        0
    ]["amount"]
    assert validate(PurchaseOrder.from_json(data)) == []


def test_amounts_never_cross_as_floats() -> None:
    data = clean_po().to_json()
    assert data["lines"][0]["unit_price"] == "2.50"
    data["total"] = 79.97
    with pytest.raises(TypeError):
        PurchaseOrder.from_json(data)


@pytest.mark.parametrize(
    ("value", "money", "quantity"),
    [("12", "12.00", "12"), ("2.50", "2.50", "2.5"), ("0.0845", "0.0845", "0.0845"),
     ("1200.000", "1200.000", "1200")],
)  # fmt: skip
def test_decimal_text(value: str, money: str, quantity: str) -> None:
    assert money_text(Decimal(value)) == money
    assert quantity_text(Decimal(value)) == quantity

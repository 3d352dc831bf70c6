"""Checks a purchase order must pass before anything is entered into the ERP.

Every line's quantity x price (less its discount) must equal its amount; the lines
must add up to the subtotal, and subtotal + tax + freight to the total; dates must be
plausible; a PO number, a currency and at least one line must be there. Each failed
check is one warning. `assess` turns the warnings into `needs_review` and an honest
`confidence`: any warning means review, and a document read without a template can
never reach full confidence, because the checks cannot prove a SKU or an address.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal

from bots.documents.po.models import CENT, OrderLine, PurchaseOrder, money_text

log = logging.getLogger(__name__)

TOLERANCE = Decimal("0.01")
EARLIEST = date(2000, 1, 1)
GENERIC_CEILING = Decimal("0.90")
TEMPLATE_CEILING = Decimal("1.00")
PENALTY = Decimal("0.15")


def validate(po: PurchaseOrder, *, today: date | None = None) -> list[str]:
    """The reasons this purchase order may not be entered as it stands."""
    warnings: list[str] = []
    warnings += _required_fields(po)
    for line in po.lines:
        warnings += _line_checks(line)
    warnings += _sum_checks(po)
    warnings += _date_checks(po, today or date.today())
    return warnings


def assess(
    po: PurchaseOrder, *, template: bool, reader_warnings: list[str] | None = None
) -> PurchaseOrder:
    """Set warnings, needs_review and confidence from the checks."""
    warnings = list(dict.fromkeys([*(reader_warnings or []), *validate(po)]))
    ceiling = TEMPLATE_CEILING if template else GENERIC_CEILING
    confidence = ceiling - PENALTY * len(warnings)
    po.warnings = warnings
    po.needs_review = bool(warnings)
    po.confidence = max(Decimal(0), confidence).quantize(CENT)
    if warnings:
        po.confidence = min(po.confidence, Decimal("0.50"))
    return po


def _required_fields(po: PurchaseOrder) -> list[str]:
    warnings = []
    if not po.po_number:
        warnings.append("no PO number was found")
    if not po.order_date:
        warnings.append("no order date was found")
    if not po.currency:
        warnings.append("no currency was found")
    if not po.lines:
        warnings.append("no order lines were found")
    if po.total is None:
        warnings.append("no grand total was found")
    if not po.buyer.name:
        warnings.append("the buyer was not found")
    return warnings


def _line_checks(line: OrderLine) -> list[str]:
    where = f"line {line.line}"
    warnings = [] if line.customer_sku else [f"{where}: no item number"]
    if line.quantity is None or line.quantity <= 0:
        return [*warnings, f"{where}: the quantity is missing or not positive"]
    if line.unit_price is None or line.amount is None:
        return [*warnings, f"{where}: the unit price or the line amount is missing"]
    expected = expected_amount(line)
    if abs(expected - line.amount) > TOLERANCE:
        warnings.append(
            f"{where}: {line.quantity} x {line.unit_price}"
            f"{_discount_text(line)} = {money_text(expected)}, "
            f"but the line says {money_text(line.amount)}"
        )
    return warnings


def expected_amount(line: OrderLine) -> Decimal:
    """Quantity x unit price less the line discount, rounded to the cent."""
    assert line.quantity is not None and line.unit_price is not None
    gross = line.quantity * line.unit_price
    if line.discount_percent:
        gross = gross * (Decimal(100) - line.discount_percent) / Decimal(100)
    return gross.quantize(CENT)


def _discount_text(line: OrderLine) -> str:
    return f" less {line.discount_percent}%" if line.discount_percent else ""


def _sum_checks(po: PurchaseOrder) -> list[str]:
    amounts = [line.amount for line in po.lines if line.amount is not None]
    if not amounts or len(amounts) != len(po.lines):
        return []
    lines_sum = sum(amounts, Decimal(0))
    warnings = []
    extras = (po.tax or Decimal(0)) + (po.freight or Decimal(0))
    if po.subtotal is not None and abs(lines_sum - po.subtotal) > TOLERANCE:
        warnings.append(
            f"the lines add up to {money_text(lines_sum)}, "
            f"but the subtotal says {money_text(po.subtotal)}"
        )
    base = po.subtotal if po.subtotal is not None else lines_sum
    if po.total is not None and abs(base + extras - po.total) > TOLERANCE:
        warnings.append(
            f"subtotal {money_text(base)} + tax {money_text(po.tax or Decimal(0))}"
            f" + freight {money_text(po.freight or Decimal(0))} = "
            f"{money_text(base + extras)}, but the total says {money_text(po.total)}"
        )
    return warnings


def _date_checks(po: PurchaseOrder, today: date) -> list[str]:
    warnings = []
    latest = today + timedelta(days=366)
    if po.order_date and not EARLIEST <= po.order_date <= latest:
        warnings.append(f"the order date {po.order_date} is not plausible")
    dates = [("requested date", po.requested_date)]
    dates += [(f"line {ln.line} requested date", ln.requested_date) for ln in po.lines]
    for name, value in dates:
        if value is None:
            continue
        if po.order_date and value < po.order_date:
            warnings.append(f"the {name} {value} is before the order date")
        elif po.order_date and value > po.order_date + timedelta(days=3 * 366):
            warnings.append(f"the {name} {value} is more than three years ahead")
    return warnings

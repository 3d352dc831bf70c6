"""The purchase order as the bots see it, and its JSON shape.

`PurchaseOrder.to_json()` is the one shape that leaves the reader (CLI `--json`, the
work item payload, the expected files of the test corpus); `from_json` reads it back
after an operator corrected fields on a work item. Money and quantities are `Decimal`
and cross the interface as decimal strings; dates as `YYYY-MM-DD`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

log = logging.getLogger(__name__)

CENT = Decimal("0.01")


@dataclass
class Party:
    """A buyer or ship-to block: the first line is the name, the rest the address."""

    name: str | None = None
    address: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "address": self.address}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Party:
        data = data or {}
        return cls(name=data.get("name") or None, address=data.get("address") or None)


@dataclass
class OrderLine:
    """One order line as the customer printed it."""

    line: int
    customer_sku: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None
    amount: Decimal | None = None
    requested_date: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "customer_sku": self.customer_sku,
            "description": self.description,
            "quantity": quantity_text(self.quantity),
            "uom": self.uom,
            "unit_price": price_text(self.unit_price),
            "discount_percent": quantity_text(self.discount_percent),
            "amount": money_text(self.amount),
            "requested_date": date_text(self.requested_date),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderLine:
        return cls(
            line=int(data.get("line") or 0),
            customer_sku=data.get("customer_sku") or None,
            description=data.get("description") or None,
            quantity=to_decimal(data.get("quantity")),
            uom=data.get("uom") or None,
            unit_price=to_decimal(data.get("unit_price")),
            discount_percent=to_decimal(data.get("discount_percent")),
            amount=to_decimal(data.get("amount")),
            requested_date=to_date(data.get("requested_date")),
        )


@dataclass
class PurchaseOrder:
    """A customer's purchase order, with the reader's verdict on it."""

    source: str
    po_number: str | None = None
    order_date: date | None = None
    currency: str | None = None
    buyer: Party = field(default_factory=Party)
    ship_to: Party = field(default_factory=Party)
    requested_date: date | None = None
    lines: list[OrderLine] = field(default_factory=list)
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    freight: Decimal | None = None
    total: Decimal | None = None
    confidence: Decimal = Decimal(0)
    needs_review: bool = True
    warnings: list[str] = field(default_factory=list)
    template: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "po_number": self.po_number,
            "order_date": date_text(self.order_date),
            "currency": self.currency,
            "buyer": self.buyer.to_json(),
            "ship_to": self.ship_to.to_json(),
            "requested_date": date_text(self.requested_date),
            "lines": [line.to_json() for line in self.lines],
            "subtotal": money_text(self.subtotal),
            "tax": money_text(self.tax),
            "freight": money_text(self.freight),
            "total": money_text(self.total),
            "confidence": str(self.confidence.quantize(CENT)),
            "needs_review": self.needs_review,
            "warnings": list(self.warnings),
            "template": self.template,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PurchaseOrder:
        return cls(
            source=str(data.get("source") or ""),
            po_number=data.get("po_number") or None,
            order_date=to_date(data.get("order_date")),
            currency=data.get("currency") or None,
            buyer=Party.from_json(data.get("buyer")),
            ship_to=Party.from_json(data.get("ship_to")),
            requested_date=to_date(data.get("requested_date")),
            lines=[OrderLine.from_json(line) for line in data.get("lines") or []],
            subtotal=to_decimal(data.get("subtotal")),
            tax=to_decimal(data.get("tax")),
            freight=to_decimal(data.get("freight")),
            total=to_decimal(data.get("total")),
            confidence=to_decimal(data.get("confidence")) or Decimal(0),
            needs_review=bool(data.get("needs_review", True)),
            warnings=[str(w) for w in data.get("warnings") or []],
            template=data.get("template") or None,
        )


def to_decimal(value: Any) -> Decimal | None:
    """A Decimal from a decimal string or int; None for empty. Floats are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("amounts must be decimal strings, not floats")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc


def to_date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def date_text(value: date | None) -> str | None:
    return value.isoformat() if value else None


def money_text(value: Decimal | None) -> str | None:
    """Amounts always carry two decimals (more if the document printed more)."""
    if value is None:
        return None
    return _plain(value if -value.as_tuple().exponent > 2 else value.quantize(CENT))


def price_text(value: Decimal | None) -> str | None:
    return money_text(value)


def quantity_text(value: Decimal | None) -> str | None:
    """Quantities and percentages without trailing zeros: 10, 2.5, 0.125."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return _plain(value.quantize(Decimal(1)))
    return _plain(value.normalize())


def _plain(value: Decimal) -> str:
    return format(value, "f")

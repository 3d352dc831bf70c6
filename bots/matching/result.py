"""What the matcher decided: per payment a status, applications, reasons, candidates.

`MatchResult.to_json()` (the same as `to_dict()`) is the JSON-ready document the
`o2c match --json` command prints and the cash-application bot stores: amounts as
decimal strings, statuses `matched`, `partially_matched`, `unmatched`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bots.documents.bank.model import Payment

log = logging.getLogger(__name__)

MATCHED = "matched"
PARTIALLY_MATCHED = "partially_matched"
UNMATCHED = "unmatched"
STATUSES = (MATCHED, PARTIALLY_MATCHED, UNMATCHED)
ZERO = Decimal("0.00")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class Application:
    """Cash applied to one invoice, with the discount and deduction that close it."""

    invoice_number: str
    amount: Decimal
    discount: Decimal = ZERO
    deduction: Decimal = ZERO
    deduction_code: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "invoice_number": self.invoice_number,
            "amount": _money(self.amount),
            "discount": _money(self.discount),
            "deduction": _money(self.deduction),
            "deduction_code": self.deduction_code,
        }


@dataclass
class Candidate:
    """An alternative application an operator may choose."""

    customer_id: str
    applications: list[Application]
    unapplied: Decimal
    score: float
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "applications": [a.to_dict() for a in self.applications],
            "unapplied": _money(self.unapplied),
            "score": round(self.score, 2),
            "reasons": list(self.reasons),
        }


@dataclass
class PaymentMatch:
    """The decision for one payment."""

    payment: Payment
    status: str
    customer_id: str | None = None
    applications: list[Application] = field(default_factory=list)
    unapplied: Decimal = ZERO
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def applied(self) -> Decimal:
        return sum((a.amount for a in self.applications), ZERO)

    def to_dict(self) -> dict[str, Any]:
        payment = self.payment
        return {
            "payment_id": payment.payment_id,
            "payer": payment.payer,
            "amount": _money(payment.amount),
            "currency": payment.currency,
            "customer_id": self.customer_id,
            "status": self.status,
            "applications": [a.to_dict() for a in self.applications],
            "unapplied": _money(self.unapplied),
            "confidence": round(self.confidence, 2),
            "reasons": list(self.reasons),
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass
class MatchResult:
    """Every payment's decision, in the order the payments were given."""

    payments: list[PaymentMatch]
    open_items: int = 0

    def by_id(self) -> dict[str, PaymentMatch]:
        return {m.payment.payment_id: m for m in self.payments}

    def summary(self) -> dict[str, Any]:
        statuses = Counter(m.status for m in self.payments)
        received: dict[str, Decimal] = defaultdict(lambda: ZERO)
        applied: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for match in self.payments:
            received[match.payment.currency] += match.payment.amount
            if match.status == MATCHED:
                applied[match.payment.currency] += match.applied
        total = len(self.payments)
        rate = Decimal(statuses[MATCHED]) / total if total else Decimal(0)
        return {
            "payments": total,
            "open_items": self.open_items,
            **{status: statuses[status] for status in STATUSES},
            "auto_match_rate": str(rate.quantize(Decimal("0.0001"))),
            "amount_received": {c: _money(v) for c, v in sorted(received.items())},
            "amount_auto_applied": {c: _money(v) for c, v in sorted(applied.items())},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "payments": [m.to_dict() for m in self.payments],
            "summary": self.summary(),
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready document (like `PurchaseOrder.to_json()`): `to_dict()`."""
        return self.to_dict()

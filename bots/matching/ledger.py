"""The open items during one match run: what is still open after each decision.

Several payments in one batch may pay the same invoice; every `matched` payment
reduces the open amount the next payment sees. Amounts are whole cents here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bots.documents.bank.model import OpenItem
from bots.matching.index import OpenItemIndex, cents, money
from bots.matching.result import Application

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatchPolicy:
    """Business rules of matching; the defaults suit most ledgers."""

    discount_rates: tuple[Decimal, ...] = (Decimal("0.02"), Decimal("0.03"))
    discount_days: int = 15
    auto_threshold: float = 0.85
    max_candidates: int = 5


@dataclass(frozen=True)
class Allocation:
    """One proposed application in cents: cash, discount, deduction."""

    position: int
    cash: int
    discount: int = 0
    deduction: int = 0
    code: str = ""

    @property
    def closes(self) -> int:
        return self.cash + self.discount + self.deduction


class Ledger:
    """Open amounts per item, plus the index to find items."""

    def __init__(self, index: OpenItemIndex, policy: MatchPolicy, today: date) -> None:
        self.index = index
        self.policy = policy
        self.today = today
        self.remaining = [cents(item.open_amount) for item in index.items]
        self.rates = [int(rate * 10000) for rate in policy.discount_rates]
        self.reserved: set[int] = set()

    def item(self, position: int) -> OpenItem:
        return self.index.items[position]

    def is_open(self, position: int) -> bool:
        return self.remaining[position] > 0

    def discount(self, position: int, basis_points: int) -> int:
        """The early-payment discount on the open amount, rounded half up."""
        return (self.remaining[position] * basis_points + 5000) // 10000

    def discount_allowed(self, position: int, paid_on: date | None) -> bool:
        invoice_date = self.item(position).invoice_date
        if invoice_date is None:
            return False
        last_day = invoice_date + timedelta(days=self.policy.discount_days)
        return (paid_on or self.today) <= last_day

    def open_positions(self, customer_id: str, currency: str) -> list[int]:
        """A customer's open items for matching on amount alone: not those another
        payment of the batch names but could not settle."""
        return [
            p
            for p in self.index.by_customer.get(customer_id, ())
            if self.remaining[p] > 0
            and self.item(p).currency == currency
            and p not in self.reserved
        ]

    def reserve(self, positions: list[int]) -> None:
        self.reserved.update(positions)

    def full(self, position: int) -> Allocation:
        return Allocation(position, self.remaining[position])

    def discounted(self, position: int, basis_points: int) -> Allocation:
        discount = self.discount(position, basis_points)
        return Allocation(position, self.remaining[position] - discount, discount)

    def apply(self, allocations: list[Allocation]) -> None:
        for allocation in allocations:
            self.remaining[allocation.position] -= allocation.closes

    def application(self, allocation: Allocation) -> Application:
        return Application(
            invoice_number=self.item(allocation.position).invoice_number,
            amount=money(allocation.cash),
            discount=money(allocation.discount),
            deduction=money(allocation.deduction),
            deduction_code=allocation.code,
        )

    def numbers(self, positions: list[int]) -> str:
        return ", ".join(self.item(p).invoice_number for p in positions)

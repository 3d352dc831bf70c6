"""The decision rules: from one payment's evidence to applications and a status.

Three kinds of evidence, tried in this order: the payer's own invoice lines (a
remittance advice or structured camt lines), invoice references in the remittance
text, and, for a recognised payer only, the amount alone (one invoice, one
invoice less an early-payment discount, or a unique combination of that
customer's invoices). A payment that fits two sets of invoices equally well is
never `matched`; neither is one from an unknown payer without a reference.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from bots.documents.bank.model import Payment
from bots.matching.index import PayerMatch, cents, money
from bots.matching.ledger import Allocation, Ledger
from bots.matching.normalise import invoice_key
from bots.matching.result import MATCHED, PARTIALLY_MATCHED
from bots.matching.subset import find_subsets

log = logging.getLogger(__name__)

SOLUTION_LIMIT = 5


@dataclass
class Evidence:
    """What one payment says about itself before any decision.

    `strong` holds the referenced items named in a structured reference, by a
    learned pattern, or after a reference word: only those may take a short
    payment whose amount agrees with nothing.
    """

    payment: Payment
    amount: int
    payer: PayerMatch
    references: list[int] = field(default_factory=list)
    strong: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    @property
    def paid_on(self) -> date | None:
        return self.payment.value_date


@dataclass
class Proposal:
    """A possible application of a payment, for the operator to choose."""

    customer_id: str
    allocations: list[Allocation]
    unapplied: int
    score: float
    reasons: list[str]


@dataclass
class Decision:
    status: str
    customer_id: str | None = None
    allocations: list[Allocation] = field(default_factory=list)
    unapplied: int = 0
    confidence: float = 0.0
    reasons: list[str] = field(default_factory=list)
    candidates: list[Proposal] = field(default_factory=list)


def fmt_cents(value: int) -> str:
    return str(money(value))


def _key(allocations: list[Allocation]) -> tuple:
    return tuple(sorted((a.position, a.cash, a.discount) for a in allocations))


def interpretations(
    ledger: Ledger, positions: list[int], amount: int, paid_on: date | None
) -> tuple[list[list[Allocation]], bool]:
    """Every set of up to four of `positions` whose open amounts, in full or less
    one discount rate, add up to `amount`; and whether the search was complete."""
    found: dict[tuple, list[Allocation]] = {}
    values = [ledger.remaining[p] for p in positions]
    solutions, complete = find_subsets(values, amount, limit=SOLUTION_LIMIT)
    for solution in solutions:
        allocations = [ledger.full(positions[i]) for i in solution]
        found.setdefault(_key(allocations), allocations)
    for rate in ledger.rates:
        discounted = [
            ledger.remaining[p] - ledger.discount(p, rate)
            if ledger.discount_allowed(p, paid_on)
            else 0
            for p in positions
        ]
        solutions, done = find_subsets(discounted, amount, limit=SOLUTION_LIMIT)
        complete = complete and done
        for solution in solutions:
            allocations = [ledger.discounted(positions[i], rate) for i in solution]
            found.setdefault(_key(allocations), allocations)
    return list(found.values()), complete


def describe(ledger: Ledger, allocations: list[Allocation]) -> str:
    parts = []
    for a in allocations:
        text = f"{ledger.item(a.position).invoice_number} {fmt_cents(a.cash)}"
        if a.discount:
            text += f" (discount {fmt_cents(a.discount)})"
        if a.deduction:
            text += f" (deduction {fmt_cents(a.deduction)} {a.code})".replace(" )", ")")
        parts.append(text)
    return ", ".join(parts)


# --- remittance advice lines -------------------------------------------------------


def decide_advice(ledger: Ledger, evidence: Evidence) -> Decision:
    """Apply the payer's own invoice lines when they all check out."""
    payment = evidence.payment
    allocations, problems = _advice_allocations(ledger, evidence)
    customers = {ledger.item(a.position).customer_id for a in allocations}
    resolved = evidence.payer.resolved
    if len(customers) > 1:
        problems.append("advice lines name invoices of several customers")
    elif resolved and customers and customers != {resolved}:
        problems.append(
            f"advice invoices belong to customer {min(customers)}, payer is {resolved}"
        )
    paid = sum(a.cash for a in allocations)
    if not problems and paid != evidence.amount:
        problems.append(
            f"advice lines add up to {fmt_cents(paid)}, the payment is {payment.amount}"
        )
    customer = min(customers) if len(customers) == 1 else resolved
    described = describe(ledger, allocations)
    if problems:
        return Decision(
            PARTIALLY_MATCHED,
            customer,
            allocations,
            max(evidence.amount - paid, 0),
            0.5,
            problems
            + ([f"proposed from the advice: {described}"] if described else []),
        )
    confidence = 0.97 if resolved else 0.93
    reasons = [f"remittance advice lines applied: {described}"]
    return Decision(MATCHED, customer, allocations, 0, confidence, reasons)


def _advice_allocations(
    ledger: Ledger, evidence: Evidence
) -> tuple[list[Allocation], list[str]]:
    allocations: list[Allocation] = []
    problems: list[str] = []
    closing: dict[int, int] = {}
    for line in evidence.payment.advice_lines:
        position, problem = _advice_item(ledger, evidence, line.invoice_number)
        if position is None:
            problems.append(problem)
            continue
        allocation = Allocation(
            position,
            cents(line.amount_paid),
            cents(line.discount),
            cents(line.deduction),
            line.deduction_code,
        )
        closing[position] = closing.get(position, 0) + allocation.closes
        if closing[position] > ledger.remaining[position]:
            problems.append(
                f"advice line {line.invoice_number} closes more than its open amount "
                f"{fmt_cents(ledger.remaining[position])}"
            )
        if allocation.discount and not ledger.discount_allowed(
            position, evidence.paid_on
        ):
            problems.append(f"discount on {line.invoice_number} taken after the period")
        allocations.append(allocation)
    return allocations, problems


def _advice_item(
    ledger: Ledger, evidence: Evidence, number: str
) -> tuple[int | None, str]:
    currency = evidence.payment.currency
    positions = [
        p
        for p in ledger.index.by_key.get(invoice_key(number), ())
        if ledger.item(p).currency == currency and ledger.is_open(p)
    ]
    preferred = set(evidence.payer.customer_ids)
    if len(positions) > 1 and preferred:
        positions = [p for p in positions if ledger.item(p).customer_id in preferred]
    if len(positions) == 1:
        return positions[0], ""
    if positions:
        return None, f"advice line {number} matches several open invoices"
    return None, f"advice line {number} is not an open {currency} invoice"

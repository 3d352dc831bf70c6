"""Decisions for payments without usable references: the amount, for a known payer.

Only a payer resolved to exactly one customer is matched on amount alone, and only
when exactly one set of that customer's open invoices (one to four, in full or
less an early-payment discount) adds up to the payment. Otherwise the operator
gets ranked candidates: the fitting sets, or the nearest open invoices.
"""

from __future__ import annotations

import logging

from bots.matching.ledger import Allocation, Ledger
from bots.matching.result import MATCHED, PARTIALLY_MATCHED, UNMATCHED
from bots.matching.rules import (
    Decision,
    Evidence,
    Proposal,
    describe,
    fmt_cents,
    interpretations,
)
from bots.matching.subset import MAX_ITEMS

log = logging.getLogger(__name__)

NEAREST = 3


def decide_amount(ledger: Ledger, evidence: Evidence) -> Decision:
    payer = evidence.payer
    notes = list(evidence.notes)
    if payer.resolved:
        decision = _for_customer(ledger, evidence, payer.resolved)
    elif payer.customer_ids:
        decision = _for_several(ledger, evidence, payer.customer_ids)
    else:
        decision = _unknown_payer(ledger, evidence)
    decision.reasons = notes + decision.reasons
    return decision


def _for_customer(ledger: Ledger, evidence: Evidence, customer: str) -> Decision:
    currency = evidence.payment.currency
    positions = ledger.open_positions(customer, currency)
    if not positions:
        reason = f"customer {customer} has no open {currency} invoices"
        return Decision(UNMATCHED, customer, reasons=[reason])
    if len(positions) > MAX_ITEMS:
        reason = (
            f"customer {customer} has {len(positions)} open items: needs a reference"
        )
        return Decision(
            UNMATCHED,
            customer,
            reasons=[reason],
            candidates=_nearest(ledger, evidence, positions),
        )
    fits, _ = interpretations(ledger, positions, evidence.amount, evidence.paid_on)
    if len(fits) == 1:
        allocations = fits[0]
        kind = "one open invoice" if len(allocations) == 1 else "a unique combination"
        if any(a.discount for a in allocations):
            kind += " less early-payment discount"
        reasons = [
            f"no reference; amount equals {kind}: {describe(ledger, allocations)}"
        ]
        confidence = 0.92 if len(allocations) == 1 else 0.9
        return Decision(MATCHED, customer, allocations, 0, confidence, reasons)
    if fits:
        reason = (
            f"no reference; amount fits {len(fits)} different sets of open invoices "
            f"of customer {customer}: not applied"
        )
        return Decision(
            UNMATCHED,
            customer,
            confidence=0.3,
            reasons=[reason],
            candidates=_fit_proposals(ledger, customer, fits, 0.5),
        )
    reason = (
        f"no reference; no open invoice or combination of customer {customer} "
        f"equals {evidence.payment.amount}"
    )
    return Decision(
        UNMATCHED,
        customer,
        confidence=0.2,
        reasons=[reason],
        candidates=_nearest(ledger, evidence, positions),
    )


def _for_several(ledger: Ledger, evidence: Evidence, customers: list[str]) -> Decision:
    fits: list[tuple[str, list[Allocation]]] = []
    for customer in customers:
        positions = ledger.open_positions(customer, evidence.payment.currency)
        if len(positions) > MAX_ITEMS:
            continue
        found, _ = interpretations(ledger, positions, evidence.amount, evidence.paid_on)
        fits.extend((customer, f) for f in found)
    names = ", ".join(customers)
    candidates = [
        Proposal(c, f, 0, 0.4, [f"payer may be customer {c}: {describe(ledger, f)}"])
        for c, f in fits
    ]
    reason = f"payer name fits customers {names}; no reference"
    status = PARTIALLY_MATCHED if len(fits) == 1 else UNMATCHED
    decision = Decision(status, confidence=0.4, reasons=[reason], candidates=candidates)
    if len(fits) == 1:
        decision.customer_id, decision.allocations = fits[0]
        decision.reasons.append(
            "one customer's invoices fit the amount: needs a person"
        )
    return decision


def _unknown_payer(ledger: Ledger, evidence: Evidence) -> Decision:
    payment = evidence.payment
    reason = "unknown payer and no invoice reference: not applied"
    positions = [
        p
        for p in ledger.index.by_amount.get((payment.currency, evidence.amount), ())
        if ledger.remaining[p] == evidence.amount
    ]
    candidates = [
        Proposal(
            ledger.item(p).customer_id,
            [ledger.full(p)],
            0,
            0.3,
            [f"amount equals open invoice {ledger.item(p).invoice_number}"],
        )
        for p in positions[: ledger.policy.max_candidates]
    ]
    return Decision(UNMATCHED, reasons=[reason], candidates=candidates)


def _fit_proposals(
    ledger: Ledger, customer: str, fits: list[list[Allocation]], score: float
) -> list[Proposal]:
    ranked = sorted(fits, key=lambda f: (len(f), describe(ledger, f)))
    return [
        Proposal(
            customer,
            f,
            0,
            score - 0.05 * rank,
            [f"amount equals {describe(ledger, f)}"],
        )
        for rank, f in enumerate(ranked[: ledger.policy.max_candidates])
    ]


def _nearest(
    ledger: Ledger, evidence: Evidence, positions: list[int]
) -> list[Proposal]:
    amount = evidence.amount
    ranked = sorted(positions, key=lambda p: abs(ledger.remaining[p] - amount))
    proposals = []
    for position in ranked[:NEAREST]:
        open_amount = ledger.remaining[position]
        number = ledger.item(position).invoice_number
        if open_amount >= amount:
            allocation = Allocation(position, amount)
            rest = fmt_cents(open_amount - amount)
            reason = f"short payment of {number}? {rest} would stay open"
            unapplied = 0
        else:
            allocation = ledger.full(position)
            unapplied = amount - open_amount
            reason = f"{number} in full, {fmt_cents(unapplied)} unapplied"
        closeness = 1 - min(abs(open_amount - amount) / max(amount, 1), 1)
        proposals.append(
            Proposal(
                ledger.item(position).customer_id,
                [allocation],
                unapplied,
                0.2 + 0.2 * closeness,
                [reason],
            )
        )
    return proposals

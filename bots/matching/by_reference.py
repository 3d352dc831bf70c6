"""Decisions for payments whose remittance names invoices.

The referenced invoices must be open, in the payment's currency and of one
customer - the payer's, when the payer is known. The amount then decides: all of
them in full or less a discount, a unique subset of them, a short payment of a
single invoice (the rest stays open) or an overpayment (the rest is unapplied).
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

log = logging.getLogger(__name__)


def decide_references(ledger: Ledger, evidence: Evidence) -> Decision:
    live, notes = _live_references(ledger, evidence)
    if not live:
        return Decision(UNMATCHED, evidence.payer.resolved, reasons=notes)
    customer, own, confirmed, problem = _customer(ledger, evidence, live)
    if customer is None:
        return Decision(
            UNMATCHED,
            evidence.payer.resolved,
            reasons=[*notes, problem],
            candidates=_proposals_per_customer(ledger, live, evidence.amount, problem),
        )
    numbers = ledger.numbers(own)
    notes.append(f"remittance names invoice(s) {numbers} of customer {customer}")
    decision = _fit(ledger, evidence, own, confirmed)
    decision.customer_id = customer
    decision.reasons = notes + decision.reasons
    return decision


def _live_references(ledger: Ledger, evidence: Evidence) -> tuple[list[int], list[str]]:
    live: list[int] = []
    notes: list[str] = list(evidence.notes)
    currency = evidence.payment.currency
    for position in evidence.references:
        item = ledger.item(position)
        if item.currency != currency:
            notes.append(
                f"invoice {item.invoice_number} is in {item.currency}, "
                f"the payment in {currency}"
            )
        elif not ledger.is_open(position):
            notes.append(
                f"invoice {item.invoice_number} is already paid by an earlier payment "
                "in this batch"
            )
        else:
            live.append(position)
    return live, notes


def _customer(
    ledger: Ledger, evidence: Evidence, live: list[int]
) -> tuple[str | None, list[int], bool, str]:
    """The customer the references and the payer agree on, if any."""
    payer = evidence.payer
    owners = {ledger.item(p).customer_id for p in live}
    if payer.resolved:
        own = [p for p in live if ledger.item(p).customer_id == payer.resolved]
        if own:
            return payer.resolved, own, True, ""
        return (
            None,
            [],
            False,
            (
                f"referenced invoices belong to customer {', '.join(sorted(owners))}, "
                f"but the payer is customer {payer.resolved}"
            ),
        )
    if payer.customer_ids:
        own = [p for p in live if ledger.item(p).customer_id in payer.customer_ids]
        owners_of_own = {ledger.item(p).customer_id for p in own}
        if len(owners_of_own) == 1:
            return owners_of_own.pop(), own, True, ""
    if len(owners) == 1:
        return owners.pop(), live, False, ""
    return None, [], False, "referenced invoices belong to several customers"


def _fit(
    ledger: Ledger, evidence: Evidence, own: list[int], confirmed: bool
) -> Decision:
    amount = evidence.amount
    whole = _whole_fit(ledger, evidence, own)
    if whole is not None:
        allocations, how = whole
        confidence = 0.97 if confirmed else 0.92
        reasons = [f"amount equals {how}: {describe(ledger, allocations)}"]
        return Decision(
            MATCHED, allocations=allocations, confidence=confidence, reasons=reasons
        )
    if len(own) > 1:
        subsets, _ = interpretations(ledger, own, amount, evidence.paid_on)
        if len(subsets) == 1:
            allocations = subsets[0]
            described = describe(ledger, allocations)
            reasons = [f"amount equals part of the named invoices: {described}"]
            status = MATCHED if confirmed else PARTIALLY_MATCHED
            return Decision(
                status, allocations=allocations, confidence=0.88, reasons=reasons
            )
        if subsets:
            return _ambiguous(ledger, subsets, amount)
    if len(own) == 1:
        return _single_mismatch(ledger, evidence, own[0], confirmed)
    return _several_mismatch(ledger, evidence, own)


def _whole_fit(
    ledger: Ledger, evidence: Evidence, own: list[int]
) -> tuple[list[Allocation], str] | None:
    """All named invoices, in full or all less the same discount rate."""
    if sum(ledger.remaining[p] for p in own) == evidence.amount:
        return [ledger.full(p) for p in own], "the open amount of the named invoices"
    for rate in ledger.rates:
        allocations = [ledger.discounted(p, rate) for p in own]
        if sum(a.cash for a in allocations) != evidence.amount:
            continue
        if all(ledger.discount_allowed(p, evidence.paid_on) for p in own):
            return allocations, f"the named invoices less {rate / 100:g}% discount"
    return None


def _late_discount(
    ledger: Ledger, evidence: Evidence, own: list[int]
) -> Decision | None:
    for rate in ledger.rates:
        allocations = [ledger.discounted(p, rate) for p in own]
        if sum(a.cash for a in allocations) == evidence.amount:
            reason = (
                f"{rate / 100:g}% discount taken after the discount period: "
                f"{describe(ledger, allocations)}"
            )
            return Decision(
                PARTIALLY_MATCHED,
                allocations=allocations,
                confidence=0.5,
                reasons=[reason],
            )
    return None


def _single_mismatch(
    ledger: Ledger, evidence: Evidence, position: int, confirmed: bool
) -> Decision:
    late = _late_discount(ledger, evidence, [position])
    if late is not None:
        return late
    amount, open_amount = evidence.amount, ledger.remaining[position]
    number = ledger.item(position).invoice_number
    if amount < open_amount and position not in evidence.strong:
        reason = (
            f"short payment of invoice {number}, but the reference is only a bare "
            "number in the text: needs a person"
        )
        return Decision(
            PARTIALLY_MATCHED,
            allocations=[Allocation(position, amount)],
            confidence=0.5,
            reasons=[reason],
        )
    if amount < open_amount:
        allocation = Allocation(position, amount)
        rest = fmt_cents(open_amount - amount)
        reasons = [f"short payment of invoice {number}: {rest} stays open"]
        status = MATCHED if confirmed else PARTIALLY_MATCHED
        return Decision(
            status, allocations=[allocation], confidence=0.88, reasons=reasons
        )
    allocation = ledger.full(position)
    extra = amount - open_amount
    reasons = [
        f"overpayment: invoice {number} paid in full, {fmt_cents(extra)} unapplied"
    ]
    return Decision(
        PARTIALLY_MATCHED,
        allocations=[allocation],
        unapplied=extra,
        confidence=0.6,
        reasons=reasons,
    )


def _several_mismatch(ledger: Ledger, evidence: Evidence, own: list[int]) -> Decision:
    late = _late_discount(ledger, evidence, own)
    if late is not None:
        return late
    total = sum(ledger.remaining[p] for p in own)
    if evidence.amount > total:
        allocations = [ledger.full(p) for p in own]
        extra = evidence.amount - total
        reasons = [
            f"overpayment: named invoices paid in full, {fmt_cents(extra)} unapplied"
        ]
        return Decision(
            PARTIALLY_MATCHED,
            allocations=allocations,
            unapplied=extra,
            confidence=0.6,
            reasons=reasons,
        )
    allocations = _oldest_first(ledger, own, evidence.amount)
    reason = (
        f"short payment of {len(own)} named invoices (open {fmt_cents(total)}): "
        "the split needs a person; proposed oldest first"
    )
    reasons = [reason]
    return Decision(
        PARTIALLY_MATCHED, allocations=allocations, confidence=0.4, reasons=reasons
    )


def _oldest_first(
    ledger: Ledger, positions: list[int], amount: int
) -> list[Allocation]:
    def due(position: int) -> tuple:
        item = ledger.item(position)
        return (item.due_date or item.invoice_date or ledger.today, item.invoice_number)

    allocations: list[Allocation] = []
    for position in sorted(positions, key=due):
        cash = min(amount, ledger.remaining[position])
        if cash <= 0:
            break
        allocations.append(Allocation(position, cash))
        amount -= cash
    return allocations


def _ambiguous(
    ledger: Ledger, subsets: list[list[Allocation]], amount: int
) -> Decision:
    proposals = [
        Proposal(
            ledger.item(s[0].position).customer_id,
            s,
            amount - sum(a.cash for a in s),
            0.5,
            [f"amount equals {describe(ledger, s)}"],
        )
        for s in subsets
    ]
    reason = f"amount fits {len(subsets)} different sets of the named invoices"
    return Decision(UNMATCHED, confidence=0.3, reasons=[reason], candidates=proposals)


def _proposals_per_customer(
    ledger: Ledger, positions: list[int], amount: int, problem: str
) -> list[Proposal]:
    """One proposal per customer whose invoices the remittance names."""
    by_customer: dict[str, list[int]] = {}
    for position in positions:
        by_customer.setdefault(ledger.item(position).customer_id, []).append(position)
    proposals = []
    for customer, own in sorted(by_customer.items()):
        allocations = _oldest_first(ledger, own, amount)
        unapplied = amount - sum(a.cash for a in allocations)
        exact = 0.1 if unapplied == 0 else 0.0
        reason = f"invoices {ledger.numbers(own)} of customer {customer}"
        proposals.append(
            Proposal(customer, allocations, unapplied, 0.3 + exact, [reason, problem])
        )
    return proposals

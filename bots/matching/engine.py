"""`match_payments`: every payment of a batch against the open items, in one pass.

Evidence is gathered for every payment first (payer, references), then payments
are decided in order of the strength of their evidence - advice lines, then
references, then amounts - so that a payment that names an invoice is served
before one that only happens to have its amount. Each `matched` payment reduces
the open amounts the later ones see. Pure logic: no I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from bots.documents.bank.model import OpenItem, Payment
from bots.matching.advices import Batch, prepare_batch
from bots.matching.by_amount import decide_amount
from bots.matching.by_reference import decide_references
from bots.matching.index import OpenItemIndex, PayerMatch, cents, money
from bots.matching.ledger import Ledger, MatchPolicy
from bots.matching.memory import MatchMemory, apply_patterns
from bots.matching.normalise import candidate_keys, structured_key
from bots.matching.result import (
    MATCHED,
    PARTIALLY_MATCHED,
    UNMATCHED,
    Candidate,
    MatchResult,
    PaymentMatch,
)
from bots.matching.rules import Decision, Evidence, Proposal, decide_advice

log = logging.getLogger(__name__)

ADVICE, REFERENCE, AMOUNT = 0, 1, 2


def match_payments(
    payments: Iterable[Payment],
    open_items: Iterable[OpenItem],
    *,
    memory: MatchMemory | None = None,
    today: date | None = None,
    policy: MatchPolicy | None = None,
) -> MatchResult:
    """Decide for each payment which open items it pays, and how sure that is."""
    memory = memory or MatchMemory()
    index = OpenItemIndex(list(open_items))
    ledger = Ledger(index, policy or MatchPolicy(), today or date.today())
    batch = prepare_batch(list(payments))
    decisions: dict[int, Decision] = {}
    pending: list[tuple[int, date, str, int, Evidence]] = []
    for position, payment in enumerate(batch.payments):
        refused = _refusal(batch, position, payment)
        if refused is not None:
            decisions[position] = refused
            continue
        evidence = _evidence(ledger, memory, payment)
        stage = _stage(evidence)
        paid_on = payment.value_date or ledger.today
        pending.append((stage, paid_on, payment.payment_id, position, evidence))
    for _stage_no, _paid_on, _id, position, evidence in sorted(pending, key=_order):
        decisions[position] = _decide(ledger, evidence)
    matches = [
        _to_match(ledger, batch, position, payment, decisions[position])
        for position, payment in enumerate(batch.payments)
    ]
    result = MatchResult(matches, open_items=len(index.items))
    _log_summary(result)
    return result


def _order(entry: tuple) -> tuple:
    stage, paid_on, payment_id, position, _ = entry
    return stage, paid_on, payment_id, position


def _refusal(batch: Batch, position: int, payment: Payment) -> Decision | None:
    reason = ""
    if position in batch.duplicates:
        reason = (
            f"duplicate of a payment with the same id in {batch.duplicates[position]}"
        )
    elif position in batch.unlinked_advices:
        reason = (
            "remittance advice without its bank payment in this batch: "
            "nothing is applied until the cash is seen"
        )
    elif not payment.is_credit:
        reason = "debit entry (money out), not a customer payment"
    elif payment.batch_total:
        reason = (
            "the bank gave only the batch total: this transaction's amount is unknown"
        )
    elif payment.amount <= 0:
        reason = "payment amount is zero"
    elif not payment.currency:
        reason = "payment has no currency"
    return Decision(UNMATCHED, reasons=[reason]) if reason else None


def _evidence(ledger: Ledger, memory: MatchMemory, payment: Payment) -> Evidence:
    index = ledger.index
    payer = (
        index.resolve_payer(payment.payer, memory.aliases)
        if payment.payer
        else PayerMatch()
    )
    evidence = Evidence(payment, cents(payment.amount), payer)
    found: dict[int, None] = {}
    for reference in payment.structured_references:
        for position in index.by_key.get(structured_key(reference), ()):
            found[position] = None
            evidence.strong.add(position)
    for key, strong in candidate_keys(payment.remittance_text).items():
        for position in index.by_key.get(key, ()):
            found[position] = None
            if strong:
                evidence.strong.add(position)
    customer = payer.resolved
    own = any(index.items[p].customer_id == customer for p in found)
    if customer and not own and memory.patterns_for(customer):
        learned = _learned_references(ledger, memory, payment, customer)
        for position in learned:
            found[position] = None
            evidence.strong.add(position)
        if learned:
            evidence.notes.append("invoice reference found by a learned pattern")
    evidence.references = list(found)
    return evidence


def _learned_references(
    ledger: Ledger, memory: MatchMemory, payment: Payment, customer: str
) -> list[int]:
    keys: dict[str, list[int]] = {}
    for position in ledger.index.by_customer.get(customer, ()):
        if ledger.index.keys[position]:
            keys.setdefault(ledger.index.keys[position], []).append(position)
    text = " ".join([payment.remittance_text, *payment.structured_references])
    return apply_patterns(text, memory.patterns_for(customer), keys)


def _stage(evidence: Evidence) -> int:
    if evidence.payment.advice_lines:
        return ADVICE
    if evidence.references:
        return REFERENCE
    return AMOUNT


def _decide(ledger: Ledger, evidence: Evidence) -> Decision:
    stage = _stage(evidence)
    if stage == ADVICE:
        decision = decide_advice(ledger, evidence)
    elif stage == REFERENCE:
        decision = decide_references(ledger, evidence)
    else:
        decision = decide_amount(ledger, evidence)
    decision.reasons = _payer_reasons(evidence) + decision.reasons
    if (
        decision.status == MATCHED
        and decision.confidence < ledger.policy.auto_threshold
    ):
        decision.status = PARTIALLY_MATCHED
    if decision.status != MATCHED and stage != AMOUNT:
        ledger.reserve(evidence.references)
        ledger.reserve([a.position for a in decision.allocations])
    if decision.status == MATCHED:
        ledger.apply(decision.allocations)
        log.info(
            "payment %s matched to %s",
            evidence.payment.payment_id,
            ledger.numbers([a.position for a in decision.allocations]),
        )
    return decision


def _payer_reasons(evidence: Evidence) -> list[str]:
    payer, name = evidence.payer, evidence.payment.payer
    if payer.resolved:
        return [f"payer '{name}' is customer {payer.resolved} ({payer.how})"]
    if payer.customer_ids:
        return [f"payer '{name}' may be customers {', '.join(payer.customer_ids)}"]
    return [f"payer '{name}' not recognised"] if name else ["no payer name"]


def _to_match(
    ledger: Ledger, batch: Batch, position: int, payment: Payment, decision: Decision
) -> PaymentMatch:
    applications = [ledger.application(a) for a in decision.allocations]
    candidates = sorted(
        (_candidate(ledger, p) for p in decision.candidates),
        key=lambda c: -c.score,
    )[: ledger.policy.max_candidates]
    unapplied = decision.unapplied
    if decision.status == MATCHED:
        unapplied = cents(payment.amount) - sum(a.cash for a in decision.allocations)
    return PaymentMatch(
        payment=payment,
        status=decision.status,
        customer_id=decision.customer_id,
        applications=applications,
        unapplied=money(max(unapplied, 0)),
        confidence=decision.confidence,
        reasons=batch.notes.get(position, []) + decision.reasons,
        candidates=candidates,
    )


def _candidate(ledger: Ledger, proposal: Proposal) -> Candidate:
    return Candidate(
        customer_id=proposal.customer_id,
        applications=[ledger.application(a) for a in proposal.allocations],
        unapplied=money(max(proposal.unapplied, 0)),
        score=proposal.score,
        reasons=proposal.reasons,
    )


def _log_summary(result: MatchResult) -> None:
    summary = result.summary()
    log.info(
        "matched %d of %d payments (%d partially, %d unmatched)",
        summary[MATCHED],
        summary["payments"],
        summary[PARTIALLY_MATCHED],
        summary[UNMATCHED],
    )

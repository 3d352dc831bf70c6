"""Pairing remittance advices with the bank payments they describe.

A payer's advice (CSV, XLSX, PDF) says which invoices a payment covers; the cash
itself is in the bank file. An advice is linked to the bank payment whose ids
(payment id, end-to-end id, bank reference) contain the advice's payment id, or,
failing that, to the one bank payment with the same currency and amount from the
same payer within a few days. The same bank payment read twice (a statement and
a notification) is kept once.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from bots.documents.bank.model import Payment
from bots.matching.normalise import name_key

log = logging.getLogger(__name__)

LINK_DAYS = 7


@dataclass
class Batch:
    """The payments to match, with what linking found out about them."""

    payments: list[Payment] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    duplicates: dict[int, str] = field(default_factory=dict)
    unlinked_advices: set[int] = field(default_factory=set)


def _id(value: str) -> str:
    return "".join(value.split()).upper()


def prepare_batch(payments: list[Payment]) -> Batch:
    """Bank payments with their advices attached, then advices left on their own."""
    batch = Batch()
    bank = [p for p in payments if not p.is_advice]
    advices = [p for p in payments if p.is_advice]
    seen: dict[str, int] = {}
    for payment in bank:
        position = len(batch.payments)
        batch.payments.append(payment)
        if payment.payment_id in seen:
            batch.duplicates[position] = batch.payments[seen[payment.payment_id]].source
        else:
            seen[payment.payment_id] = position
    ids = _id_index(batch)
    linked: set[int] = set()
    for advice in advices:
        target = _link(advice, batch, ids, linked)
        if target is None:
            position = len(batch.payments)
            batch.payments.append(advice)
            if bank:
                batch.unlinked_advices.add(position)
            continue
        _attach(batch, target, advice)
        linked.add(target)
    return batch


def _id_index(batch: Batch) -> dict[str, list[int]]:
    ids: dict[str, list[int]] = defaultdict(list)
    for position, payment in enumerate(batch.payments):
        if position in batch.duplicates or not payment.is_credit:
            continue
        keys = {payment.payment_id, payment.end_to_end_id, payment.bank_reference}
        keys.update(payment.references)
        for key in keys:
            if key:
                ids[_id(key)].append(position)
    return ids


def _link(
    advice: Payment, batch: Batch, ids: dict[str, list[int]], linked: set[int]
) -> int | None:
    by_id = [
        p
        for p in ids.get(_id(advice.payment_id), [])
        if p not in linked and _same_currency(advice, batch.payments[p])
    ]
    if len(by_id) == 1:
        return by_id[0]
    if by_id:
        return None
    similar = [
        position
        for position, payment in enumerate(batch.payments)
        if position not in linked
        and position not in batch.duplicates
        and payment.is_credit
        and _looks_same(advice, payment)
    ]
    return similar[0] if len(similar) == 1 else None


def _same_currency(advice: Payment, payment: Payment) -> bool:
    return not advice.currency or advice.currency == payment.currency


def _looks_same(advice: Payment, payment: Payment) -> bool:
    if advice.amount != payment.amount or not _same_currency(advice, payment):
        return False
    if (
        advice.value_date
        and payment.value_date
        and abs((advice.value_date - payment.value_date).days) > LINK_DAYS
    ):
        return False
    ours, theirs = name_key(advice.payer), name_key(payment.payer)
    return bool(ours and theirs) and (
        ours.startswith(theirs) or theirs.startswith(ours)
    )


def _attach(batch: Batch, target: int, advice: Payment) -> None:
    payment = batch.payments[target]
    batch.payments[target] = dataclasses.replace(
        payment,
        advice_lines=list(advice.advice_lines),
        payer=payment.payer or advice.payer,
        structured_references=list(payment.structured_references),
        references=list(payment.references),
    )
    batch.notes[target].append(
        f"remittance advice {advice.payment_id} ({advice.source}) "
        "gives the invoice lines"
    )
    log.debug("advice %s linked to payment %s", advice.payment_id, payment.payment_id)

"""The data read from bank files, remittance advices and open-item lists.

A `Payment` is one incoming (or outgoing) transaction as the bank or the payer
reported it; an `AdviceLine` is one invoice line of a remittance advice; an
`OpenItem` is one open invoice as the ERP exported it. Money is `Decimal`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

log = logging.getLogger(__name__)

CREDIT = "CRDT"
DEBIT = "DBIT"


@dataclass(frozen=True)
class AdviceLine:
    """One invoice the payer says a payment covers, with its discount and deduction."""

    invoice_number: str
    amount_paid: Decimal
    discount: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    deduction_code: str = ""


@dataclass
class Payment:
    """One payment from a bank notification, statement or remittance advice.

    `amount` is always positive; `credit_debit` says the direction (CRDT is money
    in). `source_kind` is one of camt.053, camt.054, bai2, advice. `references`
    holds every other identifier the payment carries (end-to-end id, instruction
    id, customer reference), used to link a remittance advice to its bank payment.
    `batch_total` is true when the bank gave only the total of a batch entry, so
    the amount of this transaction is unknown.
    """

    payment_id: str
    amount: Decimal
    currency: str
    payer: str = ""
    value_date: date | None = None
    remittance_text: str = ""
    structured_references: list[str] = field(default_factory=list)
    bank_reference: str = ""
    end_to_end_id: str = ""
    references: list[str] = field(default_factory=list)
    advice_lines: list[AdviceLine] = field(default_factory=list)
    credit_debit: str = CREDIT
    batch_total: bool = False
    source: str = ""
    source_kind: str = ""

    @property
    def is_credit(self) -> bool:
        return self.credit_debit == CREDIT

    @property
    def is_advice(self) -> bool:
        return self.source_kind == "advice"


@dataclass(frozen=True)
class OpenItem:
    """One open invoice of a customer, as the ERP's open-items export lists it.

    `dispute` is set when the export marks the invoice as disputed (column
    `dispute`, any non-empty value).
    """

    invoice_number: str
    customer_id: str
    customer_name: str
    invoice_date: date | None
    due_date: date | None
    currency: str
    amount: Decimal
    open_amount: Decimal
    dispute: bool = False

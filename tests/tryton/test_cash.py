"""Cash application into Tryton: open invoices from Tryton, payments posted as bank
statements, the invoices paid or partly paid as proteus sees them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.adapters.erp.base import PaymentApplication, PaymentPosting
from bots.adapters.erp.tryton import TrytonErp
from bots.documents.bank.open_items import read_open_items
from bots.errors import BusinessError
from sandbox.tryton.server import TrytonServer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def invoices(server: TrytonServer) -> dict[str, dict]:
    return {i["number"]: i for i in server.inspect("invoices")}


def test_open_items_are_tryton_s_posted_invoices(
    tryton_erp: TrytonErp, tryton_server: TrytonServer, tmp_path: Path
) -> None:
    items = read_open_items(tryton_erp.download_open_items(tmp_path))
    posted = {
        n: i
        for n, i in invoices(tryton_server).items()
        if i["state"] == "posted" and Decimal(i["amount_to_pay"]) > 0
    }
    assert {i.invoice_number for i in items} == set(posted)
    for item in items:
        assert item.customer_id == posted[item.invoice_number]["party"]
        assert item.open_amount == Decimal(posted[item.invoice_number]["amount_to_pay"])
        assert item.due_date is not None and item.invoice_date is not None
        assert item.currency == "EUR"


def test_a_payment_pays_one_invoice_and_part_of_another(
    tryton_erp: TrytonErp, tryton_server: TrytonServer, tmp_path: Path
) -> None:
    items = read_open_items(tryton_erp.download_open_items(tmp_path, "C1003"))
    first, second = items[0], items[1]
    half = (second.open_amount / 2).quantize(Decimal("0.01"))
    payment = PaymentPosting(
        bank_ref="TRY-BANK-0001",
        payer="C1003",
        amount=first.open_amount + half,
        currency="EUR",
        value_date=date.today(),
        applications=[
            PaymentApplication(first.invoice_number, first.open_amount),
            PaymentApplication(second.invoice_number, half),
        ],
    )
    assert tryton_erp.find_payment("TRY-BANK-0001") is None

    document = tryton_erp.post_payment(payment)

    after = invoices(tryton_server)
    assert after[first.invoice_number]["state"] == "paid"
    assert Decimal(after[first.invoice_number]["amount_to_pay"]) == 0
    assert after[second.invoice_number]["state"] == "posted"
    assert Decimal(after[second.invoice_number]["amount_to_pay"]) == (
        second.open_amount - half
    )
    [statement] = [
        s for s in tryton_server.inspect("statements") if s["name"] == "TRY-BANK-0001"
    ]
    assert statement["state"] == "posted"
    found = tryton_erp.find_payment("TRY-BANK-0001")
    assert found is not None and found.document == document
    assert found.amount == payment.amount
    with pytest.raises(BusinessError) as caught:
        tryton_erp.post_payment(payment)
    assert caught.value.code == "duplicate_bank_ref"
    assert (
        len(
            [
                s
                for s in tryton_server.inspect("statements")
                if s["name"] == "TRY-BANK-0001"
            ]
        )
        == 1
    )

"""Cash application into Tryton: open invoices from Tryton, payments posted as bank
statements, the invoices paid or partly paid as proteus sees them."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Request

from bots.adapters.erp.base import PaymentApplication, PaymentPosting
from bots.adapters.erp.tryton import TrytonErp
from bots.adapters.erp.tryton_export import COLUMNS
from bots.config import Settings
from bots.documents.bank.open_items import read_open_items
from bots.errors import BusinessError, TechnicalError
from sandbox.tryton.server import TrytonServer

SHIPPED = Path(__file__).resolve().parents[2] / "selectors"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def invoices(server: TrytonServer) -> dict[str, dict]:
    return {i["number"]: i for i in server.inspect("invoices")}


def test_open_items_are_tryton_s_posted_invoices(
    tryton_erp: TrytonErp, tryton_server: TrytonServer, tmp_path: Path
) -> None:
    methods: list[str] = []

    def seen(request: Request) -> None:
        try:
            body = json.loads(request.post_data or "{}")
        except ValueError:
            return
        if isinstance(body, dict):
            methods.append(str(body.get("method")))

    page = tryton_erp.ui.page
    page.on("request", seen)
    try:
        items = read_open_items(tryton_erp.download_open_items(tmp_path / "all"))
        one = read_open_items(tryton_erp.download_open_items(tmp_path / "one", "c1005"))
    finally:
        page.remove_listener("request", seen)
    posted = {
        n: i
        for n, i in invoices(tryton_server).items()
        if i["state"] == "posted" and Decimal(i["amount_to_pay"]) > 0
    }
    # Read through the invoice list's export, not a JSON-RPC read of our own.
    assert methods.count("model.account.invoice.export_data_domain") == 2
    assert "model.account.invoice.search_read" not in methods
    assert len(items) == len(posted) > 0
    assert {i.invoice_number for i in items} == set(posted)
    assert [i.invoice_number for i in items] == sorted(posted)
    for item in items:
        invoice = posted[item.invoice_number]
        assert item.customer_id == invoice["party"]
        assert item.customer_name == invoice["party_name"]
        assert item.amount == Decimal(invoice["total"])
        assert item.open_amount == Decimal(invoice["amount_to_pay"])
        assert item.invoice_date == date.fromisoformat(invoice["invoice_date"])
        assert item.due_date == date.fromisoformat(invoice["due_dates"][0])
        assert item.currency == invoice["currency"] == "EUR"
    assert {i.invoice_number for i in one} == {
        n for n, i in posted.items() if i["party"] == "C1005"
    }
    assert one and {i.customer_id for i in one} == {"C1005"}


def test_a_customer_without_invoices_gets_the_header_only(
    tryton_erp: TrytonErp, tmp_path: Path
) -> None:
    path = tryton_erp.download_open_items(tmp_path, "C-NO-SUCH-PARTY")
    rows = list(load_workbook(path).active.values)
    assert rows == [COLUMNS]
    assert read_open_items(path) == []


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


def test_a_field_the_export_no_longer_offers_is_an_error_not_a_wrong_file(
    tryton_settings: Settings, tmp_path: Path
) -> None:
    folder = tryton_settings.home / "selectors"
    shutil.copytree(SHIPPED, folder)
    changed = folder / "tryton.yaml"
    text = changed.read_text(encoding="utf-8")
    assert 'open_amount: "amount_to_pay"' in text
    changed.write_text(
        text.replace('open_amount: "amount_to_pay"', 'open_amount: "amount_due_gone"'),
        encoding="utf-8",
    )
    try:
        with TrytonErp(tryton_settings) as erp, pytest.raises(TechnicalError) as caught:
            erp.download_open_items(tmp_path)
    finally:
        shutil.rmtree(folder)
    assert caught.value.code == "selector_missing"
    assert caught.value.step == "download_open_items"
    assert "exporting the customer-invoice list" in caught.value.message
    assert "amount_due_gone" in caught.value.message
    shots = [p for p in caught.value.details["evidence"] if p.endswith(".png")]
    assert shots and Path(shots[0]).stat().st_size > 1000
    assert not (tmp_path / "open_items.xlsx").exists()


def test_an_overpayment_posts_the_rest_on_the_customer_s_account(
    tryton_erp: TrytonErp, tryton_server: TrytonServer, tmp_path: Path
) -> None:
    [item, *_] = read_open_items(tryton_erp.download_open_items(tmp_path, "C1001"))
    rest = Decimal("25.00")
    payment = PaymentPosting(
        bank_ref="TRY-BANK-0002",
        payer="C1001",
        amount=item.open_amount + rest,
        currency="EUR",
        value_date=date.today(),
        applications=[PaymentApplication(item.invoice_number, item.open_amount)],
    )

    document = tryton_erp.post_payment(payment)

    assert invoices(tryton_server)[item.invoice_number]["state"] == "paid"
    [statement] = [
        s for s in tryton_server.inspect("statements") if s["name"] == "TRY-BANK-0002"
    ]
    assert statement["state"] == "posted"
    lines = sorted(
        (Decimal(line["amount"]), line["party"], line["invoice"])
        for line in statement["lines"]
    )
    assert lines == sorted(
        [(item.open_amount, "C1001", item.invoice_number), (rest, "C1001", None)]
    )
    found = tryton_erp.find_payment("TRY-BANK-0002")
    assert found is not None and found.document == document
    assert found.amount == payment.amount and found.value_date == date.today()


def test_a_statement_left_unposted_is_an_exception_not_done_nor_entered_again(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    # No fiscal period covers the date: Tryton refuses to validate the saved draft.
    payment = PaymentPosting(
        bank_ref="TRY-BANK-0003",
        payer="C1002",
        amount=Decimal("10.00"),
        currency="EUR",
        value_date=date(date.today().year - 5, 1, 1),
    )
    with pytest.raises(BusinessError) as caught:
        tryton_erp.post_payment(payment)
    assert caught.value.code == "erp_rejected"
    assert "TRY-BANK-0003" in caught.value.message

    with pytest.raises(BusinessError) as unfinished:
        tryton_erp.find_payment("TRY-BANK-0003")
    assert unfinished.value.code == "payment_unfinished"
    assert unfinished.value.details["state"] == "draft"
    with pytest.raises(BusinessError) as again:
        tryton_erp.post_payment(payment)
    assert again.value.code == "payment_unfinished"
    drafts = [
        s for s in tryton_server.inspect("statements") if s["name"] == "TRY-BANK-0003"
    ]
    assert [s["state"] for s in drafts] == ["draft"]

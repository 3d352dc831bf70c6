"""The sandbox ERP adapter's receivables flows: the open-items export and cash
application, against a real sandbox ERP and Chromium."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from bots.adapters.erp import ErpAdapter, PaymentApplication, PaymentPosting
from bots.errors import BusinessError
from tests.adapters.conftest import SandboxErpServer

pytestmark = pytest.mark.browser
HEADER = [
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
]


@pytest.fixture
def erp(shared_erp: tuple[ErpAdapter, SandboxErpServer]) -> ErpAdapter:
    return shared_erp[0]


@pytest.fixture
def erp_server(shared_erp: tuple[ErpAdapter, SandboxErpServer]) -> SandboxErpServer:
    return shared_erp[1]


def _open_invoices(server: SandboxErpServer, customer_no: str = "") -> list[dict]:
    rows = server.admin(f"/admin/api/invoices?customer_no={customer_no}")
    assert isinstance(rows, list)
    return [r for r in rows if Decimal(r["open_amount"]) > 0]


def test_download_open_items_and_read_them(
    erp: ErpAdapter, erp_server: SandboxErpServer, tmp_path: Path
) -> None:
    path = erp.download_open_items(tmp_path / "downloads")
    assert path.parent == tmp_path / "downloads" and path.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:8]) == HEADER
    expected = {r["invoice_number"]: r for r in _open_invoices(erp_server)}
    assert len(rows) - 1 == len(expected) > 50  # all rows, not one page
    first = rows[1]
    invoice = expected[first[0]]
    assert first[1] == invoice["customer_no"]
    assert Decimal(str(first[7])).quantize(Decimal("0.01")) == Decimal(
        invoice["open_amount"]
    )
    only = erp.download_open_items(tmp_path / "c1003", customer_no="C1003")
    sheet = openpyxl.load_workbook(only, read_only=True).worksheets[0]
    customers = {r[1] for r in list(sheet.iter_rows(values_only=True))[1:]}
    assert customers == {"C1003"}


def test_post_payment_then_find_it_and_refuse_the_bank_ref_again(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    customer = erp.get_customer("C1005")
    first, second = _open_invoices(erp_server, "C1005")[:2]
    open_first = Decimal(first["open_amount"])
    payment = PaymentPosting(
        bank_ref="BANK-T-0001",
        payer="C1005",
        amount=open_first + Decimal("20.00"),
        currency=customer.currency,
        value_date=date(2026, 12, 1),
        applications=[
            PaymentApplication(
                first["invoice_number"],
                open_first - Decimal("5.00"),
                deduction=Decimal("5.00"),
                reason_code="SHT",
            ),
            PaymentApplication(second["invoice_number"], Decimal("20.00")),
        ],
    )
    assert erp.find_payment("BANK-T-0001") is None
    document = erp.post_payment(payment)
    assert document.startswith("PAY-")
    found = erp.find_payment("bank-t-0001")
    assert found is not None
    assert (found.document, found.amount) == (document, payment.amount)
    assert found.value_date == date(2026, 12, 1)
    after = {
        r["invoice_number"]: r
        for r in erp_server.admin("/admin/api/invoices?customer_no=C1005")
    }
    assert Decimal(after[first["invoice_number"]]["open_amount"]) == 0
    assert (
        Decimal(after[second["invoice_number"]]["open_amount"])
        == Decimal(second["open_amount"]) - 20
    )
    with pytest.raises(BusinessError) as caught:
        erp.post_payment(payment)
    assert caught.value.code == "duplicate_bank_ref"
    assert caught.value.details["document"] == document
    payments = erp_server.admin("/admin/api/payments")
    assert [p["bank_ref"] for p in payments].count("BANK-T-0001") == 1


def test_payment_the_erp_refuses_is_a_business_error(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    invoice = _open_invoices(erp_server, "C1006")[0]
    customer = erp.get_customer("C1006")
    too_much = Decimal(invoice["open_amount"]) + 1
    payment = PaymentPosting(
        "BANK-T-0002",
        "C1006",
        too_much,
        customer.currency,
        date(2026, 12, 1),
        [PaymentApplication(invoice["invoice_number"], too_much)],
    )
    with pytest.raises(BusinessError) as caught:
        erp.post_payment(payment)
    assert caught.value.code == "erp_rejected"
    assert "exceeds the open amount" in caught.value.message
    foreign = _open_invoices(erp_server, "C1005")[-1]["invoice_number"]
    wrong_payer = PaymentPosting(
        "BANK-T-0003",
        "C1006",
        Decimal(10),
        customer.currency,
        date(2026, 12, 1),
        [PaymentApplication(foreign, Decimal(10))],
    )
    with pytest.raises(BusinessError) as caught:
        erp.post_payment(wrong_payer)
    assert foreign in caught.value.message
    assert erp.find_payment("BANK-T-0002") is None
    assert erp.find_payment("BANK-T-0003") is None

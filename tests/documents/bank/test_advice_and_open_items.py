"""Remittance advices (CSV, XLSX, PDF) and open-item files read into plain data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from bots.documents.bank import read_open_items, read_payments
from bots.errors import DocumentError
from sandbox.bankfiles import AdviceRow, BankPayment, write_advice_pdf

ADVICE_CSV = """payment_id,payer,payment_date,currency,payment_amount,invoice_number,amount_paid,discount,deduction,deduction_code
PAY-1,Nordwind Logistik GmbH,2026-11-28,EUR,"1,470.19",INV-2026-000103,380.20,0,30.00,DAMAGED
PAY-1,Nordwind Logistik GmbH,2026-11-28,EUR,"1,470.19",INV-2026-000104,"1,089.99",,,
PAY-2,Acme Inc.,28.11.2026,USD,98.00,INV-2026-000201,98.00,2.00,,
"""


def test_advice_csv_groups_lines_by_payment(tmp_path: Path) -> None:
    path = tmp_path / "advice.csv"
    path.write_text(ADVICE_CSV, encoding="utf-8")
    first, second = read_payments(path)
    assert first.payment_id == "PAY-1" and first.is_advice
    assert first.amount == Decimal("1470.19")
    assert first.value_date == date(2026, 11, 28)
    assert [
        (x.invoice_number, x.amount_paid, x.deduction, x.deduction_code)
        for x in first.advice_lines
    ] == [
        ("INV-2026-000103", Decimal("380.20"), Decimal("30.00"), "DAMAGED"),
        ("INV-2026-000104", Decimal("1089.99"), Decimal(0), ""),
    ]
    assert (second.currency, second.advice_lines[0].discount) == (
        "USD",
        Decimal("2.00"),
    )


def test_advice_xlsx_is_read_like_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Remittance advice from Acme"])
    sheet.append(
        [
            "Payment ID",
            "Payer",
            "Payment date",
            "Currency",
            "Payment amount",
            "Invoice No.",
            "Amount paid",
            "Discount",
            "Deduction",
            "Reason code",
        ]
    )
    sheet.append(
        [
            "PAY-9",
            "Acme Inc.",
            date(2026, 11, 29),
            "EUR",
            120.5,
            "RE-1001",
            100.5,
            0,
            20,
            "PRICE",
        ]
    )
    path = tmp_path / "advice.xlsx"
    book.save(path)
    [payment] = read_payments(path)
    assert (payment.payment_id, payment.amount, payment.value_date) == (
        "PAY-9",
        Decimal("120.50"),
        date(2026, 11, 29),
    )
    [advice] = payment.advice_lines
    assert (
        advice.invoice_number,
        advice.amount_paid,
        advice.deduction,
        advice.deduction_code,
    ) == ("RE-1001", Decimal("100.50"), Decimal(20), "PRICE")


def test_pdf_remittance_advice_is_read_with_pdfplumber(tmp_path: Path) -> None:
    rows = [
        AdviceRow(
            "INV-2026-000103",
            Decimal("1380.20"),
            deduction=Decimal("30.00"),
            deduction_code="DAMAGED",
        ),
        AdviceRow("INV-2026-000104", Decimal("89.99"), discount=Decimal("1.84")),
    ]
    advice = BankPayment(
        "",
        "ADV-77",
        "Nordwind Logistik GmbH",
        Decimal("1470.19"),
        "EUR",
        date(2026, 11, 27),
        advice_id="ADV-77",
        advice=rows,
    )
    path = tmp_path / "advice.pdf"
    write_advice_pdf(path, advice)
    [payment] = read_payments(path)
    assert payment.payment_id == "ADV-77"
    assert payment.payer == "Nordwind Logistik GmbH"
    assert (payment.amount, payment.currency) == (Decimal("1470.19"), "EUR")
    assert payment.value_date == date(2026, 11, 27)
    assert [
        (x.invoice_number, x.amount_paid, x.discount, x.deduction, x.deduction_code)
        for x in payment.advice_lines
    ] == [
        (
            "INV-2026-000103",
            Decimal("1380.20"),
            Decimal("0.00"),
            Decimal("30.00"),
            "DAMAGED",
        ),
        ("INV-2026-000104", Decimal("89.99"), Decimal("1.84"), Decimal("0.00"), ""),
    ]


def test_open_items_csv_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "Invoice No.;Customer No.;Customer Name;Invoice Date;Due Date;Currency;"
        "Amount;Open Amount\n"
        "RE-1001;K-10;Müller GmbH;01.10.2026;31.10.2026;EUR;1.234,56;1.000,00\n",
        encoding="utf-8",
    )
    [item] = read_open_items(path)
    assert (item.invoice_number, item.customer_id, item.customer_name) == (
        "RE-1001",
        "K-10",
        "Müller GmbH",
    )
    assert (item.amount, item.open_amount) == (Decimal("1234.56"), Decimal("1000.00"))
    assert (item.invoice_date, item.due_date) == (date(2026, 10, 1), date(2026, 10, 31))


def test_open_items_xlsx_export_with_a_title_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Open items 30.11.2026"])
    sheet.append(
        [
            "invoice_number",
            "customer_id",
            "customer_name",
            "invoice_date",
            "due_date",
            "currency",
            "amount",
            "open_amount",
        ]
    )
    sheet.append(
        [
            "90012",
            10023,
            "Acme Inc.",
            date(2026, 10, 1),
            date(2026, 10, 31),
            "usd",
            99.9,
            99.9,
        ]
    )
    path = tmp_path / "open.xlsx"
    book.save(path)
    [item] = read_open_items(path)
    assert (item.invoice_number, item.customer_id, item.currency) == (
        "90012",
        "10023",
        "USD",
    )
    assert item.open_amount == Decimal("99.90")


def test_open_items_without_the_needed_columns_is_a_document_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "open.csv"
    path.write_text("number,amount\n1,2\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_open_items(path)
    assert caught.value.code == "table_header"
    assert "customer_id" in caught.value.message


def test_open_items_with_a_bad_amount_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "open.csv"
    path.write_text(
        "invoice_number,customer_id,customer_name,currency,open_amount\n"
        "A-1,C1,X,EUR,12.00\nA-2,C1,X,EUR,twelve\n",
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        read_open_items(path)
    assert "row 3" in caught.value.message


def test_pdf_advice_without_a_ruled_table_is_read_from_its_text(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "plain.pdf"
    page = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    lines = [
        "Remittance advice",
        "Payment reference: PAY-55",
        "Paid by: Acme Inc.",
        "Value date: 2026-11-20",
        "Currency: USD",
        "Total paid: 1,200.00",
        "Invoice Amount Discount Deduction Code",
        "RE-1001 1,000.00 0.00 25.00 PRICE",
        "RE-1002 200.00",
    ]
    for number, text in enumerate(lines):
        page.drawString(72, 780 - 18 * number, text)
    page.save()
    [payment] = read_payments(path)
    assert (payment.payment_id, payment.payer, payment.currency) == (
        "PAY-55",
        "Acme Inc.",
        "USD",
    )
    assert payment.amount == Decimal("1200.00")
    assert payment.value_date == date(2026, 11, 20)
    assert [
        (x.invoice_number, x.amount_paid, x.deduction, x.deduction_code)
        for x in payment.advice_lines
    ] == [
        ("RE-1001", Decimal("1000.00"), Decimal("25.00"), "PRICE"),
        ("RE-1002", Decimal("200.00"), Decimal(0), ""),
    ]

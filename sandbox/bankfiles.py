"""Bank files as banks and payers write them: camt.054, BAI2, advices, open items
(for the demo and the tests).

The corpus generator describes payments as `BankPayment` records; these functions
write them the way banks and payers do, so the tests read them back through the
real readers.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

CAMT_NAMESPACES = {
    "08": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08",
    "02": "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02",
}
OPEN_ITEM_COLUMNS = [
    "invoice_number",
    "customer_id",
    "customer_name",
    "invoice_date",
    "due_date",
    "currency",
    "amount",
    "open_amount",
]
ADVICE_COLUMNS = [
    "payment_id",
    "payer",
    "payment_date",
    "currency",
    "payment_amount",
    "invoice_number",
    "amount_paid",
    "discount",
    "deduction",
    "deduction_code",
]


@dataclass
class AdviceRow:
    invoice_number: str
    amount_paid: Decimal
    discount: Decimal = Decimal("0.00")
    deduction: Decimal = Decimal("0.00")
    deduction_code: str = ""


@dataclass
class BankPayment:
    """One payment as the generator means it to reach the bank file."""

    bank_ref: str
    end_to_end: str
    payer: str
    amount: Decimal
    currency: str
    value_date: date
    text: str = ""
    structured: list[str] = field(default_factory=list)
    channel: str = "camt"
    advice_id: str = ""
    advice: list[AdviceRow] = field(default_factory=list)
    advice_format: str = "csv"


def write_open_items(path: Path, rows: list[dict]) -> None:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Open items"
        sheet.append(["Open items export"])
        sheet.append(OPEN_ITEM_COLUMNS)
        for row in rows:
            sheet.append([_xlsx_value(row[c]) for c in OPEN_ITEM_COLUMNS])
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, OPEN_ITEM_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def _xlsx_value(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def write_camt054(
    path: Path, payments: list[BankPayment], version: str, today: date
) -> None:
    namespace = CAMT_NAMESPACES[version]
    entries = []
    index = 0
    while index < len(payments):
        # Every seventh entry carries three transactions, like a batch booking.
        size = 3 if index % 7 == 6 else 1
        entries.append(_camt_entry(payments[index : index + size], version))
        index += size
    body = "".join(entries)
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{namespace}"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>CORPUS-{today:%Y%m%d}</MsgId>"
        f"<CreDtTm>{today}T18:00:00</CreDtTm></GrpHdr>"
        f"<Ntfctn><Id>NTF-{today:%Y%m%d}</Id><CreDtTm>{today}T18:00:00</CreDtTm>"
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        f"{body}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n"
    )
    path.write_text(document, encoding="utf-8")


def _camt_entry(payments: list[BankPayment], version: str) -> str:
    total = sum((p.amount for p in payments), Decimal(0))
    currency = payments[0].currency
    first = payments[0]
    details = "".join(_camt_tx(p, version, len(payments) > 1) for p in payments)
    return (
        f'<Ntry><Amt Ccy="{currency}">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{first.value_date}</Dt></BookgDt>"
        f"<ValDt><Dt>{first.value_date}</Dt></ValDt>"
        f"<NtryDtls>{details}</NtryDtls></Ntry>"
    )


def _camt_tx(payment: BankPayment, version: str, with_amount: bool) -> str:
    refs = ""
    if payment.bank_ref:
        refs += f"<AcctSvcrRef>{escape(payment.bank_ref)}</AcctSvcrRef>"
    refs += f"<EndToEndId>{escape(payment.end_to_end or 'NOTPROVIDED')}</EndToEndId>"
    amount = ""
    if with_amount or version != "02":
        amount = f'<Amt Ccy="{payment.currency}">{payment.amount}</Amt>'
    name = f"<Nm>{escape(payment.payer)}</Nm>"
    party = (
        f"<Dbtr><Pty>{name}</Pty></Dbtr>" if version == "08" else f"<Dbtr>{name}</Dbtr>"
    )
    remittance = "".join(
        f"<Ustrd>{escape(line)}</Ustrd>" for line in _lines(payment.text)
    )
    for reference in payment.structured:
        remittance += (
            "<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp>"
            f"<Nb>{escape(reference)}</Nb></RfrdDocInf></Strd>"
        )
    return (
        f"<TxDtls><Refs>{refs}</Refs>{amount}<RltdPties>{party}</RltdPties>"
        f"<RmtInf>{remittance}</RmtInf></TxDtls>"
    )


def _lines(text: str, width: int = 140) -> list[str]:
    """Ustrd holds at most 140 characters; longer texts become several blocks."""
    return [text[i : i + width] for i in range(0, len(text), width)] if text else []


def write_bai2(path: Path, payments: list[BankPayment], today: date) -> None:
    stamp = f"{today:%y%m%d}"
    lines = [
        f"01,BANKUS33,ACME,{stamp},0600,1,80,,2/",
        f"02,ACME,BANKUS33,1,{stamp},,USD,2/",
    ]
    by_currency: dict[str, list[BankPayment]] = {}
    for payment in payments:
        by_currency.setdefault(payment.currency, []).append(payment)
    for number, (currency, group) in enumerate(sorted(by_currency.items()), start=1):
        total = sum(_bai2_cents(p.amount) for p in group)
        lines.append(f"03,99887766{number},{currency},010,0,,,015,{total},,/")
        for payment in group:
            cents = _bai2_cents(payment.amount)
            lines.append(f"16,195,{cents},0,{payment.bank_ref},{payment.end_to_end}/")
            lines.append(f"88,ORIG CO NAME:{payment.payer} ORIG ID:1{number:04d}")
            for chunk in _lines(payment.text, 60):
                lines.append(f"88,{chunk}")
        lines.append(f"49,{total},{len(group) * 3 + 2}/")
    lines.append(f"98,0,{len(by_currency)},{len(lines)}/")
    lines.append(f"99,0,1,{len(lines) + 1}/")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _bai2_cents(amount: Decimal) -> int:
    return int(amount * 100)


def write_advice_csv(path: Path, payments: list[BankPayment]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ADVICE_COLUMNS)
        for payment in payments:
            for row in payment.advice:
                writer.writerow(
                    [
                        payment.advice_id,
                        payment.payer,
                        payment.value_date.isoformat(),
                        payment.currency,
                        payment.amount,
                        row.invoice_number,
                        row.amount_paid,
                        row.discount,
                        row.deduction,
                        row.deduction_code,
                    ]
                )


def write_advice_pdf(path: Path, payment: BankPayment) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    header = [
        f"Payment ID: {payment.advice_id}",
        f"Payer: {payment.payer}",
        f"Payment date: {payment.value_date.isoformat()}",
        f"Currency: {payment.currency}",
        f"Payment amount: {payment.amount:,}",
    ]
    story = [Paragraph("Remittance advice", styles["Title"])]
    story += [Paragraph(escape(line), styles["Normal"]) for line in header]
    story.append(Spacer(1, 12))
    rows = [
        ["Invoice number", "Amount paid", "Discount", "Deduction", "Deduction code"]
    ]
    for row in payment.advice:
        rows.append(
            [
                row.invoice_number,
                f"{row.amount_paid:,}",
                f"{row.discount:,}",
                f"{row.deduction:,}",
                row.deduction_code,
            ]
        )
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)

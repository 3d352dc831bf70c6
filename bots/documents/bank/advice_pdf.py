"""Remittance advices as PDF, read with pdfplumber.

The header fields (payment id, payer, payment date, currency, payment amount) are
found by their labels in the page text; the invoice lines come from the ruled
table whose header names an invoice number and a paid amount, or, when the PDF
has no ruled table, from text lines that start with an invoice number.
"""

from __future__ import annotations

import io
import logging
import re
from decimal import Decimal

from bots.documents.bank.advice import ADVICE_SYNONYMS
from bots.documents.bank.model import AdviceLine, Payment
from bots.documents.bank.tabular import header_key, parse_amount, parse_date
from bots.errors import DocumentError

log = logging.getLogger(__name__)

MAX_PAGES = 50
LABELS = {
    "payment_id": r"payment\s*(?:id|reference|ref\.?|no\.?)",
    "payer": r"(?:payer|paid\s+by|from)",
    "payment_date": r"(?:payment|value)\s*date",
    "currency": r"currency",
    "payment_amount": r"(?:payment\s*amount|total\s*paid|total\s*amount)",
}
_AMOUNT = r"-?[\d.,']+\d"
_TEXT_LINE = re.compile(
    rf"^(?P<invoice>[A-Za-z0-9][A-Za-z0-9\-/.]*\d[A-Za-z0-9\-/]*)\s+"
    rf"(?P<paid>{_AMOUNT})(?:\s+(?P<discount>{_AMOUNT}))?"
    rf"(?:\s+(?P<deduction>{_AMOUNT}))?(?:\s+(?P<code>[A-Z][A-Z0-9_-]*))?\s*$"
)


def read_advice_pdf(data: bytes, source: str) -> list[Payment]:
    """The one payment a PDF remittance advice describes."""
    text, tables = _pdf_content(data, source)
    header = {key: _label_value(text, pattern) for key, pattern in LABELS.items()}
    lines = _table_lines(tables, source) or _text_lines(text, source)
    if not lines:
        raise DocumentError(source, "advice_pdf_lines", "no invoice lines found in PDF")
    payment_id = header["payment_id"]
    if not payment_id:
        raise DocumentError(source, "advice_pdf_header", "no payment id found in PDF")
    amount_text = header["payment_amount"]
    amount = (
        abs(parse_amount(amount_text, source, "payment amount"))
        if amount_text
        else sum((line.amount_paid for line in lines), Decimal(0))
    )
    currency = (header["currency"] or "").upper()[:3]
    return [
        Payment(
            payment_id=payment_id,
            amount=amount,
            currency=currency,
            payer=header["payer"],
            value_date=parse_date(header["payment_date"], source, "payment date"),
            references=[payment_id],
            advice_lines=lines,
            source=source,
            source_kind="advice",
        )
    ]


def _pdf_content(data: bytes, source: str) -> tuple[str, list[list[list[str | None]]]]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages[:MAX_PAGES]
            text = "\n".join(page.extract_text() or "" for page in pages)
            tables = [table for page in pages for table in page.extract_tables()]
    except PDFSyntaxError as exc:
        raise DocumentError(
            source, "pdf_invalid", f"not a readable PDF ({exc})"
        ) from exc
    except Exception as exc:  # pdfminer raises many kinds for a broken or locked PDF
        raise DocumentError(source, "pdf_invalid", f"cannot read PDF ({exc})") from exc
    return text, tables


def _label_value(text: str, pattern: str) -> str:
    found = re.search(rf"(?im)^\s*{pattern}\s*[:#]?\s*(.+?)\s*$", text)
    return found.group(1).strip() if found else ""


def _table_lines(tables: list[list[list[str | None]]], source: str) -> list[AdviceLine]:
    for table in tables:
        if not table:
            continue
        columns = {
            ADVICE_SYNONYMS.get(header_key(cell)): index
            for index, cell in enumerate(table[0])
        }
        if "invoice_number" in columns and "amount_paid" in columns:
            return [_table_line(row, columns, source) for row in table[1:] if row[0]]
    return []


def _table_line(
    row: list[str | None], columns: dict[str | None, int], source: str
) -> AdviceLine:
    def cell(name: str) -> str:
        index = columns.get(name)
        return (row[index] or "").strip() if index is not None else ""

    return AdviceLine(
        invoice_number=cell("invoice_number"),
        amount_paid=parse_amount(cell("amount_paid"), source, "amount paid"),
        discount=abs(parse_amount(cell("discount"), source, "discount")),
        deduction=abs(parse_amount(cell("deduction"), source, "deduction")),
        deduction_code=cell("deduction_code"),
    )


def _text_lines(text: str, source: str) -> list[AdviceLine]:
    lines: list[AdviceLine] = []
    for raw in text.splitlines():
        found = _TEXT_LINE.match(raw.strip())
        if not found:
            continue
        lines.append(
            AdviceLine(
                invoice_number=found["invoice"],
                amount_paid=parse_amount(found["paid"], source, "amount paid"),
                discount=abs(parse_amount(found["discount"], source, "discount")),
                deduction=abs(parse_amount(found["deduction"], source, "deduction")),
                deduction_code=found["code"] or "",
            )
        )
    return lines

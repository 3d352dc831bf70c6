"""Bank notifications, remittance advices and open items, read into plain data.

`read_payments(path)` recognises a file by its content - ISO 20022 camt.053/054
XML, BAI2, or a remittance advice as CSV, XLSX or PDF - and returns its payments;
`read_open_items(path)` reads the ERP's open-items export. Pure logic: files in,
dataclasses out; a file that cannot be read raises `DocumentError`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bots.documents.bank.advice import read_advice_table
from bots.documents.bank.advice_pdf import read_advice_pdf
from bots.documents.bank.bai2 import read_bai2
from bots.documents.bank.camt import read_camt
from bots.documents.bank.model import CREDIT, DEBIT, AdviceLine, OpenItem, Payment
from bots.documents.bank.open_items import read_open_items
from bots.documents.bank.tabular import read_bytes
from bots.errors import DocumentError

log = logging.getLogger(__name__)

__all__ = [
    "CREDIT",
    "DEBIT",
    "AdviceLine",
    "OpenItem",
    "Payment",
    "detect_kind",
    "read_open_items",
    "read_payments",
]


def detect_kind(data: bytes) -> str:
    """`camt`, `bai2`, `pdf`, `xlsx` or `csv`, from the first bytes of a file."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "camt"
    if head.startswith(b"01,"):
        return "bai2"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "csv"


def read_payments(path: Path) -> list[Payment]:
    """The payments in a bank file or remittance advice, detected by content."""
    source = str(path)
    data = read_bytes(Path(path))
    kind = detect_kind(data)
    if kind == "camt":
        payments = read_camt(data, source)
    elif kind == "bai2":
        payments = read_bai2(data, source)
    elif kind == "pdf":
        payments = read_advice_pdf(data, source)
    else:
        payments = _read_advice_table(data, source, kind)
    log.info("%s: %d payments (%s)", source, len(payments), kind)
    return payments


def _read_advice_table(data: bytes, source: str, kind: str) -> list[Payment]:
    try:
        return read_advice_table(data, source)
    except DocumentError as exc:
        if kind == "csv" and exc.code == "table_header":
            raise DocumentError(
                source,
                "unknown_format",
                "not a camt.053/054, BAI2 or remittance advice (CSV/XLSX/PDF) file",
            ) from exc
        raise

"""Rows from CSV and XLSX files, and the money and date values in them.

Both remittance advices and open-item exports are tables with a header row. Headers
are matched by normalised name and a few synonyms (ERP exports say "Invoice No."
where the file format says `invoice_number`); amounts in either decimal convention
become `Decimal`, dates in ISO or day-first form become `date`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bots.errors import DocumentError

log = logging.getLogger(__name__)

Row = dict[str, Any]
HEADER_SCAN_ROWS = 15

_NON_WORD = re.compile(r"[^a-z0-9]+")
_AMOUNT_JUNK = re.compile(r"[^\d,.\-()+]")
_PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def header_key(text: object) -> str:
    """`Invoice No.` -> `invoice_no`."""
    return _NON_WORD.sub("_", str(text or "").strip().lower()).strip("_")


def read_table(
    data: bytes, source: str, synonyms: dict[str, str], required: set[str]
) -> list[Row]:
    """The rows of a CSV or XLSX table, keyed by canonical column names."""
    if data[:4] == b"PK\x03\x04":
        raw_rows = _xlsx_rows(data, source)
    else:
        raw_rows = _csv_rows(data, source)
    start, columns = _find_header(raw_rows, synonyms, required, source)
    rows: list[Row] = []
    for raw in raw_rows[start + 1 :]:
        if all(_blank(v) for v in raw):
            continue
        rows.append({name: _cell(raw, index) for index, name in columns.items()})
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(raw: list[Any], index: int) -> Any:
    value = raw[index] if index < len(raw) else None
    return value.strip() if isinstance(value, str) else value


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _csv_rows(data: bytes, source: str) -> list[list[Any]]:
    text = _decode(data)
    if "\x00" in text:
        raise DocumentError(source, "csv_binary", "file is binary, not a CSV table")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes, source: str) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise DocumentError(
            source, "xlsx_invalid", f"not a readable XLSX ({exc})"
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _find_header(
    rows: list[list[Any]], synonyms: dict[str, str], required: set[str], source: str
) -> tuple[int, dict[int, str]]:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[int, str] = {}
        for position, cell in enumerate(row):
            name = synonyms.get(header_key(cell))
            if name and name not in columns.values():
                columns[position] = name
        if required <= set(columns.values()):
            return index, columns
    missing = ", ".join(sorted(required))
    raise DocumentError(source, "table_header", f"no header row with columns {missing}")


def parse_amount(value: object, source: str, what: str) -> Decimal:
    """A money value from a cell: numbers, `1.234,56`, `1,234.56`, `(12.00)`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal(0)
    if isinstance(value, bool):
        raise DocumentError(source, "amount", f"{what}: '{value}' is not an amount")
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return _parse_amount_text(str(value), source, what)


def _parse_amount_text(text: str, source: str, what: str) -> Decimal:
    if _PLAIN_AMOUNT.fullmatch(text):
        return Decimal(text)
    cleaned = _AMOUNT_JUNK.sub("", text)
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()+")
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        head, _, tail = cleaned.rpartition(",")
        cleaned = f"{head.replace(',', '')}.{tail}" if len(tail) != 3 else head + tail
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise DocumentError(
            source, "amount", f"{what}: '{text}' is not an amount"
        ) from exc
    return -amount if negative else amount


def parse_date(value: object, source: str, what: str) -> date | None:
    """A date from a cell: date objects, ISO, `DD.MM.YYYY`, `DD/MM/YYYY`, `YYYYMMDD`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text[:10]):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
    for pattern in (
        "%Y-%m-%d",
        "%d.%m.%Y",
        "%d/%m/%Y",
        "%Y%m%d",
        "%m/%d/%Y",
        "%d-%m-%Y",
    ):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    raise DocumentError(source, "date", f"{what}: '{text}' is not a date")


def read_bytes(path: Path, limit: int = 64 * 1024 * 1024) -> bytes:
    """The file's content, or a `DocumentError` naming the problem."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(
            source, "not_found", f"cannot open ({exc.strerror})"
        ) from exc
    if size > limit:
        raise DocumentError(source, "too_big", f"file is {size} bytes, limit {limit}")
    if size == 0:
        raise DocumentError(source, "empty", "file is empty")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            source, "unreadable", f"cannot read ({exc.strerror})"
        ) from exc

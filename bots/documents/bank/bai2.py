"""BAI2 cash-management file reader (US and UK banks' balance and transaction files).

Records are comma separated and end with `/`; `88` records continue the record
before them. Each `16` transaction detail becomes one `Payment`: its amount is in
the currency's minor units, its payer and remittance text come from the `88`
continuation text that follows it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bots.documents.bank.model import CREDIT, DEBIT, Payment
from bots.errors import DocumentError

log = logging.getLogger(__name__)

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "CLP", "ISK", "VND", "XAF", "XOF", "HUF"}
PAYER_TAGS = (
    "ORIG CO NAME",
    "ORIGINATOR NAME",
    "ORIGINATOR",
    "BY ORDER OF",
    "B/O",
    "BO1",
    "ORG",
    "PAYER",
    "DEBTOR",
)
_NEXT_TAG = (
    r"(?=\s+(?:ORIG ID|ORIG CO NAME|CO ENTRY DESCR|ENTRY DESCR|DESC DATE|IND ID|"
    r"IND NAME|ORIGINATOR NAME|BY ORDER OF|[A-Z][A-Z0-9/]{1,6}):|$)"
)
_PAYER_PATTERNS = [
    re.compile(rf"(?:^|\s){re.escape(tag)}:\s*(.+?){_NEXT_TAG}") for tag in PAYER_TAGS
]


@dataclass
class _Record:
    code: str
    fields: list[str]
    continuations: list[str] = field(default_factory=list)


@dataclass
class _Context:
    currency: str = "USD"
    as_of: date | None = None
    account: str = ""
    account_currency: str = ""


def read_bai2(data: bytes, source: str) -> list[Payment]:
    """Every `16` transaction detail of a BAI2 file."""
    text = data.decode("utf-8-sig", errors="replace")
    records = _records(text, source)
    if not records or records[0].code != "01":
        raise DocumentError(
            source, "bai2_header", "BAI2 file must start with a 01 record"
        )
    context = _Context()
    payments: list[Payment] = []
    for record in records:
        if record.code == "02":
            _group_header(record, context)
        elif record.code == "03":
            _account_header(record, context)
        elif record.code == "16":
            payments.append(_transaction(record, context, source))
    _make_ids_unique(payments)
    log.debug("%s: %d BAI2 transactions", source, len(payments))
    return payments


def _records(text: str, source: str) -> list[_Record]:
    records: list[_Record] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, _, rest = line.partition(",")
        if code == "88":
            if not records:
                raise DocumentError(
                    source, "bai2_continuation", f"line {number}: 88 record first"
                )
            records[-1].continuations.append(_strip_end(rest))
            continue
        if not (len(code) == 2 and code.isdigit()):
            raise DocumentError(
                source, "bai2_record", f"line {number}: '{code[:10]}' is no BAI2 record"
            )
        records.append(_Record(code, _strip_end(rest).split(",")))
    return records


def _strip_end(text: str) -> str:
    text = text.rstrip()
    return text.removesuffix("/")


def _field(fields: list[str], index: int) -> str:
    return fields[index].strip() if index < len(fields) else ""


def _group_header(record: _Record, context: _Context) -> None:
    context.as_of = _yymmdd(_field(record.fields, 3))
    context.currency = _field(record.fields, 5).upper() or "USD"


def _account_header(record: _Record, context: _Context) -> None:
    context.account = _field(record.fields, 0)
    context.account_currency = _field(record.fields, 1).upper()


def _transaction(record: _Record, context: _Context, source: str) -> Payment:
    fields = record.fields
    type_code = _field(fields, 0)
    currency = context.account_currency or context.currency
    amount = _amount(_field(fields, 1), currency, source)
    value_date, position = _funds_type(fields, context.as_of)
    bank_reference = _field(fields, position)
    customer_reference = _field(fields, position + 1)
    inline_text = ",".join(fields[position + 2 :]).strip()
    text_lines = [t.strip() for t in [inline_text, *record.continuations] if t.strip()]
    payment = Payment(
        payment_id=bank_reference or customer_reference,
        amount=amount,
        currency=currency,
        payer=_payer(text_lines),
        value_date=value_date,
        remittance_text="\n".join(text_lines),
        bank_reference=bank_reference,
        end_to_end_id=customer_reference,
        references=[r for r in (customer_reference,) if r],
        credit_debit=_direction(type_code),
        source=source,
        source_kind="bai2",
    )
    if not payment.payment_id:
        payment.payment_id = _stable_hash(payment, context.account, type_code)
    return payment


def _funds_type(fields: list[str], as_of: date | None) -> tuple[date | None, int]:
    """The value date and the index of the bank reference after the funds type."""
    funds = _field(fields, 2).upper()
    if funds == "S":
        return as_of, 6
    if funds == "V":
        return _yymmdd(_field(fields, 3)) or as_of, 5
    if funds == "D":
        count = _field(fields, 3)
        pairs = int(count) if count.isdigit() else 0
        return as_of, 4 + 2 * pairs
    return as_of, 3


def _amount(text: str, currency: str, source: str) -> Decimal:
    if not text:
        return Decimal(0)
    if not text.lstrip("+-").isdigit():
        raise DocumentError(
            source, "bai2_amount", f"amount '{text[:20]}' is not a number"
        )
    places = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    return abs(Decimal(int(text))).scaleb(-places)


def _yymmdd(text: str) -> date | None:
    if len(text) != 6 or not text.isdigit():
        return None
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


def _direction(type_code: str) -> str:
    if not type_code.isdigit():
        return CREDIT
    code = int(type_code)
    if 100 <= code <= 399 or 900 <= code <= 949:
        return CREDIT
    return DEBIT


def _payer(lines: list[str]) -> str:
    for pattern in _PAYER_PATTERNS:
        for line in lines:
            found = pattern.search(line)
            if found:
                return found.group(1).strip()
    return ""


def _stable_hash(payment: Payment, account: str, type_code: str) -> str:
    parts = [
        account,
        type_code,
        str(payment.value_date or ""),
        str(payment.amount),
        payment.currency,
        payment.remittance_text,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"H{digest[:20].upper()}"


def _make_ids_unique(payments: list[Payment]) -> None:
    seen: dict[str, int] = {}
    for payment in payments:
        count = seen.get(payment.payment_id, 0) + 1
        seen[payment.payment_id] = count
        if count > 1:
            payment.payment_id = f"{payment.payment_id}#{count}"

"""ISO 20022 camt.052/053/054 reader: statements and debit/credit notifications.

Any message version (02 to 08 and later) is read the same way: the namespace is
taken from the document itself and elements are addressed by their local names,
with the few places where versions differ (party `Pty` wrappers, amount details,
discount amounts) handled explicitly. One `Payment` per transaction (`TxDtls`), or
per entry when the entry has no details.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from bots.documents.bank.model import CREDIT, AdviceLine, Payment
from bots.documents.bank.xmlsafe import local_name, parse_xml
from bots.errors import DocumentError

log = logging.getLogger(__name__)

MESSAGES = {
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn"),
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
}
NOT_PROVIDED = "NOTPROVIDED"
CENT = Decimal("0.01")


class _Xml:
    """Finds elements by local-name paths in one namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._paths: dict[str, str] = {}

    def _path(self, path: str) -> str:
        qualified = self._paths.get(path)
        if qualified is None:
            if self.namespace:
                parts = path.split("/")
                qualified = "/".join(f"{{{self.namespace}}}{part}" for part in parts)
            else:
                qualified = path
            self._paths[path] = qualified
        return qualified

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self._path(path))

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(self._path(path))

    def text(self, element: etree._Element | None, *paths: str) -> str:
        """The stripped text of the first of `paths` that has any."""
        if element is None:
            return ""
        for path in paths:
            found = element.find(self._path(path))
            if found is not None and found.text and found.text.strip():
                return found.text.strip()
        return ""


def read_camt(data: bytes, source: str) -> list[Payment]:
    """Every transaction of a camt.052/053/054 document."""
    root = parse_xml(data, source)
    namespace = etree.QName(root).namespace or ""
    xml = _Xml(namespace)
    message = root if local_name(root) in MESSAGES else _first_child(root)
    kind, record_tag = _message_kind(message, source)
    records = xml.findall(message, record_tag)
    if not records:
        raise DocumentError(
            source, "camt_no_records", f"{kind} file has no {record_tag} element"
        )
    payments: list[Payment] = []
    for record in records:
        account = xml.text(record, "Acct/Id/IBAN", "Acct/Id/Othr/Id")
        for entry in xml.findall(record, "Ntry"):
            payments.extend(_entry_payments(xml, entry, account, kind, source))
    _make_ids_unique(payments)
    log.debug("%s: %d payments in %d records", source, len(payments), len(records))
    return payments


def _first_child(root: etree._Element) -> etree._Element:
    for child in root:
        if isinstance(child.tag, str):
            return child
    return root


def _message_kind(message: etree._Element, source: str) -> tuple[str, str]:
    name = local_name(message)
    if name not in MESSAGES:
        raise DocumentError(
            source,
            "camt_unknown",
            f"XML message '{name}' is not a camt.053 or camt.054",
        )
    return MESSAGES[name]


def _entry_payments(
    xml: _Xml, entry: etree._Element, account: str, kind: str, source: str
) -> list[Payment]:
    details = xml.findall(entry, "NtryDtls/TxDtls")
    if not details:
        return [_payment(xml, entry, None, account, kind, source, 0, 1)]
    return [
        _payment(xml, entry, tx, account, kind, source, index, len(details))
        for index, tx in enumerate(details, start=1)
    ]


def _payment(
    xml: _Xml,
    entry: etree._Element,
    tx: etree._Element | None,
    account: str,
    kind: str,
    source: str,
    index: int,
    count: int,
) -> Payment:
    entry_amount, entry_currency = _amount(xml, entry, "Amt", source)
    tx_amount, tx_currency = _tx_amount(xml, tx, source)
    direction = xml.text(entry, "CdtDbtInd") or xml.text(tx, "CdtDbtInd") or CREDIT
    refs = _references(xml, tx)
    if count == 1 and not tx_amount:
        tx_amount, tx_currency = None, ""
    payment = Payment(
        payment_id="",
        amount=tx_amount if tx_amount is not None else entry_amount or Decimal(0),
        currency=tx_currency or entry_currency,
        payer=_payer(xml, tx, direction),
        value_date=_date(xml, entry, "ValDt") or _date(xml, entry, "BookgDt"),
        remittance_text=_remittance_text(xml, tx),
        structured_references=_structured_references(xml, tx),
        bank_reference=xml.text(tx, "Refs/AcctSvcrRef")
        or xml.text(entry, "AcctSvcrRef"),
        end_to_end_id=_end_to_end(xml, tx),
        references=refs,
        advice_lines=_structured_lines(xml, tx, source),
        credit_debit=direction,
        batch_total=tx_amount is None and count > 1,
        source=source,
        source_kind=kind,
    )
    payment.payment_id = _payment_id(xml, entry, tx, payment, index, count, account)
    return payment


def _payment_id(
    xml: _Xml,
    entry: etree._Element,
    tx: etree._Element | None,
    payment: Payment,
    index: int,
    count: int,
    account: str,
) -> str:
    tx_ref = xml.text(tx, "Refs/AcctSvcrRef")
    if tx_ref:
        return tx_ref
    entry_ref = xml.text(entry, "AcctSvcrRef")
    if entry_ref:
        return entry_ref if count <= 1 else f"{entry_ref}/{index}"
    if payment.end_to_end_id:
        return payment.end_to_end_id
    return _stable_hash(payment, account)


def _stable_hash(payment: Payment, account: str) -> str:
    parts = [
        account,
        payment.source_kind,
        str(payment.value_date or ""),
        str(payment.amount),
        payment.currency,
        payment.credit_debit,
        payment.payer,
        payment.remittance_text,
        "|".join(payment.structured_references),
        "|".join(payment.references),
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


def _amount(
    xml: _Xml, element: etree._Element | None, path: str, source: str
) -> tuple[Decimal | None, str]:
    if element is None:
        return None, ""
    found = xml.find(element, path)
    if found is None or not (found.text or "").strip():
        return None, ""
    try:
        value = Decimal(found.text.strip())
    except InvalidOperation as exc:
        raise DocumentError(
            source, "camt_amount", f"amount '{found.text.strip()}' is not a number"
        ) from exc
    return _tidy(abs(value)), (found.get("Ccy") or "").strip().upper()


def _tidy(value: Decimal) -> Decimal:
    """`8.850` -> `8.85`; amounts with real extra places stay as they are."""
    cents = value.quantize(CENT)
    return cents if cents == value else value


def _tx_amount(
    xml: _Xml, tx: etree._Element | None, source: str
) -> tuple[Decimal | None, str]:
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        amount, currency = _amount(xml, tx, path, source)
        if amount is not None:
            return amount, currency
    return None, ""


def _date(xml: _Xml, element: etree._Element, path: str) -> date | None:
    text = xml.text(element, f"{path}/Dt", f"{path}/DtTm")
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _party_name(xml: _Xml, tx: etree._Element, role: str) -> str:
    return xml.text(
        tx,
        f"RltdPties/{role}/Nm",
        f"RltdPties/{role}/Pty/Nm",
        f"RltdPties/{role}/Agt/FinInstnId/Nm",
    )


def _payer(xml: _Xml, tx: etree._Element | None, direction: str) -> str:
    if tx is None:
        return ""
    roles = ("Dbtr", "UltmtDbtr") if direction == CREDIT else ("Cdtr", "UltmtCdtr")
    for role in roles:
        name = _party_name(xml, tx, role)
        if name:
            return name
    return ""


def _end_to_end(xml: _Xml, tx: etree._Element | None) -> str:
    value = xml.text(tx, "Refs/EndToEndId")
    return "" if value.upper() == NOT_PROVIDED else value


def _references(xml: _Xml, tx: etree._Element | None) -> list[str]:
    if tx is None:
        return []
    tags = ("EndToEndId", "InstrId", "TxId", "UETR", "PmtInfId", "MsgId", "ChqNb")
    values = [xml.text(tx, f"Refs/{tag}") for tag in tags]
    return [v for v in values if v and v.upper() != NOT_PROVIDED]


def _remittance_text(xml: _Xml, tx: etree._Element | None) -> str:
    if tx is None:
        return ""
    parts = [(u.text or "").strip() for u in xml.findall(tx, "RmtInf/Ustrd")]
    for block in xml.findall(tx, "RmtInf/Strd"):
        parts.extend((a.text or "").strip() for a in xml.findall(block, "AddtlRmtInf"))
    parts.append(xml.text(tx, "AddtlTxInf"))
    return "\n".join(p for p in parts if p)


def _structured_references(xml: _Xml, tx: etree._Element | None) -> list[str]:
    if tx is None:
        return []
    refs: list[str] = []
    for block in xml.findall(tx, "RmtInf/Strd"):
        refs.extend(_text_of(doc) for doc in xml.findall(block, "RfrdDocInf/Nb"))
        refs.extend(_text_of(ref) for ref in xml.findall(block, "CdtrRefInf/Ref"))
    return [r for r in refs if r]


def _text_of(element: etree._Element) -> str:
    return (element.text or "").strip()


def _structured_lines(
    xml: _Xml, tx: etree._Element | None, source: str
) -> list[AdviceLine]:
    """Invoice lines from `Strd` blocks that state a number and a remitted amount."""
    if tx is None:
        return []
    lines: list[AdviceLine] = []
    for block in xml.findall(tx, "RmtInf/Strd"):
        numbers = [_text_of(n) for n in xml.findall(block, "RfrdDocInf/Nb")]
        paid, _ = _amount(xml, block, "RfrdDocAmt/RmtdAmt", source)
        if len(numbers) != 1 or not numbers[0] or paid is None:
            continue
        lines.append(
            AdviceLine(
                invoice_number=numbers[0],
                amount_paid=paid,
                discount=_discount(xml, block, source),
                deduction=_adjustment(xml, block, source),
                deduction_code=xml.text(block, "RfrdDocAmt/AdjstmntAmtAndRsn/Rsn"),
            )
        )
    return lines


def _discount(xml: _Xml, block: etree._Element, source: str) -> Decimal:
    for path in ("RfrdDocAmt/DscntApldAmt/Amt", "RfrdDocAmt/DscntApldAmt"):
        amount, _ = _amount(xml, block, path, source)
        if amount is not None:
            return amount
    return Decimal(0)


def _adjustment(xml: _Xml, block: etree._Element, source: str) -> Decimal:
    amount, _ = _amount(xml, block, "RfrdDocAmt/AdjstmntAmtAndRsn/Amt", source)
    return amount if amount is not None else Decimal(0)

"""The real camt and BAI2 files parse and agree with the expected output beside them.

The camt JSON files are the decoded model of the genkgo/camt project; its
`Message.getEntries` lists the entries of the last record only, so every JSON
transaction must be found among ours and the counts must match the XML.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.documents.bank import Payment, read_payments
from bots.errors import DocumentError

REALWORLD = Path(__file__).resolve().parents[2] / "realworld"
CAMT = REALWORLD / "camt"
BAI2 = REALWORLD / "bai2"
CAMT_FILES = sorted(p for p in CAMT.glob("*.xml") if p.name != "camt053.v2.wrong.xml")


def _minor(money: dict) -> tuple[Decimal, str]:
    amount = abs(Decimal(money["getAmount"])) / 100
    return amount, money["getCurrency"]["getCode"]


def _blocks(info: dict, single: str, many: str) -> list[dict]:
    found = [info[single]] if isinstance(info.get(single), dict) else []
    return found + [b for b in info.get(many) or [] if isinstance(b, dict)]


def _party(tx: dict, roles: tuple[str, ...]) -> str:
    names = {}
    for party in tx["getRelatedParties"]:
        if isinstance(party, dict):
            kind = party["getRelatedPartyType"]["__CLASS__"].rsplit("\\", 1)[-1]
            names[kind] = party["getRelatedPartyType"].get("getName") or ""
    return next((names[r] for r in roles if names.get(r)), "")


def _expected_id(entry: dict, tx: dict, index: int, count: int) -> str | None:
    ref = tx.get("getReference") or {}
    if ref.get("getAccountServicerReference"):
        return ref["getAccountServicerReference"]
    if entry.get("getAccountServicerReference"):
        own = entry["getAccountServicerReference"]
        return own if count == 1 else f"{own}/{index}"
    if ref.get("getEndToEndId"):
        return ref["getEndToEndId"]
    return None


def _agrees(entry: dict, tx: dict, index: int, count: int, payment: Payment) -> bool:
    entry_amount, entry_currency = _minor(entry["getAmount"])
    tx_money = tx.get("getAmount")
    if tx_money and Decimal(tx_money["getAmount"]) != 0:
        amount, currency = _minor(tx_money)
    else:
        amount, currency = entry_amount, entry_currency
    checks = [
        payment.amount == amount,
        payment.currency == currency,
        payment.credit_debit == entry["getCreditDebitIndicator"],
        payment.batch_total == (count > 1 and not tx_money),
    ]
    if entry.get("getValueDate"):
        checks.append(str(payment.value_date) == entry["getValueDate"]["0"][:10])
    ref = tx.get("getReference") or {}
    checks.append(payment.end_to_end_id == (ref.get("getEndToEndId") or ""))
    if ref.get("getUuidEndToEndReference"):
        checks.append(ref["getUuidEndToEndReference"] in payment.references)
    expected_id = _expected_id(entry, tx, index, count)
    if expected_id:
        checks.append(payment.payment_id.split("#")[0] == expected_id)
    roles = ("Debtor", "UltimateDebtor")
    if entry["getCreditDebitIndicator"] == "DBIT":
        roles = ("Creditor", "UltimateCreditor")
    checks.append(payment.payer == _party(tx, roles))
    checks.extend(_remittance_checks(tx, payment))
    return all(checks)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _remittance_checks(tx: dict, payment: Payment) -> list[bool]:
    info = tx.get("getRemittanceInformation") or {}
    if not info:
        return [payment.remittance_text == "" and payment.structured_references == []]
    lines = payment.remittance_text.split("\n")
    checks = []
    for block in _blocks(info, "getUnstructuredBlock", "getUnstructuredBlocks"):
        checks.append(block["getMessage"] in lines)
    for block in _blocks(info, "getStructuredBlock", "getStructuredBlocks"):
        creditor = _dict(block.get("getCreditorReferenceInformation"))
        if creditor.get("getRef"):
            checks.append(creditor["getRef"] in payment.structured_references)
        if block.get("getAdditionalRemittanceInformation"):
            checks.append(block["getAdditionalRemittanceInformation"] in lines)
    creditor = _dict(info.get("getCreditorReferenceInformation"))
    if creditor.get("getRef"):
        checks.append(creditor["getRef"] in payment.structured_references)
    return checks


@pytest.mark.parametrize("path", CAMT_FILES, ids=lambda p: p.name)
def test_camt_file_parses_with_one_payment_per_transaction(path: Path) -> None:
    payments = read_payments(path)
    xml = path.read_text(encoding="utf-8")
    entries = re.findall(r"<Ntry>.*?</Ntry>", xml, flags=re.DOTALL)
    expected = sum(max(1, entry.count("<TxDtls>")) for entry in entries)
    assert len(payments) == expected
    assert len({p.payment_id for p in payments}) == len(payments)


@pytest.mark.parametrize(
    "path",
    [p for p in CAMT_FILES if p.with_suffix(".json").exists()],
    ids=lambda p: p.name,
)
def test_camt_file_agrees_with_expected_json(path: Path) -> None:
    payments = read_payments(path)
    model = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    unused = list(payments)
    for entry in model["getEntries"]:
        details = entry["getTransactionDetails"]
        for index, tx in enumerate(details, start=1):
            if not isinstance(tx, dict):
                tx = entry["getTransactionDetail"]
            match = next(
                (p for p in unused if _agrees(entry, tx, index, len(details), p)), None
            )
            assert match is not None, (
                f"{path.name}: no payment agrees with entry {index}"
            )
            unused.remove(match)


def test_wrong_camt_file_gives_a_clean_document_error() -> None:
    path = CAMT / "camt053.v2.wrong.xml"
    with pytest.raises(DocumentError) as caught:
        read_payments(path)
    assert caught.value.code == "camt_no_records"
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_citi_bai2_reads_payer_and_references_from_88_records() -> None:
    [payment] = read_payments(BAI2 / "citi_example.bai2")
    assert payment.payment_id == "1234567890"
    assert (payment.amount, payment.currency) == (Decimal("0.01"), "GBP")
    assert payment.is_credit
    assert payment.payer == "DOE JO"
    assert payment.value_date == date(2015, 7, 15)
    assert payment.end_to_end_id == "RP12312312312312"
    assert "TRID:RP12312312312312" in payment.remittance_text.split("\n")
    assert len(payment.remittance_text.split("\n")) == 7


def test_natwest_bai2_keeps_continued_text_and_directions() -> None:
    payments = read_payments(BAI2 / "nwb_example.bai2")
    amounts = [p.amount for p in payments]
    assert amounts == [Decimal(x) for x in ("9.71", "1.00", "1.23", "15.71", "0.89")]
    assert [p.credit_debit for p in payments] == ["DBIT"] * 4 + ["CRDT"]
    assert {p.currency for p in payments} == {"GBP"}
    assert payments[-1].remittance_text.endswith(
        "INTERNATIONAL-5373 CLIE\nNT SECCY AC TFR"
    )
    assert len({p.payment_id for p in payments}) == 5


def test_svb_bai2_reads_two_groups() -> None:
    payments = read_payments(BAI2 / "svb_us_example.bai2")
    assert [(p.payment_id, p.amount, p.value_date) for p in payments] == [
        ("172629", Decimal("4901.96"), date(2022, 2, 1)),
        ("150675", Decimal("9058.00"), date(2022, 2, 2)),
    ]
    assert all(p.is_credit and p.currency == "USD" for p in payments)


def test_bai2_with_blank_account_trailer_has_no_payments() -> None:
    assert read_payments(BAI2 / "account_trailer_amount_blank_example.bai2") == []

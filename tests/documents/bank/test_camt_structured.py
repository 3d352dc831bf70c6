"""camt structured remittance: referenced documents with amounts become advice lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from bots.documents.bank import read_payments
from bots.matching import MATCHED, match_payments
from tests.matching.helpers import item

CAMT_V08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
 <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr><Ntfctn><Id>N1</Id>
  <Ntry><Amt Ccy="EUR">1443.36</Amt><CdtDbtInd>CRDT</CdtDbtInd>
   <ValDt><Dt>2026-11-29</Dt></ValDt><AcctSvcrRef>BANK-77</AcctSvcrRef>
   <NtryDtls><TxDtls>
    <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
    <Amt Ccy="EUR">1443.36</Amt>
    <RltdPties><Dbtr><Pty><Nm>NORDWIND LOGISTIK HAMBURG</Nm></Pty></Dbtr></RltdPties>
    <RmtInf>
     <Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp>
       <Nb>INV-2026-000103</Nb></RfrdDocInf>
      <RfrdDocAmt><RmtdAmt Ccy="EUR">980.20</RmtdAmt>
       <AdjstmntAmtAndRsn><Amt Ccy="EUR">30.00</Amt><Rsn>DAMAGED</Rsn></AdjstmntAmtAndRsn>
      </RfrdDocAmt></Strd>
     <Strd><RfrdDocInf><Nb>INV-2026-000101</Nb></RfrdDocInf>
      <RfrdDocAmt><DscntApldAmt><Amt Ccy="EUR">9.46</Amt></DscntApldAmt>
       <RmtdAmt Ccy="EUR">463.16</RmtdAmt></RfrdDocAmt></Strd>
     <Strd><CdtrRefInf><Ref>RF18INV2026000103</Ref></CdtrRefInf></Strd>
    </RmtInf>
   </TxDtls></NtryDtls></Ntry>
 </Ntfctn></BkToCstmrDbtCdtNtfctn>
</Document>
"""


def test_structured_lines_carry_discount_and_deduction(tmp_path: Path) -> None:
    path = tmp_path / "camt054.xml"
    path.write_text(CAMT_V08, encoding="utf-8")
    [payment] = read_payments(path)
    assert payment.payment_id == "BANK-77"
    assert payment.end_to_end_id == ""
    assert payment.payer == "NORDWIND LOGISTIK HAMBURG"
    assert payment.structured_references == [
        "INV-2026-000103",
        "INV-2026-000101",
        "RF18INV2026000103",
    ]
    first, second = payment.advice_lines
    assert (
        first.invoice_number,
        first.amount_paid,
        first.deduction,
        first.deduction_code,
    ) == ("INV-2026-000103", Decimal("980.20"), Decimal("30.00"), "DAMAGED")
    assert (second.amount_paid, second.discount) == (Decimal("463.16"), Decimal("9.46"))


def test_structured_lines_are_applied_by_the_matcher(tmp_path: Path) -> None:
    path = tmp_path / "camt054.xml"
    path.write_text(CAMT_V08, encoding="utf-8")
    name = "Nordwind Logistik Hamburg GmbH"
    ledger = [
        item("INV-2026-000101", "C1", name, "472.62", issued=date(2026, 11, 20)),
        item("INV-2026-000103", "C1", name, "1010.20"),
    ]
    [match] = match_payments(
        read_payments(path), ledger, today=date(2026, 11, 30)
    ).payments
    assert match.status == MATCHED, match.reasons
    assert [
        (
            a.invoice_number,
            str(a.amount),
            str(a.discount),
            str(a.deduction),
            a.deduction_code,
        )
        for a in match.applications
    ] == [
        ("INV-2026-000103", "980.20", "0.00", "30.00", "DAMAGED"),
        ("INV-2026-000101", "463.16", "9.46", "0.00", ""),
    ]


def test_namespace_prefix_or_no_namespace_reads_the_same(tmp_path: Path) -> None:
    plain = CAMT_V08.replace(
        ' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"', ""
    )
    prefixed = (
        CAMT_V08.replace("<", "<c:")
        .replace("<c:/", "</c:")
        .replace("<c:?xml", "<?xml")
        .replace(' xmlns="', ' xmlns:c="')
    )
    readings = []
    for number, text in enumerate((CAMT_V08, plain, prefixed)):
        path = tmp_path / f"camt{number}.xml"
        path.write_text(text, encoding="utf-8")
        [payment] = read_payments(path)
        readings.append(
            (
                payment.payment_id,
                payment.amount,
                payment.payer,
                payment.structured_references,
                len(payment.advice_lines),
            )
        )
    assert readings[0] == readings[1] == readings[2]
    assert readings[0][1] == Decimal("1443.36")

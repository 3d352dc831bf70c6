"""Hostile and broken bank files: refused with one clear DocumentError, never expanded."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from bots.documents.bank import read_payments
from bots.documents.bank.xmlsafe import _parser
from bots.errors import DocumentError

CAMT_NS = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
BOMB = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>
<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<NtryDtls><TxDtls><RmtInf><Ustrd>&lol4;</Ustrd></RmtInf></TxDtls></NtryDtls>
</Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
"""


def _xxe(target: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{target}">]>
<Document xmlns="{CAMT_NS}"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>
<Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<NtryDtls><TxDtls><RmtInf><Ustrd>&xxe;</Ustrd></RmtInf></TxDtls></NtryDtls>
</Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
"""


def test_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(BOMB)
    with pytest.raises(DocumentError) as caught:
        read_payments(path)
    assert caught.value.code == "xml_dtd"
    assert str(path) in caught.value.message


def test_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    path.write_text(_xxe(secret))
    with pytest.raises(DocumentError) as caught:
        read_payments(path)
    assert caught.value.code == "xml_dtd"
    assert "TOP-SECRET" not in caught.value.message


def test_parser_itself_does_not_expand_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for document in (_xxe(secret), BOMB):
        root = etree.fromstring(document.encode(), parser=_parser())
        text = "".join(root.itertext())
        assert "TOP-SECRET" not in text
        assert "lollollol" not in text


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<Document><unclosed>", "xml_syntax"),
        (b'<?xml version="1.0"?><Document><Foo/></Document>', "camt_unknown"),
        (b"01,BANK,ME,250101,0101,1,,,2/\n16,195,12x4,,,/\n", "bai2_amount"),
        (b"01,BANK,ME,250101,0101,1,,,2/\nZZ,1/\n", "bai2_record"),
        (b"hello world\nthis is not a bank file\n", "unknown_format"),
        (b"%PDF-1.4 broken", "pdf_invalid"),
        (b"PK\x03\x04 not really a zip", "xlsx_invalid"),
        (b"", "empty"),
    ],
)
def test_bad_files_raise_document_error_naming_the_file(
    tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / "bad.file"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        read_payments(path)
    assert caught.value.code == code
    assert caught.value.source == str(path)
    assert "\n" not in caught.value.message


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_payments(tmp_path / "nope.xml")
    assert caught.value.code == "not_found"

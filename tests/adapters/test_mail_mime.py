"""MIME parsing of customer mail: encodings, file names, forwards, sniffing."""

from __future__ import annotations

import base64
import io
import zipfile
from email.message import EmailMessage

import pytest

from bots.adapters.mime import (
    UnreadableMail,
    parse_message,
    safe_filename,
    sender_domain,
    sniff_kind,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def simple_mail(
    sender: str = "Anna Buyer <anna@northwind-retail.example>",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "orders@supplier.example"
    message["Subject"] = "Purchase order 4711"
    message["Message-ID"] = "<po-4711@northwind-retail.example>"
    message["Date"] = "Thu, 03 Dec 2026 09:15:00 +0100"
    message.set_content("Please find our order attached.")
    return message


def test_plain_pdf_attachment_is_a_purchase_order() -> None:
    message = simple_mail()
    message.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="PO-4711.pdf"
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.sender == "anna@northwind-retail.example"
    assert parsed.sender_name == "Anna Buyer"
    assert parsed.message_id == "<po-4711@northwind-retail.example>"
    assert parsed.date is not None and parsed.date.utcoffset() is not None
    assert "order attached" in parsed.text
    [po] = parsed.purchase_orders
    assert (po.filename, po.kind, po.data) == ("PO-4711.pdf", "pdf", PDF)
    assert po.sender == "anna@northwind-retail.example"


def test_rfc2231_file_name_is_decoded() -> None:
    raw = (
        b"From: buyer@globex.example\r\nSubject: Bestellung\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei.\r\n"
        b"--b1\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n"
        b" filename*=UTF-8''Bestellung%20M%C3%BCller%20%E2%84%96%2012.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF)
        + b"--b1--\r\n"
    )
    [po] = parse_message(raw).purchase_orders
    assert po.filename == "Bestellung Müller _ 12.pdf"
    assert po.data == PDF


def test_rfc2231_continuations_and_rfc2047_names_are_decoded() -> None:
    raw = (
        b"From: buyer@globex.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n"
        b" filename*0*=iso-8859-1''Auftrag%20f%FC;\r\n filename*1*=r%20Gr%F6%DFe.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF)
        + b"--b1\r\nContent-Type: application/pdf;\r\n"
        b' name="=?utf-8?B?w4liYXVjaGUuY3N2?="\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF + b"2")
        + b"--b1--\r\n"
    )
    names = [a.filename for a in parse_message(raw).purchase_orders]
    assert names == ["Auftrag für Größe.pdf", "Ébauche.csv.pdf"]


def test_missing_content_types_are_sniffed() -> None:
    csv = b"po_number;sku;qty\n4711;NW-1;5\n4711;NW-2;7\n"
    raw = (
        b"From: buyer@initech.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b'--b1\r\nContent-Disposition: attachment; filename="scan0001"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF)
        + b"--b1\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=order\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(xlsx_bytes())
        + b"--b1\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment\r\n\r\n" + csv + b"\r\n--b1--\r\n"
    )
    found = [(a.filename, a.kind) for a in parse_message(raw).purchase_orders]
    assert found == [
        ("scan0001.pdf", "pdf"),
        ("order.xlsx", "xlsx"),
        ("attachment-3.csv", "csv"),
    ]


def test_forwarded_message_part_keeps_the_original_sender() -> None:
    original = simple_mail()
    original.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="PO.pdf"
    )
    forward = EmailMessage()
    forward["From"] = "Sales Rep <rep@supplier.example>"
    forward["Subject"] = "Fwd: Purchase order 4711"
    forward.set_content("FYI, forwarding.")
    forward.add_attachment(original)
    parsed = parse_message(forward.as_bytes())
    assert parsed.sender == "rep@supplier.example"
    assert parsed.original_sender == "anna@northwind-retail.example"
    [po] = parsed.purchase_orders
    assert po.sender == "anna@northwind-retail.example"
    assert po.data == PDF


def test_inline_forward_names_the_quoted_sender() -> None:
    message = EmailMessage()
    message["From"] = "rep@supplier.example"
    message["Subject"] = "WG: Bestellung"
    message.set_content(
        "see below\n\n-------- Forwarded Message --------\n"
        "Subject: Bestellung\nFrom: Anna Buyer <Anna@Northwind-Retail.example>\n"
        "Date: Tue, 1 Dec 2026\n\nHallo..."
    )
    message.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="po.pdf"
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.original_sender == "anna@northwind-retail.example"


def test_attached_eml_file_is_opened_as_a_forward() -> None:
    original = simple_mail()
    original.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="PO.pdf"
    )
    outer = simple_mail("rep@supplier.example")
    outer.add_attachment(
        original.as_bytes(),
        maintype="application",
        subtype="octet-stream",
        filename="original.eml",
    )
    parsed = parse_message(outer.as_bytes())
    assert [a.filename for a in parsed.purchase_orders] == ["PO.pdf"]
    assert parsed.original_sender == "anna@northwind-retail.example"


def test_inline_pdf_counts_and_duplicates_count_once() -> None:
    message = simple_mail()
    message.add_attachment(
        PDF,
        maintype="application",
        subtype="pdf",
        filename="po.pdf",
        disposition="inline",
    )
    message.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="copy.pdf"
    )
    parsed = parse_message(message.as_bytes())
    assert len(parsed.attachments) == 2
    [po] = parsed.purchase_orders
    assert po.inline is True


def test_images_and_signatures_are_not_purchase_orders() -> None:
    message = simple_mail()
    message.add_attachment(
        b"\x89PNG\r\n\x1a\n....", maintype="image", subtype="png", filename="logo.png"
    )
    parsed = parse_message(message.as_bytes())
    assert parsed.purchase_orders == []
    assert [a.kind for a in parsed.attachments] == ["other"]


def test_bad_charsets_and_broken_headers_do_not_stop_parsing() -> None:
    raw = (
        b"From: =?x-unknown?Q?M=FCller?= <mueller@acme.example>\r\n"
        b"Subject: =?utf-8?B?broken base64?=\r\nDate: yesterday-ish\r\n"
        b"Message-ID: <1@acme.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=klingon-8\r\n\r\nGr\xfc\xdfe\r\n"
        b"--b1\r\nContent-Type: application/pdf; name=po.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF)[:-6]  # truncated base64
        + b"\r\n--b1--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.sender == "mueller@acme.example"
    assert parsed.date is None
    assert "Gr" in parsed.text
    [po] = parsed.purchase_orders
    assert po.kind == "pdf" and po.data.startswith(b"%PDF-1.4")


def test_mail_without_headers_is_unreadable() -> None:
    with pytest.raises(UnreadableMail, match="no mail headers"):
        parse_message(b"\x00\x01\x02 binary garbage\xff\xfe without any header")
    with pytest.raises(UnreadableMail, match="empty"):
        parse_message(b"  \r\n")


def test_ragged_hand_made_csv_is_recognised() -> None:
    sheet = (
        b"Purchase Order\r\nPO Number;4711\r\nCurrency;EUR\r\n\r\n"
        b"Line;Item;Qty;Price\r\n1;NW-1;5;2.50\r\n2;NW-2;1;9.00\r\nTotal;;;21.50\r\n"
    )
    assert sniff_kind(sheet, "order", "application/octet-stream") == "csv"
    assert sniff_kind(sheet, "notes.docx", "application/octet-stream") == "other"
    prose = b"Dear supplier, thanks.\nBest regards, Anna\n"
    assert sniff_kind(prose, "", "application/octet-stream") == "other"


def test_sniff_kind_trusts_bytes_over_names() -> None:
    assert sniff_kind(PDF, "order.txt", "text/plain") == "pdf"
    assert sniff_kind(xlsx_bytes(), "", "application/octet-stream") == "xlsx"
    assert sniff_kind(b"PK\x03\x04notazip", "x.zip", "application/zip") == "other"
    assert sniff_kind(b"hello", "notes.txt", "text/plain") == "other"
    assert sniff_kind(b"a,b,c\n1,2,3\n", "po.csv", "text/csv") == "csv"


def test_safe_filename_strips_paths_and_control_characters() -> None:
    assert safe_filename("../../etc/passwd", "pdf", 1) == "passwd.pdf"
    assert safe_filename("C:\\Users\\x\\PO 1.pdf", "pdf", 1) == "PO 1.pdf"
    assert safe_filename("\x00\x07", "csv", 4) == "attachment-4.csv"
    assert sender_domain("Anna@Northwind-Retail.Example") == "northwind-retail.example"
    assert sender_domain("nobody") == ""

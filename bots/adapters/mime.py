"""Defensive parsing of e-mail messages into their purchase-order attachments.

Mail from customers' systems is messy: odd or wrong charsets, file names encoded per
RFC 2231 or (against the rules) RFC 2047, parts with no or a wrong content type,
POs inside forwarded messages (message/rfc822 parts or attached .eml files), PDFs
marked inline, headers that do not parse. `parse_message` uses the standard library's
`email` package with `policy.default` and falls back to lenient decoding wherever it
fails, so one odd part never loses the rest of the message. Only a message with no
recognisable header at all is refused with `UnreadableMail`. No I/O happens here.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

log = logging.getLogger(__name__)

PO_KINDS = ("pdf", "xlsx", "csv")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}
EXTENSIONS = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv"}
MAX_DEPTH = 8
MAX_TEXT_CHARS = 20_000
FORWARD_MARKERS = re.compile(
    r"(-{2,}\s*(forwarded message|original message|weitergeleitete nachricht|"
    r"urspr\u00fcngliche nachricht)\s*-{2,}|^begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)
FORWARDED_FROM = re.compile(
    r"^\s*(?:from|von|de)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE
)
UNSAFE_NAME_CHARS = re.compile(r"[^\w.\- ()+,=@]+", re.UNICODE)


class UnreadableMail(ValueError):
    """The bytes are not an e-mail message this parser can make sense of."""


@dataclass(frozen=True)
class Attachment:
    """One file carried by a message (at any depth of forwarding)."""

    filename: str
    kind: str  # pdf | xlsx | csv | other
    content_type: str
    data: bytes
    sender: str  # address of the (innermost) message that carried the file
    inline: bool = False

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_purchase_order(self) -> bool:
        return self.kind in PO_KINDS


@dataclass
class ParsedMail:
    """What the bots need from one message."""

    message_id: str
    sender: str
    sender_name: str
    subject: str
    date: datetime | None
    text: str
    attachments: list[Attachment] = field(default_factory=list)
    forwarded_from: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def original_sender(self) -> str:
        """The customer's address: the forwarded message's sender when forwarded."""
        return self.forwarded_from or self.sender

    @property
    def purchase_orders(self) -> list[Attachment]:
        """PO attachments, each file once (a copy in a forward counts once)."""
        seen: set[str] = set()
        found = []
        for attachment in self.attachments:
            if attachment.is_purchase_order and attachment.sha256 not in seen:
                seen.add(attachment.sha256)
                found.append(attachment)
        return found


def parse_message(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes; raise `UnreadableMail` only when nothing is usable."""
    if not raw or not raw.strip():
        raise UnreadableMail("the message is empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient; anything here is fatal
        raise UnreadableMail(f"the message cannot be parsed ({exc})") from exc
    if not _has_headers(message):
        raise UnreadableMail("the message has no mail headers")
    sender_name, sender = _address(message, "From")
    parsed = ParsedMail(
        message_id=header_text(message, "Message-ID").strip(),
        sender=sender,
        sender_name=sender_name,
        subject=header_text(message, "Subject"),
        date=_date(message),
        text="",
    )
    texts: list[str] = []
    _collect(message, parsed, texts, sender=sender, depth=0)
    parsed.text = "\n".join(texts)[:MAX_TEXT_CHARS]
    if not parsed.forwarded_from:
        parsed.forwarded_from = _inline_forward_sender(parsed.text, sender)
    return parsed


def _has_headers(message: Message) -> bool:
    known = ("from", "to", "subject", "date", "message-id", "content-type", "received")
    return any(key.lower() in known for key in message)


def header_text(message: Message, name: str) -> str:
    """A header as text, even when it is malformed or badly encoded."""
    try:
        value = message.get(name)
        return "" if value is None else " ".join(str(value).split())
    except Exception:
        pass
    try:
        raw = message.get_all(name, failobj=[])
        raw_value = raw[0] if raw else ""
        text = str(make_header(decode_header(str(raw_value))))
    except Exception:
        text = str(message.get_all(name, failobj=[""])[0])
    return " ".join(text.encode("utf-8", "replace").decode("utf-8").split())


def _address(message: Message, name: str) -> tuple[str, str]:
    text = header_text(message, name)
    try:
        pairs = getaddresses([text])
    except Exception:
        pairs = [parseaddr(text)]
    for display, address in pairs:
        if "@" in address:
            return display.strip(), address.strip().lower()
    found = re.search(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", text)
    return "", found.group(0).lower() if found else ""


def _date(message: Message) -> datetime | None:
    text = header_text(message, "Date")
    try:
        return parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        return None


def _collect(
    part: Message, parsed: ParsedMail, texts: list[str], *, sender: str, depth: int
) -> None:
    """Walk one part (recursively) into texts and attachments."""
    if depth > MAX_DEPTH:
        parsed.problems.append("message nested too deeply; inner parts skipped")
        return
    content_type = _content_type(part)
    if content_type == "message/rfc822" or _is_attached_eml(part):
        _collect_forward(part, parsed, texts, depth=depth)
        return
    if part.is_multipart():
        for child in _children(part):
            _collect(child, parsed, texts, sender=sender, depth=depth + 1)
        return
    data = _payload(part, parsed)
    filename = _filename(part)
    disposition = (part.get_content_disposition() or "").lower()
    if (
        content_type.startswith("text/")
        and not filename
        and disposition != "attachment"
    ):
        kind = sniff_kind(data, "", content_type) if content_type == "text/csv" else ""
        if not kind:
            texts.append(_text(part, data, content_type))
            return
    kind = sniff_kind(data, filename, content_type)
    if not data:
        parsed.problems.append(f"empty part {filename or content_type} skipped")
        return
    parsed.attachments.append(
        Attachment(
            filename=safe_filename(filename, kind, len(parsed.attachments) + 1),
            kind=kind,
            content_type=CONTENT_TYPES.get(kind, content_type),
            data=data,
            sender=sender,
            inline=disposition == "inline",
        )
    )


def _collect_forward(
    part: Message, parsed: ParsedMail, texts: list[str], *, depth: int
) -> None:
    inner = _inner_message(part)
    if inner is None:
        parsed.problems.append("a forwarded message could not be read")
        return
    _, inner_sender = _address(inner, "From")
    if inner_sender and not parsed.forwarded_from:
        parsed.forwarded_from = inner_sender
    _collect(
        inner, parsed, texts, sender=inner_sender or parsed.sender, depth=depth + 1
    )


def _inner_message(part: Message) -> Message | None:
    if _content_type(part) == "message/rfc822":
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            return payload[0]
        if isinstance(payload, Message):
            return payload
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes) or not data.strip():
        return None
    inner = BytesParser(policy=policy.default).parsebytes(data)
    return inner if _has_headers(inner) else None


def _is_attached_eml(part: Message) -> bool:
    name = (_filename(part) or "").lower()
    return name.endswith(".eml") and not part.is_multipart()


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return (
        [child for child in payload if isinstance(child, Message)]
        if isinstance(payload, list)
        else []
    )


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _payload(part: Message, parsed: ParsedMail) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        parsed.problems.append(f"a part could not be decoded ({exc})")
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _text(part: Message, data: bytes, content_type: str) -> str:
    charset = (part.get_content_charset() or "utf-8").strip().lower()
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            text = data.decode(candidate)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        text = data.decode("latin-1")
    if content_type == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text


def _filename(part: Message) -> str:
    """The part's file name: RFC 2231 and (non-standard) RFC 2047 both decoded."""
    name = ""
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if not name:
        try:
            name = str(part.get_param("name", "", header="content-type") or "")
        except Exception:
            name = ""
    if isinstance(name, tuple):  # a raw RFC 2231 triple under compat policies
        name = _decode_2231(name)
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except Exception:
            pass
    return " ".join(name.split())


def _decode_2231(value: tuple[str, str, str]) -> str:
    charset, _, text = value
    from urllib.parse import unquote_to_bytes

    try:
        return unquote_to_bytes(text).decode(charset or "utf-8", "replace")
    except LookupError:
        return unquote_to_bytes(text).decode("utf-8", "replace")


def sniff_kind(data: bytes, filename: str, content_type: str) -> str:
    """pdf, xlsx, csv or other - from the bytes first, then the name and type."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if _is_xlsx(data) else "other"
    name = filename.lower()
    if content_type == "application/pdf" or name.endswith(".pdf"):
        return "pdf"  # declared a PDF: let the PO reader say what is wrong with it
    if name.endswith(".csv") or content_type in ("text/csv", "application/csv"):
        return "csv" if _looks_like_csv(data) else "other"
    if content_type in (
        "application/octet-stream",
        "text/plain",
        "",
    ) and _looks_like_csv(data):
        extension = name.rpartition(".")[2] if "." in name else ""
        return "csv" if extension in ("", "txt", "dat") else "other"
    return "other"


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith("xl/") for n in archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _looks_like_csv(data: bytes) -> bool:
    """Text whose lines mostly carry one separator, several times on some lines
    (hand-made sheets are ragged: a header block, then a wider table)."""
    if not data or b"\x00" in data[:4096]:
        return False
    text = data[:8192].decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()][:30]
    if len(lines) < 2:
        return False
    for separator in (";", "\t", ","):
        counts = [line.count(separator) for line in lines]
        with_it = sum(1 for count in counts if count)
        wide = sum(1 for count in counts if count >= 2)
        if wide >= 2 and with_it >= 0.6 * len(lines):
            return True
    return False


def safe_filename(name: str, kind: str, number: int) -> str:
    """A file name safe to store: no path, no control characters, right extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = UNSAFE_NAME_CHARS.sub("_", base).strip(" ._")[:120]
    extension = EXTENSIONS.get(kind, "")
    if not base:
        base = f"attachment-{number}{extension or '.bin'}"
    elif extension and not base.lower().endswith(extension):
        base += extension
    return base


def _inline_forward_sender(text: str, own_sender: str) -> str:
    """The original sender quoted in an inline-forwarded body ('From: ...')."""
    marker = FORWARD_MARKERS.search(text)
    if marker is None:
        return ""
    found = FORWARDED_FROM.search(text, marker.end())
    if found is None:
        return ""
    _, address = parseaddr(found.group(1))
    if "@" not in address:
        match = re.search(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+", found.group(1))
        address = match.group(0) if match else ""
    address = address.lower()
    return address if address and address != own_sender else ""


def sender_domain(address: str) -> str:
    """The domain of an address, lower case ('' when there is none)."""
    return (
        address.rpartition("@")[2].strip().strip(">").lower() if "@" in address else ""
    )


__all__ = [
    "Attachment",
    "ParsedMail",
    "UnreadableMail",
    "parse_message",
    "safe_filename",
    "sender_domain",
    "sniff_kind",
]

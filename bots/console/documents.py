"""Show input documents to operators: PDF pages as PNG images, mails as headers
and text.

PDF pages are rendered with poppler's `pdftoppm` into a cache folder keyed by the
file's SHA-256, so a page is drawn once however often it is looked at. Mails are
parsed with the standard library; everything taken from them is returned as plain
text for the templates to escape.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import shutil
import subprocess
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

log = logging.getLogger(__name__)

MAX_PAGES = 12
RESOLUTION_DPI = 90
RENDER_TIMEOUT_SECONDS = 30
MAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
MAX_TEXT_CHARS = 20_000


@dataclass
class MailView:
    """What an operator needs to see of a mail."""

    headers: list[tuple[str, str]]
    text: str
    attachments: list[str] = field(default_factory=list)


def file_kind(name: str, content_type: str | None) -> str:
    """`pdf`, `mail`, `image`, `html`, `text` or `other`, from name and type."""
    lowered = name.lower()
    ctype = (content_type or "").lower()
    if lowered.endswith(".pdf") or ctype == "application/pdf":
        return "pdf"
    if lowered.endswith(".eml") or ctype == "message/rfc822":
        return "mail"
    if lowered.endswith((".png", ".jpg", ".jpeg")) or ctype in (
        "image/png",
        "image/jpeg",
    ):
        return "image"
    if lowered.endswith((".html", ".htm")) or ctype == "text/html":
        return "html"
    if lowered.endswith((".txt", ".log", ".jsonl", ".json", ".csv")):
        return "text"
    return "other"


def pdf_page_count(path: Path) -> int:
    """Pages of a PDF (0 when it cannot be read)."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception as exc:  # noqa: BLE001 - a corrupt input is shown, not a crash
        log.warning("cannot read PDF %s: %s", path.name, exc)
        return 0


def render_pdf_page(path: Path, page: int, cache_dir: Path) -> Path | None:
    """The PNG of page `page` (1-based), rendered on first request."""
    if page < 1 or page > MAX_PAGES:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    folder = cache_dir / digest
    target = folder / f"page-{page}.png"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    # A name of its own per request, so two requests for one page never collide.
    stem = f"tmp-{page}-{secrets.token_hex(4)}"
    if shutil.which("pdftoppm"):
        _render_with_poppler(path, page, folder / stem)
    else:
        _render_with_pdfplumber(path, page, folder / f"{stem}.png")
    produced = _first_match(folder, stem)
    if produced is None:
        return None
    produced.replace(target)
    return target


def _render_with_poppler(path: Path, page: int, prefix: Path) -> None:
    command = [
        "pdftoppm",
        "-png",
        "-r",
        str(RESOLUTION_DPI),
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(path),
        str(prefix),
    ]
    try:
        subprocess.run(
            command, check=True, capture_output=True, timeout=RENDER_TIMEOUT_SECONDS
        )
    except (subprocess.SubprocessError, OSError) as exc:
        log.warning("pdftoppm could not render page %d of %s: %s", page, path.name, exc)


def _render_with_pdfplumber(path: Path, page: int, target: Path) -> None:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            if page <= len(pdf.pages):
                pdf.pages[page - 1].to_image(resolution=RESOLUTION_DPI).save(target)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds
        log.warning("could not render page %d of %s: %s", page, path.name, exc)


def _first_match(folder: Path, stem: str) -> Path | None:
    for candidate in folder.glob(f"{stem}*.png"):
        return candidate
    return None


def read_mail(path: Path) -> MailView:
    """Headers, the text part and attachment names of an RFC 822 file."""
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    headers = [(name, str(message[name])) for name in MAIL_HEADERS if message[name]]
    return MailView(
        headers=headers,
        text=_text_part(message)[:MAX_TEXT_CHARS],
        attachments=[
            part.get_filename() or "(unnamed)" for part in message.iter_attachments()
        ]
        if isinstance(message, EmailMessage)
        else [],
    )


def _text_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    if body is None:
        body = message.get_body(preferencelist=("html",))
        if body is None:
            return ""
        return "(this mail has only an HTML part; shown as source)\n" + _content(body)
    return _content(body)


def _content(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")

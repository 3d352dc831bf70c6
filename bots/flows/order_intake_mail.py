"""Order intake's mail side: turn fetched mail into work items and file mail once
every item from it has settled.

Each PO attachment (PDF, XLSX, CSV) becomes one work item whose reference is the
customer's mail domain plus the attachment's SHA-256, so a re-delivered or forwarded
copy of the same PO finds the item that exists. A mail that cannot be read, is too
big, or carries no PO becomes one item that goes to the exception queue with the mail
attached. Each PO is read when its item is made, so that the extracted fields are in
the payload for an operator to correct. Which items came from which mail is kept in the kv_store (`MAILS_NAMESPACE`)
until the mail is filed in the processed or the exceptions folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bots.adapters.mail import FetchedMail, Mailbox, MailRef
from bots.adapters.mime import (
    Attachment,
    ParsedMail,
    UnreadableMail,
    parse_message,
    sender_domain,
)
from bots.runtime.artifacts import safe_name
from bots.runtime.bot import NewItem

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

MAILS_NAMESPACE = "order-intake.mails"
MESSAGE_FILE = "message.eml"
PO_KIND = "purchase_order"
NOT_A_PO = "not_a_purchase_order"
SETTLED = ("done", "resolved", "discarded", "exception")
MAIL_PROBLEMS = {
    "unreadable_mail": "the mail cannot be read ({detail}); open message.eml, enter "
    "the order by hand and resolve the item",
    "mail_too_large": "the mail is {detail}, over the limit of imap.max_message_bytes; "
    "it was not downloaded - handle it in the mailbox and resolve the item",
    "no_attachment": "the mail from {detail} carries no PDF, XLSX or CSV purchase "
    "order; ask the customer for one or enter it by hand",
    "attachment_too_large": "the attachment {detail} is over the limit of "
    "intake.max_attachment_bytes; enter it by hand and resolve the item",
}


def mail_key(mailbox: Mailbox, ref: MailRef) -> str:
    return f"{mailbox.key}#{ref.uidvalidity}:{ref.uid}"


def items_for_mail(fetched: FetchedMail, settings: Settings) -> list[NewItem]:
    """The work items one mail becomes (at least one: nothing is dropped)."""
    header = _mail_header(fetched)
    if fetched.too_large:
        size = f"{fetched.size / 1_000_000:.1f} MB"
        return [_problem_item("mail_too_large", size, fetched, header)]
    try:
        parsed = parse_message(fetched.raw)
    except UnreadableMail as exc:
        return [_problem_item("unreadable_mail", str(exc), fetched, header)]
    except Exception as exc:  # a parser bug must not stop the inbox
        log.exception("mail UID %d could not be parsed", fetched.ref.uid)
        return [_problem_item("unreadable_mail", type(exc).__name__, fetched, header)]
    header.update(_parsed_header(parsed))
    orders = parsed.purchase_orders
    if not orders:
        return [_problem_item("no_attachment", parsed.sender or "?", fetched, header)]
    limit = settings.intake.max_attachment_bytes
    items = [
        _po_item(attachment, parsed, fetched, header, settings)
        if attachment.size <= limit
        else _problem_item(
            "attachment_too_large",
            attachment.filename,
            fetched,
            header,
            extra=attachment.sha256,
        )
        for attachment in orders
    ]
    return _without_side_documents(items)


def _without_side_documents(items: list[NewItem]) -> list[NewItem]:
    """Drop attached documents that are not purchase orders (terms and conditions,
    delivery notes) when the mail also carries a readable PO; kept otherwise, so a
    mail never vanishes without an item."""
    readable = [item for item in items if "po" in item.payload]
    if not readable:
        return items
    kept = []
    for item in items:
        error = item.payload.get("document_error") or {}
        if error.get("code") == NOT_A_PO:
            log.info("%s is not a purchase order; skipped beside the PO in the mail",
                     item.payload["attachment"]["name"])  # fmt: skip
            continue
        kept.append(item)
    return kept


def _mail_header(fetched: FetchedMail) -> dict[str, Any]:
    return {**fetched.ref.as_dict(), "size": fetched.size}


def _parsed_header(parsed: ParsedMail) -> dict[str, Any]:
    return {
        "from": parsed.sender,
        "from_name": parsed.sender_name,
        "original_sender": parsed.original_sender,
        "subject": parsed.subject[:300],
        "date": parsed.date.isoformat() if parsed.date else None,
        "message_id": parsed.message_id,
        "problems": parsed.problems[:10],
    }


def stored_name(filename: str) -> str:
    """The name the runtime stores an input file under (ASCII, no folders)."""
    return safe_name(filename)


def po_reference(attachment: Attachment, parsed: ParsedMail) -> str:
    """The idempotency key of one PO: customer domain + content hash."""
    domain = sender_domain(attachment.sender or parsed.original_sender) or "unknown"
    return f"po:{domain}:{attachment.sha256[:24]}"


def extract(attachment: Attachment, settings: Settings) -> dict[str, Any]:
    """The PO as the reader sees it, for the payload: `po` (the JSON an operator may
    correct) with `po_sha256` (to tell a corrected one), or `document_error`."""
    from bots.documents.po import read_purchase_order
    from bots.errors import DocumentError

    folder = Path(tempfile.mkdtemp(prefix="o2c-po-"))
    path = folder / stored_name(attachment.filename)
    try:
        path.write_bytes(attachment.data)
        po = read_purchase_order(path, templates_dir=settings.intake.templates_dir)
    except DocumentError as exc:
        message = exc.message.split(": ", 1)[-1]
        return {"document_error": {"code": exc.code, "message": message}}
    except Exception as exc:  # a reader bug: process() reads again and reports it
        log.exception("reading %s failed", attachment.filename)
        return {"document_error": {"code": "reader_failed", "message": str(exc)}}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    data = po.to_json()
    return {"po": data, "po_sha256": po_fingerprint(data)}


def po_fingerprint(data: dict[str, Any]) -> str:
    """A hash of PO JSON, to notice when an operator changed it."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _po_item(
    attachment: Attachment,
    parsed: ParsedMail,
    fetched: FetchedMail,
    header: dict[str, Any],
    settings: Settings,
) -> NewItem:
    sender = attachment.sender or parsed.original_sender
    payload = {
        "kind": PO_KIND,
        "mail": header,
        "sender": sender,
        "sender_domain": sender_domain(sender),
        "attachment": {
            "name": attachment.filename,
            "file": stored_name(attachment.filename),
            "kind": attachment.kind,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "inline": attachment.inline,
        },
    }
    payload.update(extract(attachment, settings))
    files = {
        MESSAGE_FILE: fetched.raw,
        stored_name(attachment.filename): attachment.data,
    }
    return NewItem(
        reference=po_reference(attachment, parsed), payload=payload, files=files
    )


def _problem_item(
    code: str,
    detail: str,
    fetched: FetchedMail,
    header: dict[str, Any],
    extra: str = "",
) -> NewItem:
    # Prefer the Message-ID (same mail delivered twice = one item); else the bytes.
    basis = header.get("message_id") or fetched.ref.message_id
    basis = (basis + extra) if basis else hashlib.sha256(fetched.raw).hexdigest()
    digest = hashlib.sha256(f"{code}:{basis}".encode()).hexdigest()[:24]
    payload = {
        "kind": code,
        "mail": header,
        "problem": MAIL_PROBLEMS[code].format(detail=detail),
    }
    return NewItem(
        reference=f"mail:{code}:{digest}",
        payload=payload,
        files={MESSAGE_FILE: fetched.raw},
    )


def pending_entry(
    mailbox: Mailbox, fetched: FetchedMail, items: Iterable[NewItem]
) -> dict[str, Any]:
    return {
        "ref": fetched.ref.as_dict(),
        "mailbox": mailbox.key,
        "references": [item.reference for item in items],
    }


def filing_target(statuses: dict[str, str | None], settings: Settings) -> str | None:
    """Where a mail goes given its items' statuses; None while any is unsettled."""
    if not statuses or any(s not in SETTLED for s in statuses.values()):
        return None
    if any(s == "exception" for s in statuses.values()):
        return settings.imap.exceptions_folder
    return settings.imap.processed_folder

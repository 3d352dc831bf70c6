"""Build and send one customer mail from a work item: recipients from the customer's
contacts in the ERP, text and HTML from the templates, sent at most once."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from bots.adapters.erp.base import Customer
from bots.adapters.smtp import Mailer, build_message
from bots.comms.outbox import send_once
from bots.comms.render import render_mail
from bots.config import Settings
from bots.errors import BusinessError

log = logging.getLogger(__name__)


def recipients(customer: Customer, roles: list[str]) -> tuple[list[str], str]:
    """The addresses for a mail and the name to greet: contacts with one of `roles`,
    else every contact, else the customer's addresses."""
    chosen = [c for c in customer.contacts if c.role in roles] or list(
        customer.contacts
    )
    emails = [c.email for c in chosen if c.email] or list(customer.emails)
    if not emails:
        raise BusinessError(
            "no_contact",
            f"customer {customer.customer_no} ({customer.name}) has no contact with an "
            "email address in the ERP; add one there, then retry",
            step="recipients",
        )
    name = chosen[0].name if chosen else customer.name
    return emails, name


def message_id(reference: str, sender: str) -> str:
    digest = hashlib.sha256(reference.encode()).hexdigest()[:24]
    return f"<{digest}@{sender.rpartition('@')[2] or 'o2c.local'}>"


def send_customer_mail(
    settings: Settings,
    mailer: Mailer,
    *,
    reference: str,
    kind: str,
    customer: Customer,
    roles: list[str],
    context: dict[str, Any],
    dry_run: bool = False,
) -> dict[str, Any]:
    """Render and send; returns what the work item records as its result."""
    to, contact_name = recipients(customer, roles)
    full = {
        "contact_name": contact_name,
        "sender_name": settings.comms.sender_name,
        "customer": {"customer_no": customer.customer_no, "name": customer.name},
        **context,
    }
    mail = render_mail(kind, full, home=settings.home)
    result: dict[str, Any] = {"to": to, "subject": mail.subject, "kind": kind}
    if dry_run:
        log.info("dry run: would send '%s' to %s", mail.subject, ", ".join(to))
        return {**result, "dry_run": True}
    message = build_message(
        mailer.sender, to, mail, message_id=message_id(reference, settings.smtp.sender)
    )
    sent = send_once(settings, mailer, reference, message)
    return {**result, "sent": sent, "already_sent": not sent}

"""Send each customer mail at most once.

Before a mail goes out its key is marked `sending` in the runtime's memory, and `sent`
once the server accepted it. A retry finds `sent` and does nothing; a mail the server
refused is unmarked and may be retried. A key left at `sending` means the process died
while the server was answering: whether the customer got it is unknown, so the work
item goes to an operator instead of risking a second copy.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage

from bots.adapters.smtp import Mailer
from bots.config import Settings
from bots.errors import BusinessError, TechnicalError
from bots.runtime.kv import kv_delete, kv_get, kv_put

log = logging.getLogger(__name__)
NAMESPACE = "outbox"


def send_once(
    settings: Settings, mailer: Mailer, key: str, message: EmailMessage
) -> bool:
    """Send `message` unless `key` was sent before; True when it was sent now."""
    state = kv_get(settings, NAMESPACE, key)
    if state and state.get("state") == "sent":
        log.info("mail %s was already sent at %s", key, state.get("at"))
        return False
    if state and state.get("state") == "sending":
        raise BusinessError(
            "mail_uncertain",
            f"the mail '{message['Subject']}' may or may not have reached the customer "
            "(the bot stopped while sending); check the sent mail, then resolve or "
            "retry this item",
            step="send mail",
        )
    kv_put(settings, NAMESPACE, key, {"state": "sending", "at": _now()})
    try:
        mailer.send(message)
    except (TechnicalError, BusinessError):
        kv_delete(settings, NAMESPACE, key)  # the server did not accept it
        raise
    kv_put(
        settings,
        NAMESPACE,
        key,
        {"state": "sent", "at": _now(), "message_id": str(message["Message-ID"])},
    )
    return True


def forget(settings: Settings, key: str) -> None:
    """Allow a mail to be sent again (an operator retried an uncertain one)."""
    kv_delete(settings, NAMESPACE, key)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

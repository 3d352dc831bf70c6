"""Reading the values the sandbox ERP shows: amounts ("1,234.50"), dates
(YYYY-MM-DD) and ISO timestamps."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from bots.errors import TechnicalError

log = logging.getLogger(__name__)


def money(text: str | None) -> Decimal:
    """An amount as the ERP shows it ("1,234.50") as Decimal; blank is zero."""
    cleaned = (text or "").replace(",", "").strip()
    if not cleaned:
        return Decimal(0)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise TechnicalError(
            "unreadable_value",
            f"the ERP showed '{text}' where an amount belongs",
            step="read",
        ) from None


def day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def timestamp(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)

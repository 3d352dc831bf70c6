"""Parsing and display of the values the ERP screens take and show.

Dates are accepted as YYYY-MM-DD or DD.MM.YYYY and shown as YYYY-MM-DD. Money is
accepted as "1234.50" or "1,234.50" and shown with two decimals and thousands
separators ("1,234.50").
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
_MONEY = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")


def parse_date(text: str) -> date | None:
    """A date from YYYY-MM-DD or DD.MM.YYYY; None when blank or malformed."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_decimal(text: str) -> Decimal | None:
    """A Decimal from "1234.50" or "1,234.50"; None when blank or malformed."""
    text = (text or "").strip()
    if not text or not _MONEY.match(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def money(value: Decimal | str | None) -> str:
    """Money for display: "1,234.50"."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(CENT):,.2f}"


def quantity(value: Decimal | str | None) -> str:
    """A quantity without trailing zeros: "12", "2.5"."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    return f"{number:f}"

"""The customer-portal adapter interface: what the status-updates bot asks of a
customer's supplier portal, whatever its screens.

Errors: `TechnicalError` (retried) with code `timeout`, `http_error`, `maintenance`,
`session_expired`, `selector_missing` or `login_failed`; `BusinessError` with code
`po_not_found` or `portal_rejected` (the portal's own message is the error message).
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

ACK, SHIP, DELAY = "acknowledgment", "ship_notice", "delay_notice"


@dataclass(frozen=True)
class PortalLine:
    line: str  # the portal's line or item number ("1", "00010")
    sku: str  # the customer's part number
    quantity: Decimal
    shipped: Decimal = Decimal("0")


@dataclass(frozen=True)
class Communication:
    """Something already posted to the PO, fields named as in `ACK/SHIP/DELAY`
    postings: order_number, confirmed_date / carrier, tracking_number, ship_date /
    new_date, reason."""

    type: str
    fields: dict[str, str]


@dataclass(frozen=True)
class PortalPO:
    po_number: str
    status: str
    lines: list[PortalLine] = field(default_factory=list)
    communications: list[Communication] = field(default_factory=list)

    def has(self, kind: str, **expected: str) -> bool:
        """Whether a posting of `kind` with these field values is already there."""
        for comm in self.communications:
            if comm.type == kind and all(
                _same(comm.fields.get(k, ""), v) for k, v in expected.items()
            ):
                return True
        return False


@dataclass(frozen=True)
class PostResult:
    created: bool  # False when the portal said it was already on file
    message: str


class PortalAdapter(ABC):
    """One logged-in session on one customer portal."""

    name: str = ""

    def __enter__(self) -> PortalAdapter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def open(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def find_po(self, po_number: str) -> PortalPO | None:
        """The PO as the portal shows it, or None when the portal has no such PO."""

    @abstractmethod
    def post_acknowledgment(
        self, po_number: str, order_number: str, confirmed_date: date
    ) -> PostResult: ...

    @abstractmethod
    def post_ship_notice(
        self,
        po_number: str,
        carrier: str,
        tracking: str,
        ship_date: date,
        quantities: dict[str, Decimal],
    ) -> PostResult:
        """`quantities` maps the customer's part number to the quantity shipped."""

    @abstractmethod
    def post_delay_notice(
        self, po_number: str, new_date: date, reason: str
    ) -> PostResult: ...

    @abstractmethod
    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]: ...


DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%d %b %Y", "%b %d, %Y", "%d/%m/%Y")


def parse_date(text: str) -> date | None:
    """A date as portals print it; None when it is not one."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_quantity(text: str) -> Decimal:
    cleaned = re.sub(r"[^0-9.\-]", "", text.replace(",", ""))
    try:
        return Decimal(cleaned) if cleaned else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def _same(shown: str, expected: str) -> bool:
    """Portal text equals our value, dates compared as dates."""
    if shown.strip().casefold() == expected.strip().casefold():
        return True
    left, right = parse_date(shown), parse_date(expected)
    return left is not None and left == right

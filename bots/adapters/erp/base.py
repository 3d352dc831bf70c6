"""The ERP adapter interface: what the bots ask of an ERP, whatever its screens.

Order intake, cash application and status updates talk to the ERP only through
`ErpAdapter`. The sandbox ERP (`sandbox.py`, Playwright on its legacy screens) is the
first implementation; Tryton follows. Money and quantities are `Decimal`, dates are
`date`, timestamps aware `datetime`.

Errors every method may raise:
- `TechnicalError` (retried by the runtime) with `code` one of `timeout`,
  `http_error`, `maintenance`, `session_expired`, `selector_missing`, and more rarely
  `unexpected_screen` (a page that does not add up, e.g. a line that did not appear)
  or `browser_error`; its `details` carry `evidence` (paths of a screenshot, the page
  HTML and the trace segment, as strings) and `url`. `open()` raises
  `SystemUnavailable` `login_failed` when the ERP refuses the user or password, and
  `ConfigError` when no password is set.
- `BusinessError` (operator decides) with `code` one of `duplicate_po`,
  `duplicate_bank_ref`, `order_unfinished` / `payment_unfinished` (an order with
  that PO or a payment with that bank reference was begun in the ERP but not
  finished), `unknown_customer`, `unknown_order`,
  `erp_rejected` (the ERP's own validation message, e.g. an unknown item, is the
  error message).

An expired session mid-flow is handled inside the adapter: it logs in again and
restarts that flow from the start, checking first whether the interrupted attempt
already went through (an order with that PO, a payment with that bank reference).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)

# Order statuses as the ERP names them.
ORDER_STATUSES = ("open", "confirmed", "shipped", "backordered", "cancelled")
# Deduction reason codes of the cash application screen.
REASON_CODES = ("DMG", "PRC", "PRM", "SHT", "FRT", "OTH")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str  # e.g. "purchasing", "accounts-payable"


@dataclass(frozen=True)
class Address:
    code: str  # the ship-to code used on the order header
    address: str  # the address as one text, lines joined with ", "


@dataclass
class Customer:
    customer_no: str
    name: str
    currency: str
    emails: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    ship_to: list[Address] = field(default_factory=list)


@dataclass(frozen=True)
class ItemRef:
    """One of our items, as seen for a customer (with its part number if mapped)."""

    item_no: str
    description: str
    uom: str
    price: Decimal  # the ERP price for that customer (or list price)
    customer_part: str | None = None


@dataclass(frozen=True)
class OrderHeader:
    customer_no: str
    customer_po: str
    po_date: date
    requested_date: date | None = None
    ship_to: str | None = None  # ship-to code; None = the customer's first


@dataclass(frozen=True)
class OrderLine:
    item_no: str  # our item number (or the customer's part number)
    quantity: Decimal
    unit_price: Decimal | None = None  # None = let the ERP price it


@dataclass(frozen=True)
class OrderEntry:
    header: OrderHeader
    lines: list[OrderLine]


@dataclass(frozen=True)
class OrderRef:
    so_number: str
    customer_no: str
    customer_po: str
    status: str
    total: Decimal
    order_date: date | None = None


@dataclass(frozen=True)
class OrderStatusLine:
    line: int
    item_no: str
    description: str
    quantity: Decimal
    shipped_quantity: Decimal | None = None
    uom: str = ""
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    customer_part: str | None = None


@dataclass(frozen=True)
class OrderStatus:
    """An order's status; `lines` is filled by `order_detail`, empty in lists."""

    so_number: str
    customer_no: str
    customer_po: str
    status: str  # one of ORDER_STATUSES
    confirmed_date: date | None = None
    carrier: str | None = None
    tracking: str | None = None
    ship_date: date | None = None
    backorder_date: date | None = None
    reason: str | None = None
    updated: datetime | None = None
    lines: list[OrderStatusLine] = field(default_factory=list)


@dataclass(frozen=True)
class PaymentApplication:
    invoice_number: str
    amount: Decimal  # cash applied to the invoice
    discount: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    reason_code: str | None = None  # required when deduction > 0; see REASON_CODES


@dataclass(frozen=True)
class PaymentPosting:
    bank_ref: str
    payer: str  # customer number
    amount: Decimal
    currency: str
    value_date: date
    applications: list[PaymentApplication] = field(default_factory=list)


@dataclass(frozen=True)
class PostedPayment:
    document: str  # e.g. PAY-2026-000123
    bank_ref: str
    amount: Decimal
    payer: str | None = None
    value_date: date | None = None


class ErpAdapter(ABC):
    """One logged-in connection to an ERP. Use as a context manager or call
    `open()` / `close()`; `close()` never raises."""

    def __enter__(self) -> Self:
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
    def open(self) -> None:
        """Start the session and log in."""

    @abstractmethod
    def close(self) -> None:
        """Log out and release the browser; must not raise."""

    # Customers and items
    @abstractmethod
    def list_customers(self) -> list[Customer]:
        """Every customer with contacts and ship-to addresses (cached per session)."""

    @abstractmethod
    def get_customer(self, customer_no: str) -> Customer:
        """One customer; BusinessError `unknown_customer` when there is none."""

    @abstractmethod
    def cross_reference(self, customer_no: str) -> list[ItemRef]:
        """The customer's part numbers mapped to our items (cached per session)."""

    @abstractmethod
    def find_item(self, customer_no: str, customer_sku: str) -> ItemRef | None:
        """Our item for the customer's part number (or our own item number)."""

    # Orders
    @abstractmethod
    def find_order_by_po(self, customer_no: str, customer_po: str) -> OrderRef | None:
        """The sales order carrying that customer PO, if any (check before acting)."""

    @abstractmethod
    def enter_order(self, entry: OrderEntry) -> str:
        """Enter the order through the order screens; return the sales order number.
        The ERP's duplicate-PO warning is refused: BusinessError `duplicate_po` with
        `details["so_number"]` of the existing order."""

    @abstractmethod
    def order_statuses(self, status: str | None = None) -> list[OrderStatus]:
        """The order status list (all pages), optionally one status only."""

    @abstractmethod
    def order_detail(self, so_number: str) -> OrderStatus:
        """One order with its lines; BusinessError `unknown_order` if missing."""

    # Receivables and cash application
    @abstractmethod
    def download_open_items(
        self, dest_dir: Path, customer_no: str | None = None
    ) -> Path:
        """Save the "Export to Excel" of open items (.xlsx) into dest_dir."""

    @abstractmethod
    def find_payment(self, bank_ref: str) -> PostedPayment | None:
        """The posted payment with that bank reference, if any (check before acting)."""

    @abstractmethod
    def post_payment(self, payment: PaymentPosting) -> str:
        """Post the payment with its applications; return the payment document.
        The ERP's bank-reference warning is refused: BusinessError
        `duplicate_bank_ref` with `details["document"]` of the earlier posting."""

    # Evidence
    @abstractmethod
    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]:
        """Save a screenshot, the page HTML and the trace so far into dest_dir."""

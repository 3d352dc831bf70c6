"""Order intake's decisions, as pure logic: who sent the PO, which of our items each
line is, whether the prices agree, what to type into the ERP, and whether an order
already in the ERP is the same order. No I/O: the bot passes in what the ERP adapter
returned, and gets back an `OrderEntry` or a `BusinessError` an operator can act on.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bots.adapters.erp.base import (
    Customer,
    ItemRef,
    OrderEntry,
    OrderHeader,
    OrderLine,
    OrderStatus,
)
from bots.adapters.mime import sender_domain
from bots.documents.po.models import OrderLine as PoLine
from bots.documents.po.models import PurchaseOrder
from bots.errors import BusinessError

log = logging.getLogger(__name__)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
LEGAL_FORMS = {
    "ag", "bv", "co", "company", "corp", "corporation", "gmbh", "inc", "kg", "limited",
    "llc", "ltd", "nv", "oy", "plc", "sa", "sarl", "sas", "spa", "srl", "the",
}  # fmt: skip


@dataclass(frozen=True)
class MappedLine:
    """A PO line with the item the ERP's cross-reference gave for it."""

    po_line: PoLine
    item: ItemRef

    @property
    def net_price(self) -> Decimal | None:
        return net_unit_price(self.po_line)


def name_tokens(name: str | None) -> list[str]:
    """A company name reduced to comparable words (no accents, no legal form)."""
    if not name:
        return []
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower().replace(".", ""))
    return [word for word in words if word not in LEGAL_FORMS]


def names_match(customer_name: str, buyer_name: str | None) -> bool:
    """True when every word of the customer's name appears in the buyer block name."""
    wanted = name_tokens(customer_name)
    found = set(name_tokens(buyer_name))
    return bool(wanted) and all(word in found for word in wanted)


def full_name(name: str | None) -> str:
    """The whole name, legal form included, in comparable form."""
    if not name:
        return ""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", plain.lower().replace(".", "")))


def _closest_names(found: list[Customer], buyer_name: str | None) -> list[Customer]:
    """Among customers whose name fits, those whose full name (legal form too)
    starts the buyer block name - 'Northwind Retail Inc.' over '... GmbH'."""
    buyer = full_name(buyer_name)
    exact = [c for c in found if buyer.startswith(full_name(c.name))]
    return exact if exact else found


def identify_customer(
    customers: list[Customer], sender: str, buyer_name: str | None
) -> tuple[Customer, str]:
    """The customer who sent the PO and how it was known (`domain`, `domain+name`,
    `buyer_name`); BusinessError `unknown_customer` when it is not certain."""
    domain = sender_domain(sender)
    by_domain = [c for c in customers if domain and domain in _domains(c)]
    by_name = [c for c in customers if names_match(c.name, buyer_name)]
    if len(by_name) > 1:
        by_name = _closest_names(by_name, buyer_name)
    both = [c for c in by_domain if c in by_name]
    if len(both) == 1:
        return both[0], "domain+name"
    if len(by_domain) == 1 and not by_name:
        return by_domain[0], "domain"
    if not by_domain and len(by_name) == 1:
        return by_name[0], "buyer_name"
    raise BusinessError(
        "unknown_customer",
        _unknown_customer_message(sender, buyer_name, by_domain, by_name),
        step="identify_customer",
        details={
            "sender": sender,
            "buyer_name": buyer_name,
            "by_domain": [c.customer_no for c in by_domain],
            "by_name": [c.customer_no for c in by_name],
        },
    )


def _domains(customer: Customer) -> set[str]:
    emails = [*customer.emails, *(contact.email for contact in customer.contacts)]
    return {sender_domain(email) for email in emails if "@" in email}


def _unknown_customer_message(
    sender: str,
    buyer_name: str | None,
    by_domain: list[Customer],
    by_name: list[Customer],
) -> str:
    buyer = f"buyer '{buyer_name}'" if buyer_name else "no buyer name"
    if by_domain and by_name:
        return (
            f"the sender {sender} belongs to "
            f"{', '.join(c.customer_no for c in by_domain)} but the {buyer} is "
            f"{', '.join(c.customer_no for c in by_name)}; choose the customer on the "
            "item and retry"
        )
    if len(by_domain) > 1 or len(by_name) > 1:
        found = by_domain if len(by_domain) > 1 else by_name
        return (
            f"{sender} / {buyer} fits several customers "
            f"({', '.join(c.customer_no for c in found)}); choose one and retry"
        )
    return (
        f"no customer in the ERP has the sender's address {sender or '(none)'} or the "
        f"{buyer}; add the customer or set customer_no on the item and retry"
    )


def map_lines(
    po: PurchaseOrder,
    customer: Customer,
    find_item: Callable[[str, str], ItemRef | None],
) -> list[MappedLine]:
    """Each PO line with our item; BusinessError `unknown_item` naming every SKU the
    cross-reference does not know."""
    mapped: list[MappedLine] = []
    unknown: list[str] = []
    for line in po.lines:
        sku = (line.customer_sku or "").strip()
        item = find_item(customer.customer_no, sku) if sku else None
        if item is None:
            unknown.append(sku or f"(line {line.line} has no item code)")
        else:
            mapped.append(MappedLine(line, item))
    if unknown:
        raise BusinessError(
            "unknown_item",
            f"{customer.customer_no} has no cross-reference for "
            f"{', '.join(unknown)}; map the part number in the ERP or correct the "
            "line and retry",
            step="map_items",
            details={"customer_no": customer.customer_no, "unknown": unknown},
        )
    return mapped


def net_unit_price(line: PoLine) -> Decimal | None:
    """The line's unit price less its discount."""
    if line.unit_price is None:
        return None
    discount = line.discount_percent or Decimal(0)
    return line.unit_price * (HUNDRED - discount) / HUNDRED


def check_prices(
    po: PurchaseOrder,
    customer: Customer,
    lines: list[MappedLine],
    tolerance_percent: Decimal,
) -> None:
    """BusinessError `price_mismatch` when a PO price is outside the tolerance of the
    ERP's price for the customer, or the PO is in another currency."""
    if po.currency and customer.currency and po.currency != customer.currency:
        raise BusinessError(
            "price_mismatch",
            f"the PO is in {po.currency} but {customer.customer_no} is billed in "
            f"{customer.currency}; check with the customer",
            step="check_prices",
            details={
                "po_currency": po.currency,
                "customer_currency": customer.currency,
            },
        )
    off = []
    for mapped in lines:
        price = mapped.net_price
        erp = mapped.item.price
        if price is None or erp is None:
            continue
        if erp == 0:
            deviation = HUNDRED if price else Decimal(0)
        else:
            deviation = abs(price - erp) / erp * HUNDRED
        if deviation > tolerance_percent:
            off.append({
                "line": mapped.po_line.line,
                "customer_sku": mapped.po_line.customer_sku,
                "item_no": mapped.item.item_no,
                "po_price": str(price.quantize(CENT)),
                "erp_price": str(erp),
                "deviation_percent": str(deviation.quantize(CENT)),
            })  # fmt: skip
    if off:
        listed = "; ".join(
            f"line {o['line']} {o['customer_sku']}: PO {o['po_price']} vs ERP "
            f"{o['erp_price']} ({o['deviation_percent']} %)"
            for o in off
        )
        raise BusinessError(
            "price_mismatch",
            f"prices differ from the ERP by more than {tolerance_percent} %: {listed}",
            step="check_prices",
            details={"lines": off, "tolerance_percent": str(tolerance_percent)},
        )


def choose_ship_to(customer: Customer, po: PurchaseOrder) -> str | None:
    """The ship-to code whose address shares the most words with the PO's ship-to."""
    if not customer.ship_to:
        return None
    wanted = set(_address_words(f"{po.ship_to.name or ''} {po.ship_to.address or ''}"))
    if not wanted:
        return customer.ship_to[0].code
    scored = [
        (len(wanted & set(_address_words(address.address))), index, address.code)
        for index, address in enumerate(customer.ship_to)
    ]
    best = max(scored, key=lambda s: (s[0], -s[1]))
    return best[2] if best[0] > 0 else customer.ship_to[0].code


def _address_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return [w for w in re.findall(r"[a-z0-9]+", plain.lower()) if len(w) > 1]


def requested_date(po: PurchaseOrder) -> date | None:
    if po.requested_date:
        return po.requested_date
    dates = [line.requested_date for line in po.lines if line.requested_date]
    return min(dates) if dates else None


def build_entry(
    po: PurchaseOrder, customer: Customer, lines: list[MappedLine]
) -> OrderEntry:
    """What to type into the order screens. Prices are left to the ERP: a PO price
    within the tolerance is accepted at the ERP's price."""
    assert po.po_number and po.order_date  # validated before
    header = OrderHeader(
        customer_no=customer.customer_no,
        customer_po=po.po_number,
        po_date=po.order_date,
        requested_date=requested_date(po),
        ship_to=choose_ship_to(customer, po),
    )
    order_lines = [
        OrderLine(item_no=m.item.item_no, quantity=m.po_line.quantity or Decimal(0))
        for m in lines
    ]
    return OrderEntry(header=header, lines=order_lines)


def order_differences(entry: OrderEntry, existing: OrderStatus) -> list[str]:
    """How an order found in the ERP differs from the one the PO asks for."""
    wanted = Counter((line.item_no, _qty(line.quantity)) for line in entry.lines)
    found = Counter((line.item_no, _qty(line.quantity)) for line in existing.lines)
    differences = []
    for (item_no, quantity), count in (wanted - found).items():
        differences.append(
            f"PO has {item_no} x {quantity} (not on the order)"
            + (f" {count} times" if count > 1 else "")
        )
    for (item_no, quantity), count in (found - wanted).items():
        differences.append(
            f"order has {item_no} x {quantity} (not on the PO)"
            + (f" {count} times" if count > 1 else "")
        )
    if existing.customer_no and existing.customer_no != entry.header.customer_no:
        differences.append(f"order belongs to {existing.customer_no}")
    return differences


def _qty(value: Decimal) -> str:
    """A quantity as plain text without trailing zeros (10, 2.5)."""
    return f"{value.normalize():f}"

"""Deterministic seed data of the sandbox systems, as plain data (no Flask, no I/O).

Customers with contacts and ship-to addresses, the item catalogue, each customer's
part-number cross-reference, open invoices and a few existing sales orders. Every
function draws from its own fixed-seed random generator, so the same call returns the
same data every time; only dates move with `today`. Tests and the demo loader use
these functions to build purchase-order mails and bank files that match what the
sandbox ERP shows.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from sandbox.credentials import PORTAL_A_CUSTOMER, PORTAL_B_CUSTOMER

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
ORDER_STATUSES = ("open", "confirmed", "shipped", "backordered", "cancelled")
REASON_CODES = {
    "DMG": "Damaged goods",
    "PRC": "Pricing difference",
    "PRM": "Promotion",
    "SHT": "Shortage",
    "FRT": "Freight",
    "OTH": "Other",
}
FIRST_SO_NUMBER = 100001
CARRIERS = ("DHL Freight", "UPS", "DB Schenker", "Kuehne+Nagel", "FedEx")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    role: str  # "purchasing" or "accounts-payable"


@dataclass(frozen=True)
class ShipTo:
    code: str  # "SH01"
    address: str  # one line: street, postcode city, country


@dataclass(frozen=True)
class PaymentTerms:
    text: str  # "2/10 net 30"
    discount_pct: Decimal  # 2 => 2 %
    discount_days: int
    net_days: int


@dataclass(frozen=True)
class Customer:
    customer_no: str
    name: str
    currency: str
    terms: PaymentTerms
    domain: str  # mail domain, e.g. "northwind-retail.example"
    contacts: tuple[Contact, ...]
    ship_tos: tuple[ShipTo, ...]


@dataclass(frozen=True)
class Item:
    item_no: str
    description: str
    uom: str
    price: Decimal


@dataclass(frozen=True)
class CrossReference:
    customer_no: str
    customer_part: str
    item_no: str
    price: Decimal  # the customer's price (may equal the list price)


@dataclass(frozen=True)
class Invoice:
    invoice_number: str
    customer_no: str
    invoice_date: date
    due_date: date
    currency: str
    amount: Decimal
    open_amount: Decimal
    dispute: bool


@dataclass(frozen=True)
class OrderLine:
    line_no: int
    item_no: str
    customer_part: str
    description: str
    quantity: Decimal
    uom: str
    unit_price: Decimal


@dataclass(frozen=True)
class SalesOrder:
    so_number: str
    customer_no: str
    customer_po: str
    po_date: date
    order_date: date
    requested_date: date
    ship_to: str
    status: str
    lines: tuple[OrderLine, ...]
    confirmed_date: date | None = None
    carrier: str = ""
    tracking: str = ""
    ship_date: date | None = None
    backorder_date: date | None = None
    reason: str = ""


TERMS = {
    "2/10 net 30": PaymentTerms("2/10 net 30", Decimal(2), 10, 30),
    "net 30": PaymentTerms("net 30", Decimal(0), 0, 30),
    "3/10 net 45": PaymentTerms("3/10 net 45", Decimal(3), 10, 45),
    "net 60": PaymentTerms("net 60", Decimal(0), 0, 60),
    "1/14 net 30": PaymentTerms("1/14 net 30", Decimal(1), 14, 30),
}

# name, mail domain stem, currency, payment terms, country, city (C1001 first)
_CUSTOMERS = (
    (
        "Northwind Retail GmbH",
        "northwind-retail",
        "EUR",
        "2/10 net 30",
        "DE",
        "Hamburg",
    ),
    (
        "Globex Industrial Supply Inc.",
        "globex-supply",
        "USD",
        "net 30",
        "US",
        "Chicago",
    ),
    ("Initech Office Solutions Ltd", "initech-office", "GBP", "net 30", "GB", "Leeds"),
    (
        "Umbrella Logistics B.V.",
        "umbrella-logistics",
        "EUR",
        "3/10 net 45",
        "NL",
        "Utrecht",
    ),
    ("Stark Components AG", "stark-components", "EUR", "net 60", "CH", "Basel"),
    (
        "Wayne Facility Services Inc.",
        "wayne-facility",
        "USD",
        "2/10 net 30",
        "US",
        "Newark",
    ),
    ("Acme Hardware S.A.", "acme-hardware", "EUR", "net 30", "ES", "Valencia"),
    (
        "Vandelay Import Export Ltd",
        "vandelay-trade",
        "EUR",
        "1/14 net 30",
        "IE",
        "Cork",
    ),
    ("Hooli Technik GmbH", "hooli-technik", "EUR", "2/10 net 30", "DE", "Stuttgart"),
    ("Soylent Foods B.V.", "soylent-foods", "EUR", "net 30", "NL", "Eindhoven"),
    ("Cyberdyne Automation AG", "cyberdyne-automation", "EUR", "net 60", "AT", "Linz"),
    ("Tyrell Trading S.A.", "tyrell-trading", "EUR", "3/10 net 45", "FR", "Lyon"),
    ("Oceanic Supplies Ltd", "oceanic-supplies", "EUR", "net 30", "MT", "Valletta"),
    ("Massive Dynamic Inc.", "massive-dynamic", "USD", "1/14 net 30", "US", "Boston"),
    (
        "Wonka Confectionery GmbH",
        "wonka-confect",
        "EUR",
        "2/10 net 30",
        "DE",
        "Cologne",
    ),
    ("Duff Beverages B.V.", "duff-beverages", "EUR", "net 30", "BE", "Antwerp"),
    ("Gringotts Facility AG", "gringotts-facility", "EUR", "net 60", "DE", "Munich"),
    ("Dunder Paper Supply Inc.", "dunder-paper", "USD", "net 30", "US", "Scranton"),
    ("Pied Piper Retail S.A.", "piedpiper-retail", "EUR", "2/10 net 30", "PT", "Porto"),
    ("Bluth Property Ltd", "bluth-property", "EUR", "1/14 net 30", "IE", "Galway"),
)

_FIRST = (
    "Anna",
    "Jonas",
    "Maria",
    "Peter",
    "Laura",
    "David",
    "Sofia",
    "Lukas",
    "Emma",
    "Tom",
    "Clara",
    "Ben",
    "Julia",
    "Felix",
    "Sarah",
    "Marc",
)
_LAST = (
    "Keller",
    "Smith",
    "Jansen",
    "Weber",
    "Moreau",
    "Rossi",
    "Brown",
    "Novak",
    "Fischer",
    "Garcia",
    "Walsh",
    "Hofmann",
    "Dubois",
    "Meyer",
    "Clarke",
    "Visser",
)
_STREETS = (
    "Industriestrasse",
    "Harbour Road",
    "Main Street",
    "Kanaalweg",
    "Avenue des Entrepots",
    "Logistics Park",
    "Commerce Drive",
    "Ringstrasse",
)

_FAMILIES = (
    # (description pattern parts, uom, price range)
    (
        "Hex bolt",
        ("M6x30", "M8x40", "M10x50", "M12x60"),
        ("zinc plated", "stainless A2"),
        "BOX",
        (12, 60),
    ),
    (
        "Cable tie",
        ("100mm", "200mm", "300mm", "450mm"),
        ("black", "natural"),
        "BOX",
        (3, 18),
    ),
    (
        "Safety gloves",
        ("size 8", "size 9", "size 10"),
        ("nitrile", "leather"),
        "EA",
        (2, 14),
    ),
    (
        "Copper wire",
        ("1.5mm2", "2.5mm2", "4mm2"),
        ("red", "blue", "green/yellow"),
        "M",
        (1, 5),
    ),
    ("Pallet wrap", ("500mm", "450mm"), ("17my", "23my"), "EA", (9, 30)),
    ("Ball bearing", ("6201", "6204", "6305", "6008"), ("2RS", "ZZ"), "EA", (4, 35)),
    ("Industrial cleaner", ("5 l", "10 l"), ("alkaline", "neutral"), "EA", (15, 70)),
    ("Granulate", ("PP", "PE-HD", "ABS"), ("natural", "black"), "KG", (2, 9)),
    ("LED panel", ("600x600", "1200x300"), ("4000K", "6500K"), "EA", (40, 160)),
    (
        "Copy paper",
        ("A4 80g", "A3 80g", "A4 100g"),
        ("white", "recycled"),
        "BOX",
        (20, 55),
    ),
    ("Hydraulic hose", ("DN10", "DN16", "DN25"), ("2SN", "1SN"), "M", (6, 28)),
    ("Label roll", ("100x50", "100x150", "57x32"), ("thermal", "paper"), "EA", (5, 24)),
)


_PART_PREFIX = {"C1001": "NW", "C1002": "GX"}


def _rng(name: str) -> random.Random:
    return random.Random(f"saga-seed-2026:{name}")


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


@cache
def customers() -> tuple[Customer, ...]:
    """The ~20 customers C1001..C1020 with contacts and ship-to addresses."""
    rng = _rng("customers")
    result = []
    for index, row in enumerate(_CUSTOMERS):
        name, slug, currency, terms, country, city = row
        domain = f"{slug}.example"
        contacts = [Contact(_person(rng), f"purchasing@{domain}", "purchasing")]
        contacts.append(Contact(_person(rng), f"ap@{domain}", "accounts-payable"))
        if rng.random() < 0.4:
            first = _person(rng)
            mailbox = first.split()[0].lower()
            contacts.append(Contact(first, f"{mailbox}@{domain}", "purchasing"))
        ship_tos = [
            ShipTo(f"SH{n:02d}", _address(rng, country, city))
            for n in range(1, 2 + (rng.random() < 0.5))
        ]
        result.append(
            Customer(
                customer_no=f"C{1001 + index}",
                name=name,
                currency=currency,
                terms=TERMS[terms],
                domain=domain,
                contacts=tuple(contacts),
                ship_tos=tuple(ship_tos),
            )
        )
    return tuple(result)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _address(rng: random.Random, country: str, city: str) -> str:
    street = f"{rng.choice(_STREETS)} {rng.randint(1, 180)}"
    return f"{street}, {rng.randint(10000, 99999)} {city}, {country}"


@cache
def items() -> tuple[Item, ...]:
    """The catalogue: 200 items ITM-1001..ITM-1200 with list prices."""
    rng = _rng("items")
    variants = []
    for family, sizes, kinds, uom, prices in _FAMILIES:
        for size in sizes:
            for kind in kinds:
                variants.append((f"{family} {size} {kind}", uom, prices))
    result = []
    for index in range(200):
        text, uom, (low, high) = variants[index % len(variants)]
        if index >= len(variants):
            text = f"{text}, carton of {5 * (index // len(variants) + 1)}"
        price = _money(rng.uniform(low, high))
        result.append(Item(f"ITM-{1001 + index}", text, uom, price))
    return tuple(result)


def _part_number(style: int, rng: random.Random, prefix: str) -> str:
    if style == 0:
        return f"{prefix}-{rng.randint(10000, 99999)}"
    if style == 1:
        return f"{prefix}/{rng.randint(1000, 9999)}-{rng.choice('ABCDEFGH')}"
    if style == 2:
        return f"{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    if style == 3:
        return f"{prefix}{rng.randint(100000, 999999)}"
    return f"{rng.randint(10, 99)}.{rng.randint(100, 999)}.{rng.randint(10, 99)}"


@cache
def cross_references() -> tuple[CrossReference, ...]:
    """Each customer's own part numbers (30-60 per customer) mapped to our items."""
    rng = _rng("xref")
    catalogue = items()
    result = []
    for index, customer in enumerate(customers()):
        prefix = _PART_PREFIX.get(customer.customer_no) or customer.domain[:2].upper()
        count = rng.randint(30, 60)
        chosen = rng.sample(catalogue, count)
        seen: set[str] = set()
        for item in chosen:
            part = _part_number(index % 5, rng, prefix)
            while part in seen:
                part = _part_number(index % 5, rng, prefix)
            seen.add(part)
            price = item.price
            if rng.random() < 0.35:
                price = (
                    item.price * Decimal(rng.choice(("0.95", "0.9", "0.97")))
                ).quantize(CENT)
            result.append(
                CrossReference(customer.customer_no, part, item.item_no, price)
            )
    return tuple(result)


def xref_for(customer_no: str) -> tuple[CrossReference, ...]:
    """The cross-reference entries of one customer."""
    return tuple(x for x in cross_references() if x.customer_no == customer_no)


def open_invoices(today: date) -> tuple[Invoice, ...]:
    """~500 invoices dated in the 120 days before `today`, some partly paid."""
    rng = _rng("invoices")
    terms = {c.customer_no: c for c in customers()}
    weights = [3 if n < 3 else 1 for n in range(len(terms))]
    drafts = []
    for _ in range(500):
        customer = rng.choices(list(terms.values()), weights=weights)[0]
        age = rng.randint(0, 119)
        amount = _money(rng.uniform(150, 25000))
        open_amount = amount
        if rng.random() < 0.15:
            open_amount = (
                amount * Decimal(rng.choice(("0.5", "0.25", "0.8")))
            ).quantize(CENT)
        dispute = rng.random() < 0.03
        drafts.append((age, customer, amount, open_amount, dispute))
    drafts.sort(key=lambda d: -d[0])
    result = []
    for number, (age, customer, amount, open_amount, dispute) in enumerate(drafts, 1):
        invoice_date = today - timedelta(days=age)
        result.append(
            Invoice(
                invoice_number=f"INV-{invoice_date.year}-{number:05d}",
                customer_no=customer.customer_no,
                invoice_date=invoice_date,
                due_date=invoice_date + timedelta(days=customer.terms.net_days),
                currency=customer.currency,
                amount=amount,
                open_amount=open_amount,
                dispute=dispute,
            )
        )
    return tuple(result)


PORTAL_CUSTOMERS = (PORTAL_A_CUSTOMER, PORTAL_B_CUSTOMER)


def sales_orders(today: date) -> tuple[SalesOrder, ...]:
    """30 existing sales orders SO-100001..SO-100030 in mixed statuses. None is for
    the customers who run their own portal: their POs live on the portal, so every
    order of theirs comes in through order intake."""
    rng = _rng("orders")
    catalogue = {i.item_no: i for i in items()}
    ordering = tuple(c for c in customers() if c.customer_no not in PORTAL_CUSTOMERS)
    result = []
    for index in range(30):
        customer = rng.choice(ordering)
        refs = xref_for(customer.customer_no)
        order_date = today - timedelta(days=rng.randint(1, 40))
        lines = []
        for line_no, ref in enumerate(rng.sample(refs, rng.randint(1, 4)), 1):
            item = catalogue[ref.item_no]
            lines.append(
                OrderLine(
                    line_no,
                    item.item_no,
                    ref.customer_part,
                    item.description,
                    Decimal(rng.randint(1, 40) * 5),
                    item.uom,
                    ref.price,
                )
            )
        status = ORDER_STATUSES[index % 5]
        result.append(_order(rng, index, customer, order_date, status, tuple(lines)))
    return tuple(result)


def _order(
    rng: random.Random,
    index: int,
    customer: Customer,
    order_date: date,
    status: str,
    lines: tuple[OrderLine, ...],
) -> SalesOrder:
    extra: dict = {}
    if status in ("confirmed", "shipped", "backordered"):
        extra["confirmed_date"] = order_date + timedelta(days=1)
    if status == "shipped":
        extra["carrier"] = rng.choice(CARRIERS)
        extra["tracking"] = f"1Z{rng.randint(10**9, 10**10 - 1)}"
        extra["ship_date"] = order_date + timedelta(days=3)
    if status == "backordered":
        extra["backorder_date"] = order_date + timedelta(days=rng.randint(14, 40))
        extra["reason"] = rng.choice(
            ("Supplier delay", "Stock shortage", "Production capacity")
        )
    return SalesOrder(
        so_number=f"SO-{FIRST_SO_NUMBER + index}",
        customer_no=customer.customer_no,
        customer_po=f"PO-{rng.randint(4500000000, 4599999999)}",
        po_date=order_date - timedelta(days=rng.randint(0, 2)),
        order_date=order_date,
        requested_date=order_date + timedelta(days=rng.randint(7, 21)),
        ship_to=customer.ship_tos[0].code,
        status=status,
        lines=lines,
        **extra,
    )

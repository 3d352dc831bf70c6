"""Seed purchase orders of portal A (Northwind Retail, C1001): deterministic.

Fifteen POs `NW-PO-24001`.. with Northwind's own part numbers taken from the ERP seed's
cross-reference (`sandbox.seed`), so every portal line is an item the ERP knows; the
three oldest already carry an acknowledgment, one of them also a ship notice, as a
running portal would. The ERP seed's sales orders for C1001 are on the portal too,
under their customer PO numbers, with nothing posted yet.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sandbox import seed as erp_seed

log = logging.getLogger(__name__)

CUSTOMER = "C1001"
BUYERS = ("Anna Keller", "Jonas Brandt", "Mia Lorenz")
QUANTITIES = (5, 10, 12, 20, 24, 40, 50, 100)


def catalogue(customer: str, size: int = 15) -> list[tuple[str, str, str, str]]:
    """(customer part, description, uom, price) of the customer's first cross-refs."""
    items = {item.item_no: item for item in erp_seed.items()}
    refs = erp_seed.xref_for(customer)[:size]
    return [
        (
            r.customer_part,
            items[r.item_no].description,
            items[r.item_no].uom,
            str(r.price),
        )
        for r in refs
    ]


def customer_facts(customer: str) -> tuple[str, str]:
    """(ship-to address, currency) of a seeded customer."""
    found = next(c for c in erp_seed.customers() if c.customer_no == customer)
    return f"{found.name}, {found.ship_tos[0].address}", found.currency


def mirrored_erp_orders(customer: str, today: date, buyer: str) -> list[dict[str, Any]]:
    """The ERP seed's sales orders of `customer` as the customer's own POs."""
    ship_to, currency = customer_facts(customer)
    return [
        {
            "po_number": so.customer_po,
            "customer": customer,
            "po_date": so.po_date.isoformat(),
            "requested_date": so.requested_date.isoformat(),
            "ship_to": ship_to,
            "buyer": buyer,
            "currency": currency,
            "lines": [
                {
                    "sku": line.customer_part,
                    "description": line.description,
                    "quantity": str(line.quantity),
                    "uom": line.uom,
                    "unit_price": str(line.unit_price),
                }
                for line in so.lines
            ],
        }
        for so in erp_seed.sales_orders(today)
        if so.customer_no == customer
    ]


def purchase_orders(today: date | None = None) -> list[dict[str, Any]]:
    """The seed POs as plain data for `PoStore.create` (plus an optional history)."""
    today = today or date.today()
    rng = random.Random(24001)
    products = catalogue(CUSTOMER)
    ship_to, currency = customer_facts(CUSTOMER)
    orders = []
    for index in range(15):
        po_date = today - timedelta(days=28 - 2 * index)
        lines = [
            {
                "sku": sku,
                "description": desc,
                "uom": uom,
                "unit_price": price,
                "quantity": str(rng.choice(QUANTITIES)),
            }
            for sku, desc, uom, price in rng.sample(products, rng.randint(1, 4))
        ]
        orders.append(
            {
                "po_number": f"NW-PO-{24001 + index}",
                "customer": CUSTOMER,
                "po_date": po_date.isoformat(),
                "requested_date": (
                    po_date + timedelta(days=rng.randint(14, 35))
                ).isoformat(),
                "ship_to": ship_to,
                "buyer": rng.choice(BUYERS),
                "currency": currency,
                "lines": lines,
                "history": _history(index, po_date, lines),
            }
        )
    return orders + mirrored_erp_orders(CUSTOMER, today, BUYERS[0])


def _history(index: int, po_date: date, lines: list[dict[str, Any]]) -> list[Any]:
    if index > 2:
        return []
    posted = f"{po_date + timedelta(days=1)}T09:15:00+00:00"
    ack = (
        "acknowledgment",
        {
            "order_number": f"SO-0990{index + 1:02d}",
            "confirmed_date": (po_date + timedelta(days=10)).isoformat(),
        },
        posted,
    )
    if index != 0:
        return [ack]
    ship = (
        "ship_notice",
        {
            "carrier": "DHL Freight",
            "tracking_number": "JJD0099001234567",
            "ship_date": (po_date + timedelta(days=9)).isoformat(),
            "lines": [
                {"line": n, "quantity": str(Decimal(line["quantity"]))}
                for n, line in enumerate(lines, start=1)
            ],
        },
        f"{po_date + timedelta(days=9)}T14:40:00+00:00",
    )
    return [ack, ship]

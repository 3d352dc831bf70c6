"""Seed purchase orders of portal A (Northwind Retail, C1001): deterministic.

Fifteen POs `NW-PO-24001`.. with Northwind's own SKUs (`NW-55012` style), dated around
the sandbox's today; the three oldest already carry an acknowledgment, one of them also
a ship notice, as a running portal would.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

log = logging.getLogger(__name__)

CUSTOMER = "C1001"
SHIP_TO = "Northwind Retail GmbH, DC Hamburg, Lagerstr. 12, 20457 Hamburg"
BUYERS = ("Anna Keller", "Jonas Brandt", "Mia Lorenz")
PRODUCTS = (
    ("NW-55012", "Copy paper A4 80g, 500 sheets", "BOX", "21.90"),
    ("NW-55013", "Copy paper A3 80g, 500 sheets", "BOX", "39.50"),
    ("NW-55140", "Ballpoint pen blue, pack of 50", "BOX", "12.40"),
    ("NW-55141", "Gel pen black, pack of 12", "BOX", "8.75"),
    ("NW-56020", "Lever arch file 80mm, grey", "EA", "2.35"),
    ("NW-56021", "Ring binder A4 2-ring", "EA", "1.95"),
    ("NW-57300", "Shipping carton 600x400x400", "EA", "1.48"),
    ("NW-57310", "Packing tape 50mm x 66m", "EA", "1.12"),
    ("NW-58001", "Stretch film 500mm, 23my", "KG", "3.80"),
    ("NW-58410", "Label roll 100x150mm thermal", "EA", "6.20"),
    ("NW-59122", "Warehouse shelf label holder", "M", "0.95"),
    ("NW-59500", "Safety gloves size 9", "EA", "2.60"),
    ("NW-60133", "LED tube 120cm 18W", "EA", "7.90"),
    ("NW-60210", "Cable ties 300mm, pack of 100", "BOX", "4.30"),
    ("NW-61007", "Whiteboard marker set, 4 colours", "BOX", "5.65"),
)


def purchase_orders(today: date | None = None) -> list[dict[str, Any]]:
    """The seed POs as plain data for `PoStore.create` (plus an optional history)."""
    today = today or date.today()
    rng = random.Random(24001)
    orders = []
    for index in range(15):
        po_date = today - timedelta(days=28 - 2 * index)
        picks = rng.sample(PRODUCTS, rng.randint(1, 4))
        lines = [
            {"sku": sku, "description": desc, "uom": uom, "unit_price": price,
             "quantity": str(rng.choice((5, 10, 12, 20, 24, 40, 50, 100)))}
            for sku, desc, uom, price in picks
        ]
        orders.append({
            "po_number": f"NW-PO-{24001 + index}",
            "customer": CUSTOMER,
            "po_date": po_date.isoformat(),
            "requested_date": (po_date + timedelta(days=rng.randint(14, 35))).isoformat(),
            "ship_to": SHIP_TO,
            "buyer": rng.choice(BUYERS),
            "currency": "EUR",
            "lines": lines,
            "history": _history(index, po_date, lines),
        })
    return orders


def _history(index: int, po_date: date, lines: list[dict[str, Any]]) -> list[Any]:
    if index > 2:
        return []
    posted = f"{po_date + timedelta(days=1)}T09:15:00+00:00"
    ack = ("acknowledgment",
           {"order_number": f"SO-0990{index + 1:02d}",
            "confirmed_date": (po_date + timedelta(days=10)).isoformat()}, posted)
    if index != 0:
        return [ack]
    ship = ("ship_notice",
            {"carrier": "DHL Freight", "tracking_number": "JJD0099001234567",
             "ship_date": (po_date + timedelta(days=9)).isoformat(),
             "lines": [{"line": n, "quantity": str(Decimal(line["quantity"]))}
                       for n, line in enumerate(lines, start=1)]},
            f"{po_date + timedelta(days=9)}T14:40:00+00:00")
    return [ack, ship]

"""Seed purchase orders of portal B (Globex Industrial Supply, C1002): deterministic.

Fifteen POs numbered `4500012345`.. with Globex material numbers (`GX/7781-A` style)
in USD, dated around the sandbox's today; three older ones are already acknowledged and
one of those was also delayed, as a running portal would show.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from typing import Any

log = logging.getLogger(__name__)

CUSTOMER = "C1002"
FIRST_PO = 4500012345
SHIP_TO = ("Globex Industrial Supply Inc., Receiving Dock 4, 1200 Industrial Pkwy, "
           "Cypress Creek, OR 97301")
BUYERS = ("H. Scorpio", "M. Barker", "T. Nguyen")
MATERIALS = (
    ("GX/7781-A", "HEX BOLT M10X40 DIN933 ZINC", "EA", "0.38"),
    ("GX/7781-B", "HEX NUT M10 DIN934 ZINC", "EA", "0.09"),
    ("GX/7790-A", "WASHER M10 DIN125 A2", "EA", "0.05"),
    ("GX/3120-C", "CABLE TIE 300MM BLACK UV", "BOX", "4.30"),
    ("GX/3305-A", "PALLET WRAP 500MM 23MY", "KG", "3.80"),
    ("GX/4410-D", "SAFETY GLOVE NITRILE SZ 10", "EA", "2.60"),
    ("GX/5002-A", "LED TUBE T8 120CM 18W", "EA", "7.90"),
    ("GX/5120-B", "INDUSTRIAL TAPE 50MMX66M", "EA", "1.12"),
    ("GX/6001-A", "SHIPPING CARTON 600X400X400", "EA", "1.48"),
    ("GX/6200-C", "THERMAL LABEL 100X150 ROLL", "EA", "6.20"),
    ("GX/7002-A", "STEEL CHAIN 8MM GALV", "M", "5.75"),
    ("GX/8110-A", "HYDRAULIC OIL HLP46 20L", "EA", "64.00"),
)


def purchase_orders(today: date | None = None) -> list[dict[str, Any]]:
    """The seed POs as plain data for `PoStore.create` (plus an optional history)."""
    today = today or date.today()
    rng = random.Random(4500012345)
    orders = []
    for index in range(15):
        po_date = today - timedelta(days=30 - 2 * index)
        picks = rng.sample(MATERIALS, rng.randint(1, 5))
        lines = [
            {"sku": sku, "description": desc, "uom": uom, "unit_price": price,
             "quantity": str(rng.choice((25, 50, 100, 200, 250, 500, 1000)))}
            for sku, desc, uom, price in picks
        ]
        orders.append({
            "po_number": str(FIRST_PO + index),
            "customer": CUSTOMER,
            "po_date": po_date.isoformat(),
            "requested_date": (po_date + timedelta(days=rng.randint(10, 40))).isoformat(),
            "ship_to": SHIP_TO,
            "buyer": rng.choice(BUYERS),
            "currency": "USD",
            "lines": lines,
            "history": _history(index, po_date),
        })
    return orders


def _history(index: int, po_date: date) -> list[Any]:
    if index > 2:
        return []
    posted = f"{po_date + timedelta(days=2)}T15:05:00+00:00"
    history: list[Any] = [
        ("acknowledgment",
         {"order_number": f"SO-0980{index + 1:02d}",
          "confirmed_date": (po_date + timedelta(days=14)).isoformat()}, posted)
    ]
    if index == 1:
        history.append((
            "delay_notice",
            {"new_date": (po_date + timedelta(days=28)).isoformat(),
             "reason": "Supplier of raw material delayed", "reason_code": "01"},
            f"{po_date + timedelta(days=6)}T08:30:00+00:00"))
    return history

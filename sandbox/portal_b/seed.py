"""Seed purchase orders of portal B (Globex Industrial Supply, C1002): deterministic.

Fifteen POs numbered `4500012345`.. with Globex material numbers (`GX/7781-A` style)
from the ERP seed's cross-reference, dated around the sandbox's today; three older ones
are already acknowledged and one of those was also delayed, as a running portal would
show. The ERP seed's sales orders for C1002 are here too, under their PO numbers.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from typing import Any

from sandbox.portal_a.seed import catalogue, customer_facts, mirrored_erp_orders

log = logging.getLogger(__name__)

CUSTOMER = "C1002"
FIRST_PO = 4500012345
BUYERS = ("H. Scorpio", "M. Barker", "T. Nguyen")
QUANTITIES = (25, 50, 100, 200, 250, 500, 1000)


def purchase_orders(today: date | None = None) -> list[dict[str, Any]]:
    """The seed POs as plain data for `PoStore.create` (plus an optional history)."""
    today = today or date.today()
    rng = random.Random(4500012345)
    products = catalogue(CUSTOMER)
    ship_to, currency = customer_facts(CUSTOMER)
    orders = []
    for index in range(15):
        po_date = today - timedelta(days=30 - 2 * index)
        picks = rng.sample(products, rng.randint(1, 5))
        lines = [
            {
                "sku": sku,
                "description": desc,
                "uom": uom,
                "unit_price": price,
                "quantity": str(rng.choice(QUANTITIES)),
            }
            for sku, desc, uom, price in picks
        ]
        orders.append(
            {
                "po_number": str(FIRST_PO + index),
                "customer": CUSTOMER,
                "po_date": po_date.isoformat(),
                "requested_date": (
                    po_date + timedelta(days=rng.randint(10, 40))
                ).isoformat(),
                "ship_to": ship_to,
                "buyer": rng.choice(BUYERS),
                "currency": currency,
                "lines": lines,
                "history": _history(index, po_date),
            }
        )
    return orders + mirrored_erp_orders(CUSTOMER, today, BUYERS[0])


def _history(index: int, po_date: date) -> list[Any]:
    if index > 2:
        return []
    posted = f"{po_date + timedelta(days=2)}T15:05:00+00:00"
    history: list[Any] = [
        (
            "acknowledgment",
            {
                "order_number": f"SO-0980{index + 1:02d}",
                "confirmed_date": (po_date + timedelta(days=14)).isoformat(),
            },
            posted,
        )
    ]
    if index == 1:
        history.append(
            (
                "delay_notice",
                {
                    "new_date": (po_date + timedelta(days=28)).isoformat(),
                    "reason": "Supplier of raw material delayed",
                    "reason_code": "01",
                },
                f"{po_date + timedelta(days=6)}T08:30:00+00:00",
            )
        )
    return history

"""The sandbox ERP under parallel users: order numbers never collide (the server is
threaded and every request has its own SQLite connection)."""

from __future__ import annotations

import re
import threading
from datetime import date

from sandbox.credentials import ERP_USERS
from tests.sandbox_erp.conftest import Erp


def _enter_orders(erp: Erp, prefix: str, count: int, numbers: list[str]) -> None:
    client = erp.app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    client.post(
        "/login",
        data={
            "username": "clerk",
            "password": ERP_USERS["clerk"],
            "csrf_token": token.group(1),
        },
    )
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/orders/new").text
    ).group(1)
    for n in range(count):
        header = client.post(
            "/orders/new",
            data={
                "customer_no": "C1005",
                "customer_po": f"{prefix}-{n}",
                "po_date": date.today().isoformat(),
                "csrf_token": token,
            },
        )
        lines = header.location
        client.post(
            lines, data={"item_no": "ITM-1001", "quantity": "3", "csrf_token": token}
        )
        done = client.post(
            lines.replace("/lines", "/submit"), data={"csrf_token": token}
        )
        numbers.append(done.location.split("/")[2])


def test_parallel_order_entry_gets_distinct_order_numbers(erp: Erp) -> None:
    numbers: list[str] = []
    threads = [
        threading.Thread(target=_enter_orders, args=(erp, f"PAR{t}", 8, numbers))
        for t in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(numbers) == 24
    assert len(set(numbers)) == 24
    assert sorted(numbers) == [f"SO-{n}" for n in range(100031, 100055)]
    orders = [
        o for o in erp.api("/admin/api/orders") if o["customer_po"].startswith("PAR")
    ]
    assert len(orders) == 24 and all(len(o["lines"]) == 1 for o in orders)

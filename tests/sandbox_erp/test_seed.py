"""The seed of the sandbox ERP: the same data on every reset, and quick to load."""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from sandbox import seed
from sandbox.erp.app import reset_state


def test_seed_is_deterministic_and_fast(tmp_path: Path) -> None:
    today = date(2026, 3, 1)
    assert seed.open_invoices(today) == seed.open_invoices(today)
    assert len(seed.open_invoices(today)) == 500
    assert len(seed.items()) == 200 and len(seed.customers()) == 20
    started = time.perf_counter()
    reset_state(tmp_path / "a.sqlite")
    elapsed = time.perf_counter() - started
    reset_state(tmp_path / "b.sqlite")

    def dump(name: str) -> list[tuple]:
        with sqlite3.connect(tmp_path / name) as connection:
            return [
                tuple(r)
                for table in (
                    "customers",
                    "items",
                    "xref",
                    "invoices",
                    "order_lines",
                    "contacts",
                )
                for r in connection.execute(f"SELECT * FROM {table}")
            ]

    assert dump("a.sqlite") == dump("b.sqlite")
    assert elapsed < 1.0, f"seeding took {elapsed:.2f} s"


def test_seed_matches_the_contract() -> None:
    customers = {c.customer_no: c for c in seed.customers()}
    assert customers["C1001"].name == "Northwind Retail GmbH"
    assert customers["C1002"].name == "Globex Industrial Supply Inc."
    assert customers["C1003"].name == "Initech Office Solutions Ltd"
    assert "purchasing@northwind-retail.example" in {
        c.email for c in customers["C1001"].contacts
    }
    assert {c.currency for c in customers.values()} == {"EUR", "USD", "GBP"}
    assert all(
        1 <= len(c.contacts) <= 3 and 1 <= len(c.ship_tos) <= 2
        for c in customers.values()
    )
    items = {i.item_no for i in seed.items()}
    assert items == {f"ITM-{n}" for n in range(1001, 1201)}
    for customer_no in customers:
        refs = seed.xref_for(customer_no)
        assert 30 <= len(refs) <= 60
        assert len({r.customer_part for r in refs}) == len(refs)
        assert {r.item_no for r in refs} <= items
    today = date(2026, 12, 3)
    invoices = seed.open_invoices(today)
    assert all(0 <= (today - i.invoice_date).days < 120 for i in invoices)
    assert any(i.open_amount < i.amount for i in invoices)
    assert all(i.amount == i.amount.quantize(seed.CENT) for i in invoices)
    statuses = {o.status for o in seed.sales_orders(today)}
    assert statuses == set(seed.ORDER_STATUSES)

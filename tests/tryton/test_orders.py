"""Order intake into Tryton through the adapter, checked through proteus.

A PO with our item numbers and the customer's part numbers becomes one quoted sale
with the PO in Reference and the right lines and total; the same PO a second time
is found first and refused, and Tryton still holds one sale.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.adapters.erp.base import OrderEntry, OrderHeader, OrderLine
from bots.adapters.erp.tryton import TrytonErp
from bots.errors import BusinessError
from sandbox import seed
from sandbox.tryton.server import TrytonServer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def test_customers_and_items_come_from_tryton(tryton_erp: TrytonErp) -> None:
    customers = {c.customer_no: c for c in tryton_erp.list_customers()}
    assert set(customers) == {c.customer_no for c in seed.customers()}
    assert customers["C1001"].name == "Northwind Retail GmbH"
    assert "purchasing@northwind-retail.example" in customers["C1001"].emails
    part = seed.xref_for("C1001")[0]
    found = tryton_erp.find_item("C1001", part.customer_part)
    assert found is not None and found.item_no == part.item_no
    assert found.customer_part == part.customer_part
    assert tryton_erp.find_item("C1001", "NO-SUCH-PART") is None
    with pytest.raises(BusinessError) as caught:
        tryton_erp.get_customer("C9999")
    assert caught.value.code == "unknown_customer"


def test_a_po_becomes_one_quoted_sale(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    part = seed.xref_for("C1002")[1]
    mapped = {ref.item_no for ref in seed.xref_for("C1002")}
    item = next(i for i in seed.items() if i.item_no not in mapped)  # list price
    header = OrderHeader("C1002", "GX-TRY-1001", date.today())
    entry = OrderEntry(
        header,
        [
            OrderLine(item.item_no, Decimal(3)),
            OrderLine(part.customer_part, Decimal(7), Decimal("11.25")),
        ],
    )
    assert tryton_erp.find_order_by_po("C1002", "GX-TRY-1001") is None

    number = tryton_erp.enter_order(entry)

    [sale] = tryton_server.inspect("sales", reference="GX-TRY-1001")
    assert sale["number"] == number and sale["party"] == "C1002"
    assert sale["state"] == "quotation"
    lines = sorted(
        (ln["product"], Decimal(ln["quantity"]), Decimal(ln["unit_price"]))
        for ln in sale["lines"]
    )
    assert lines == sorted(
        [
            (item.item_no, Decimal(3), item.price),
            (part.item_no, Decimal(7), Decimal("11.25")),
        ]
    )
    assert Decimal(sale["total"]) == 3 * item.price + Decimal("78.75")

    found = tryton_erp.find_order_by_po("C1002", "GX-TRY-1001")
    assert found is not None and found.so_number == number
    assert found.total == Decimal(sale["total"])
    with pytest.raises(BusinessError) as caught:
        tryton_erp.enter_order(entry)
    assert caught.value.code == "duplicate_po"
    assert caught.value.details["so_number"] == number
    assert len(tryton_server.inspect("sales", reference="GX-TRY-1001")) == 1


def test_an_unknown_item_enters_nothing(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    header = OrderHeader("C1003", "IN-TRY-404", date.today())
    entry = OrderEntry(header, [OrderLine("NOT-AN-ITEM", Decimal(1))])
    with pytest.raises(BusinessError) as caught:
        tryton_erp.enter_order(entry)
    assert caught.value.code == "erp_rejected"
    assert tryton_server.inspect("sales", reference="IN-TRY-404") == []

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
from sandbox.tryton.server import COMPANY_CURRENCY, TrytonServer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def test_customers_and_items_come_from_tryton(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    customers = {c.customer_no: c for c in tryton_erp.list_customers()}
    assert set(customers) == {c.customer_no for c in seed.customers()}
    assert customers["C1001"].name == "Northwind Retail GmbH"
    assert "purchasing@northwind-retail.example" in customers["C1001"].emails
    parties = {p["code"]: p for p in tryton_server.inspect("parties")}
    assert any(len(customers[c].emails) > 1 for c in customers)
    for code, customer in customers.items():
        party = parties[code]
        assert customer.name == party["name"]
        assert customer.currency == COMPANY_CURRENCY
        assert customer.emails == party["emails"]
        assert [c.email for c in customer.contacts] == party["emails"]
        assert [a.address for a in customer.ship_to] == [
            ", ".join(ln.strip() for ln in text.splitlines() if ln.strip())
            for text in party["addresses"]
        ]
        assert [a.code for a in customer.ship_to] == [
            f"SH{n:02d}" for n in range(1, len(party["addresses"]) + 1)
        ]
    part = seed.xref_for("C1001")[0]
    found = tryton_erp.find_item("C1001", part.customer_part)
    assert found is not None and found.item_no == part.item_no
    assert found.customer_part == part.customer_part
    products = {p["code"]: p for p in tryton_server.inspect("products")}
    mapped = {ref.item_no for ref in seed.xref_for("C1001")}
    item = next(i for i in seed.items() if i.item_no not in mapped)
    own = tryton_erp.find_item("C1001", item.item_no)
    assert own is not None and own.customer_part is None
    product = products[item.item_no]
    assert (own.description, own.uom) == (product["name"], product["uom"])
    assert own.price == Decimal(product["list_price"])
    assert str(own.price) == product["list_price"]
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


def test_a_draft_sale_is_an_exception_not_done_nor_entered_again(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    # What a crash between Save and Quote leaves: a saved draft with the PO.
    customer = tryton_erp.get_customer("C1005")
    ui, step = tryton_erp.ui, "test"
    ui.goto("sales", step)
    ui.click(ui.tab(), "toolbar", "new", step)
    tab = ui.tab()
    assert ui.choose(tab, "sale", "party", customer.customer_no, customer.name, step)
    ui.fill_text(tab, "sale", "reference", "ST-TRY-DRAFT", step)
    ui.click(ui.tab(), "toolbar", "save", step)
    ui.close_tab(step)
    [draft] = tryton_server.inspect("sales", reference="ST-TRY-DRAFT")
    assert draft["state"] == "draft"

    with pytest.raises(BusinessError) as caught:
        tryton_erp.find_order_by_po("C1005", "ST-TRY-DRAFT")
    assert caught.value.code == "order_unfinished"
    item = seed.items()[0]
    entry = OrderEntry(
        OrderHeader("C1005", "ST-TRY-DRAFT", date.today()),
        [OrderLine(item.item_no, Decimal(1))],
    )
    with pytest.raises(BusinessError) as again:
        tryton_erp.enter_order(entry)
    assert again.value.code == "order_unfinished"
    assert len(tryton_server.inspect("sales", reference="ST-TRY-DRAFT")) == 1

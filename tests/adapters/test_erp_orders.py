"""The sandbox ERP adapter's order flows against a real sandbox ERP and Chromium."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.adapters.erp import ErpAdapter, OrderEntry, OrderHeader, OrderLine
from bots.errors import BusinessError
from sandbox import seed
from tests.adapters.conftest import SandboxErpServer

pytestmark = pytest.mark.browser


@pytest.fixture
def erp(shared_erp: tuple[ErpAdapter, SandboxErpServer]) -> ErpAdapter:
    return shared_erp[0]


@pytest.fixture
def erp_server(shared_erp: tuple[ErpAdapter, SandboxErpServer]) -> SandboxErpServer:
    return shared_erp[1]


def _entry(po: str, lines: list[OrderLine], customer_no: str = "C1001") -> OrderEntry:
    header = OrderHeader(
        customer_no=customer_no,
        customer_po=po,
        po_date=date(2026, 11, 30),
        requested_date=date(2026, 12, 20),
    )
    return OrderEntry(header=header, lines=lines)


def _lines() -> list[OrderLine]:
    xref = seed.xref_for("C1001")
    return [
        OrderLine(xref[0].customer_part, Decimal(3)),
        OrderLine(xref[1].item_no, Decimal("2.5"), Decimal("10.00")),
    ]


def test_enter_order_then_find_it_by_po(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    assert erp.find_order_by_po("C1001", "PO-T-1001") is None
    so_number = erp.enter_order(_entry("PO-T-1001", _lines()))
    assert so_number.startswith("SO-")
    found = erp.find_order_by_po("C1001", "po-t-1001")
    assert found is not None and found.so_number == so_number
    xref = seed.xref_for("C1001")
    assert found.total == 3 * xref[0].price + Decimal("25.00")
    assert found.status == "open"
    [stored] = erp_server.orders_with_po("PO-T-1001")
    assert stored["so_number"] == so_number
    assert [line["item_no"] for line in stored["lines"]] == [
        xref[0].item_no,
        xref[1].item_no,
    ]
    assert Decimal(stored["lines"][1]["unit_price"]) == Decimal("10.00")
    assert stored["requested_date"] == "2026-12-20"


def test_duplicate_po_is_refused(erp: ErpAdapter, erp_server: SandboxErpServer) -> None:
    so_number = erp.enter_order(_entry("PO-T-DUP", _lines()))
    with pytest.raises(BusinessError) as caught:
        erp.enter_order(_entry("PO-T-DUP", _lines()[:1]))
    assert caught.value.code == "duplicate_po"
    assert caught.value.details["so_number"] == so_number
    assert len(erp_server.orders_with_po("PO-T-DUP")) == 1


def test_unknown_item_is_a_business_error_with_the_erp_message(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    entry = _entry("PO-T-BAD", [OrderLine("NO-SUCH-PART", Decimal(1))])
    with pytest.raises(BusinessError) as caught:
        erp.enter_order(entry)
    assert caught.value.code == "erp_rejected"
    assert "NO-SUCH-PART is not in the catalogue" in caught.value.message
    assert erp_server.orders_with_po("PO-T-BAD") == []


def test_bad_ship_to_is_refused_on_the_header(erp: ErpAdapter) -> None:
    header = OrderHeader("C1001", "PO-T-SHIP", date(2026, 11, 30), ship_to="XX99")
    with pytest.raises(BusinessError) as caught:
        erp.enter_order(OrderEntry(header, _lines()))
    assert caught.value.code == "erp_rejected"
    assert "Ship-to XX99 is not defined" in caught.value.message


def test_find_item_through_the_cross_reference(erp: ErpAdapter) -> None:
    xref = seed.xref_for("C1002")
    items = {i.item_no: i for i in seed.items()}
    assert len(erp.cross_reference("C1002")) == len(xref)
    wanted = xref[3]
    found = erp.find_item("C1002", wanted.customer_part.lower())
    assert found is not None
    assert (found.item_no, found.price, found.customer_part) == (
        wanted.item_no,
        wanted.price,
        wanted.customer_part,
    )
    assert found.uom == items[wanted.item_no].uom
    assert erp.find_item("C1002", "ZZ-NOT-THERE") is None
    unmapped = next(
        i for i in seed.items() if i.item_no not in {x.item_no for x in xref}
    )
    own = erp.find_item("C1002", unmapped.item_no)
    assert own is not None and own.customer_part is None
    assert own.price == unmapped.price


def test_customers_with_contacts_and_ship_to(erp: ErpAdapter) -> None:
    customers = erp.list_customers()
    expected = seed.customers()
    assert [c.customer_no for c in customers] == [c.customer_no for c in expected]
    first = customers[0]
    assert first.name == expected[0].name == "Northwind Retail GmbH"
    assert first.currency == expected[0].currency
    assert [c.email for c in first.contacts] == [c.email for c in expected[0].contacts]
    assert [a.code for a in first.ship_to] == [s.code for s in expected[0].ship_tos]
    with pytest.raises(BusinessError) as caught:
        erp.get_customer("C9999")
    assert caught.value.code == "unknown_customer"


def test_order_status_after_warehouse_moves(
    erp: ErpAdapter, erp_server: SandboxErpServer
) -> None:
    shipped = erp.enter_order(_entry("PO-T-SHIPPED", _lines()))
    late = erp.enter_order(_entry("PO-T-LATE", _lines()[:1]))
    erp_server.admin(
        f"/admin/api/orders/{shipped}/status",
        {
            "status": "shipped",
            "carrier": "DHL",
            "tracking": "JD0146000012345",
            "ship_date": "2026-12-02",
            "quantities": {"1": "2"},
        },
    )
    erp_server.admin(
        f"/admin/api/orders/{late}/status",
        {
            "status": "backordered",
            "backorder_date": "2027-01-15",
            "reason": "Supplier delay",
        },
    )
    statuses = {s.so_number: s for s in erp.order_statuses()}
    assert len(statuses) == len(erp_server.admin("/admin/api/orders"))
    ship = statuses[shipped]
    assert (ship.status, ship.carrier, ship.tracking, ship.ship_date) == (
        "shipped",
        "DHL",
        "JD0146000012345",
        date(2026, 12, 2),
    )
    assert ship.updated is not None and ship.updated.tzinfo is not None
    assert statuses[late].status == "backordered"
    assert statuses[late].backorder_date == date(2027, 1, 15)
    assert statuses[late].reason == "Supplier delay"
    only = erp.order_statuses("backordered")
    assert late in {s.so_number for s in only}
    assert {s.status for s in only} == {"backordered"}
    detail = erp.order_detail(shipped)
    assert detail.customer_no == "C1001" and detail.customer_po == "PO-T-SHIPPED"
    assert [line.shipped_quantity for line in detail.lines] == [
        Decimal(2),
        Decimal("2.5"),
    ]
    assert detail.lines[1].unit_price == Decimal("10.00")
    with pytest.raises(BusinessError) as caught:
        erp.order_detail("SO-999999")
    assert caught.value.code == "unknown_order"

"""Planning portal postings and mails from order statuses."""

from __future__ import annotations

from datetime import date

from bots.adapters.erp.base import OrderStatus
from bots.comms.notices import plan_notices


def order(so: str, customer: str, status: str, **kw) -> OrderStatus:
    return OrderStatus(so_number=so, customer_no=customer, customer_po="PO-" + so,
                       status=status, **kw)


CONFIRMED = order("SO-1", "C1001", "confirmed", confirmed_date=date(2027, 1, 5))
SHIPPED = order("SO-2", "C1002", "shipped", confirmed_date=date(2027, 1, 5),
                carrier="DHL", tracking="JD1", ship_date=date(2027, 1, 6))
OPEN = order("SO-3", "C1003", "open")


def test_each_status_asks_for_its_postings() -> None:
    plan = plan_notices([CONFIRMED, SHIPPED, OPEN], {"C1001": "portal_a", "C1002": "portal_b"})
    assert sorted(m.reference for m in plan.portal) == [
        "portal:portal_a:SO-1:acknowledgment:SO-1",
        "portal:portal_b:SO-2:acknowledgment:SO-2",
        "portal:portal_b:SO-2:ship_notice:JD1",
    ]
    assert sorted(m.payload["kind"] for m in plan.mail) == [
        "order_confirmation", "order_confirmation", "shipment_notice"]


def test_a_new_fact_is_a_new_reference() -> None:
    first = plan_notices([SHIPPED], {"C1002": "portal_b"})
    second_shipment = order("SO-2", "C1002", "shipped", carrier="DHL", tracking="JD2",
                            ship_date=date(2027, 1, 9))
    later = plan_notices([second_shipment], {"C1002": "portal_b"})
    assert {m.reference for m in first.portal} != {m.reference for m in later.portal}


def test_many_delays_become_one_crisis_notice_per_customer() -> None:
    delayed = [order(f"SO-{n}", "C1001", "backordered", backorder_date=date(2027, 2, n),
                     reason="Supplier insolvent") for n in range(1, 5)]
    single = order("SO-9", "C1002", "backordered", backorder_date=date(2027, 2, 9))
    plan = plan_notices(delayed + [single], {"C1001": "portal_a"})
    kinds = sorted((m.payload["customer_no"], m.payload["kind"]) for m in plan.mail
                   if m.payload["kind"] in ("crisis_notice", "delay_notice"))
    assert kinds == [("C1001", "crisis_notice"), ("C1002", "delay_notice")]
    crisis = next(m for m in plan.mail if m.payload["kind"] == "crisis_notice")
    assert [o["so_number"] for o in crisis.payload["orders"]] == [
        "SO-1", "SO-2", "SO-3", "SO-4"]
    # the portal still gets one delay notice per PO
    assert len([m for m in plan.portal if m.payload["kind"] == "delay_notice"]) == 4


def test_told_notices_are_not_mailed_again() -> None:
    plan = plan_notices([SHIPPED], {}, told={"SO-2:acknowledgment:SO-2"})
    assert [m.payload["kind"] for m in plan.mail] == ["shipment_notice"]

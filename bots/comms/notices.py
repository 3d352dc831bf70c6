"""Plan what to tell customers about their orders: pure logic.

From the ERP's order statuses, decide which postings each customer's portal needs
(acknowledgment, ship notice, delay notice) and which mails to send. Every planned
message has a reference made of the order and the fact it reports (the tracking
number, the new date), so the same fact is never planned twice, while a new fact (a
second shipment, a later date) is. When a customer has several new delays at once, the
delay mails are consolidated into one crisis notice listing them all.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bots.adapters.erp.base import OrderStatus

log = logging.getLogger(__name__)

ACK, SHIP, DELAY = "acknowledgment", "ship_notice", "delay_notice"
MAIL_KINDS = {ACK: "order_confirmation", SHIP: "shipment_notice", DELAY: "delay_notice"}


@dataclass(frozen=True)
class Notice:
    """One fact about one order to tell one customer."""

    kind: str  # ACK, SHIP or DELAY
    order: OrderStatus

    @property
    def fact(self) -> str:
        if self.kind == SHIP:
            return self.order.tracking or str(self.order.ship_date)
        if self.kind == DELAY:
            return str(self.order.backorder_date)
        return self.order.so_number

    @property
    def key(self) -> str:
        return f"{self.order.so_number}:{self.kind}:{self.fact}"


@dataclass
class PlannedMessage:
    """A portal posting or a mail, ready to become a work item."""

    reference: str
    payload: dict[str, Any]
    priority: int = 0


@dataclass
class Plan:
    portal: list[PlannedMessage] = field(default_factory=list)
    mail: list[PlannedMessage] = field(default_factory=list)

    def all(self) -> list[PlannedMessage]:
        return self.portal + self.mail


def notices_for(order: OrderStatus) -> list[Notice]:
    """What an order's current status asks to be told (earlier facts included: an
    order shipped before it was acknowledged still gets its acknowledgment)."""
    notices: list[Notice] = []
    if order.status in ("confirmed", "shipped", "backordered"):
        notices.append(Notice(ACK, order))
    if order.status == "shipped" and (order.tracking or order.ship_date):
        notices.append(Notice(SHIP, order))
    if order.status == "backordered" and order.backorder_date:
        notices.append(Notice(DELAY, order))
    return notices


def order_json(order: OrderStatus) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "so_number": order.so_number,
        "customer_no": order.customer_no,
        "customer_po": order.customer_po,
        "status": order.status,
        "confirmed_date": text(order.confirmed_date),
        "carrier": order.carrier,
        "tracking": order.tracking,
        "ship_date": text(order.ship_date),
        "backorder_date": text(order.backorder_date),
        "reason": order.reason,
        "old_date": text(order.confirmed_date),
    }


def plan_notices(
    orders: Iterable[OrderStatus],
    portals: dict[str, str],
    crisis_threshold: int = 2,
    told: set[str] | frozenset[str] = frozenset(),
) -> Plan:
    """Portal postings for customers with a portal (`portals`: customer -> portal
    name) and mails for everyone; `crisis_threshold` new delays or more for one
    customer become one consolidated notice. `told` holds the keys of notices already
    mailed, which are not mailed again."""
    plan = Plan()
    delays: dict[str, list[Notice]] = defaultdict(list)
    for order in orders:
        for notice in notices_for(order):
            portal = portals.get(order.customer_no)
            if portal:
                plan.portal.append(
                    PlannedMessage(
                        reference=f"portal:{portal}:{notice.key}",
                        payload={
                            "channel": "portal",
                            "portal": portal,
                            "kind": notice.kind,
                            "order": order_json(order),
                        },
                        priority=1,
                    )
                )
            if notice.key in told:
                continue
            if notice.kind == DELAY:
                delays[order.customer_no].append(notice)
            else:
                plan.mail.append(_mail(notice))
    for customer, notices in sorted(delays.items()):
        if len(notices) >= crisis_threshold:
            plan.mail.append(_crisis(customer, notices))
        else:
            plan.mail.extend(_mail(n) for n in notices)
    return plan


def _mail(notice: Notice) -> PlannedMessage:
    return PlannedMessage(
        reference=f"mail:{notice.key}",
        payload={
            "channel": "mail",
            "kind": MAIL_KINDS[notice.kind],
            "customer_no": notice.order.customer_no,
            "orders": [order_json(notice.order)],
            "covers": [notice.key],
        },
    )


def _crisis(customer: str, notices: list[Notice]) -> PlannedMessage:
    keys = sorted(n.key for n in notices)
    digest = hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]
    orders = sorted(
        (order_json(n.order) for n in notices), key=lambda o: o["so_number"]
    )
    log.info("consolidating %d delays of %s into one notice", len(notices), customer)
    return PlannedMessage(
        reference=f"mail:crisis:{customer}:{digest}",
        payload={
            "channel": "mail",
            "kind": "crisis_notice",
            "customer_no": customer,
            "orders": orders,
            "covers": keys,
        },
        priority=2,
    )

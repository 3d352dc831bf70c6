"""The status-updates bot: keeps every customer's portal and inbox in step with the ERP.

It reads the order status list from the ERP's screens, plans one work item per fact a
customer has not been told yet (an acknowledgment, a shipment, a delay) for the
customer's portal and for mail, then posts each through the portal's screens and sends
each mail once. Before posting it looks at the PO on the portal: what is already there
is recorded and not posted again. Many delays for one customer become one crisis notice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from bots.adapters.erp import ErpAdapter, open_erp
from bots.adapters.portals import open_portal
from bots.adapters.portals.base import ACK, DELAY, SHIP, PortalAdapter, PortalPO
from bots.adapters.smtp import Mailer
from bots.comms.mails import send_customer_mail
from bots.comms.notices import plan_notices
from bots.errors import BusinessError
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem
from bots.runtime.kv import kv_items, kv_put

log = logging.getLogger(__name__)
TOLD = "status-updates:told"


class StatusUpdatesBot(Bot):
    name = "status-updates"
    systems = ("erp", "portals", "smtp")

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.erp: ErpAdapter | None = None
        self.mailer: Mailer | None = None
        self.portals: dict[str, PortalAdapter] = {}
        self.current: PortalAdapter | None = None

    # Lifecycle
    def open(self, ctx: RunContext) -> None:
        self.erp = open_erp(self.settings, run_dir=ctx.run_dir)
        self.erp.open()
        self.mailer = Mailer(self.settings)

    def close(self, ctx: RunContext) -> None:
        for adapter in list(self.portals.values()) + [self.erp]:
            if adapter is not None:
                try:
                    adapter.close()
                except Exception:  # closing must never fail a run
                    log.debug("closing %s failed", adapter, exc_info=True)
        if self.mailer is not None:
            self.mailer.close()
        self.portals.clear()
        self.erp = self.mailer = self.current = None

    # Finding work
    def find_work(self, ctx: RunContext) -> Iterator[NewItem]:
        assert self.erp is not None
        orders = self.erp.order_statuses()
        portals = {
            customer: c.portal
            for customer, c in self.settings.customers.items()
            if c.portal
        }
        told = set(kv_items(self.settings, TOLD))
        plan = plan_notices(orders, portals, self.settings.comms.crisis_threshold, told)
        log.info(
            "%d orders read: %d portal postings and %d mails planned",
            len(orders),
            len(plan.portal),
            len(plan.mail),
        )
        for message in plan.all():
            if ctx.dry_run:
                log.warning("dry run: would %s", describe(message.payload))
            yield NewItem(
                reference=message.reference,
                payload=message.payload,
                priority=message.priority,
            )

    # Processing
    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any]:
        if item.payload.get("channel") == "portal":
            return self._post(ctx, item.payload)
        return self._mail(ctx, item)

    def _portal(self, name: str) -> PortalAdapter:
        if name not in self.portals:
            adapter = open_portal(self.settings, name, None)
            adapter.open()
            self.portals[name] = adapter
        self.current = self.portals[name]
        return self.current

    def _post(self, ctx: RunContext, payload: dict[str, Any]) -> dict[str, Any]:
        order, kind, name = payload["order"], payload["kind"], payload["portal"]
        po_number = order["customer_po"]
        ctx.record_step(f"find PO {po_number} on {name}")
        portal = self._portal(name)
        po = portal.find_po(po_number)
        if po is None:
            raise BusinessError(
                "po_not_on_portal",
                f"the portal {name} has no purchase order {po_number} (our order "
                f"{order['so_number']}); check the PO number with the customer",
                step="find PO",
            )
        expected = _expected_fields(kind, order)
        if po.has(kind, **expected):
            log.info("%s already shows the %s for %s", name, kind, po_number)
            return {"already_posted": True, "portal": name, "kind": kind}
        if ctx.dry_run:
            return {"dry_run": True, "would_post": kind, "portal": name, **expected}
        ctx.record_step(f"post {kind} for {po_number} on {name}")
        result = self._send_posting(portal, po, kind, order)
        return {
            "posted": result.created,
            "portal": name,
            "kind": kind,
            "portal_message": result.message,
        }

    def _send_posting(
        self, portal: PortalAdapter, po: PortalPO, kind: str, order: dict[str, Any]
    ) -> Any:
        if kind == ACK:
            return portal.post_acknowledgment(
                po.po_number, order["so_number"], _ack_date(order)
            )
        if kind == SHIP:
            return portal.post_ship_notice(
                po.po_number,
                order.get("carrier") or "",
                order.get("tracking") or "",
                date.fromisoformat(order["ship_date"]),
                self._shipped(order["so_number"]),
            )
        return portal.post_delay_notice(
            po.po_number,
            date.fromisoformat(order["backorder_date"]),
            order.get("reason") or "Delivery delayed",
        )

    def _shipped(self, so_number: str) -> dict[str, Decimal]:
        assert self.erp is not None
        detail = self.erp.order_detail(so_number)
        quantities: dict[str, Decimal] = {}
        for line in detail.lines:
            if line.customer_part:
                shipped = line.shipped_quantity
                quantities[line.customer_part] = (
                    line.quantity if shipped is None else shipped
                )
        return quantities

    def _mail(self, ctx: RunContext, item: WorkItem) -> dict[str, Any]:
        assert self.erp is not None and self.mailer is not None
        payload = item.payload
        ctx.record_step(f"mail {payload['kind']} to {payload['customer_no']}")
        self.current = None
        customer = self.erp.get_customer(payload["customer_no"])
        orders = payload["orders"]
        context = {
            "order": orders[0],
            "orders": orders,
            "message": self.settings.comms.crisis_message,
        }
        result = send_customer_mail(
            self.settings,
            self.mailer,
            reference=item.reference,
            kind=payload["kind"],
            customer=customer,
            roles=self.settings.comms.order_roles,
            context=context,
            dry_run=ctx.dry_run,
        )
        if not ctx.dry_run:
            for key in payload.get("covers", []):
                kv_put(self.settings, TOLD, key, item.reference)
        return result

    def capture_evidence(
        self, ctx: RunContext, item: WorkItem, error: BaseException
    ) -> None:
        target = self.current or self.erp
        if target is None:
            return
        for path in target.capture_evidence(
            ctx.run_dir / "evidence", f"item-{item.id}"
        ):
            ctx.add_evidence(path.name, path.read_bytes())


def describe(payload: dict[str, Any]) -> str:
    """One line saying what a planned item would post or send."""
    orders = payload.get("orders") or [payload.get("order", {})]
    pos = ", ".join(f"{o.get('customer_po')} ({o.get('so_number')})" for o in orders)
    if payload.get("channel") == "portal":
        return f"post {payload['kind']} to {payload['portal']} for PO {pos}"
    return f"mail {payload['kind']} to customer {payload['customer_no']} about {pos}"


def _ack_date(order: dict[str, Any]) -> date:
    for key in ("confirmed_date", "backorder_date", "ship_date"):
        if order.get(key):
            return date.fromisoformat(order[key])
    raise BusinessError(
        "no_confirmed_date",
        f"order {order['so_number']} has no confirmed date in the ERP",
        step="acknowledge",
    )


def _expected_fields(kind: str, order: dict[str, Any]) -> dict[str, str]:
    if kind == ACK:
        return {"order_number": order["so_number"]}
    if kind == SHIP:
        return {"tracking_number": order.get("tracking") or ""}
    if kind == DELAY:
        return {"new_date": order["backorder_date"]}
    raise BusinessError("unknown_posting", f"unknown portal posting '{kind}'")

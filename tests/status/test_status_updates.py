"""The status-updates bot end to end: order statuses moved on the sandbox ERP's admin
page reach both customer portals and the customers' inboxes, once."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from bots.adapters.erp import OrderEntry, OrderHeader, OrderLine, open_erp
from bots.config import load_settings
from bots.runtime.queue import WorkQueue
from bots.runtime.runner import run_bot

BOT = "status-updates"


def enter(customer: str, po_number: str, lines: list[dict]) -> str:
    entry = OrderEntry(
        header=OrderHeader(customer_no=customer, customer_po=po_number,
                           po_date=date(2026, 11, 30), requested_date=date(2026, 12, 20)),
        lines=[OrderLine(item_no=line["sku"], quantity=Decimal(line["quantity"]))
               for line in lines])
    with open_erp(load_settings()) as erp:
        return erp.enter_order(entry)


def items(status: str | None = None) -> list[dict]:
    return WorkQueue(load_settings()).list(bot=BOT, status=status)


def mails_to(world, kind_word: str) -> list:
    return [m for m in world.sink.messages if kind_word in str(m["Subject"])]


def test_statuses_reach_portals_and_inboxes_once(world, caplog) -> None:
    a_lines = world.portal_po("portal_a", "NW-PO-39001", "C1001", [4, 6])
    b_lines = world.portal_po("portal_b", "4500099001", "C1002", [10])
    so_a = enter("C1001", "NW-PO-39001", a_lines)
    so_b = enter("C1002", "4500099001", b_lines)
    crisis = [enter("C1003", f"IN-77{n}", [{"sku": "ITM-1001", "quantity": "2"}])
              for n in range(3)]
    world.set_status(so_a, status="confirmed", confirmed_date="2026-12-18")
    world.set_status(so_b, status="confirmed", confirmed_date="2026-12-19")
    world.set_status(so_b, status="shipped", carrier="UPS", tracking="1Z39001",
                     ship_date="2026-12-04")
    for so in crisis:
        world.set_status(so, status="backordered", backorder_date="2027-01-29",
                         reason="Port closure at Rotterdam")

    with caplog.at_level("WARNING"):
        run_bot(BOT, load_settings(), dry_run=True)
    planned = caplog.text
    assert "would post acknowledgment to portal_a for PO NW-PO-39001" in planned
    assert "would mail crisis_notice to customer C1003" in planned
    assert world.sink.messages == [] and world.posted("portal_a", "NW-PO-39001") == []

    first = run_bot(BOT, load_settings())

    assert [c["type"] for c in world.posted("portal_a", "NW-PO-39001")] == ["acknowledgment"]
    posted_b = world.posted("portal_b", "4500099001")
    assert sorted(c["type"] for c in posted_b) == ["acknowledgment", "ship_notice"]
    ship = next(c for c in posted_b if c["type"] == "ship_notice")
    assert ship["fields"]["tracking_number"] == "1Z39001"
    assert [line["quantity"] for line in ship["fields"]["lines"]] in (["10"], ["10.000"],
                                                                      ["10.00"])
    assert mails_to(world, so_a) and mails_to(world, "1Z39001")
    consolidated = [m for m in mails_to(world, "Delivery delays on")
                    if "IN-770" in m.get_body(("plain",)).get_content()]
    assert len(consolidated) == 1  # one notice for all of C1003's delayed orders
    text = consolidated[0].get_body(("plain",)).get_content()
    html = consolidated[0].get_body(("html",)).get_content()
    assert all(f"IN-77{n}" in text and f"IN-77{n}" in html for n in range(3))
    assert "2027-01-29" in text
    ours = [i for i in items() if any(s in i["reference"] for s in
                                      [so_a, so_b, *crisis])]
    assert ours and all(i["status"] == "done" for i in ours), ours
    assert first.exit_code in (0, 3)  # seeded orders may miss their portal PO

    sent_before = len(world.sink.messages)
    second = run_bot(BOT, load_settings())
    assert len(world.sink.messages) == sent_before
    assert len(world.posted("portal_b", "4500099001")) == 2
    assert second.counts.get("added", 0) == 0


def test_portal_in_maintenance_keeps_updates_queued(world, monkeypatch) -> None:
    monkeypatch.setenv("O2C_RUNTIME__BACKOFF_BASE_SECONDS", "1")
    monkeypatch.setenv("O2C_RUNTIME__BACKOFF_MAX_SECONDS", "1")
    lines = world.portal_po("portal_a", "NW-PO-39002", "C1001", [3])
    so = enter("C1001", "NW-PO-39002", lines)
    world.set_status(so, status="confirmed", confirmed_date="2026-12-21")
    world.chaos["portal_a"].update(maintenance=True)

    run_bot(BOT, load_settings())
    mine = [i for i in items() if so in i["reference"] and "portal" in i["reference"]]
    assert mine and all(i["status"] in ("new", "retry") for i in mine), mine
    assert world.posted("portal_a", "NW-PO-39002") == []

    world.chaos["portal_a"].update(maintenance=False)
    time.sleep(1.5)  # the retry's backoff
    run_bot(BOT, load_settings())
    assert [c["type"] for c in world.posted("portal_a", "NW-PO-39002")] == ["acknowledgment"]


def test_portal_rejection_is_a_business_exception_with_evidence(world) -> None:
    world.portal_po("portal_b", "4500099002", "C1002", [2])
    lines = [{"sku": world_line["sku"], "quantity": "5"}
             for world_line in world.portal_po("portal_b", "4500099003", "C1002", [5])]
    so = enter("C1002", "4500099002", lines)  # the ERP order ships more than the PO has
    world.set_status(so, status="shipped", carrier="DHL", tracking="JD39002",
                     ship_date="2026-12-04")

    run_bot(BOT, load_settings())
    queue = WorkQueue(load_settings())
    failed = [i for i in items("exception") if "JD39002" in i["reference"]]
    assert len(failed) == 1
    assert failed[0]["error_code"] == "portal_rejected"
    assert "exceeds" in failed[0]["error_message"]
    files = queue.files(failed[0]["id"])
    assert any(str(f["name"]).endswith(".png") for f in files), files

"""Order intake's business exceptions against the real sandbox ERP, and the operator's
fix: correct the item's fields (or choose the customer) and retry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bots.runtime.queue import WorkQueue
from bots.runtime.runner import run_bot
from sandbox import seed
from sandbox import mailbuilder as mails
from tests.flows.conftest import IntakeWorld
from tests.flows.test_order_intake import assert_entered_once

pytestmark = [pytest.mark.imap, pytest.mark.browser, pytest.mark.slow]


def item_for(items: list[dict[str, Any]], po_number: str) -> dict[str, Any]:
    [found] = [i for i in items if (i["payload"].get("po") or {}).get("po_number")
               == po_number]  # fmt: skip
    return found


def test_business_exceptions_then_operator_corrections(world: IntakeWorld) -> None:
    existing = seed.sales_orders(date.today())
    same = mails.from_order(existing[1])
    other = mails.from_order(existing[5])
    different = replace(other, lines=(replace(other.lines[0], quantity=Decimal(999)),))
    priced = mails.with_prices(
        mails.po_spec("C1001", "PR-1", n_lines=2), Decimal("1.1")
    )
    base = mails.po_spec("C1005", "UI-1", layout="german", n_lines=1)
    unknown_sku = replace(base.lines[0], customer_part="ZZ-00000")
    unknown_item = replace(base, lines=(*base.lines, unknown_sku))
    stranger = replace(
        mails.po_spec("C1004", "UK-1", n_lines=2),
        sender="buyer@freemail.example",
        buyer_name="Acme Unknown Trading",
    )
    review = mails.po_spec("C1002", "RV-1", layout="us", n_lines=2)
    review = replace(review, printed_total=review.total + Decimal(100))
    specs = (same, different, priced, unknown_item, stranger, review)
    world.deliver(*(mails.po_mail(spec) for spec in specs))
    seeded = len(world.erp.orders())

    first = run_bot("order-intake", world.settings())

    assert first.exit_code == 3
    items = world.items()
    outcome = {i["payload"]["po"]["po_number"]: i["error_code"] or i["status"]
               for i in items}  # fmt: skip
    assert outcome == {
        same.po_number: "done",
        different.po_number: "duplicate_po_different",
        "PR-1": "price_mismatch",
        "UI-1": "unknown_item",
        "UK-1": "unknown_customer",
        "RV-1": "needs_review",
    }
    assert len(world.erp.orders()) == seeded  # nothing entered
    recorded = item_for(items, same.po_number)["result"]
    assert recorded["order_number"] == existing[1].so_number
    assert recorded["existing_order"] is True
    messages = {i["error_code"]: i["error_message"] for i in items if i["error_code"]}
    assert existing[5].so_number in messages["duplicate_po_different"]
    assert "ZZ-00000" in messages["unknown_item"]
    assert "freemail.example" in messages["unknown_customer"]
    assert "10.00 %" in messages["price_mismatch"]
    assert all(i["error_kind"] == "business" for i in items if i["error_code"])
    assert len(world.folder("Processed")) == 1
    assert len(world.folder("Exceptions")) == 5

    # the operator corrects the total and names the customer, then retries
    queue = WorkQueue(world.settings())
    to_review = item_for(items, "RV-1")
    names = {f["name"] for f in queue.files(to_review["id"])}
    assert {"message.eml", "RV-1.pdf", "purchase-order.json"} <= names
    payload = to_review["payload"]
    corrected = {**payload, "po": {**payload["po"], "total": str(review.total)}}
    queue.retry(to_review["id"], "maria", payload=corrected)
    unknown = item_for(items, "UK-1")
    queue.retry(
        unknown["id"], "maria", payload={**unknown["payload"], "customer_no": "C1004"}
    )
    still_wrong = item_for(items, "UI-1")
    queue.retry(still_wrong["id"], "maria")  # retried unchanged: same answer

    second = run_bot("order-intake", world.settings())

    assert second.counts.get("done") == 2 and second.counts.get("exception") == 1
    assert_entered_once(world, review)
    assert_entered_once(world, stranger)
    assert len(world.erp.orders()) == seeded + 2
    statuses = {i["payload"]["po"]["po_number"]: i["status"] for i in world.items()}
    assert statuses["RV-1"] == statuses["UK-1"] == "done"
    assert statuses["UI-1"] == "exception"

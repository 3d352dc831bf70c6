"""The work queue on SQLite and on PostgreSQL: idempotent add, leasing order,
statuses and transitions, retries, lease expiry and operator actions."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from bots.config import Settings
from bots.errors import BusinessError, IllegalTransition, TechnicalError
from bots.runtime.bot import NewItem
from bots.runtime.queue import ItemNotFound, LeaseLost, WorkQueue

BOT = "test-bot"


@pytest.fixture
def queue(settings: Settings) -> WorkQueue:
    return WorkQueue(settings)


def test_adding_a_reference_twice_returns_the_first_item_unchanged(
    queue: WorkQueue,
) -> None:
    first = queue.add(BOT, NewItem("PO-1", {"total": "10.00"}, priority=1))
    again = queue.add(BOT, NewItem("PO-1", {"total": "99.00"}, priority=9))
    other_bot = queue.add("other-bot", NewItem("PO-1", {}))

    assert first == (first[0], True)
    assert again == (first[0], False)
    assert other_bot[1] is True and other_bot[0] != first[0]
    item = queue.get(first[0])
    assert item["payload"] == {"total": "10.00"}
    assert item["priority"] == 1
    assert [e["action"] for e in queue.history(first[0])] == ["added"]


def test_lease_takes_priority_then_due_time_then_age(queue: WorkQueue) -> None:
    soon = datetime.now(UTC) + timedelta(hours=1)
    later = datetime.now(UTC) + timedelta(hours=5)
    queue.add(BOT, NewItem("old-low", {}))
    queue.add(BOT, NewItem("due-later", {}, priority=1, due_at=later))
    queue.add(BOT, NewItem("no-due", {}, priority=1))
    queue.add(BOT, NewItem("due-soon", {}, priority=1, due_at=soon))
    queue.add(BOT, NewItem("urgent", {}, priority=7))

    order = [queue.lease(BOT, "w1").reference for _ in range(5)]

    assert order == ["urgent", "due-soon", "due-later", "no-due", "old-low"]
    assert queue.lease(BOT, "w1") is None


def test_lease_records_owner_attempt_and_expiry(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-2", {"n": 1}, files={"po.pdf": b"%PDF"}))

    item = queue.lease(BOT, "runner-a", run_id="20261203-120000-abcdef")

    assert item.id == item_id and item.attempts == 1 and item.payload == {"n": 1}
    assert item.read_file("po.pdf") == b"%PDF"
    row = queue.get(item_id)
    assert row["status"] == "in_progress"
    assert row["lease_owner"] == "runner-a"
    assert row["lease_expires_at"] > datetime.now(UTC) + timedelta(seconds=200)
    assert row["last_run_id"] == "20261203-120000-abcdef"


def test_done_items_cannot_be_settled_or_handled_again(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-3", {}))
    queue.lease(BOT, "w")
    queue.update_result(item_id, order_number="SO-100031")
    queue.complete(item_id, "w", {"lines": 3})

    assert queue.get(item_id)["status"] == "done"
    assert queue.get(item_id)["result"] == {"order_number": "SO-100031", "lines": 3}
    with pytest.raises(IllegalTransition):
        queue.complete(item_id, "w", {})
    with pytest.raises(IllegalTransition):
        queue.fail(item_id, "w", TechnicalError("timeout", "ERP timed out"))
    with pytest.raises(IllegalTransition, match="cannot be resolved"):
        queue.resolve(item_id, "ann", "typed by hand")
    with pytest.raises(IllegalTransition):
        queue.retry(item_id, "ann")
    with pytest.raises(IllegalTransition):
        queue.discard(item_id, "ann", "duplicate")
    assert queue.get(item_id)["status"] == "done"


def test_new_items_cannot_be_settled_without_a_lease(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-4", {}))
    with pytest.raises(IllegalTransition):
        queue.complete(item_id, "w", {})
    with pytest.raises(IllegalTransition):
        queue.release(item_id, "w")
    with pytest.raises(IllegalTransition):
        queue.retry(item_id, "ann")  # only exception/retry items are retried
    with pytest.raises(ItemNotFound):
        queue.get(item_id + 1000)


def test_another_runner_cannot_settle_a_leased_item(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-5", {}))
    queue.lease(BOT, "w1")
    with pytest.raises(LeaseLost):
        queue.complete(item_id, "w2", {})
    with pytest.raises(LeaseLost):
        queue.heartbeat(item_id, "w2")
    queue.heartbeat(item_id, "w1")
    assert queue.get(item_id)["status"] == "in_progress"


def test_technical_failure_retries_later_then_goes_to_exception(
    queue: WorkQueue, settings: Settings
) -> None:
    assert settings.runtime.max_attempts == 3
    item_id, _ = queue.add(BOT, NewItem("PO-6", {}))
    error = TechnicalError("erp_timeout", "The ERP did not answer", step="login")
    queue.lease(BOT, "w")

    assert queue.fail(item_id, "w", error) == "retry"
    row = queue.get(item_id)
    assert row["error_kind"] == "technical" and row["error_step"] == "login"
    assert row["next_attempt_at"] > datetime.now(UTC) + timedelta(seconds=25)
    assert queue.lease(BOT, "w") is None  # not due yet

    for expected in ("retry", "exception"):
        _make_due(queue, item_id)
        assert queue.lease(BOT, "w").id == item_id
        assert queue.fail(item_id, "w", error) == expected
    row = queue.get(item_id)
    assert row["status"] == "exception" and row["attempts"] == 3
    assert row["error_code"] == "erp_timeout"
    assert row["error_message"] == "The ERP did not answer"


def test_business_failure_goes_straight_to_exception(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-7", {}))
    queue.lease(BOT, "w")
    error = BusinessError(
        "unknown_item", "Item X-9 is not in the ERP", step="validate",
        details={"sku": "X-9"},
    )  # fmt: skip
    assert queue.fail(item_id, "w", error) == "exception"
    row = queue.get(item_id)
    assert (row["status"], row["attempts"], row["error_kind"]) == (
        "exception", 1, "business",
    )  # fmt: skip
    assert row["error_details"] == {"sku": "X-9"}
    assert row["next_attempt_at"] is None


def test_operator_actions_are_in_the_history_with_the_user(queue: WorkQueue) -> None:
    ids = [queue.add(BOT, NewItem(f"PO-8{n}", {"qty": n}))[0] for n in range(3)]
    for item_id in ids:
        queue.lease(BOT, "w")
        queue.fail(item_id, "w", BusinessError("bad_total", "Totals differ"))

    queue.assign(ids[0], "ann", "bob")
    queue.retry(ids[0], "bob", payload={"qty": 5})
    queue.resolve(ids[1], "ann", "entered by hand as SO-1")
    queue.discard(ids[2], "ann", "customer cancelled")

    retried = queue.get(ids[0])
    assert (retried["status"], retried["attempts"], retried["payload"]) == (
        "new", 0, {"qty": 5},
    )  # fmt: skip
    assert retried["assignee"] == "bob" and retried["error_code"] is None
    history = queue.history(ids[0])
    assert [(e["action"], e["actor"]) for e in history[-3:]] == [
        ("assigned", "ann"), ("edited", "bob"), ("retry", "bob"),
    ]  # fmt: skip
    assert history[-2]["details"] == {"previous_payload": {"qty": 0}}
    assert queue.get(ids[1])["status"] == "resolved"
    assert queue.history(ids[1])[-1]["message"] == "entered by hand as SO-1"
    assert queue.history(ids[2])[-1]["actor"] == "ann"
    assert queue.get(ids[2])["status"] == "discarded"
    assert queue.lease(BOT, "w").id == ids[0]
    with pytest.raises(Exception, match="note is required"):
        queue.resolve(ids[0], "ann", "  ")


def test_an_expired_lease_is_taken_again_by_another_runner(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-9", {}))
    queue.lease(BOT, "dead-runner", lease_seconds=1.0)
    assert queue.lease(BOT, "w2") is None
    time.sleep(1.1)

    again = queue.lease(BOT, "w2")

    assert again.id == item_id and again.attempts == 2
    actions = [e["action"] for e in queue.history(item_id)]
    assert actions == ["added", "leased", "lease_expired", "leased"]
    with pytest.raises(LeaseLost):
        queue.complete(item_id, "dead-runner", {})
    queue.complete(item_id, "w2", {})
    assert queue.get(item_id)["status"] == "done"


def test_heartbeat_keeps_the_lease(queue: WorkQueue) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-10", {}))
    queue.lease(BOT, "w1", lease_seconds=1.0)
    for _ in range(4):
        time.sleep(0.4)
        queue.heartbeat(item_id, "w1", lease_seconds=1.0)
        assert queue.lease(BOT, "w2") is None
    assert queue.get(item_id)["lease_owner"] == "w1"


def test_release_gives_the_item_back_without_counting_the_attempt(
    queue: WorkQueue,
) -> None:
    item_id, _ = queue.add(BOT, NewItem("PO-11", {}))
    queue.lease(BOT, "w")
    queue.release(item_id, "w", "run stopped")
    row = queue.get(item_id)
    assert (row["status"], row["attempts"], row["lease_owner"]) == ("new", 0, None)


def test_evidence_is_stored_with_secrets_scrubbed(
    queue: WorkQueue, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("O2C_ERP__PASSWORD", "s3cr3t-Pa55")
    from bots.config import load_settings

    queue = WorkQueue(load_settings())
    item_id, _ = queue.add(BOT, NewItem("PO-12", {}))
    path = queue.attach(
        item_id, "../page.html", "<input value='s3cr3t-Pa55'>", "evidence",
        "20261203-120000-abcdef",
    )  # fmt: skip

    assert path.name == "page.html"
    assert path.parent.parts[-4:] == (
        "2026-12-03", "20261203-120000-abcdef", "items", str(item_id),
    )  # fmt: skip
    assert "s3cr3t-Pa55" not in path.read_text()
    (entry,) = queue.files(item_id)
    assert entry["kind"] == "evidence" and entry["size"] == path.stat().st_size


def test_list_and_counts(queue: WorkQueue) -> None:
    queue.add(BOT, NewItem("A", {}))
    queue.add(BOT, NewItem("B", {}, priority=2))
    queue.add("other", NewItem("C", {}))
    queue.lease(BOT, "w")

    assert [i["reference"] for i in queue.list(bot=BOT)] == ["B", "A"]
    assert [i["reference"] for i in queue.list(status="new")] == ["A", "C"]
    assert queue.counts(BOT)["in_progress"] == 1
    assert queue.counts()["new"] == 2


def _make_due(queue: WorkQueue, item_id: int) -> None:
    """Move the item's next attempt into the past, as if the backoff had passed."""
    from sqlalchemy import update

    from bots.runtime.db import session_scope
    from bots.runtime.models import WorkItemRow

    with session_scope(queue.settings) as session:
        session.execute(
            update(WorkItemRow)
            .where(WorkItemRow.id == item_id)
            .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
        )

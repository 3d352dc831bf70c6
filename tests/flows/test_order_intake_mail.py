"""Order intake's mail side against a real Dovecot and the real work queue (no ERP):
items lost between reading mail and queueing them come back, mail is filed only
once all its items settled, and a dry run remembers nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bots.config import Settings, load_settings
from bots.errors import BusinessError
from bots.flows.order_intake import OrderIntakeBot
from bots.runtime.bot import NewItem
from bots.runtime.queue import WorkQueue
from sandbox import mailbuilder as mails
from tests.support.dovecot import DovecotServer, ImapAccount

pytestmark = pytest.mark.imap


@dataclass
class RunStub:
    """The part of the runtime's run context that finding work uses."""

    settings: Settings
    dry_run: bool = False
    run_id: str = "test-run"
    run_dir: Path = Path("/nonexistent")
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("test"))


@pytest.fixture
def account(
    dovecot_server: DovecotServer,
    o2c_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ImapAccount:
    found = dovecot_server.add_account()
    for key, value in found.env().items():
        monkeypatch.setenv(key, value)
    return found


def find(bot: OrderIntakeBot, ctx: RunStub) -> list[NewItem]:
    try:
        return list(bot.find_work(ctx))  # type: ignore[arg-type]
    finally:
        bot.end(ctx)  # type: ignore[arg-type]


def settle(queue: WorkQueue, outcome: dict[str, str]) -> None:
    """Lease every item and settle it: 'done' or a business exception."""
    while (item := queue.lease("order-intake", "tester")) is not None:
        if outcome.get(item.reference, "done") == "done":
            queue.complete(item.id, "tester", {})
        else:
            queue.fail(item.id, "tester", BusinessError("no_attachment", "test"))


def test_lost_items_come_back_and_settled_mail_is_filed(account: ImapAccount) -> None:
    good = mails.po_mail(mails.po_spec("C1001", "MF-1", n_lines=1))
    account.deliver(good)
    account.deliver(mails.no_attachment_mail("x@globex-supply.example"))
    settings = load_settings()
    bot, ctx = OrderIntakeBot(settings), RunStub(settings)

    first = find(bot, ctx)
    assert [i.payload["kind"] for i in first] == ["purchase_order", "no_attachment"]
    # the run died before adding them: the next run offers them again
    again = find(OrderIntakeBot(settings), ctx)
    assert [i.reference for i in again] == [i.reference for i in first]
    queue = WorkQueue(settings)
    queue.add_many("order-intake", again)
    assert find(OrderIntakeBot(settings), ctx) == []
    assert len(account.messages("INBOX")) == 2

    # a re-delivered copy of the good mail: same item, and filed with it
    account.deliver(good)
    copy = find(OrderIntakeBot(settings), ctx)
    assert [i.reference for i in copy] == [first[0].reference]
    assert [created for _, created in queue.add_many("order-intake", copy)] == [False]

    settle(queue, {first[1].reference: "exception"})
    assert find(OrderIntakeBot(settings), ctx) == []
    assert account.messages("INBOX") == []
    assert len(account.messages("Processed")) == 2  # the mail and its copy
    [refused] = account.messages("Exceptions")
    assert b"Please send us 10 boxes" in refused


def test_mail_waits_while_an_item_is_unsettled(account: ImapAccount) -> None:
    first = mails.po_spec("C1003", "MF-2", n_lines=1)
    second = mails.po_spec("C1003", "MF-3", n_lines=1, first=2)
    account.deliver(mails.two_po_mail(first, second))
    settings = load_settings()
    ctx = RunStub(settings)
    queue = WorkQueue(settings)
    found = find(OrderIntakeBot(settings), ctx)
    queue.add_many("order-intake", found)
    item = queue.lease("order-intake", "tester")
    assert item is not None
    queue.complete(item.id, "tester", {})
    assert find(OrderIntakeBot(settings), ctx) == []
    assert len(account.messages("INBOX")) == 1  # the other PO is still open
    settle(queue, {})
    find(OrderIntakeBot(settings), ctx)
    assert len(account.messages("Processed")) == 1


def test_dry_run_reads_mail_but_remembers_and_moves_nothing(
    account: ImapAccount,
) -> None:
    account.deliver(mails.po_mail(mails.po_spec("C1002", "MF-4", layout="us")))
    settings = load_settings()
    dry = find(OrderIntakeBot(settings), RunStub(settings, dry_run=True))
    assert len(dry) == 1
    real = find(OrderIntakeBot(settings), RunStub(settings))
    assert [i.reference for i in real] == [i.reference for i in dry]

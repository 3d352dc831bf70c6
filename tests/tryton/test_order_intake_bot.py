"""The order-intake bot, unchanged but for its settings, enters POs from real mail
(Dovecot) into Tryton; a second run enters nothing. Sales are checked through
proteus, not through the bot or the adapter."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from bots.config import load_settings
from bots.runtime.runner import run_bot
from sandbox import mailbuilder as mails
from sandbox.tryton.server import TrytonServer
from tests.conftest import chromium_available, need_service
from tests.flows.test_order_intake import files_containing
from tests.support.dovecot import DovecotServer, dovecot_server  # noqa: F401
from tests.tryton.conftest import tryton_env

pytestmark = [
    pytest.mark.imap,
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(1800),
]


def test_po_mails_become_tryton_sales_once(
    tryton_server: TrytonServer,
    dovecot_server: DovecotServer,  # noqa: F811
    o2c_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    account = dovecot_server.add_account()
    env = {
        **account.env(),
        **tryton_env(o2c_home, tryton_server),
        "O2C_RUNTIME__BACKOFF_BASE_SECONDS": "0",
        "O2C_RUNTIME__BACKOFF_MAX_SECONDS": "0",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert os.environ["O2C_ERP__KIND"] == "tryton"
    northwind = mails.po_spec("C1001", "NW-TRY-7001", layout="classic", n_lines=2)
    stark = mails.po_spec("C1005", "ST-TRY-0042", layout="german", n_lines=1)
    account.deliver(mails.po_mail(northwind))
    account.deliver(mails.po_mail(stark))

    summary = run_bot("order-intake", load_settings())

    assert summary.counts.get("done") == 2, summary.counts
    for spec in (northwind, stark):
        [sale] = tryton_server.inspect("sales", reference=spec.po_number)
        assert sale["party"] == spec.customer.customer_no
        assert sale["state"] == "quotation"
        lines = sorted((ln["product"], Decimal(ln["quantity"])) for ln in sale["lines"])
        assert lines == sorted((ln.item_no, ln.quantity) for ln in spec.lines)
        assert Decimal(sale["total"]) == sum(ln.amount for ln in spec.lines)
    before = tryton_server.inspect("sales")

    again = run_bot("order-intake", load_settings())

    assert again.exit_code == 0
    assert again.counts.get("added", 0) == 0
    assert tryton_server.inspect("sales") == before
    assert account.messages("INBOX") == []
    secrets = [env["O2C_ERP__PASSWORD"], env["O2C_IMAP__PASSWORD"]]
    assert files_containing(o2c_home / "artifacts", secrets) == []

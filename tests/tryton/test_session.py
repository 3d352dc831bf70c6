"""Tryton ends the robot's session mid-run: the client asks for the password again,
the adapter types it and the work goes on, on the sale screens and on a list's
CSV export alike. The session is ended the way Tryton's own expiry does it: its
row in `ir_session` goes."""

from __future__ import annotations

import sqlite3

import pytest

from bots.adapters.erp.tryton import TrytonErp
from sandbox import seed
from sandbox.tryton.server import TrytonServer
from tests.flows.test_order_intake import files_containing

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]


def end_sessions(server: TrytonServer) -> int:
    with sqlite3.connect(server.db_file) as db:
        ended = db.execute("DELETE FROM ir_session").rowcount
    assert ended > 0
    return ended


def test_an_ended_session_is_renewed_on_the_screens(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    assert tryton_erp.find_order_by_po("C1001", "NO-SUCH-PO-1") is None
    before = tryton_erp.ui.renewals
    end_sessions(tryton_server)

    assert tryton_erp.find_order_by_po("C1001", "NO-SUCH-PO-2") is None

    assert tryton_erp.ui.renewals == before + 1


def test_an_ended_session_is_renewed_on_the_product_list_s_export(
    tryton_erp: TrytonErp, tryton_server: TrytonServer
) -> None:
    item = seed.items()[5]
    assert item.item_no not in tryton_erp._products  # read from Tryton, not cached
    before = tryton_erp.ui.renewals
    end_sessions(tryton_server)

    found = tryton_erp.find_item("C1002", item.item_no)

    assert found is not None and found.item_no == item.item_no
    assert found.price == item.price
    assert tryton_erp.ui.renewals == before + 1
    with sqlite3.connect(tryton_server.db_file) as db:
        assert db.execute("SELECT count(*) FROM ir_session").fetchone()[0] > 0
    password = tryton_erp.settings.secret("erp.password")
    assert files_containing(tryton_erp.settings.artifacts_dir, [password]) == []

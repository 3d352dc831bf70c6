"""The cash-application bot end to end: a camt.054 in the watched folder, open items
downloaded from the sandbox ERP's screens, matched payments posted in its cash
application screen, the rest in the exception queue with candidates; nothing is
posted twice, not after a second run and not after a crash mid-batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.config import load_settings
from bots.runtime.queue import WorkQueue
from bots.runtime.runner import run_bot
from sandbox import seed
from sandbox.chaos import Chaos
from sandbox.credentials import ERP_USERS
from sandbox.webserver import ServerThread, free_port
from tests.conftest import CHROMIUM, chromium_available, need_service
from sandbox.bankfiles import BankPayment, write_camt054

BOT = "cash-application"


def call(url: str) -> object:
    with urllib.request.urlopen(url, timeout=15) as answer:
        return json.loads(answer.read())


@pytest.fixture
def erp(tmp_path: Path, o2c_home: Path, monkeypatch: pytest.MonkeyPatch):
    need_service("Chromium", chromium_available())
    from sandbox.erp.app import create_app

    server = ServerThread(create_app(tmp_path / "erp.sqlite", Chaos()), free_port()).start()
    env = {"O2C_ERP__URL": server.url, "O2C_ERP__PASSWORD": ERP_USERS["robot"],
           "O2C_BROWSER__EXECUTABLE_PATH": CHROMIUM, "O2C_BROWSER__TIMEOUT_MS": "8000",
           "O2C_RUNTIME__LEASE_SECONDS": "3", "O2C_RUNTIME__HEARTBEAT_SECONDS": "1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield server.url
    server.stop()


NAMES = {c.customer_no: c.name for c in seed.customers()}


def invoices(url: str) -> dict[str, dict]:
    return {i["invoice_number"]: i for i in call(f"{url}/admin/api/invoices")}


def payments(url: str) -> list[dict]:
    return call(f"{url}/admin/api/payments")


def pick(url: str, count: int) -> list[dict]:
    """Fully open invoices of different customers, in one currency."""
    chosen: list[dict] = []
    seen: set[str] = set()
    for inv in invoices(url).values():
        if (inv["currency"] == "EUR" and inv["customer_no"] not in seen
                and Decimal(str(inv["open_amount"])) == Decimal(str(inv["amount"]))):
            chosen.append(inv)
            seen.add(inv["customer_no"])
        if len(chosen) == count:
            return chosen
    raise AssertionError("not enough open invoices in the seed")


def bank_file(home: Path, invs: list[dict], name: str = "camt054.xml") -> Path:
    today = date.today()
    pays = [
        BankPayment(bank_ref=f"BREF-{n:04d}", end_to_end=f"E2E-{n:04d}",
                    payer=NAMES[inv["customer_no"]].upper(),
                    amount=Decimal(str(inv["open_amount"])), currency="EUR",
                    value_date=today, text=f"Invoice {inv['invoice_number']}")
        for n, inv in enumerate(invs)
    ]
    pays.append(BankPayment(bank_ref="BREF-9999", end_to_end="NOTPROVIDED",
                            payer="UNKNOWN TRADING LLC", amount=Decimal("77.13"),
                            currency="EUR", value_date=today, text="thank you"))
    folder = home / "inbox" / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    write_camt054(path, pays, "08", today)
    return path


def test_matched_payments_posted_once_rest_to_operator(erp: str, o2c_home: Path) -> None:
    invs = pick(erp, 3)
    source = bank_file(o2c_home, invs)
    before = invoices(erp)

    summary = run_bot(BOT, load_settings())

    assert summary.exit_code == 3  # the unknown payer went to the exception queue
    posted = {p["bank_ref"]: p for p in payments(erp)}
    assert {f"BREF-{n:04d}" for n in range(3)} <= set(posted)
    after = invoices(erp)
    for inv in invs:
        gone = inv["invoice_number"] not in after
        assert gone or Decimal(str(after[inv["invoice_number"]]["open_amount"])) == 0
        assert inv["invoice_number"] in before
    queue = WorkQueue(load_settings())
    items = {i["reference"]: i for i in queue.list(bot=BOT)}
    assert items["payment:BREF-9999"]["status"] == "exception"
    assert items["payment:BREF-9999"]["error_code"] == "unmatched"
    done = [i for r, i in items.items() if r != "payment:BREF-9999"]
    assert all(i["status"] == "done" for i in done)
    assert not source.exists() and (source.parent / "processed" / source.name).exists()

    # Again, with the same file dropped once more: nothing new is posted.
    bank_file(o2c_home, invs, name="camt054-again.xml")
    run_bot(BOT, load_settings())
    assert len(payments(erp)) == len(posted)


def test_crash_mid_batch_posts_nothing_twice(erp: str, o2c_home: Path) -> None:
    invs = pick(erp, 4)
    bank_file(o2c_home, invs)
    env = {**os.environ}
    child = subprocess.Popen([sys.executable, "-m", "bots", "run", BOT],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not payments(erp):
        time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert payments(erp), "the bot posted nothing before it was killed"

    time.sleep(3.5)  # the killed runner's lease and run lock expire
    run_bot(BOT, load_settings())
    refs = [p["bank_ref"] for p in payments(erp)]
    assert sorted(refs) == [f"BREF-{n:04d}" for n in range(4)]

"""The cash-application bot, unchanged but for its settings, posts a camt.054 into
Tryton: open items from Tryton, matched payments as posted statements, the invoices
paid as proteus sees them; the same file again posts nothing."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.config import load_settings
from bots.runtime.runner import run_bot
from sandbox import seed
from sandbox.bankfiles import BankPayment, write_camt054
from sandbox.tryton.server import TrytonServer
from tests.tryton.conftest import tryton_env

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]

NAMES = {c.customer_no: c.name for c in seed.customers()}


def open_invoices(server: TrytonServer) -> dict[str, dict]:
    return {
        i["number"]: i
        for i in server.inspect("invoices")
        if i["state"] == "posted" and Decimal(i["amount_to_pay"]) > 0
    }


def bank_file(home: Path, invs: list[dict], name: str) -> Path:
    payments = [
        BankPayment(
            bank_ref=f"TRY-BREF-{n:04d}",
            end_to_end=f"E2E-{n:04d}",
            payer=NAMES[inv["party"]].upper(),
            amount=Decimal(inv["amount_to_pay"]),
            currency="EUR",
            value_date=date.today(),
            text=f"Invoice {inv['number']}",
        )
        for n, inv in enumerate(invs)
    ]
    folder = home / "inbox" / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    write_camt054(folder / name, payments, "08", date.today())
    return folder / name


def test_matched_payments_pay_tryton_invoices_once(
    tryton_server: TrytonServer, o2c_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in tryton_env(o2c_home, tryton_server).items():
        monkeypatch.setenv(key, value)
    assert os.environ["O2C_ERP__KIND"] == "tryton"
    chosen: dict[str, dict] = {}
    for inv in open_invoices(tryton_server).values():
        if inv["party"] not in ("C1003",) and inv["party"] not in chosen:
            chosen[inv["party"]] = inv
    invs = list(chosen.values())[:2]
    assert len(invs) == 2
    bank_file(o2c_home, invs, "camt054.xml")

    run_bot("cash-application", load_settings())

    after = {i["number"]: i for i in tryton_server.inspect("invoices")}
    for inv in invs:
        assert after[inv["number"]]["state"] == "paid", after[inv["number"]]
    names = [s["name"] for s in tryton_server.inspect("statements")]
    assert {"TRY-BREF-0000", "TRY-BREF-0001"} <= set(names)

    bank_file(o2c_home, invs, "camt054-again.xml")
    run_bot("cash-application", load_settings())
    assert [s["name"] for s in tryton_server.inspect("statements")] == names

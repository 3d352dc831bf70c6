"""`o2c demo --json` as a newcomer runs it: the numbers add up with the day that was
loaded, every planted problem is an exception with the right reason, nothing is left
running, and a second run on the same O2C_HOME enters nothing twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from sandbox.day import build_day
from sandbox.server import port_free
from tests.conftest import CHROMIUM, chromium_available, need_service


def demo(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("O2C_")}
    env["O2C_BROWSER__EXECUTABLE_PATH"] = CHROMIUM
    done = subprocess.run([sys.executable, "-m", "bots", "demo", "--json", "--home",
                           str(home)], env=env, capture_output=True, timeout=1500)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    need_service("Chromium", chromium_available())
    home = tmp_path_factory.mktemp("demo")
    return demo(home), demo(home), home


def test_numbers_add_up_with_the_day(runs) -> None:
    first, _, _ = runs
    day = build_day(date.today())
    assert first["failed_runs"] == []
    assert first["orders_entered"] == day.orders_expected
    matched = sum(1 for p in day.payments if p.expect == "matched")
    cash_cases = [e for e in first["exceptions"] if e["bot"] == "cash-application"]
    assert first["payments_applied"] + len(cash_cases) == len(day.payments)
    assert first["payments_applied"] >= matched - 1
    assert first["status_updates_posted"] >= 4  # both portals, new orders and shipments
    assert first["emails_sent"] >= day.orders_expected


def test_every_planted_problem_is_an_exception_with_its_reason(runs) -> None:
    first, _, _ = runs
    got = Counter((e["bot"], e["code"]) for e in first["exceptions"])
    planted = Counter((bot, code) for bot, code, _ in build_day(date.today())
                      .planted_problems())
    for key, count in planted.items():
        assert got[key] >= count, (key, got)
    assert all(e["message"] for e in first["exceptions"])


def test_nothing_left_running(runs) -> None:
    first, second, _ = runs
    for ports in (first["ports"], second["ports"]):
        assert all(port_free(p) for p in ports.values()), ports


def test_second_run_enters_nothing_twice(runs) -> None:
    first, second, home = runs
    assert second["orders_entered"] == 0
    assert second["payments_applied"] == 0
    assert second["emails_sent"] == 0
    assert second["status_updates_posted"] == 0
    state = sqlite3.connect(home / "sandbox-state" / "erp.sqlite")
    per_po = state.execute(
        "SELECT customer_no, customer_po, count(*) FROM orders GROUP BY 1, 2"
        " HAVING count(*) > 1").fetchall()
    payments = state.execute(
        "SELECT bank_ref, count(*) FROM payments GROUP BY 1 HAVING count(*) > 1"
    ).fetchall()
    assert per_po == [] and payments == []
    assert len(second["exceptions"]) == len(first["exceptions"])

"""Runner processes that die or are told to stop: a SIGKILL mid-item (the lease
expires, the item is redone once and the outside system is not booked twice) and
SIGTERM (the current item is finished or released, the process exits cleanly)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bots.config import Settings, load_settings
from bots.runtime.queue import WorkQueue
from bots.runtime.runner import run_bot
from bots.runtime.runs import list_runs
from tests.conftest import ROOT
from tests.runtime.bots import journal, write_script

LEDGER = "tests.runtime.bots:LedgerBot"
SCRIPTED = "tests.runtime.bots:ScriptedBot"


@pytest.fixture
def fast_leases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2C_RUNTIME__LEASE_SECONDS", "1.5")
    monkeypatch.setenv("O2C_RUNTIME__HEARTBEAT_SECONDS", "0.3")


def _start_run(bot: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "bots", "run", bot, "--json"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_for(check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.mark.slow
def test_a_killed_worker_s_item_is_redone_once_and_not_duplicated(
    settings: Settings, fast_leases: None
) -> None:
    settings = load_settings()
    home = settings.home
    write_script(home, items=[
        {"reference": "PAY-1", "payload": {"hang": True}},
        {"reference": "PAY-2", "payload": {}},
    ])  # fmt: skip
    worker = _start_run(LEDGER)
    _wait_for(lambda: (home / "hung-PAY-1").exists() or worker.poll() is not None)
    assert worker.poll() is None, worker.communicate()
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)

    queue = WorkQueue(settings)
    (hung,) = queue.list(status="in_progress")
    assert hung["reference"] == "PAY-1" and hung["result"] == {"booked": "now"}
    time.sleep(1.7)  # the dead worker's lease (and bot lock) expire

    summary = run_bot(LEDGER, settings)

    assert summary.exit_code == 0, summary
    item = queue.get(hung["id"])
    assert (item["status"], item["attempts"]) == ("done", 2)
    assert item["result"]["booked"] == "before"
    assert (home / "ledger.txt").read_text().splitlines() == ["PAY-1", "PAY-2"]
    attempts = [
        line.split()[0] for line in (home / "attempts.txt").read_text().splitlines()
    ]
    assert attempts.count("PAY-1") == 2 and attempts.count("PAY-2") == 1
    actions = [e["action"] for e in queue.history(hung["id"])]
    assert actions == ["added", "leased", "lease_expired", "leased", "done"]


@pytest.mark.slow
def test_sigterm_finishes_the_current_item_and_leaves_the_rest_queued(
    sqlite_settings: Settings, fast_leases: None
) -> None:
    home = sqlite_settings.home
    items = [
        {"reference": f"SO-{n}", "payload": {"do": "sleep", "seconds": 1.0}}
        for n in range(5)
    ]
    write_script(home, items=items)
    worker = _start_run(SCRIPTED)
    _wait_for(lambda: any(e["event"] == "process" for e in journal(home)))
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)

    assert worker.returncode == 0, err
    summary = json.loads(out)
    assert summary["status"] == "stopped"
    assert summary["counts"]["done"] == 1
    counts = WorkQueue(load_settings()).counts("scripted")
    assert (counts["done"], counts["new"], counts["in_progress"]) == (1, 4, 0)
    assert [e["event"] for e in journal(home)][-2:] == ["end", "close"]
    assert list_runs(sqlite_settings)[0]["status"] == "stopped"


@pytest.mark.slow
def test_a_second_sigterm_releases_the_item_at_once(
    sqlite_settings: Settings, fast_leases: None
) -> None:
    home = sqlite_settings.home
    write_script(home, items=[
        {"reference": "SO-LONG", "payload": {"do": "sleep", "seconds": 60}},
    ])  # fmt: skip
    worker = _start_run(SCRIPTED)
    _wait_for(lambda: any(e["event"] == "process" for e in journal(home)))
    worker.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=30)

    assert worker.returncode == 0, err
    assert json.loads(out)["counts"] == {"added": 1, "released": 1}
    (item,) = WorkQueue(load_settings()).list()
    assert (item["status"], item["attempts"], item["lease_owner"]) == ("new", 0, None)

"""Runs of small test bots: settling, evidence, the circuit breaker, secrets kept
out of artifacts, limits, dry runs and the one-run-per-bot lock."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bots.config import Settings, load_settings
from bots.runtime import locks
from bots.runtime.queue import WorkQueue
from bots.runtime.runner import BotBusy, run_bot
from bots.runtime.runs import get_run, system_states
from tests.runtime.bots import journal, write_script

SCRIPTED = "tests.runtime.bots:ScriptedBot"
PASSWORD = "Tr0ub4dor&3-horse"


def _items(*actions: str) -> list[dict]:
    return [
        {"reference": f"PO-{n}", "payload": {"do": action}}
        for n, action in enumerate(actions)
    ]


def test_a_run_settles_each_item_and_leaves_evidence_of_failures(
    sqlite_settings: Settings,
) -> None:
    home = sqlite_settings.home
    write_script(home, items=_items("ok", "business", "technical", "boom", "ok"))

    summary = run_bot(SCRIPTED, sqlite_settings)

    assert summary.status == "finished" and summary.exit_code == 3
    assert summary.counts == {"added": 5, "done": 2, "exception": 1, "retry": 2}
    queue = WorkQueue(sqlite_settings)
    by_ref = {i["reference"]: i for i in queue.list(bot="scripted")}
    assert by_ref["PO-1"]["status"] == "exception"
    assert by_ref["PO-1"]["error_kind"] == "business"
    assert by_ref["PO-2"]["error_code"] == "portal_timeout"
    assert by_ref["PO-2"]["error_step"] == "work"
    assert by_ref["PO-3"]["error_code"] == "unexpected"
    assert "ValueError" in by_ref["PO-3"]["error_message"]
    assert by_ref["PO-4"]["result"] == {"echo": "PO-4"}
    names = {f["name"] for f in queue.files(by_ref["PO-3"]["id"])}
    assert names == {"page.html", "screenshot.png", "log.txt", "traceback.txt"}
    log_file = next(
        Path(f["path"])
        for f in queue.files(by_ref["PO-1"]["id"])
        if f["name"] == "log.txt"
    )
    assert "processing PO-1" in log_file.read_text()
    # After each technical failure the applications are closed and opened again.
    events = [e["event"] for e in journal(home)]
    assert events.count("open") == 3 and events.count("close") == 3
    assert events[-2:] == ["end", "close"]
    run = get_run(sqlite_settings, summary.run_id)
    assert run["status"] == "finished" and run["processed"] == 5
    assert run["counts"]["done"] == 2 and run["ended_at"] is not None
    run_log = Path(run["artifact_dir"]) / "run.jsonl"
    assert '"item_id"' in run_log.read_text()


@pytest.mark.parametrize("breaker", [3])
def test_circuit_breaker_stops_the_run_and_leaves_the_rest_new(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, breaker: int
) -> None:
    monkeypatch.setenv("O2C_RUNTIME__CIRCUIT_BREAKER_FAILURES", str(breaker))
    settings = load_settings()
    write_script(settings.home, items=_items(*["technical"] * 10))

    summary = run_bot(SCRIPTED, settings)

    assert summary.status == "unavailable" and summary.exit_code == 4
    assert "3 technical failures in a row" in summary.message
    counts = WorkQueue(settings).counts("scripted")
    assert counts["retry"] == breaker
    assert counts["new"] == 10 - breaker
    assert counts["exception"] == 0 and counts["in_progress"] == 0
    (portal,) = system_states(settings)
    assert portal["name"] == "portal_x" and portal["state"] == "down"
    assert portal["run_id"] == summary.run_id


def test_a_system_that_says_it_is_down_stops_the_run_at_once(
    sqlite_settings: Settings,
) -> None:
    write_script(sqlite_settings.home, items=_items("ok", "unavailable", "ok", "ok"))

    summary = run_bot(SCRIPTED, sqlite_settings)

    assert (summary.status, summary.exit_code) == ("unavailable", 4)
    assert summary.counts == {"added": 4, "done": 1, "released": 1}
    counts = WorkQueue(sqlite_settings).counts("scripted")
    assert (counts["done"], counts["new"], counts["retry"]) == (1, 3, 0)
    down = WorkQueue(sqlite_settings).list(status="new")[0]
    assert down["reference"] == "PO-1" and down["attempts"] == 0
    assert system_states(sqlite_settings)[0]["state"] == "down"


def test_a_system_down_at_open_stops_before_any_item(sqlite_settings: Settings) -> None:
    write_script(sqlite_settings.home, open_fails=True, items=_items("ok"))
    WorkQueue(sqlite_settings)  # the queue exists even before the run
    summary = run_bot(SCRIPTED, sqlite_settings)
    assert (summary.status, summary.exit_code) == ("unavailable", 4)
    assert "Portal X does not answer" in summary.message
    assert "process" not in [e["event"] for e in journal(sqlite_settings.home)]


def test_the_password_is_in_no_artifact_of_the_run(
    o2c_home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("O2C_ERP__PASSWORD", PASSWORD)
    settings = load_settings()
    write_script(settings.home, items=_items("secret", "ok"))
    caplog.set_level(logging.INFO)

    summary = run_bot(SCRIPTED, settings)

    assert summary.counts["retry"] == 1
    files = [p for p in settings.artifacts_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"run.jsonl", "login.html", "log.txt"}
    variants = [PASSWORD, PASSWORD.replace("&", "&amp;"), PASSWORD.replace("&", "%26")]
    for path in files:
        content = path.read_bytes()
        for variant in variants:
            assert variant.encode() not in content, f"{variant} in {path}"
    assert "password ********" in (summary_log := _run_log(summary.artifact_dir))
    assert PASSWORD not in summary_log
    item = WorkQueue(settings).list(status="retry")[0]
    assert PASSWORD not in repr(item) and PASSWORD not in repr(
        WorkQueue(settings).history(item["id"])
    )
    assert PASSWORD not in caplog.text and "********" in caplog.text


def _run_log(folder: str) -> str:
    return (Path(folder) / "run.jsonl").read_text()


def test_limit_and_dry_run(sqlite_settings: Settings) -> None:
    write_script(sqlite_settings.home, items=_items("ok", "ok", "ok", "ok"))

    dry = run_bot(SCRIPTED, sqlite_settings, dry_run=True)
    assert dry.counts == {"found": 4, "due": 0} and dry.exit_code == 0
    assert WorkQueue(sqlite_settings).counts()["new"] == 0

    limited = run_bot(SCRIPTED, sqlite_settings, limit=3)
    assert limited.processed == 3 and limited.counts["done"] == 3
    assert WorkQueue(sqlite_settings).counts("scripted")["new"] == 1
    assert get_run(sqlite_settings, limited.run_id)["item_limit"] == 3


def test_a_bot_does_not_run_twice_at_once(sqlite_settings: Settings) -> None:
    write_script(sqlite_settings.home, items=_items("ok"))
    WorkQueue(sqlite_settings)
    assert locks.acquire(sqlite_settings, "scripted", "other-run", 60) is None

    with pytest.raises(BotBusy, match="already running"):
        run_bot(SCRIPTED, sqlite_settings)
    assert journal(sqlite_settings.home) == []

    locks.acquire(sqlite_settings, "scripted", "other-run", -1)  # now expired
    assert run_bot(SCRIPTED, sqlite_settings).exit_code == 0
    assert locks.holder(sqlite_settings, "scripted") is None

"""The runtime's commands: `o2c run` exit codes, `o2c queue` JSON and actions,
`o2c runs`, `o2c schedule list`, `o2c artifacts prune`, `o2c db`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.config import load_settings
from bots.runtime import locks
from bots.runtime.db import dispose_engines
from tests.runtime.bots import write_script

SCRIPTED = "tests.runtime.bots:ScriptedBot"
LIST_KEYS = {
    "id", "bot", "reference", "status", "attempts", "error_kind", "error_code",
    "error_message", "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
def cli(o2c_home: Path) -> CliRunner:
    yield CliRunner()
    dispose_engines()


def _o2c(cli: CliRunner, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _script(home: Path, *actions: str, prefix: str = "PO") -> None:
    write_script(home, items=[
        {"reference": f"{prefix}-{n}", "payload": {"do": a}}
        for n, a in enumerate(actions)
    ])  # fmt: skip


def test_run_exit_codes(cli: CliRunner, o2c_home: Path) -> None:
    _script(o2c_home, "ok", "ok")
    code, out, _ = _o2c(cli, "run", SCRIPTED, "--json")
    assert code == 0 and json.loads(out)["counts"]["done"] == 2

    _script(o2c_home, "business", prefix="B")
    assert _o2c(cli, "run", SCRIPTED)[0] == 3

    _script(o2c_home, *["unavailable"] * 5, prefix="U")
    code, out, _ = _o2c(cli, "run", SCRIPTED, "--json")
    assert code == 4 and json.loads(out)["status"] == "unavailable"

    code, _, err = _o2c(cli, "run", "no-such-bot")
    assert code == 2 and "there is no bot called 'no-such-bot'" in err

    code, _, err = _o2c(cli, "run", SCRIPTED, "--limit", "0")
    assert code == 2

    locks.acquire(load_settings(), "scripted", "someone-else", 60)
    code, _, err = _o2c(cli, "run", SCRIPTED)
    assert code == 1 and "already running" in err


def test_run_prints_a_summary_table(cli: CliRunner, o2c_home: Path) -> None:
    _script(o2c_home, "ok", "business")
    code, out, _ = _o2c(cli, "run", SCRIPTED, "--trigger", "console")
    assert code == 3
    assert "done" in out and "exception" in out and "artifacts:" in out
    code, out, _ = _o2c(cli, "runs", "list", "--json")
    (run,) = json.loads(out)
    assert run["trigger"] == "console" and run["counts"]["exception"] == 1
    code, out, _ = _o2c(cli, "runs", "show", run["id"])
    assert code == 0 and "status: finished" in out
    assert _o2c(cli, "runs", "show", "nope")[0] == 2


def test_queue_commands(cli: CliRunner, o2c_home: Path, tmp_path: Path) -> None:
    _script(o2c_home, "business", "business", "ok")
    _o2c(cli, "run", SCRIPTED)

    code, out, _ = _o2c(cli, "queue", "list", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 3
    assert all(LIST_KEYS <= set(item) for item in items)
    failed = [i for i in items if i["status"] == "exception"]
    assert failed[0]["error_kind"] == "business"
    first, second = failed[0]["id"], failed[1]["id"]

    code, out, _ = _o2c(cli, "queue", "list", "--status", "done", "--json")
    assert [i["reference"] for i in json.loads(out)] == ["PO-2"]

    payload = tmp_path / "fixed.json"
    payload.write_text('{"do": "ok"}')
    code, out, _ = _o2c(cli, "queue", "retry", str(first), "--payload", str(payload),
                        "--user", "ann")  # fmt: skip
    assert code == 0
    code, out, _ = _o2c(cli, "queue", "resolve", str(second), "--note", "typed by hand")
    assert code == 0
    code, out, _ = _o2c(cli, "queue", "show", str(first), "--json")
    shown = json.loads(out)
    assert shown["status"] == "new" and shown["payload"] == {"do": "ok"}
    assert shown["history"][-1]["actor"] == "ann"
    assert {f["name"] for f in shown["files"]} >= {"page.html", "log.txt"}

    code, _, err = _o2c(cli, "queue", "discard", str(second), "--reason", "dup")
    assert code == 2 and "cannot be discarded" in err
    payload.write_text("{not json")
    code, _, err = _o2c(cli, "queue", "retry", str(first), "--payload", str(payload))
    assert code == 2 and "fixed.json: the payload is not valid JSON" in err
    assert _o2c(cli, "queue", "show", "999")[0] == 2
    code, out, _ = _o2c(cli, "queue", "show", str(first))
    assert code == 0 and "retry" in out


def test_schedule_list_json(cli: CliRunner, o2c_home: Path) -> None:
    code, out, _ = _o2c(cli, "schedule", "list", "--json")
    schedules = json.loads(out)
    assert code == 0
    assert {s["bot"] for s in schedules} == {
        "order-intake", "cash-application", "status-updates", "payment-reminders",
    }  # fmt: skip
    assert all(s["next_fire_time"] for s in schedules)
    (o2c_home / "schedules").mkdir()
    (o2c_home / "schedules" / "bad.yaml").write_text("bot: order-intake\ncron: nope\n")
    code, _, err = _o2c(cli, "schedule", "list")
    assert code == 2 and "bad.yaml: cron" in err


def test_artifacts_prune_removes_old_runs(cli: CliRunner, o2c_home: Path) -> None:
    old = o2c_home / "artifacts" / "runs" / "2020-01-02" / "20200102-030405-abcdef"
    new = o2c_home / "artifacts" / "runs" / "2099-01-02" / "20990102-030405-abcdef"
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "run.jsonl").write_text("{}\n")

    code, out, _ = _o2c(cli, "artifacts", "prune", "--older-than", "30d", "--json")

    assert code == 0 and json.loads(out)["removed"] == [str(old)]
    assert not old.parent.exists() and new.exists()
    assert _o2c(cli, "artifacts", "prune", "--older-than", "soon")[0] == 2


def test_db_upgrade_and_status(cli: CliRunner, o2c_home: Path) -> None:
    code, out, _ = _o2c(cli, "db", "status")
    assert code == 2 and "no tables yet" in out
    code, out, _ = _o2c(cli, "db", "upgrade")
    assert code == 0 and "newest" in out
    assert _o2c(cli, "db", "status")[0] == 0
    assert (o2c_home / "o2c.sqlite").exists()
    assert os.environ["O2C_HOME"] == str(o2c_home)

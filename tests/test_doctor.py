"""`o2c doctor` against a running sandbox (all green) and against nothing (each
failure with its fix, exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from tests.conftest import CHROMIUM, chromium_available, need_service
from tests.support.sandbox import running_sandbox


def doctor(*args: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def test_everything_green_against_the_sandbox(
    o2c_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_service("Chromium", chromium_available())
    monkeypatch.setenv("O2C_BROWSER__EXECUTABLE_PATH", CHROMIUM)
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    with running_sandbox(tmp_path / "state") as sandbox:
        for key, value in sandbox.env().items():
            monkeypatch.setenv(key, value)
        code, checks = doctor()
    failed = [c for c in checks if not c["ok"]]
    assert code == 0 and failed == [], failed
    names = {c["name"].split(" ")[0] for c in checks}
    assert {"browser", "database", "mail", "erp", "portal"} <= names
    assert any(c["name"].startswith("selectors/") for c in checks)
    assert any(c["name"].startswith("schedules/") for c in checks)


def test_failures_come_with_a_fix(o2c_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2C_ERP__URL", "http://127.0.0.1:9")
    monkeypatch.setenv("O2C_IMAP__PORT", "9")
    code, checks = doctor("--only", "systems", "--only", "mail", "--only", "database")
    assert code == 1
    failed = [c for c in checks if not c["ok"]]
    assert {c["name"].split(" ")[0] for c in failed} >= {"erp", "mail", "database"}
    assert all(c["fix"] for c in failed)


def test_a_broken_selector_file_is_named(o2c_home: Path) -> None:
    (o2c_home / "selectors").mkdir()
    (o2c_home / "selectors" / "portal-a.yaml").write_text("screens: [not, a, map]\n")
    code, checks = doctor("--only", "files")
    bad = [c for c in checks if c["name"] == "selectors/portal-a.yaml"]
    assert code == 1 and bad and not bad[0]["ok"] and bad[0]["fix"]

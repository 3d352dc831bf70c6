"""Runs, schedules and launch in the browser: a real run's live progress and
artifacts, pausing and resuming a schedule, launching a bot from the console."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from bots.runtime import locks
from bots.runtime.db import session_scope
from bots.runtime.models import AuditEntry, Run, ScheduleState
from bots.runtime.runner import run_bot
from bots.runtime.runs import set_system_state
from tests.console import gated_bot
from tests.console.conftest import Console

pytestmark = pytest.mark.browser

SCHEDULE = """\
bot: order-intake
cron: "*/5 7-18 * * mon-fri"
timezone: Europe/Berlin
enabled: true
"""


def wait_for(check: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting after {seconds} s")


def running_run(console: Console, bot: str) -> str | None:
    with session_scope(console.settings) as session:
        return session.scalar(
            select(Run.id).where(Run.bot == bot, Run.status == "running")
        )


def test_a_running_run_shows_live_progress_and_artifacts(
    console: Console, signed_in: Any, screenshots_dir: Any
) -> None:
    gated_bot.GATE.clear()
    name = "tests.console.gated_bot:GatedBot"
    summary: dict[str, Any] = {}
    runner = threading.Thread(
        target=lambda: summary.update(
            run=run_bot(name, console.settings, trigger="console")
        ),
        daemon=True,
    )
    runner.start()
    try:
        run_id = wait_for(lambda: running_run(console, "console-gated"))
        set_system_state(console.settings, "erp", "degraded", "slow answers", run_id)
        page = signed_in("vera")
        page.goto(f"{console.url}/runs/{run_id}")
        status = page.locator("[data-run-status]")
        assert status.inner_text() == "running"
        # The page follows the run without a reload: item 1 done, item 2 waiting.
        page.wait_for_function(
            "() => document.querySelector('[data-run-processed]').textContent === '1'"
        )
        assert "done 1" in page.inner_text("[data-run-counts]")
        page.screenshot(path=screenshots_dir / "console-run-live.png")
    finally:
        gated_bot.GATE.set()
        runner.join(timeout=30)
    assert summary["run"].status == "finished"
    # When the run ends the page reloads itself and lists the artifacts.
    page.wait_for_function(
        "() => document.querySelector('[data-run-status]').textContent === "
        "'finished' && !document.querySelector('[data-reload-when-done]')",
        timeout=15_000,
    )
    assert "exception 1" in page.inner_text("[data-run-counts]")
    artifacts = page.locator("#artifacts a").all_inner_texts()
    assert any(name.endswith("step-1.txt") for name in artifacts)
    link = page.locator("#artifacts a", has_text="step-1.txt").first
    body = page.request.get(console.url + link.get_attribute("href"))
    assert body.text() == "handled item 1"
    assert body.headers["content-disposition"].startswith("attachment")
    assert "Item 3 needs a person" in page.inner_text("#run-items")
    page.screenshot(path=screenshots_dir / "console-run.png", full_page=True)

    page.goto(f"{console.url}/runs")
    row = page.locator("#runs tr", has_text=run_id)
    assert "finished" in row.inner_text() and "console" in row.inner_text()
    page.screenshot(path=screenshots_dir / "console-runs.png", full_page=True)
    page.goto(f"{console.url}/")
    assert "degraded" in page.inner_text("#systems")
    assert "slow answers" in page.inner_text("#systems")
    page.screenshot(path=screenshots_dir / "console-overview.png", full_page=True)


def test_admin_pauses_and_resumes_a_schedule(
    console: Console, signed_in: Any, screenshots_dir: Any
) -> None:
    folder = console.settings.home / "schedules"
    folder.mkdir(exist_ok=True)
    (folder / "order-intake.yaml").write_text(SCHEDULE, encoding="utf-8")
    (folder / "broken.yaml").write_text("bot: order-intake\nevery: 5\n", "utf-8")
    page = signed_in("ada")
    page.click("nav >> text=Schedules")
    row = page.locator("tr[data-schedule='order-intake']")
    assert "*/5 7-18 * * mon-fri" in row.inner_text()
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", row.inner_text())
    broken = page.inner_text("tr[data-schedule='broken']")
    assert "broken.yaml" in broken and "every" in broken
    row.locator("button", has_text="Pause").click()
    page.wait_for_selector(".flash.ok")
    assert "paused" in page.inner_text("tr[data-schedule='order-intake']")
    page.screenshot(path=screenshots_dir / "console-schedules.png", full_page=True)
    with session_scope(console.settings) as session:
        state = session.get(ScheduleState, "order-intake")
        assert state.paused is True and state.updated_by == "ada"
    page.locator("tr[data-schedule='order-intake'] button", has_text="Resume").click()
    page.wait_for_selector(".flash.ok")
    with session_scope(console.settings) as session:
        assert session.get(ScheduleState, "order-intake").paused is False
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.target == "order-intake")
        ).all()
    assert {"schedule.pause", "schedule.resume"} <= set(actions)
    page.goto(f"{console.url}/users")
    assert "oscar" in page.inner_text("#users")
    page.screenshot(path=screenshots_dir / "console-users.png")
    page.goto(f"{console.url}/audit")
    assert "schedule.pause" in page.inner_text("#audit")
    page.screenshot(path=screenshots_dir / "console-audit.png")


def test_operator_launches_a_bot_with_a_limit(console: Console, signed_in: Any) -> None:
    page = signed_in("oscar")
    page.goto(f"{console.url}/schedules")
    page.select_option("#launch-form select[name=bot]", "payment-reminders")
    page.fill("#launch-form input[name=limit]", "2")
    page.click("#launch-form button")
    page.wait_for_selector(".flash.ok")

    def launched() -> Any:
        with session_scope(console.settings) as session:
            return session.scalar(
                select(Run).where(
                    Run.bot == "payment-reminders", Run.trigger == "console"
                )
            )

    run = wait_for(launched, seconds=40)
    assert run.item_limit == 2
    with session_scope(console.settings) as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "bot.launch")
        )
        assert entry.user == "oscar" and entry.details["limit"] == 2


def test_a_running_bot_is_not_launched_twice(console: Console, signed_in: Any) -> None:
    assert locks.acquire(console.settings, "status-updates", "run-held", 60) is None
    try:
        page = signed_in("oscar")
        page.goto(f"{console.url}/schedules")
        page.select_option("#launch-form select[name=bot]", "status-updates")
        page.click("#launch-form button")
        page.wait_for_selector(".flash.error")
        assert "running already (run run-held)" in page.inner_text(".flash.error")
    finally:
        locks.release(console.settings, "status-updates", "run-held")
    with session_scope(console.settings) as session:
        assert session.scalar(select(Run).where(Run.bot == "status-updates")) is None

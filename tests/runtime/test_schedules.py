"""Schedule files and the scheduler daemon: validation with clear errors, next
fire times inside business hours, paused schedules, one daemon per database, and
no overlapping runs of a bot."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES

from bots.config import PROJECT_ROOT, Settings, load_settings
from bots.errors import ConfigError
from bots.flows import BOTS
from bots.runtime import locks
from bots.runtime.db import session_scope
from bots.runtime.models import ScheduleState
from bots.runtime.runs import list_runs
from bots.runtime.scheduler import SchedulerBusy, SchedulerDaemon, fire
from bots.runtime.schedules import load_schedule, load_schedules
from tests.conftest import ROOT
from tests.runtime.bots import write_script

BERLIN = ZoneInfo("Europe/Berlin")


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bot_has_a_valid_shipped_schedule(sqlite_settings: Settings) -> None:
    schedules = load_schedules(sqlite_settings, PROJECT_ROOT / "schedules")
    assert {s.bot for s in schedules} == set(BOTS)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert all(s.next_fire_time(now) is not None for s in schedules)


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("bot: order-intake\ncron: '61 * * * *'\n", "cron", "not a cron expression"),
        ("bot: order-intake\n", "(file)", "exactly one of 'cron' or 'interval'"),
        ("bot: nobody\ncron: '* * * * *'\n", "bot", "there is no bot 'nobody'"),
        ("bot: order-intake\ncron: '* * * * *'\ntimezone: Mars/Olympus\n",
         "timezone", "not a time zone"),
        ("bot: order-intake\ninterval: {minutes: 5}\nenabeld: true\n", "enabeld",
         "Extra inputs"),
        ("bot: order-intake\ninterval: {minutes: 5}\nbusiness_hours: {days: mon-xyz}\n",
         "business_hours.days", "not a list of days"),
        ("bot: [order-intake\n", "(file)", "not valid YAML (line"),
    ],
)  # fmt: skip
def test_a_bad_schedule_names_its_file_and_key(
    sqlite_settings: Settings, tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _write(tmp_path / "schedules", "broken", text)
    with pytest.raises(ConfigError) as caught:
        load_schedule(path, sqlite_settings)
    assert caught.value.key == f"broken.yaml: {key}"
    assert problem in caught.value.message


def test_next_fire_time_stays_inside_business_hours(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path / "s", "intake", (
        "bot: order-intake\ncron: '*/5 * * * *'\ntimezone: Europe/Berlin\n"
        "business_hours: {days: mon-fri, start: '07:00', end: '19:00'}\n"
    ))  # fmt: skip
    schedule = load_schedule(path, sqlite_settings)
    friday_evening = datetime(2026, 12, 4, 19, 2, tzinfo=BERLIN)
    thursday_noon = datetime(2026, 12, 3, 12, 1, tzinfo=BERLIN)

    assert schedule.next_fire_time(friday_evening) == datetime(
        2026, 12, 7, 7, 0, tzinfo=BERLIN
    )  # Monday morning
    assert schedule.next_fire_time(thursday_noon) == datetime(
        2026, 12, 3, 12, 5, tzinfo=BERLIN
    )


@pytest.fixture
def daemon_home(o2c_home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A home with its own schedules folder and the test bots importable."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    (o2c_home / "schedules").mkdir()
    return load_settings()


def test_paused_schedules_are_skipped(daemon_home: Settings) -> None:
    _write(daemon_home.home / "schedules", "scripted",
           "bot: tests.runtime.bots:ScriptedBot\ninterval: {minutes: 1}\n")  # fmt: skip
    write_script(daemon_home.home, items=[{"reference": "A", "payload": {}}])
    settings = load_settings()
    SchedulerDaemon(settings)  # migrates
    with session_scope(settings) as session:
        session.add(ScheduleState(name="scripted", paused=True, updated_by="ann"))

    assert fire("scripted") is None
    assert list_runs(settings) == []


@pytest.mark.slow
def test_the_scheduler_never_overlaps_a_bot(daemon_home: Settings) -> None:
    _write(daemon_home.home / "schedules", "slow",
           "bot: tests.runtime.bots:ScriptedBot\ninterval: {seconds: 1}\n")  # fmt: skip
    write_script(daemon_home.home, items=[
        {"reference": "SLOW-1", "payload": {"do": "sleep", "seconds": 4}},
    ])  # fmt: skip
    settings = load_settings()
    daemon = SchedulerDaemon(settings)
    skipped: list[object] = []
    finished: list[object] = []
    daemon.start()
    assert daemon.scheduler is not None
    daemon.scheduler.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
    daemon.scheduler.add_listener(finished.append, EVENT_JOB_EXECUTED)
    try:
        deadline = time.monotonic() + 60
        while not finished and time.monotonic() < deadline:
            time.sleep(0.1)
        runs_meanwhile = list_runs(settings)
    finally:
        daemon.stop()

    assert finished, "the scheduled run did not finish"
    assert len(skipped) >= 2, "fires during the slow run should have been skipped"
    assert len(runs_meanwhile) == 1
    assert runs_meanwhile[0]["trigger"] == "schedule"
    assert runs_meanwhile[0]["counts"]["done"] == 1


def test_a_scheduled_fire_does_not_start_a_bot_that_is_running(
    daemon_home: Settings,
) -> None:
    _write(daemon_home.home / "schedules", "scripted",
           "bot: tests.runtime.bots:ScriptedBot\ninterval: {minutes: 1}\n")  # fmt: skip
    settings = load_settings()
    SchedulerDaemon(settings)
    assert locks.acquire(settings, "scripted", "manual-run", 60) is None

    assert fire("scripted") == 1  # the run refused: the bot is running
    assert list_runs(settings) == []


def test_only_one_daemon_serves_a_database(daemon_home: Settings) -> None:
    _write(daemon_home.home / "schedules", "scripted",
           "bot: tests.runtime.bots:ScriptedBot\ncron: '0 3 * * *'\n")  # fmt: skip
    settings = load_settings()
    first = SchedulerDaemon(settings)
    first.start()
    try:
        with pytest.raises(SchedulerBusy, match="another scheduler daemon"):
            SchedulerDaemon(settings).start()
        assert [job["id"] for job in first.jobs()] == ["scripted"]
    finally:
        first.stop()
    second = SchedulerDaemon(settings)
    second.start()
    second.stop()


def test_a_changed_file_replaces_its_job_on_restart(daemon_home: Settings) -> None:
    folder = daemon_home.home / "schedules"
    _write(
        folder, "scripted", "bot: tests.runtime.bots:ScriptedBot\ncron: '0 3 * * *'\n"
    )
    settings = load_settings()
    daemon = SchedulerDaemon(settings)
    daemon.start()
    first = daemon.jobs()[0]
    daemon.stop()

    _write(
        folder, "scripted", "bot: tests.runtime.bots:ScriptedBot\ncron: '0 4 * * *'\n"
    )
    daemon = SchedulerDaemon(settings)
    daemon.start()
    second = daemon.jobs()[0]
    daemon.stop()

    assert first["name"] != second["name"]
    assert first["next_run_time"].hour == 3 and second["next_run_time"].hour == 4

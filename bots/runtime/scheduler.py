"""The unattended scheduler daemon (`o2c schedule run`).

APScheduler 3 with its jobs in a `SQLAlchemyJobStore` on the suite's database, so
that fires missed while the daemon was down are known on restart (coalesced into
one run). Each job is `bots.runtime.scheduler:fire` with the schedule's name; it
skips paused schedules (`schedule_states`) and starts the run as a child process
(`o2c run BOT --trigger schedule`), so a crashing bot cannot take the daemon down.
`max_instances=1` keeps one run per schedule in this daemon and the bot lock keeps
one run per bot across processes. Only one daemon may serve a database: it holds
the `scheduler-daemon` lock row while it runs. Changed schedule files replace their
job on the next start.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bots.config import Settings, load_settings
from bots.errors import O2CError
from bots.runtime import locks
from bots.runtime.db import ensure_db, get_engine, session_scope
from bots.runtime.models import ScheduleState
from bots.runtime.schedules import Schedule, load_schedule, load_schedules

log = logging.getLogger(__name__)

JOB_FUNCTION = "bots.runtime.scheduler:fire"
LOCK_SECONDS = 60.0
_children: dict[int, subprocess.Popen[str]] = {}
_children_lock = threading.Lock()


class SchedulerBusy(O2CError):
    """Another scheduler daemon serves this database."""


def is_paused(settings: Settings, name: str) -> bool:
    with session_scope(settings) as session:
        state = session.get(ScheduleState, name)
        return bool(state and state.paused)


def paused_names(settings: Settings) -> set[str]:
    from sqlalchemy import select

    with session_scope(settings) as session:
        rows = session.scalars(
            select(ScheduleState.name).where(ScheduleState.paused.is_(True))
        )
        return set(rows)


def fire(name: str) -> int | None:
    """Run the schedule called `name` now (the job function); the run's exit code,
    or None when it was skipped."""
    settings = load_settings()
    if is_paused(settings, name):
        log.info("schedule %s is paused; fire skipped", name)
        return None
    schedule = load_schedule(settings.schedules_dir / f"{name}.yaml", settings)
    if not schedule.spec.enabled:
        log.info("schedule %s is disabled; fire skipped", name)
        return None
    return _run_child(schedule)


def _run_child(schedule: Schedule) -> int:
    command = [sys.executable, "-m", "bots", "run", schedule.bot, "--trigger",
               "schedule", "--json"]  # fmt: skip
    limits = schedule.spec.limits
    if limits.items:
        command += ["--limit", str(limits.items)]
    log.info("schedule %s: starting %s", schedule.name, schedule.bot)
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with _children_lock:
        _children[child.pid] = child
    try:
        timeout = limits.minutes * 60 if limits.minutes else None
        try:
            _out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("schedule %s: run over %s min; stopping it", schedule.name,
                        limits.minutes)  # fmt: skip
            child.terminate()
            _out, err = child.communicate(timeout=120)
    finally:
        with _children_lock:
            _children.pop(child.pid, None)
    _log_outcome(schedule, child.returncode, err)
    return child.returncode


def _log_outcome(schedule: Schedule, code: int, err: str) -> None:
    last = err.strip().splitlines()[-1] if err.strip() else ""
    if code in (0, 3):
        log.info("schedule %s: run of %s ended with %s", schedule.name, schedule.bot,
                 code)  # fmt: skip
    else:
        log.warning("schedule %s: run of %s ended with %s: %s", schedule.name,
                    schedule.bot, code, last)  # fmt: skip


class SchedulerDaemon:
    """Loads the schedule files into a persistent APScheduler and runs them."""

    def __init__(self, settings: Settings) -> None:
        ensure_db(settings)
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None

    def start(self) -> list[Schedule]:
        """Take the daemon lock, sync the jobs with the files and start firing."""
        schedules = load_schedules(self.settings)
        holder = locks.acquire(self.settings, locks.SCHEDULER_LOCK, self.owner,
                               LOCK_SECONDS)  # fmt: skip
        if holder is not None:
            raise SchedulerBusy(
                f"another scheduler daemon ({holder}) serves this database; "
                "stop it first (one daemon per database)"
            )
        self.scheduler = self._build(len(schedules))
        self.scheduler.start(paused=True)
        self._sync(schedules)
        self.scheduler.resume()
        self._keeper = threading.Thread(target=self._keep_lock, daemon=True)
        self._keeper.start()
        log.info("scheduler started with %d schedule(s)", len(schedules))
        return schedules

    def _build(self, count: int) -> BackgroundScheduler:
        store = SQLAlchemyJobStore(engine=get_engine(self.settings))
        return BackgroundScheduler(
            jobstores={"default": store},
            executors={"default": {"type": "threadpool", "max_workers": count + 1}},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=self.settings.timezone,
        )

    def _sync(self, schedules: list[Schedule]) -> None:
        """Keep unchanged jobs (and their missed fires), replace changed ones,
        drop jobs whose file is gone or disabled."""
        assert self.scheduler is not None
        wanted = {s.name: s for s in schedules if s.spec.enabled}
        for job in self.scheduler.get_jobs():
            if job.id not in wanted:
                log.info("schedule %s removed or disabled; job dropped", job.id)
                job.remove()
        for name, schedule in wanted.items():
            job_name = f"{name}@{schedule.fingerprint}"
            existing = self.scheduler.get_job(name)
            if existing is not None and existing.name == job_name:
                continue
            if existing is not None:
                log.info("schedule %s changed; job replaced", name)
            self.scheduler.add_job(
                JOB_FUNCTION, schedule.trigger(), args=[name], id=name,
                name=job_name, replace_existing=True, coalesce=True,
                max_instances=1,
                misfire_grace_time=int(schedule.spec.misfire_grace_minutes * 60),
            )  # fmt: skip

    def _keep_lock(self) -> None:
        while not self._stop.wait(LOCK_SECONDS / 3):
            try:
                held = locks.refresh(self.settings, locks.SCHEDULER_LOCK, self.owner,
                                     LOCK_SECONDS)  # fmt: skip
            except Exception as exc:  # the database may be briefly away
                log.warning("scheduler lock refresh failed: %s", exc)
                continue
            if not held:
                log.error("scheduler lost its lock; stopping")
                self._stop.set()

    def wait(self) -> None:
        """Block until `stop()` or a lost lock."""
        self._stop.wait()

    def stop(self, wait: bool = True) -> None:
        """Ask running bot runs to stop (SIGTERM), then shut down."""
        self._stop.set()
        with _children_lock:
            running = list(_children.values())
        for child in running:
            child.terminate()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        locks.release(self.settings, locks.SCHEDULER_LOCK, self.owner)
        log.info("scheduler stopped")

    def jobs(self) -> list[dict[str, Any]]:
        assert self.scheduler is not None
        return [
            {"id": job.id, "name": job.name, "next_run_time": job.next_run_time}
            for job in self.scheduler.get_jobs()
        ]

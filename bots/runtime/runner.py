"""Running a bot: open, find work, lease, process, settle, end, close.

`run_bot` takes the bot's lock (one run per bot across processes), records the run,
opens the bot's systems, adds what `find_work` yields to the queue, then leases and
processes items one by one until the queue is empty, the limit is reached, a stop is
requested (SIGTERM) or the circuit breaker opens after N consecutive technical
failures. After a technical failure the bot's applications are closed and opened
again. Everything the run logs goes to `run.jsonl` in its artifact folder, secrets
scrubbed.
"""

from __future__ import annotations

import importlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bots.config import Settings
from bots.errors import ConfigError, O2CError, TechnicalError, WorkItemError
from bots.runtime import locks, runs
from bots.runtime.artifacts import run_dir
from bots.runtime.bot import Bot
from bots.runtime.context import Context, StopRequested
from bots.runtime.db import ensure_db
from bots.runtime.heartbeat import Heartbeat
from bots.runtime.items import ItemProcessor
from bots.runtime.queue import WorkQueue
from bots.runtime.runlog import RunLogHandler, attached
from bots.runtime.scrub import Scrubber

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_EXCEPTIONS, EXIT_UNAVAILABLE = 0, 1, 2, 3, 4


class BotBusy(O2CError):
    """The bot is running already (in this or another process)."""


@dataclass
class RunSummary:
    """How a run ended; `exit_code` is what `o2c run` exits with."""

    run_id: str
    bot: str
    status: str
    counts: dict[str, int]
    exit_code: int
    total: int = 0
    processed: int = 0
    artifact_dir: str = ""
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RunProgress:
    """Handed to the `progress` callback after each item."""

    run_id: str
    bot: str
    processed: int
    total: int
    counts: dict[str, int]
    reference: str = ""
    outcome: str = ""


@dataclass
class _RunState:
    status: str = "finished"
    message: str = ""
    exit_code: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    processed: int = 0


def load_bot(name: str) -> tuple[str, type[Bot]]:
    """The bot's queue name and class, from the registry or a `module:Class`."""
    from bots.flows import BOTS, bot_class

    try:
        if name in BOTS:
            return name, bot_class(name)
        if ":" not in name:
            bot_class(name)  # raises the ConfigError listing the bots
        module_name, _, class_name = name.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            "bot", f"the bot '{name}' cannot be loaded ({exc})", "check its name"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Bot)):
        raise ConfigError("bot", f"'{name}' is not a Bot", "name a Bot subclass")
    return (cls.name or name), cls


def run_bot(
    name: str,
    settings: Settings,
    *,
    trigger: str = "manual",
    limit: int | None = None,
    dry_run: bool = False,
    progress: Callable[[RunProgress], None] | None = None,
    max_seconds: float | None = None,
) -> RunSummary:
    """Run one bot to the end of its work; see the module docstring."""
    if trigger not in runs.TRIGGERS:
        raise ConfigError(
            "trigger", f"'{trigger}' is unknown", "use " + ", ".join(runs.TRIGGERS)
        )
    bot_name, cls = load_bot(name)
    ensure_db(settings)
    run_id = runs.new_run_id()
    held_by = locks.acquire(settings, bot_name, run_id, settings.runtime.lease_seconds)
    if held_by is not None:
        raise BotBusy(f"{bot_name} is already running (run {held_by}); not started")
    try:
        runner = _Runner(bot_name, cls, settings, run_id, trigger, limit, dry_run)
        runner.progress = progress
        runner.max_seconds = max_seconds
        return runner.run()
    finally:
        locks.release(settings, bot_name, run_id)


class _Runner:
    """One run of one bot."""

    def __init__(
        self,
        bot_name: str,
        cls: type[Bot],
        settings: Settings,
        run_id: str,
        trigger: str,
        limit: int | None,
        dry_run: bool,
    ) -> None:
        self.bot_name = bot_name
        self.settings = settings
        self.run_id = run_id
        self.trigger = trigger
        self.limit = limit
        self.dry_run = dry_run
        self.progress: Callable[[RunProgress], None] | None = None
        self.max_seconds: float | None = None
        self.queue = WorkQueue(settings)
        self.folder = run_dir(settings, run_id)
        self.scrubber = Scrubber(settings.secret_values())
        self.stop = threading.Event()
        self.state = _RunState()
        self.ctx = Context(settings, run_id, self.folder, dry_run, self.queue,
                           bot_name, self.stop, self.scrubber)  # fmt: skip
        self.bot = cls(settings)

    def run(self) -> RunSummary:
        runs.create_run(
            self.settings, self.run_id, self.bot_name, trigger=self.trigger,
            artifact_dir=str(self.folder), item_limit=self.limit, dry_run=self.dry_run,
        )  # fmt: skip
        handler = RunLogHandler(self.folder / "run.jsonl", self.run_id, self.scrubber)
        self.ctx.run_log = handler
        heartbeat = Heartbeat(self.ctx, self.settings)
        with attached(handler, self.scrubber), _signals(self):
            handler.threads.add(heartbeat.start())
            log.info("run %s of %s started (trigger %s)", self.run_id,
                     self.bot_name, self.trigger)  # fmt: skip
            try:
                self._lifecycle()
            except StopRequested:
                self.stop.set()
            except Exception as exc:  # the run itself broke, not an item
                log.exception("run %s failed", self.run_id)
                self._finish_as("failed", f"{type(exc).__name__}: {exc}", EXIT_FAILED)
            finally:
                heartbeat.stop()
                self._record_end()
        return self._summary()

    def _lifecycle(self) -> None:
        if not self._open_and_find_work():
            self._end_and_close()
            return
        if not self.dry_run:
            processor = ItemProcessor(self)
            processor.loop()
        self._end_and_close()

    def _open_and_find_work(self) -> bool:
        try:
            self.bot.open(self.ctx)
            self.ctx.opened = True
            found = list(self.bot.find_work(self.ctx))
        except ConfigError as exc:
            self._finish_as("failed", exc.message, EXIT_USAGE)
            log.error("run %s: %s", self.run_id, exc.message)
            return False
        except TechnicalError as exc:
            self.unavailable(exc.message)
            return False
        self._take_work(found)
        return True

    def _take_work(self, found: list[Any]) -> None:
        counts = self.state.counts
        if self.dry_run:
            counts["found"] = len(found)
            self.state.total = self.queue.due_count(self.bot_name)
            counts["due"] = self.state.total
            log.info("dry run: %d item(s) found, %d due; nothing processed",
                     len(found), self.state.total)  # fmt: skip
            return
        added = sum(
            1 for _id, created in self.queue.add_many(
                self.bot_name, found, actor=f"run:{self.run_id}"
            ) if created
        )  # fmt: skip
        counts["added"] = added
        due = self.queue.due_count(self.bot_name)
        self.state.total = min(due, self.limit) if self.limit is not None else due
        log.info("%d item(s) found, %d new; %d due", len(found), added, due)
        self.save_progress()

    def _end_and_close(self) -> None:
        for step, call in (("end", self.bot.end), ("close", self.bot.close)):
            if step == "close" and not self.ctx.opened:
                continue
            try:
                call(self.ctx)
            except Exception as exc:  # closing must not hide the run's outcome
                log.warning("bot %s %s failed: %s", self.bot_name, step, exc)

    # Outcomes ------------------------------------------------------------------

    def unavailable(self, message: str) -> None:
        """Stop the run as 'system unavailable' and mark the bot's systems down."""
        text = f"system unavailable: {self.scrubber.text(message)}"
        log.error("run %s stopped: %s; remaining items stay queued", self.run_id, text)
        self._finish_as("unavailable", text, EXIT_UNAVAILABLE)
        for system in self.bot.systems:
            runs.set_system_state(self.settings, system, "down", text, self.run_id)

    def systems_seen(self, state: str, message: str) -> None:
        for system in self.bot.systems:
            runs.set_system_state(self.settings, system, state, message, self.run_id)

    def _finish_as(self, status: str, message: str, exit_code: int) -> None:
        if self.state.exit_code is not None:
            return
        self.state.status = status
        self.state.message = message
        self.state.exit_code = exit_code

    def elapsed_out(self, started: float) -> bool:
        return (
            self.max_seconds is not None
            and time.monotonic() - started > self.max_seconds
        )

    def save_progress(self, reference: str = "", outcome: str = "") -> None:
        runs.update_run(
            self.settings, self.run_id, counts=dict(self.state.counts),
            processed=self.state.processed, total=self.state.total,
        )  # fmt: skip
        if self.progress is not None:
            self.progress(
                RunProgress(
                    self.run_id, self.bot_name, self.state.processed, self.state.total,
                    dict(self.state.counts), reference, outcome,
                )
            )  # fmt: skip

    def _record_end(self) -> None:
        state = self.state
        if state.exit_code is None:
            if self.stop.is_set():
                state.status = "stopped"
                state.message = state.message or "stopped on request"
            exceptions = state.counts.get("exception", 0)
            state.exit_code = EXIT_EXCEPTIONS if exceptions else EXIT_OK
        from bots.runtime.models import utcnow

        runs.update_run(
            self.settings, self.run_id, status=state.status, ended_at=utcnow(),
            counts=dict(state.counts), processed=state.processed, total=state.total,
            message=state.message or None,
        )  # fmt: skip
        log.info("run %s %s: %s", self.run_id, state.status, state.counts)

    def _summary(self) -> RunSummary:
        state = self.state
        return RunSummary(
            run_id=self.run_id, bot=self.bot_name, status=state.status,
            counts=dict(state.counts), exit_code=state.exit_code or 0,
            total=state.total, processed=state.processed,
            artifact_dir=str(self.folder), message=state.message,
        )  # fmt: skip


class _signals:
    """SIGTERM (and Ctrl-C): the first asks the run to stop after the current
    item; the second interrupts the item, which is then released."""

    def __init__(self, runner: _Runner) -> None:
        self.runner = runner
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: object) -> None:
        if self.runner.stop.is_set():
            raise StopRequested(f"signal {signum} received twice")
        log.warning("signal %s: stopping after the current item", signum)
        self.runner.stop.set()

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._old[signum] = signal.signal(signum, self._handle)

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)


__all__ = [
    "BotBusy",
    "RunProgress",
    "RunSummary",
    "StopRequested",
    "WorkItemError",
    "load_bot",
    "run_bot",
]

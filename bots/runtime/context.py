"""What a running bot sees of the runtime: the `RunContext` of `bots.runtime.bot`,
tied to the work item being processed (evidence, heartbeats, steps, results)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bots.config import Settings
from bots.runtime import artifacts
from bots.runtime.bot import WorkItem
from bots.runtime.scrub import Scrubber

if TYPE_CHECKING:
    from bots.runtime.queue import WorkQueue
    from bots.runtime.runlog import RunLogHandler

log = logging.getLogger(__name__)


class StopRequested(BaseException):
    """Raised in the run's thread by a second SIGTERM: release the item, stop now.
    A BaseException, so that a bot's `except Exception` does not swallow it."""


class Context:
    """The run context handed to `Bot.open`, `find_work`, `process` and the rest."""

    def __init__(
        self,
        settings: Settings,
        run_id: str,
        run_dir: Path,
        dry_run: bool,
        queue: WorkQueue,
        bot_name: str,
        stop: threading.Event,
        scrubber: Scrubber,
    ) -> None:
        self.settings = settings
        self.run_id = run_id
        self.run_dir = run_dir
        self.dry_run = dry_run
        self.bot_name = bot_name
        self.log = logging.getLogger(f"bots.run.{bot_name}")
        self.queue = queue
        self.scrubber = scrubber
        self.item: WorkItem | None = None
        self.step = ""
        self.opened = False
        self.run_log: RunLogHandler | None = None
        self.item_lock = threading.Lock()
        self._stop = stop

    @property
    def owner(self) -> str:
        return self.run_id

    @property
    def stop_requested(self) -> bool:
        """True once the run was asked to stop (SIGTERM); long steps may check it."""
        return self._stop.is_set()

    def add_evidence(self, name: str, data: bytes | str) -> Path:
        """Store a file as evidence of the current item (or of the run)."""
        if self.item is not None:
            return self.queue.attach(self.item.id, name, data, "evidence", self.run_id)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        stored = artifacts.store(
            self.settings, self.run_dir / "evidence", name, self.scrubber.data(raw)
        )
        return stored.path

    def heartbeat(self) -> None:
        """Extend the current item's lease now (the run's thread also does it)."""
        from bots.runtime import locks

        with self.item_lock:
            if self.item is not None:
                self.queue.heartbeat(self.item.id, self.owner)
        locks.refresh(
            self.settings,
            self.bot_name,
            self.owner,
            self.settings.runtime.lease_seconds,
        )

    def record_step(self, step: str, message: str = "") -> None:
        """Note the step the bot is in; failures record it as their step."""
        self.step = step
        self.log.info("step %s%s", step, f": {message}" if message else "")
        if self.item is not None:
            self.queue.record_step(self.item.id, f"run:{self.run_id}", step, message)

    def update_result(self, **fields: Any) -> None:
        """Store outcome fields on the current item at once."""
        if self.item is None:
            raise RuntimeError("update_result needs a work item being processed")
        self.queue.update_result(self.item.id, **fields)
        self.item.result.update(fields)

    def begin_item(self, item: WorkItem) -> None:
        with self.item_lock:
            self.item = item
        self.step = ""
        if self.run_log is not None:
            self.run_log.start_item(item.id)

    def item_log_lines(self) -> list[str]:
        return list(self.run_log.item_lines) if self.run_log is not None else []

    def end_item(self) -> None:
        with self.item_lock:
            self.item = None
        if self.run_log is not None:
            self.run_log.end_item()

"""The run's heartbeat thread: while the run goes on it renews the bot's lock and
the lease of the item being processed, so that only a dead runner loses them."""

from __future__ import annotations

import logging
import threading

from bots.config import Settings
from bots.runtime import locks
from bots.runtime.context import Context

log = logging.getLogger(__name__)


class Heartbeat:
    """Renews leases every `runtime.heartbeat_seconds` until stopped."""

    def __init__(self, ctx: Context, settings: Settings) -> None:
        self.ctx = ctx
        self.interval = settings.runtime.heartbeat_seconds
        self.lease_seconds = settings.runtime.lease_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{ctx.run_id}", daemon=True
        )

    def start(self) -> int:
        """Start the thread; returns its ident (for the run log's thread filter)."""
        self._thread.start()
        assert self._thread.ident is not None
        return self._thread.ident

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)

    def _beat(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self._renew()
            except Exception as exc:  # a database hiccup: try again next beat
                log.warning("heartbeat of run %s failed: %s", self.ctx.run_id, exc)

    def _renew(self) -> None:
        from bots.runtime.queue import LeaseLost

        ctx = self.ctx
        with ctx.item_lock:
            if ctx.item is not None:
                try:
                    ctx.queue.heartbeat(ctx.item.id, ctx.owner, self.lease_seconds)
                except LeaseLost as exc:
                    log.warning("run %s lost work item %s: %s", ctx.run_id,
                                ctx.item.id, exc.message)  # fmt: skip
        if not locks.refresh(ctx.settings, ctx.bot_name, ctx.owner, self.lease_seconds):
            log.warning("run %s no longer holds the lock of %s", ctx.run_id,
                        ctx.bot_name)  # fmt: skip

"""The run's item loop: lease the next item, process it, settle it, and keep the
circuit breaker (N consecutive technical failures stop the run as "system
unavailable", leaving the remaining items queued)."""

from __future__ import annotations

import logging
import time
import traceback
from typing import TYPE_CHECKING, Any

from bots.errors import SystemUnavailable, TechnicalError, WorkItemError
from bots.runtime.bot import WorkItem
from bots.runtime.context import StopRequested
from bots.runtime.queue import LeaseLost

if TYPE_CHECKING:
    from bots.runtime.runner import _Runner

log = logging.getLogger(__name__)


class ItemProcessor:
    """Processes the run's items one at a time."""

    def __init__(self, runner: _Runner) -> None:
        self.runner = runner
        self.ctx = runner.ctx
        self.queue = runner.queue
        self.bot = runner.bot
        self.state = runner.state
        self.breaker_at = runner.settings.runtime.circuit_breaker_failures
        self.consecutive = 0
        self.last_error = ""

    def loop(self) -> None:
        started = time.monotonic()
        while self._may_continue(started):
            item = self.queue.lease(
                self.runner.bot_name, self.ctx.owner, run_id=self.runner.run_id
            )
            if item is None:
                break
            outcome, technical = self.process(item)
            self._count(item, outcome)
            if outcome == "released":
                break
            if not technical:
                self.consecutive = 0
                continue
            self.consecutive += 1
            if self.consecutive >= self.breaker_at or not self._reopen():
                if self.state.exit_code is None:
                    self._trip()
                break
        if self.state.exit_code is None:
            state = "up" if self.consecutive == 0 else "degraded"
            self.runner.systems_seen(state, self.last_error if self.consecutive else "")

    def _may_continue(self, started: float) -> bool:
        runner = self.runner
        if runner.stop.is_set():
            return False
        if runner.limit is not None and self.state.processed >= runner.limit:
            return False
        if runner.elapsed_out(started):
            log.info("run %s reached its time limit", runner.run_id)
            return False
        return True

    def _trip(self) -> None:
        self.runner.unavailable(
            f"{self.consecutive} technical failures in a row; last: {self.last_error}"
        )

    def _reopen(self) -> bool:
        """Close and open the bot's applications after a technical failure."""
        while True:
            try:
                self.bot.close(self.ctx)
            except Exception as exc:  # closing is best effort
                log.warning("closing %s failed: %s", self.runner.bot_name, exc)
            try:
                self.bot.open(self.ctx)
                return True
            except TechnicalError as exc:
                self.consecutive += 1
                self.last_error = exc.message
                log.warning(
                    "reopening %s failed (%s in a row): %s",
                    self.runner.bot_name, self.consecutive, exc.message,
                )  # fmt: skip
                if self.consecutive >= self.breaker_at:
                    return False

    # One item --------------------------------------------------------------------

    def process(self, item: WorkItem) -> tuple[str, bool]:
        """Process and settle one item; (outcome, was it a technical failure)."""
        ctx = self.ctx
        ctx.begin_item(item)
        log.info("work item %s (%s): attempt %s", item.id, item.reference,
                 item.attempts)  # fmt: skip
        try:
            try:
                result = self.bot.process(ctx, item)
            except StopRequested:
                return self._release(item), False
            except WorkItemError as error:
                if _system_down(error):
                    return self._system_down(item, error), True
                return self._failed(item, error, error)
            except Exception as exc:
                what = f"{type(exc).__name__}: {exc}"
                error = TechnicalError(
                    "unexpected",
                    f"Unexpected error{_in_step(ctx.step)}: {what}",
                    step=ctx.step,
                    details={"exception": type(exc).__name__},
                )
                return self._failed(item, error, exc)
            return self._done(item, result), False
        except StopRequested:
            return self._release(item), False
        finally:
            ctx.end_item()

    def _done(self, item: WorkItem, result: dict[str, Any] | None) -> str:
        try:
            with self.ctx.item_lock:
                self.queue.complete(item.id, self.ctx.owner, result or {})
        except LeaseLost as exc:
            log.warning("work item %s: %s", item.id, exc.message)
            return "lease_lost"
        log.info("work item %s (%s) done", item.id, item.reference)
        self._after_settle(item, "done")
        return "done"

    def _failed(
        self, item: WorkItem, error: WorkItemError, exc: BaseException
    ) -> tuple[str, bool]:
        ctx = self.ctx
        if not error.step:
            error.step = ctx.step
        self._evidence(item, error, exc)
        technical = error.kind == "technical"
        if technical:
            self.last_error = error.message
        try:
            with ctx.item_lock:
                status = self.queue.fail(item.id, ctx.owner, error)
        except LeaseLost as lost:
            log.warning("work item %s: %s", item.id, lost.message)
            return "lease_lost", technical
        level = logging.WARNING if status == "retry" else logging.ERROR
        log.log(level, "work item %s (%s) -> %s: [%s] %s", item.id, item.reference,
                status, error.code, error.message)  # fmt: skip
        self._after_settle(item, status)
        return status, technical

    def _evidence(
        self, item: WorkItem, error: WorkItemError, exc: BaseException
    ) -> None:
        ctx = self.ctx
        try:
            self.bot.capture_evidence(ctx, item, exc)
        except Exception as problem:  # evidence is best effort, the failure is not
            log.warning("capturing evidence of item %s failed: %s", item.id, problem)
        if not isinstance(exc, WorkItemError) or exc.__cause__ is not None:
            text = "".join(traceback.format_exception(exc))
            ctx.add_evidence("traceback.txt", text)
        lines = ctx.item_log_lines()
        if lines:
            ctx.add_evidence("log.txt", "\n".join(lines) + "\n")

    def _release(self, item: WorkItem) -> str:
        try:
            with self.ctx.item_lock:
                self.queue.release(item.id, self.ctx.owner, "the run was stopped")
        except LeaseLost as exc:
            log.warning("work item %s: %s", item.id, exc.message)
            return "lease_lost"
        self.runner.stop.set()
        log.warning("work item %s (%s) released: the run was stopped", item.id,
                    item.reference)  # fmt: skip
        return "released"

    def _system_down(self, item: WorkItem, error: WorkItemError) -> str:
        """A system the item needs says it is down (maintenance): the item goes back
        to the queue without spending an attempt, and the run stops as unavailable,
        so a later run does the work once the system is back."""
        self.last_error = error.message
        log.warning("work item %s (%s): %s", item.id, item.reference, error.message)
        outcome = self._release(item)
        self.runner.unavailable(f"{error.message}; the work stays queued")
        return outcome

    def _after_settle(self, item: WorkItem, status: str) -> None:
        try:
            self.bot.after_settle(self.ctx, item, status)
        except Exception as exc:
            log.warning("after_settle of item %s failed: %s", item.id, exc)

    def _count(self, item: WorkItem, outcome: str) -> None:
        counts = self.state.counts
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome != "released":
            self.state.processed += 1
        self.runner.save_progress(item.reference, outcome)


def _system_down(error: WorkItemError) -> bool:
    return isinstance(error, SystemUnavailable) or error.code == "maintenance"


def _in_step(step: str) -> str:
    return f" in step '{step}'" if step else ""

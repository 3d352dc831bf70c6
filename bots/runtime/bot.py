"""What a bot is, as the runtime sees it.

A bot says how it finds work (`find_work` yields `NewItem`s, which the runtime adds to
the queue idempotently by reference) and how it processes one leased `WorkItem`
(`process`). It raises `BusinessError` when an operator must decide and
`TechnicalError` when a system failed; the runtime settles, retries, records evidence
and keeps the run record. `open`/`close` log in to and leave the outside systems; the
runtime calls `close` then `open` again after a technical failure.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from bots.config import Settings
    from bots.errors import WorkItemError

log = logging.getLogger(__name__)


@dataclass
class NewItem:
    """Work a bot found; the reference is its idempotency key within the bot."""

    reference: str
    payload: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    priority: int = 0
    due_at: datetime | None = None


@dataclass
class WorkItem:
    """A leased work item as handed to `Bot.process`."""

    id: int
    bot: str
    reference: str
    payload: dict[str, Any]
    attempts: int
    files: dict[str, Path] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    def read_file(self, name: str) -> bytes:
        return self.files[name].read_bytes()


class RunContext(Protocol):
    """What the runtime offers a bot during a run."""

    settings: Settings
    run_id: str
    run_dir: Path
    dry_run: bool
    log: logging.Logger

    def add_evidence(self, name: str, data: bytes | str) -> Path:
        """Store a file as evidence of the current work item (and the run)."""

    def heartbeat(self) -> None:
        """Extend the current item's lease during long steps."""

    def record_step(self, step: str, message: str = "") -> None:
        """Note the step the bot is in, for the item's history and failures."""

    def update_result(self, **fields: Any) -> None:
        """Store outcome fields on the item at once (e.g. the ERP order number),
        so that a crash after an outside change still leaves the fact recorded."""


class Bot:
    """Base class for bots; subclasses set `name` and implement `process`."""

    name: ClassVar[str] = ""
    # Names of the outside systems the bot needs, shown by the circuit breaker.
    systems: ClassVar[tuple[str, ...]] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def find_work(self, ctx: RunContext) -> Iterable[NewItem]:
        return ()

    def open(self, ctx: RunContext) -> None:
        """Open and log in to the systems the bot needs."""

    def close(self, ctx: RunContext) -> None:
        """Close everything `open` opened; must not raise."""

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any] | None:
        raise NotImplementedError

    def capture_evidence(
        self, ctx: RunContext, item: WorkItem, error: BaseException
    ) -> None:
        """Save what shows the failure (screenshot, page HTML, trace)."""

    def after_settle(self, ctx: RunContext, item: WorkItem, status: str) -> None:
        """Called once an item is settled (e.g. to file the mail it came from)."""

    def end(self, ctx: RunContext) -> None:
        """Called once at the end of a run, after the last item."""


def describe_error(error: WorkItemError) -> dict[str, Any]:
    return {
        "kind": error.kind,
        "code": error.code,
        "step": error.step,
        "message": error.message,
        "details": error.details,
    }

"""A real bot for the console's run tests: three items, the second waits at a gate
the test opens, the third is a business exception. Run by the real runtime."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from bots.errors import BusinessError
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem

log = logging.getLogger(__name__)

GATE = threading.Event()
GATE_TIMEOUT_SECONDS = 30


class GatedBot(Bot):
    name = "console-gated"

    def find_work(self, ctx: RunContext) -> Iterable[NewItem]:
        for number in (1, 2, 3):
            yield NewItem(
                reference=f"{ctx.run_id}-{number}", payload={"number": number}
            )

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any] | None:
        number = item.payload["number"]
        ctx.add_evidence(f"step-{number}.txt", f"handled item {number}")
        if number == 2:
            GATE.wait(GATE_TIMEOUT_SECONDS)
        if number == 3:
            raise BusinessError("demo_exception", "Item 3 needs a person", step="check")
        return {"handled": str(number)}

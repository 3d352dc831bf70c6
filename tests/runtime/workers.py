"""Functions run in worker processes by the concurrency tests and the bench
(importable, so that `multiprocessing` can start them with spawn)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bots.config import load_settings
from bots.runtime.bot import NewItem
from bots.runtime.queue import WorkQueue


def _queue(home: str, database_url: str | None) -> WorkQueue:
    os.environ["O2C_HOME"] = home
    if database_url:
        os.environ["O2C_DATABASE_URL"] = database_url
    return WorkQueue(load_settings())


def drain(home: str, database_url: str | None, bot: str, owner: str, out: str) -> None:
    """Lease and complete items until none is left; write the ids taken to `out`."""
    queue = _queue(home, database_url)
    taken: list[int] = []
    started = time.perf_counter()
    while True:
        item = queue.lease(bot, owner)
        if item is None:
            break
        queue.complete(item.id, owner, {"by": owner})
        taken.append(item.id)
    elapsed = time.perf_counter() - started
    Path(out).write_text(json.dumps({"ids": taken, "seconds": elapsed}))


def add_same(
    home: str, database_url: str | None, bot: str, count: int, out: str
) -> None:
    """Add the same references as the other workers; write how many were created."""
    queue = _queue(home, database_url)
    created = 0
    for number in range(count):
        _id, new = queue.add(bot, NewItem(f"REF-{number}", {"n": number}))
        created += new
    Path(out).write_text(json.dumps({"created": created}))

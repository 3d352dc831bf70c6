"""Several processes share one queue (SQLite and PostgreSQL): every item is
processed exactly once, and concurrent adds of one reference make one item."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bots.config import Settings
from bots.runtime.bot import NewItem
from bots.runtime.db import dispose_engines, session_scope
from bots.runtime.models import ItemEvent
from bots.runtime.queue import WorkQueue
from tests.runtime import workers

BOT = "load-bot"
WORKERS = 4
PER_WORKER = 2000


def _start(target, args_list: list[tuple]) -> None:
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=target, args=args) for args in args_list]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join(timeout=600)
            assert process.exitcode == 0, f"worker exited with {process.exitcode}"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()


@pytest.mark.slow
def test_four_processes_process_8000_items_exactly_once(
    settings: Settings, tmp_path: Path
) -> None:
    queue = WorkQueue(settings)
    total = WORKERS * PER_WORKER
    queue.add_many(BOT, (NewItem(f"PO-{n:05d}", {"n": n}) for n in range(total)))
    dispose_engines()
    url = os.environ.get("O2C_DATABASE_URL")
    outs = [tmp_path / f"worker-{n}.json" for n in range(WORKERS)]
    started = time.perf_counter()

    _start(workers.drain, [
        (str(settings.home), url, BOT, f"worker-{n}", str(out))
        for n, out in enumerate(outs)
    ])  # fmt: skip

    elapsed = time.perf_counter() - started
    taken = [json.loads(out.read_text())["ids"] for out in outs]
    every = [item_id for ids in taken for item_id in ids]
    assert len(every) == total
    assert len(set(every)) == total
    assert all(ids for ids in taken), "each worker should have got some items"
    assert queue.counts(BOT)["done"] == total
    with session_scope(settings) as session:
        leases = session.scalar(
            select(func.count()).where(ItemEvent.action == "leased")
        )
    assert leases == total
    print(f"\n{total} items by {WORKERS} processes in {elapsed:.1f} s")


def test_concurrent_adds_of_the_same_references_make_one_item_each(
    settings: Settings, tmp_path: Path
) -> None:
    url = os.environ.get("O2C_DATABASE_URL")
    outs = [tmp_path / f"adder-{n}.json" for n in range(WORKERS)]
    _start(workers.add_same, [
        (str(settings.home), url, BOT, 150, str(out)) for out in outs
    ])  # fmt: skip

    created = sum(json.loads(out.read_text())["created"] for out in outs)
    assert created == 150
    assert WorkQueue(settings).counts(BOT)["new"] == 150

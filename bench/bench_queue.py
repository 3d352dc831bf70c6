"""Work queue throughput: lease + settle (complete) per second.

Fills a queue with N items (default 10,000) and drains it with 1, 2 and 4 worker
processes, on SQLite (WAL, in a temp folder) and on PostgreSQL (a throwaway server
started like the tests do, when /usr/lib/postgresql/15/bin exists; or the URL in
--postgres-url). Prints one line per run and a table at the end.

    .venv/bin/python bench/bench_queue.py [--items 10000] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete

from bots.config import load_settings
from bots.runtime.bot import NewItem
from bots.runtime.db import dispose_engines, migrate, session_scope
from bots.runtime.models import WorkItemRow
from bots.runtime.queue import WorkQueue

log = logging.getLogger(__name__)
BOT = "bench"


def _worker(home: str, url: str | None, owner: str, out: str) -> None:
    os.environ["O2C_HOME"] = home
    settings = load_settings(database_url=url) if url else load_settings()
    queue = WorkQueue(settings)
    done = 0
    while (item := queue.lease(BOT, owner)) is not None:
        queue.complete(item.id, owner, {"by": owner})
        done += 1
    Path(out).write_text(json.dumps({"done": done}))


def _fill(home: str, url: str | None, items: int) -> None:
    os.environ["O2C_HOME"] = home
    settings = load_settings(database_url=url) if url else load_settings()
    migrate(settings)
    with session_scope(settings) as session:  # a reused database: start empty
        session.execute(delete(WorkItemRow).where(WorkItemRow.bot == BOT))
    queue = WorkQueue(settings)
    batch = 1000
    for start in range(0, items, batch):
        queue.add_many(
            BOT,
            (
                NewItem(f"B-{n:06d}", {"n": n})
                for n in range(start, min(items, start + batch))
            ),
        )
    dispose_engines()


def measure(kind: str, url_factory, items: int, workers: int) -> float:
    """Items per second for `workers` processes draining `items` items."""
    home = tempfile.mkdtemp(prefix=f"o2c-bench-{kind}-")
    url = url_factory()
    _fill(home, url, items)
    context = multiprocessing.get_context("fork")
    outs = [Path(home) / f"w{n}.json" for n in range(workers)]
    processes = [
        context.Process(target=_worker, args=(home, url, f"w{n}", str(out)))
        for n, out in enumerate(outs)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    done = sum(json.loads(out.read_text())["done"] for out in outs)
    if done != items:
        raise SystemExit(f"{kind}: {done} of {items} items processed")
    rate = items / elapsed
    print(f"{kind:10} {workers} worker(s): {items} items in {elapsed:6.1f} s = "
          f"{rate:7.0f} items/s", flush=True)  # fmt: skip
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument(
        "--postgres-url", help="Use this database instead of a new server."
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(f"lease + complete throughput, {args.items} items, {os.cpu_count()} CPU(s), "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    results: dict[tuple[str, int], float] = {}
    for workers in counts:
        results["sqlite", workers] = measure(
            "sqlite", lambda: None, args.items, workers
        )
    if not args.skip_postgres:
        _postgres(args, counts, results)
    print("\n| database | " + " | ".join(f"{n} worker(s)" for n in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for kind in ("sqlite", "postgresql"):
        if (kind, counts[0]) in results:
            cells = " | ".join(f"{results[kind, n]:.0f}/s" for n in counts)
            print(f"| {kind} | {cells} |")


def _postgres(args: argparse.Namespace, counts: list[int], results: dict) -> None:
    if args.postgres_url:
        for workers in counts:
            results["postgresql", workers] = measure(
                "postgresql", lambda: args.postgres_url, args.items, workers
            )
        return
    from tests.support.postgres import PostgresServer, postgres_available

    if not postgres_available():
        print("postgresql: not installed; skipped")
        return
    with PostgresServer() as server:
        for workers in counts:
            results["postgresql", workers] = measure(
                "postgresql", server.create_database, args.items, workers
            )


if __name__ == "__main__":
    main()

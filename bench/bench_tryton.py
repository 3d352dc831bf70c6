"""Bench: ERP entry time per PO, 1 and 10 lines, in Tryton and in the sandbox ERP.

Both through their adapters in Chromium (the same `ErpAdapter.enter_order` a bot
calls), each ERP on loopback in its own temp folder: the sandbox ERP in a child
process, Tryton 6.0 from Debian's packages (`sandbox/tryton`, the seeded database
copied from O2C_TRYTON_CACHE when kept there). Login is once per ERP, not counted.
Lines are the customer's part numbers, so both ERPs resolve the same mapping.

    .venv/bin/python bench/bench_tryton.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_erp_entry import start_server
from bots.adapters.erp import OrderEntry, OrderHeader, OrderLine, open_erp
from bots.config import load_settings
from sandbox import seed
from sandbox.credentials import ERP_USERS
from sandbox.tryton.server import TrytonServer, default_cache
from sandbox.webserver import free_port

log = logging.getLogger("bench.tryton")

CUSTOMER = "C1001"
SIZES = (1, 10)


def order_lines(count: int) -> list[OrderLine]:
    xref = seed.xref_for(CUSTOMER)
    return [
        OrderLine(xref[i % len(xref)].customer_part, Decimal(i % 7 + 1))
        for i in range(count)
    ]


def timed(enter: Callable[[OrderEntry], str], size: int, repeat: int) -> float:
    samples = []
    for run in range(repeat):
        po = f"BENCH-{size}-{run}-{time.time_ns()}"
        entry = OrderEntry(OrderHeader(CUSTOMER, po, date.today()), order_lines(size))
        start = time.perf_counter()
        enter(entry)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_sandbox(tmp: Path, repeat: int) -> dict[int, float]:
    process, url = start_server(tmp / "erp.sqlite")
    try:
        os.environ["O2C_ERP__PASSWORD"] = ERP_USERS["robot"]
        settings = load_settings(
            home=tmp / "home-sandbox", erp={"url": url}, browser={"trace": False}
        )
        with open_erp(settings) as erp:
            return {size: timed(erp.enter_order, size, repeat) for size in SIZES}
    finally:
        process.kill()


def bench_tryton(tmp: Path, repeat: int) -> dict[int, float]:
    server = TrytonServer(tmp / "tryton", free_port())
    server.start(cache=default_cache())
    try:
        login = server.login
        os.environ["O2C_ERP__PASSWORD"] = login.password
        settings = load_settings(
            home=tmp / "home-tryton",
            erp={
                "kind": "tryton",
                "url": login.url,
                "database": login.database,
                "username": login.username,
                "part_map": server.part_map,
            },
            browser={"trace": False, "timeout_ms": 60000},
        )
        with open_erp(settings) as erp:
            return {size: timed(erp.enter_order, size, repeat) for size in SIZES}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        sandbox_s = bench_sandbox(tmp, args.repeat)
        tryton_s = bench_tryton(tmp, args.repeat)
    print(f"ERP entry time per PO (median of {args.repeat}), through the adapters")
    print(f"{'lines':>5} {'sandbox s':>10} {'tryton s':>9} {'ratio':>6}")
    for size in SIZES:
        print(
            f"{size:>5} {sandbox_s[size]:>10.2f} {tryton_s[size]:>9.2f} "
            f"{tryton_s[size] / sandbox_s[size]:>6.1f}"
        )


if __name__ == "__main__":
    main()

"""Bench: ERP entry time per PO, 1 and 10 lines, in Tryton and in the sandbox ERP;
and the cash side: reading one customer's open items, posting one payment.

Both through their adapters in Chromium (the same `ErpAdapter` calls a bot makes:
`enter_order`, `download_open_items`, `post_payment` with its bank-reference check),
each ERP on loopback in its own temp folder: the sandbox ERP in a child
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
from bots.adapters.erp.base import ErpAdapter, PaymentApplication, PaymentPosting
from bots.config import load_settings
from bots.documents.bank.open_items import read_open_items
from sandbox import seed
from sandbox.credentials import ERP_USERS
from sandbox.tryton.server import TrytonServer, default_cache
from sandbox.webserver import free_port

log = logging.getLogger("bench.tryton")

CUSTOMER = "C1001"
PAYER = "C1003"
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


def timed_cash(erp: ErpAdapter, tmp: Path, repeat: int) -> dict[str, float]:
    """Median seconds to read the payer's open items and to post one payment
    (each paying a whole invoice, so every run pays a different one)."""
    reads, posts = [], []
    for run in range(repeat):
        start = time.perf_counter()
        path = erp.download_open_items(tmp / f"open-{run}-{time.time_ns()}", PAYER)
        reads.append(time.perf_counter() - start)
        item = read_open_items(path)[0]
        payment = PaymentPosting(
            bank_ref=f"BENCH-{run}-{time.time_ns()}",
            payer=PAYER,
            amount=item.open_amount,
            currency=item.currency,
            value_date=date.today(),
            applications=[PaymentApplication(item.invoice_number, item.open_amount)],
        )
        start = time.perf_counter()
        erp.post_payment(payment)
        posts.append(time.perf_counter() - start)
    return {"open items": statistics.median(reads), "payment": statistics.median(posts)}


def measure(erp: ErpAdapter, tmp: Path, repeat: int) -> dict[int | str, float]:
    figures: dict[int | str, float] = {}
    for size in SIZES:
        figures[size] = timed(erp.enter_order, size, repeat)
    figures.update(timed_cash(erp, tmp, repeat))
    return figures


def bench_sandbox(tmp: Path, repeat: int) -> dict[int | str, float]:
    process, url = start_server(tmp / "erp.sqlite")
    try:
        os.environ["O2C_ERP__PASSWORD"] = ERP_USERS["robot"]
        settings = load_settings(
            home=tmp / "home-sandbox", erp={"url": url}, browser={"trace": False}
        )
        with open_erp(settings) as erp:
            return measure(erp, tmp, repeat)
    finally:
        process.kill()


def bench_tryton(tmp: Path, repeat: int) -> dict[int | str, float]:
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
            return measure(erp, tmp, repeat)
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
    print(f"ERP time per step (median of {args.repeat}), through the adapters")
    print(f"{'step':>16} {'sandbox s':>10} {'tryton s':>9} {'ratio':>6}")
    for key in [*SIZES, "open items", "payment"]:
        label = f"PO, {key} lines" if isinstance(key, int) else key
        print(
            f"{label:>16} {sandbox_s[key]:>10.2f} {tryton_s[key]:>9.2f} "
            f"{tryton_s[key] / sandbox_s[key]:>6.1f}"
        )


if __name__ == "__main__":
    main()

"""POs per minute: a batch of purchase-order mails through the order-intake bot.

Starts the sandbox on free ports in a temporary folder, delivers N PO mails (three PDF
layouts, 1-4 lines each) to its IMAP mailbox, runs `order-intake` once through the
runtime and prints the time, the POs per minute and how the items ended.

    .venv/bin/python bench/bench_intake_batch.py [--count 50]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()

    from sandbox import mailbuilder, seed
    from sandbox.credentials import DEFAULT_PORTS, MAIL_USERS
    from sandbox.mail import deliver
    from sandbox.server import Sandbox
    from sandbox.webserver import free_port

    home = Path(tempfile.mkdtemp(prefix="o2c-bench-"))
    ports = {name: free_port() for name in DEFAULT_PORTS}
    from bots.cli.demo_cmd import _environment

    os.environ.update(_environment(home, ports))
    customers = [c.customer_no for c in seed.customers()][2:]
    with Sandbox(home / "state", ports, "none"):
        user, password = next(iter(MAIL_USERS.items()))
        for n in range(args.count):
            spec = mailbuilder.po_spec(
                customers[n % len(customers)], f"BENCH-{n + 1:04d}",
                layout=mailbuilder.LAYOUTS[n % 3], n_lines=1 + n % 4, first=n % 7,
                today=date.today())
            deliver("127.0.0.1", ports["imap"], user, password, mailbuilder.po_mail(spec))
        from bots.runtime.present import settings_with_db
        from bots.runtime.queue import WorkQueue
        from bots.runtime.runner import run_bot

        settings = settings_with_db()
        started = time.perf_counter()
        summary = run_bot("order-intake", settings)
        elapsed = time.perf_counter() - started
        outcomes = Counter(i["status"] for i in WorkQueue(settings).list(
            bot="order-intake", limit=10_000))
    print(f"{args.count} PO mails: {elapsed:.1f} s, "
          f"{args.count / elapsed * 60:.1f} POs per minute; run {summary.status}; "
          f"items {dict(outcomes)}")


if __name__ == "__main__":
    main()

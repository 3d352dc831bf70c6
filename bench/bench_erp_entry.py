"""Bench: ERP entry time per PO through the adapter (Chromium) against the same form
posts sent straight over HTTP (urllib with a cookie jar and the CSRF token).

The HTTP figure is the floor a bot can approach: the sandbox ERP's own cost of the
same screens. The sandbox runs in a separate process on a free port over a fresh
state file. Login is done once per side and not counted.

    .venv/bin/python bench/bench_erp_entry.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bots.adapters.erp import OrderEntry, OrderHeader, OrderLine, open_erp
from bots.config import load_settings
from sandbox import seed
from sandbox.credentials import ERP_USERS
from sandbox.webserver import free_port

log = logging.getLogger("bench.erp_entry")

CUSTOMER = "C1001"
SIZES = (1, 10, 40)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SERVER = """
import sys, time
from pathlib import Path
from sandbox.chaos import Chaos
from sandbox.erp.app import create_app
from sandbox.webserver import ServerThread
ServerThread(create_app(Path(sys.argv[1]), Chaos()), int(sys.argv[2])).start()
print("ready", flush=True)
time.sleep(10**6)
"""


def start_server(state: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(state), str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise SystemExit("the sandbox ERP did not start")
    # Keep reading what it prints, or a full pipe stalls the server mid-bench.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, f"http://127.0.0.1:{port}"


def order_lines(count: int) -> list[OrderLine]:
    xref = seed.xref_for(CUSTOMER)
    return [
        OrderLine(xref[i % len(xref)].customer_part, Decimal(i % 7 + 1))
        for i in range(count)
    ]


class HttpClient:
    """The same form posts as the order screens, sent with urllib."""

    def __init__(self, url: str) -> None:
        self.url = url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )
        self.token = ""

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.url + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        data = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        with self.opener.open(self.url + path, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def _token(self, html: str) -> None:
        found = TOKEN.search(html)
        if found:
            self.token = found.group(1)

    def login(self, user: str, password: str) -> None:
        _, html = self.get("/login")
        self._token(html)
        url, _ = self.post("/login", {"username": user, "password": password})
        assert url.endswith("/main"), url

    def enter_order(self, entry: OrderEntry) -> str:
        _, html = self.get("/orders/new")
        self._token(html)
        header = entry.header
        url, _ = self.post(
            "/orders/new",
            {
                "customer_no": header.customer_no,
                "customer_po": header.customer_po,
                "po_date": header.po_date.isoformat(),
                "requested_date": "",
                "ship_to": header.ship_to or "",
            },
        )
        lines_path = urllib.parse.urlparse(url).path
        assert lines_path.endswith("/lines"), url
        for line in entry.lines:
            self.post(
                lines_path,
                {
                    "item_no": line.item_no,
                    "quantity": format(line.quantity, "f"),
                    "unit_price": "",
                },
            )
        draft = lines_path.rsplit("/", 1)[0]
        self.get(f"{draft}/review")
        url, _ = self.post(f"{draft}/submit", {})
        so_number = re.search(r"SO-\d+", url)
        assert so_number, url
        return so_number.group(0)


def timed(
    enter: Callable[[OrderEntry], str], size: int, repeat: int, tag: str
) -> float:
    samples = []
    for run in range(repeat):
        header = OrderHeader(
            CUSTOMER, f"BENCH-{tag}-{size}-{run}-{time.time_ns()}", date.today()
        )
        entry = OrderEntry(header, order_lines(size))
        start = time.perf_counter()
        so_number = enter(entry)
        samples.append(time.perf_counter() - start)
        assert so_number.startswith("SO-")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(Path(tmp) / "erp.sqlite")
        try:
            os.environ["O2C_ERP__PASSWORD"] = ERP_USERS["robot"]
            settings = load_settings(
                home=Path(tmp) / "home",
                erp={"url": url},
                browser={"trace": False},
            )
            client = HttpClient(url)
            client.login("robot", ERP_USERS["robot"])
            rows = []
            with open_erp(settings) as erp:
                for size in SIZES:
                    repeat = max(2, args.repeat if size < 40 else args.repeat // 2)
                    http_s = timed(client.enter_order, size, repeat, "http")
                    ui_s = timed(erp.enter_order, size, repeat, "ui")
                    rows.append((size, ui_s, http_s))
        finally:
            process.kill()
    print("ERP entry time per PO (median), adapter via Chromium vs direct HTTP")
    print(f"{'lines':>5} {'adapter s':>10} {'http s':>8} {'ratio':>6} {'ms/line':>8}")
    for size, ui_s, http_s in rows:
        print(
            f"{size:>5} {ui_s:>10.3f} {http_s:>8.3f} {ui_s / http_s:>6.1f} "
            f"{ui_s * 1000 / size:>8.1f}"
        )


if __name__ == "__main__":
    main()

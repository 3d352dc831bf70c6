"""Run a throwaway Tryton 6.0 (Debian's `trytond`) on loopback in a folder of its own.

`TrytonServer(folder, port)` writes `trytond.conf` (SQLite, the sao web client,
127.0.0.1 only), creates and seeds the database when it is missing (`trytond-admin`,
then `seed_db.py` under Debian's /usr/bin/python3, where trytond and proteus live),
writes the customers' part-number map beside it and runs `trytond` as a child
process. Nothing is installed and nothing outside the folder is touched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sandbox import seed

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
SAO_ROOT = "/usr/share/tryton-sao/www"
DATABASE = "o2c"
MODULES = "sale account_statement account_invoice"
COMPANY_NAME = "O2C Demo Supplies Ltd"
COMPANY_CURRENCY = "EUR"
ADMIN_PASSWORD = "tryton-admin-demo"  # public practice credentials, like the sandbox's
ROBOT = ("robot", "tryton-robot-demo")
INVOICES_PER_CUSTOMER = 4
INVOICE_CUSTOMERS = 5
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0

CONFIG = """\
[database]
uri = sqlite://
path = {folder}/db

[web]
listen = 127.0.0.1:{port}
root = {sao}

[attachment]
path = {folder}/attach

[session]
timeout = 86400

[password]
length = 8
entropy = 0
"""


class TrytonMissing(RuntimeError):
    """Debian's Tryton packages are not installed."""


@dataclass(frozen=True)
class Login:
    url: str
    database: str
    username: str
    password: str


def default_cache() -> Path:
    """Where seeded databases are kept between runs (O2C_TRYTON_CACHE)."""
    kept = os.environ.get("O2C_TRYTON_CACHE")
    return Path(kept) if kept else Path.home() / ".cache" / "o2c-tryton"


def installed() -> bool:
    return (
        bool(shutil.which("trytond") and shutil.which("trytond-admin"))
        and Path(SAO_ROOT).is_dir()
    )


class TrytonServer:
    """One trytond process with its configuration, database and logs in `folder`."""

    def __init__(self, folder: Path, port: int, database: str = DATABASE) -> None:
        self.folder = folder.resolve()
        self.port = port
        self.database = database
        self.conf = self.folder / "trytond.conf"
        self.part_map = self.folder / "part-map.csv"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def login(self) -> Login:
        return Login(self.url, self.database, *ROBOT)

    @property
    def db_file(self) -> Path:
        return self.folder / "db" / f"{self.database}.sqlite"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def prepare(self, today: date | None = None, cache: Path | None = None) -> bool:
        """Write the configuration; create and seed the database when it is
        missing - copied from `cache` when a database of the same seed is kept
        there (creating one takes minutes on a busy machine). Returns True when a
        database was created or copied."""
        if not installed():
            raise TrytonMissing(
                "trytond is not installed: apt-get install tryton-server "
                "tryton-modules-sale tryton-modules-account-statement tryton-sao "
                "tryton-proteus"
            )
        for sub in ("db", "attach"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        self.conf.write_text(
            CONFIG.format(folder=self.folder, port=self.port, sao=SAO_ROOT)
        )
        write_part_map(self.part_map)
        if self.db_file.exists() and self.db_file.stat().st_size > 0:
            return False
        today = today or date.today()
        kept = cache / f"o2c-{seed_key(today)}.sqlite" if cache else None
        if kept is not None and kept.is_file():
            shutil.copyfile(kept, self.db_file)
            log.info("Tryton database copied from %s", kept)
            return True
        self._create(today)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.db_file, kept.with_suffix(".part"))
            kept.with_suffix(".part").replace(kept)
        return True

    def _create(self, today: date) -> None:
        started = time.monotonic()
        self.db_file.touch()
        passfile = self.folder / "admin.pass"
        passfile.write_text(ADMIN_PASSWORD)
        env = {**os.environ, "TRYTONPASSFILE": str(passfile)}
        admin = ["trytond-admin", "-c", str(self.conf), "-d", self.database]
        try:
            self._run([*admin, "--all", "--email", "admin@example.com"], env)
            self._run([*admin, "-u", *MODULES.split(), "--activate-dependencies"], env)
            seed_file = self.folder / "seed.json"
            seed_file.write_text(json.dumps(seed_data(today)), encoding="utf-8")
            env["O2C_TRYTON_ROBOT_PASSWORD"] = ROBOT[1]
            script = str(HERE / "seed_db.py")
            self._run(
                [SYSTEM_PYTHON, script, str(self.conf), self.database, str(seed_file)],
                env,
            )
        except BaseException:
            self.db_file.unlink(missing_ok=True)
            raise
        finally:
            passfile.unlink(missing_ok=True)
        log.info(
            "Tryton database %s created in %.1f s",
            self.database,
            time.monotonic() - started,
        )

    def _run(self, command: list[str], env: dict[str, str]) -> str:
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            cwd=self.folder,
            check=False,
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-8:]
            raise RuntimeError(f"{command[0]} failed: " + " | ".join(tail))
        return done.stdout

    def start(self, cache: Path | None = None) -> None:
        """Prepare if needed, start trytond and wait until it answers HTTP."""
        self.prepare(cache=cache)
        log_file = open(self.folder / "trytond.log", "ab")  # noqa: SIM115
        self._process = subprocess.Popen(
            ["trytond", "-c", str(self.conf)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
        )
        log_file.close()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"trytond exited with {self._process.returncode}; see "
                    f"{self.folder / 'trytond.log'}"
                )
            if _answers(self.url):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"trytond did not answer on {self.url} in time")

    def wait(self) -> int:
        assert self._process is not None
        return self._process.wait()

    def stop(self) -> None:
        """Stop trytond and wait for it to exit (the port is free afterwards)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def inspect(self, what: str, **args: Any) -> Any:
        """Tryton's own records (`sales`, `invoices`, `statements`, `parties`,
        `products`) through proteus."""
        command = [
            SYSTEM_PYTHON,
            str(HERE / "inspect_db.py"),
            str(self.conf),
            self.database,
            what,
            json.dumps(args),
        ]
        return json.loads(self._run(command, dict(os.environ)))


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def seed_key(today: date) -> str:
    """Names a seeded database: the seed script, the seed data and trytond."""
    digest = hashlib.sha256((HERE / "seed_db.py").read_bytes())
    digest.update(json.dumps(seed_data(today), sort_keys=True).encode())
    digest.update(CONFIG.encode() + MODULES.encode())
    digest.update(str(shutil.which("trytond")).encode())
    return digest.hexdigest()[:16]


def seed_data(today: date) -> dict[str, Any]:
    """What seed_db.py creates, from the sandbox seed (same customers and items)."""
    customers = seed.customers()
    chosen = {c.customer_no for c in customers[:INVOICE_CUSTOMERS]}
    invoices: list[dict[str, str]] = []
    counts: dict[str, int] = {}
    for invoice in seed.open_invoices(today):
        if invoice.customer_no not in chosen:
            continue
        if counts.get(invoice.customer_no, 0) >= INVOICES_PER_CUSTOMER:
            continue
        counts[invoice.customer_no] = counts.get(invoice.customer_no, 0) + 1
        invoices.append(
            {
                "customer_no": invoice.customer_no,
                "reference": invoice.invoice_number,
                "invoice_date": invoice.invoice_date.isoformat(),
                "amount": str(invoice.open_amount),
            }
        )
    return {
        "today": today.isoformat(),
        "company_name": COMPANY_NAME,
        "company_currency": COMPANY_CURRENCY,
        "robot_login": ROBOT[0],
        "customers": [
            {
                "customer_no": c.customer_no,
                "name": c.name,
                "address": c.ship_tos[0].address if c.ship_tos else "",
                "emails": [contact.email for contact in c.contacts],
            }
            for c in customers
        ],
        "items": [
            {
                "item_no": i.item_no,
                "description": i.description,
                "uom": i.uom,
                "price": str(i.price),
            }
            for i in seed.items()
        ],
        "invoices": invoices,
    }


def write_part_map(path: Path) -> None:
    """The customers' part numbers -> our item numbers, as the `erp.part_map` CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_no", "customer_part", "item_no", "price"])
        for ref in seed.cross_references():
            writer.writerow(
                [ref.customer_no, ref.customer_part, ref.item_no, ref.price]
            )

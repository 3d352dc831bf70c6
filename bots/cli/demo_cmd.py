"""`o2c demo`: the whole product on the embedded sandbox, as a newcomer's first command.

It starts the sandbox (ERP, both customer portals, IMAP and SMTP) for an `O2C_HOME`
of its own, loads a business day (purchase-order mails, a bank notification, the
warehouse's status changes including a crisis backorder), runs every bot once through
the real runtime, and prints what happened. Then the sandbox and the operator console
stay up until Ctrl-C; with `--json` it prints the summary and stops everything.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from bots.errors import O2CError

log = logging.getLogger(__name__)

BOTS = ("order-intake", "status-updates", "cash-application", "payment-reminders")


def _ports(free: bool) -> dict[str, int]:
    from sandbox.credentials import DEFAULT_PORTS
    from sandbox.server import port_free
    from sandbox.webserver import free_port

    if not free and all(port_free(p) for p in DEFAULT_PORTS.values()):
        return dict(DEFAULT_PORTS)
    return {name: free_port() for name in DEFAULT_PORTS}


def _environment(home: Path, ports: dict[str, int]) -> dict[str, str]:
    """Point every setting at the sandbox, with its public demo logins."""
    from sandbox import credentials as c

    url = "http://127.0.0.1:{}".format
    return {
        "O2C_HOME": str(home),
        "O2C_ERP__URL": url(ports["erp"]),
        "O2C_ERP__USERNAME": "robot",
        "O2C_ERP__PASSWORD": c.ERP_USERS["robot"],
        "O2C_IMAP__HOST": "127.0.0.1",
        "O2C_IMAP__PORT": str(ports["imap"]),
        "O2C_IMAP__SECURITY": "plain",
        "O2C_IMAP__USERNAME": next(iter(c.MAIL_USERS)),
        "O2C_IMAP__PASSWORD": next(iter(c.MAIL_USERS.values())),
        "O2C_SMTP__PORT": str(ports["smtp"]),
        "O2C_PORTALS__PORTAL_A__KIND": "a",
        "O2C_PORTALS__PORTAL_A__URL": url(ports["portal_a"]),
        "O2C_PORTALS__PORTAL_A__PASSWORD": c.PORTAL_A_USERS["supplier"],
        "O2C_PORTALS__PORTAL_B__KIND": "b",
        "O2C_PORTALS__PORTAL_B__URL": url(ports["portal_b"]),
        "O2C_PORTALS__PORTAL_B__PASSWORD": c.PORTAL_B_USERS["supplier"],
    }


class Demo:
    def __init__(self, home: Path, ports: dict[str, int], quiet: bool) -> None:
        self.home = home
        self.ports = ports
        self.quiet = quiet
        self.console = Console(stderr=True, quiet=quiet)
        self.run_ids: dict[str, str] = {}
        self.failed: list[str] = []
        self.sandbox: Any = None

    def say(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def start(self) -> None:
        from sandbox.server import Sandbox

        os.environ.update(_environment(self.home, self.ports))
        self.say(f"[bold]o2c demo[/] in {self.home}")
        self.sandbox = Sandbox(self.home / "sandbox-state", self.ports, "none").start()
        self.say("sandbox up: " + ", ".join(f"{k} {v}" for k, v in
                                            self.sandbox.urls().items()))

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None

    def load(self) -> Any:
        from bots.config import load_settings
        from bots.flows.cash_application import inbox
        from sandbox.credentials import MAIL_USERS
        from sandbox.day import build_day, load_day

        day = build_day(date.today())
        user, password = next(iter(MAIL_USERS.items()))
        load_day(day, self.sandbox.urls(), ("127.0.0.1", self.ports["imap"], user,
                                           password), inbox(load_settings()))
        self.say(f"day loaded: {len(day.mails)} mails ({day.orders_expected} good "
                 f"purchase orders), a camt.054 with {len(day.payments)} payments")
        return day

    def run(self, bot: str) -> Any:
        from bots.cli.run_cmd import _run_with_progress
        from bots.runtime.present import settings_with_db
        from bots.runtime.runner import run_bot

        settings = settings_with_db()
        if self.quiet:
            summary = run_bot(bot, settings)
        else:
            summary = _run_with_progress(bot, settings, "manual", None, False)
        self.run_ids[bot] = summary.run_id
        if summary.status == "failed":
            self.failed.append(f"{bot}: {summary.message}")
        self.say(f"{bot}: {summary.status}, "
                 + ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items())))
        return summary

    def move_orders(self, day: Any) -> None:
        from sandbox.day import move_orders

        entered = {i["payload"].get("po", {}).get("po_number")
                   or i["reference"]: i["result"]["order_number"]
                   for i in self._items("order-intake", "done")
                   if i["result"].get("order_number")}
        moved = move_orders(day, self.sandbox.urls()["erp"], entered)
        self.say("warehouse: " + ", ".join(f"{len(v)} {k}" for k, v in moved.items()))

    def _items(self, bot: str, status: str | None = None) -> list[dict[str, Any]]:
        from bots.config import load_settings
        from bots.runtime.queue import WorkQueue

        return WorkQueue(load_settings()).list(status=status, bot=bot, limit=10_000)

    def summary(self) -> dict[str, Any]:
        def mine(bot: str, status: str | None = None) -> list[dict[str, Any]]:
            run = self.run_ids.get(bot)
            return [i for i in self._items(bot, status) if i.get("last_run_id") == run]

        orders = [i for i in mine("order-intake", "done")
                  if i["result"].get("order_number")
                  and not i["result"].get("existing_order")]
        payments = [i for i in mine("cash-application", "done")
                    if i["result"].get("document")
                    and not i["result"].get("already_posted")]
        updates = [i for i in mine("status-updates", "done")
                   if i["payload"].get("channel") == "portal" and i["result"].get("posted")]
        mails = [i for bot in ("status-updates", "payment-reminders")
                 for i in mine(bot, "done") if i["result"].get("sent")]
        exceptions = [{"bot": i["bot"], "code": i["error_code"],
                       "message": i["error_message"], "reference": i["reference"]}
                      for bot in BOTS for i in self._items(bot, "exception")]
        return {"orders_entered": len(orders), "payments_applied": len(payments),
                "status_updates_posted": len(updates), "emails_sent": len(mails),
                "exceptions": exceptions, "home": str(self.home),
                "runs": self.run_ids, "failed_runs": self.failed,
                "ports": self.ports}

    def print_summary(self, data: dict[str, Any]) -> None:
        console = Console()
        table = Table(title="the day's work")
        table.add_column("what")
        table.add_column("count", justify="right")
        for key in ("orders_entered", "payments_applied", "status_updates_posted",
                    "emails_sent"):
            table.add_row(key.replace("_", " "), str(data[key]))
        table.add_row("[red]exceptions waiting for an operator[/]",
                      str(len(data["exceptions"])))
        console.print(table)
        cases = Table(title="exception queue")
        for column in ("bot", "code", "reason"):
            cases.add_column(column, overflow="fold")
        for case in data["exceptions"]:
            cases.add_row(case["bot"], case["code"] or "", case["message"] or "")
        console.print(cases)
        for failure in self.failed:
            console.print(f"[bold red]run failed[/] {failure}", highlight=False)


def _serve_console(port: int) -> tuple[Any, str, str]:
    from bots.config import load_settings
    from bots.console import create_app
    from bots.console.users import add_user, find_user
    from sandbox.webserver import ServerThread

    settings = load_settings()
    user, password = "demo", secrets.token_urlsafe(9)
    if find_user(settings, user) is not None:
        from bots.console.users import remove_user

        remove_user(settings, user, actor="demo")
    add_user(settings, user, "admin", password, actor="demo")
    server = ServerThread(create_app(settings), port).start()
    return server, user, password


@click.command("demo")
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="O2C_HOME for the demo (default: a new temporary folder).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the summary as JSON and stop everything afterwards.")
@click.option("--console-port", default=8800, show_default=True,
              help="Port of the operator console (not with --json).")
@click.option("--free-ports", is_flag=True,
              help="Use free ports instead of the defaults (always with --json).")
def demo(home: Path | None, as_json: bool, console_port: int, free_ports: bool) -> None:
    """Run the whole product once on the sandbox and show the result.

    Starts the sandbox, loads a business day (PO mails, a bank file, order status
    changes with a crisis backorder), runs order intake, status updates, cash
    application and payment reminders, prints a summary with every exception, then
    keeps the sandbox and the console running until Ctrl-C. Running it again on the
    same --home enters nothing twice.
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no request log lines
    home = (home or Path(tempfile.mkdtemp(prefix="o2c-demo-"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    show = Demo(home, _ports(free_ports or as_json), quiet=as_json)
    try:
        show.start()
        day = show.load()
        show.run("order-intake")
        show.move_orders(day)
        for bot in BOTS[1:]:
            show.run(bot)
        data = show.summary()
    except O2CError:
        show.stop()
        raise
    except BaseException:
        show.stop()
        raise
    if as_json:
        show.stop()
        click.echo(json.dumps(data, indent=2, default=str))
        sys.exit(1 if show.failed else 0)
    show.print_summary(data)
    _stay_up(show, console_port)


def _stay_up(show: Demo, console_port: int) -> None:
    from sandbox.server import demo_credentials, port_free
    from sandbox.webserver import free_port

    port = console_port if port_free(console_port) else free_port()
    server, user, password = _serve_console(port)
    console = Console()
    console.print(f"\noperator console: http://127.0.0.1:{port}/login  "
                  f"user [bold]{user}[/]  password [bold]{password}[/]", highlight=False)
    for name, url in show.sandbox.urls().items():
        login = demo_credentials().get(name)
        who = f"  ({login[0]} / {login[1]})" if login else ""
        console.print(f"{name:<9} {url}{who}", highlight=False)
    console.print("Ctrl-C stops everything.")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        show.stop()
        console.print("demo stopped.")
    sys.exit(0)


def register(main: click.Group) -> None:
    main.add_command(demo)

"""Small bots that exercise the runtime, configured by `script.json` in O2C_HOME.

They touch no outside system; what they do to "the outside" they write to files in
O2C_HOME (`journal.jsonl`, `ledger.txt`), so tests can check what happened and how
often. Run them as `tests.runtime.bots:ScriptedBot` and so on.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bots.errors import BusinessError, SystemUnavailable, TechnicalError
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem

log = logging.getLogger(__name__)


def write_script(home: Path, **script: Any) -> None:
    (home / "script.json").write_text(json.dumps(script), encoding="utf-8")


def journal(home: Path) -> list[dict[str, Any]]:
    path = home / "journal.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


class ScriptedBot(Bot):
    """Finds the items listed in the script; each payload's `do` says what to do:
    ok, business, technical, unavailable, boom, sleep, secret."""

    name = "scripted"
    systems = ("portal_x",)

    def _script(self) -> dict[str, Any]:
        path = self.settings.home / "script.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def _note(self, event: str, **fields: Any) -> None:
        entry = {"event": event, "pid": os.getpid(), **fields}
        with (self.settings.home / "journal.jsonl").open("a") as out:
            out.write(json.dumps(entry) + "\n")

    def open(self, ctx: RunContext) -> None:
        self._note("open")
        if self._script().get("open_fails"):
            raise SystemUnavailable("portal_down", "Portal X does not answer")

    def close(self, ctx: RunContext) -> None:
        self._note("close")

    def end(self, ctx: RunContext) -> None:
        self._note("end")

    def find_work(self, ctx: RunContext) -> Iterable[NewItem]:
        for entry in self._script().get("items", []):
            yield NewItem(
                entry["reference"],
                entry.get("payload", {}),
                priority=entry.get("priority", 0),
                files={k: v.encode() for k, v in entry.get("files", {}).items()},
            )

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any] | None:
        action = item.payload.get("do", "ok")
        self._note("process", reference=item.reference, action=action)
        ctx.record_step("work", f"doing {action}")
        ctx.log.info("processing %s", item.reference)
        if action == "business":
            raise BusinessError("unknown_customer", "Customer C9 is not in the ERP")
        if action == "technical":
            raise TechnicalError("portal_timeout", "Portal X timed out")
        if action == "unavailable":
            raise SystemUnavailable("portal_down", "Portal X is down")
        if action == "boom":
            raise ValueError("unexpected None in line 3")
        if action == "sleep":
            time.sleep(float(item.payload.get("seconds", 1)))
        if action == "secret":
            return self._leak_secret(ctx)
        return {"echo": item.reference}

    def _leak_secret(self, ctx: RunContext) -> dict[str, Any]:
        password = self.settings.secret("erp.password")
        ctx.log.info("logging in as robot with password %s", password)
        log.warning("retrying login, password=%r", password)
        ctx.add_evidence("login.html", f'<input type="password" value="{password}">')
        raise TechnicalError(
            "login_failed",
            f"Login with {password} refused",
            details={"typed": password},
        )

    def capture_evidence(
        self, ctx: RunContext, item: WorkItem, error: BaseException
    ) -> None:
        page = f"<html><body>failed: {error}</body></html>"
        ctx.add_evidence("page.html", page)
        ctx.add_evidence("screenshot.png", b"\x89PNG\r\n\x1a\nfake-image")


class LedgerBot(Bot):
    """Books each item once in `ledger.txt` (the outside system) and checks it
    before booking, so a redo after a crash does not book twice. With
    `hang: true` the first attempt hangs after booking (to be killed there)."""

    name = "ledger"

    def find_work(self, ctx: RunContext) -> Iterable[NewItem]:
        script = self.settings.home / "script.json"
        for entry in json.loads(script.read_text()).get("items", []):
            yield NewItem(entry["reference"], entry.get("payload", {}))

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any] | None:
        home = self.settings.home
        ledger = home / "ledger.txt"
        booked = ledger.read_text().splitlines() if ledger.exists() else []
        with (home / "attempts.txt").open("a") as out:
            out.write(f"{item.reference} {os.getpid()}\n")
        if item.reference in booked:
            ctx.log.info("%s was booked already; not booking again", item.reference)
            return {"booked": "before"}
        with ledger.open("a") as out:
            out.write(item.reference + "\n")
        ctx.update_result(booked="now")
        hung = home / f"hung-{item.reference}"
        if item.payload.get("hang") and not hung.exists():
            hung.write_text(str(os.getpid()))
            time.sleep(120)
        return {"booked": "now"}

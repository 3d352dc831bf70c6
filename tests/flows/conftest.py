"""Fixtures of the bot (flow) tests: a real Dovecot mailbox, a real sandbox ERP on a
free port, Chromium, and an O2C_HOME of its own whose settings point at them."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bots.config import Settings, load_settings
from sandbox.chaos import Chaos
from sandbox.credentials import ERP_USERS
from sandbox.webserver import ServerThread, free_port
from tests.conftest import CHROMIUM, chromium_available, need_service
from tests.support.dovecot import (  # noqa: F401 (a fixture)
    DovecotServer,
    ImapAccount,
    dovecot_server,
)


class ErpServer:
    """The sandbox ERP on a free port over its own state file."""

    def __init__(self, state: Path, chaos: Chaos | None = None) -> None:
        from sandbox.erp.app import create_app

        self.chaos = chaos or Chaos()
        self.server = ServerThread(create_app(state, self.chaos), free_port()).start()
        self.url = self.server.url

    def admin(self, path: str, body: object | None = None) -> Any:
        """One of the ERP's /admin/api JSON endpoints (tests only, never the bot)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def orders(self) -> list[dict[str, Any]]:
        return list(self.admin("/admin/api/orders"))

    def orders_with_po(self, customer_po: str) -> list[dict[str, Any]]:
        return [o for o in self.orders() if o["customer_po"] == customer_po]

    def stop(self) -> None:
        self.server.stop()


@dataclass
class IntakeWorld:
    """Everything one order-intake test runs against."""

    home: Path
    account: ImapAccount
    erp: ErpServer
    env: dict[str, str] = field(default_factory=dict)

    def settings(self) -> Settings:
        return load_settings()

    def deliver(self, *mails: bytes) -> None:
        for raw in mails:
            self.account.deliver(raw)

    def folder(self, name: str) -> list[bytes]:
        return self.account.messages(name)

    def items(self) -> list[dict[str, Any]]:
        from bots.runtime.queue import WorkQueue

        return WorkQueue(self.settings()).list(bot="order-intake", limit=10_000)


@pytest.fixture
def erp_server(tmp_path: Path) -> Iterator[ErpServer]:
    server = ErpServer(tmp_path / "erp.sqlite")
    yield server
    server.stop()


def intake_env(home: Path, account: ImapAccount, erp_url: str) -> dict[str, str]:
    """The O2C_ variables of a bot run against these servers (also for subprocesses)."""
    return {
        "O2C_HOME": str(home),
        **account.env(),
        "O2C_ERP__URL": erp_url,
        "O2C_ERP__USERNAME": "robot",
        "O2C_ERP__PASSWORD": ERP_USERS["robot"],
        "O2C_BROWSER__EXECUTABLE_PATH": CHROMIUM,
        "O2C_BROWSER__TIMEOUT_MS": "15000",
        "O2C_RUNTIME__BACKOFF_BASE_SECONDS": "0",
        "O2C_RUNTIME__BACKOFF_MAX_SECONDS": "0",
    }


@pytest.fixture
def world(
    tmp_path: Path,
    o2c_home: Path,
    dovecot_server: DovecotServer,  # noqa: F811
    erp_server: ErpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> IntakeWorld:
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    account = dovecot_server.add_account()
    env = intake_env(o2c_home, account, erp_server.url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert os.environ["O2C_HOME"] == str(o2c_home)
    return IntakeWorld(home=o2c_home, account=account, erp=erp_server, env=env)

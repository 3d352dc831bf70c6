"""A sandbox ERP, both customer portals and an SMTP sink, each on a free port, with
settings pointing the bots at them."""

from __future__ import annotations

import email
import json
import urllib.request
from email import policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sandbox import seed
from sandbox.chaos import Chaos
from sandbox.credentials import ERP_USERS, PORTAL_A_USERS, PORTAL_B_USERS
from sandbox.webserver import ServerThread, free_port
from tests.conftest import CHROMIUM, chromium_available, need_service


def call(url: str, body: Any | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as answer:
        return json.loads(answer.read())


class Sink:
    """Keeps every message the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=policy.default))
        return "250 OK"


class World:
    def __init__(self, tmp: Path) -> None:
        from sandbox.erp.app import create_app as erp_app
        from sandbox.portal_a.app import create_app as portal_a_app
        from sandbox.portal_b.app import create_app as portal_b_app

        self.chaos = {"erp": Chaos(), "portal_a": Chaos(), "portal_b": Chaos()}
        self.servers = {
            "erp": ServerThread(erp_app(tmp / "erp.sqlite", self.chaos["erp"]), free_port()),
            "portal_a": ServerThread(portal_a_app(tmp / "a.sqlite", self.chaos["portal_a"]),
                                     free_port()),
            "portal_b": ServerThread(portal_b_app(tmp / "b.sqlite", self.chaos["portal_b"]),
                                     free_port()),
        }
        for server in self.servers.values():
            server.start()
        self.sink = Sink()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self.smtp.start()

    def url(self, name: str) -> str:
        return self.servers[name].url

    def env(self) -> dict[str, str]:
        return {
            "O2C_ERP__URL": self.url("erp"),
            "O2C_ERP__PASSWORD": ERP_USERS["robot"],
            "O2C_PORTALS__PORTAL_A__KIND": "a",
            "O2C_PORTALS__PORTAL_A__URL": self.url("portal_a"),
            "O2C_PORTALS__PORTAL_A__PASSWORD": PORTAL_A_USERS["supplier"],
            "O2C_PORTALS__PORTAL_B__KIND": "b",
            "O2C_PORTALS__PORTAL_B__URL": self.url("portal_b"),
            "O2C_PORTALS__PORTAL_B__PASSWORD": PORTAL_B_USERS["supplier"],
            "O2C_SMTP__PORT": str(self.smtp.port),
            "O2C_BROWSER__EXECUTABLE_PATH": CHROMIUM,
            "O2C_BROWSER__TIMEOUT_MS": "6000",
            "O2C_RUNTIME__BACKOFF_BASE_SECONDS": "0",
            "O2C_RUNTIME__BACKOFF_MAX_SECONDS": "0",
        }

    def portal_po(self, portal: str, po_number: str, customer: str,
                  quantities: list[int]) -> list[dict[str, Any]]:
        """Plant a PO on a portal with the customer's own part numbers; returns its
        lines (sku, quantity) for entering the same order into the ERP."""
        parts = seed.xref_for(customer)[: len(quantities)]
        lines = [{"sku": x.customer_part, "description": f"Item {x.item_no}",
                  "quantity": str(q), "uom": "EA", "unit_price": str(x.price)}
                 for x, q in zip(parts, quantities, strict=True)]
        call(f"{self.url(portal)}/admin/api/purchase-orders",
             {"po_number": po_number, "po_date": "2026-11-30",
              "requested_date": "2026-12-20", "currency": "EUR", "lines": lines})
        return lines

    def posted(self, portal: str, po_number: str) -> list[dict[str, Any]]:
        po = call(f"{self.url(portal)}/admin/api/purchase-orders/{po_number}")
        return [c for c in po["communications"] if c.get("by") != "seed"]

    def set_status(self, so_number: str, **status: Any) -> None:
        call(f"{self.url('erp')}/admin/api/orders/{so_number}/status", status)

    def stop(self) -> None:
        self.smtp.stop()
        for server in self.servers.values():
            server.stop()


@pytest.fixture
def world(tmp_path: Path, o2c_home: Path, monkeypatch: pytest.MonkeyPatch):
    need_service("Chromium", chromium_available())
    built = World(tmp_path)
    for key, value in built.env().items():
        monkeypatch.setenv(key, value)
    yield built
    built.stop()

"""Start the whole sandbox for an integration test: free ports, own tmp folder.

    from tests.support.sandbox import running_sandbox, sandbox_fixture

    sandbox = sandbox_fixture(scope="module")          # a pytest fixture

    def test_something(sandbox):
        sandbox.urls["portal_a"], sandbox.ports["imap"], sandbox.credentials["erp"]
        sandbox.chaos["portal_b"].update(maintenance=True)
        monkeypatch.setenv(...) for k, v in sandbox.env().items()

`env()` gives the O2C_* variables that point the bots' settings at this sandbox.
The ERP is left out only when `sandbox.erp` cannot be imported (see `erp_available`).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sandbox.chaos import Chaos
from sandbox.server import Sandbox, demo_credentials
from sandbox.webserver import free_port

log = logging.getLogger(__name__)

SYSTEMS = ("erp", "portal_a", "portal_b", "imap", "smtp", "mail_web")


@dataclass
class RunningSandbox:
    """What a test needs to reach the running sandbox."""

    sandbox: Sandbox
    state_dir: Path
    urls: dict[str, str]
    ports: dict[str, int]
    credentials: dict[str, tuple[str, str]] = field(default_factory=demo_credentials)

    @property
    def chaos(self) -> dict[str, Chaos]:
        """Each web system's live chaos controls (erp, portal_a, portal_b)."""
        return self.sandbox.chaos

    @property
    def has_erp(self) -> bool:
        return "erp" in self.urls

    def env(self) -> dict[str, str]:
        """O2C_* settings (URLs, ports, passwords) that aim the bots at this sandbox."""
        values = {
            "O2C_PORTALS__PORTAL_A__KIND": "a",
            "O2C_PORTALS__PORTAL_A__URL": self.urls["portal_a"],
            "O2C_PORTALS__PORTAL_A__PASSWORD": self.credentials["portal_a"][1],
            "O2C_PORTALS__PORTAL_B__KIND": "b",
            "O2C_PORTALS__PORTAL_B__URL": self.urls["portal_b"],
            "O2C_PORTALS__PORTAL_B__PASSWORD": self.credentials["portal_b"][1],
            "O2C_IMAP__HOST": "127.0.0.1",
            "O2C_IMAP__PORT": str(self.ports["imap"]),
            "O2C_IMAP__USERNAME": self.credentials["imap"][0],
            "O2C_IMAP__PASSWORD": self.credentials["imap"][1],
            "O2C_SMTP__HOST": "127.0.0.1",
            "O2C_SMTP__PORT": str(self.ports["smtp"]),
        }
        if self.has_erp:
            values["O2C_ERP__URL"] = self.urls["erp"]
            values["O2C_ERP__USERNAME"] = self.credentials["erp"][0]
            values["O2C_ERP__PASSWORD"] = self.credentials["erp"][1]
        return values

    def sent_mail(self, to: str = "") -> list[dict[str, Any]]:
        """The SMTP sink's messages (newest first), each with headers, text and html."""
        listed = _get_json(f"{self.urls['mail_web']}/api/messages?to={to}")
        return [
            _get_json(f"{self.urls['mail_web']}/api/messages/{m['id']}") for m in listed
        ]

    def portal_po(self, portal: str, po_number: str) -> dict[str, Any]:
        """A portal PO with everything posted to it (admin API)."""
        return _get_json(f"{self.urls[portal]}/admin/api/purchase-orders/{po_number}")

    def create_portal_po(self, portal: str, po: dict[str, Any]) -> dict[str, Any]:
        """Add a PO to a portal (admin API), e.g. one matching a PO mail."""
        request = urllib.request.Request(
            f"{self.urls[portal]}/admin/api/purchase-orders",
            data=json.dumps(po).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


def free_ports() -> dict[str, int]:
    """A distinct free loopback port per sandbox system."""
    ports: dict[str, int] = {}
    while len(ports) < len(SYSTEMS):
        port = free_port()
        if port not in ports.values():
            ports[SYSTEMS[len(ports)]] = port
    return ports


@contextmanager
def running_sandbox(
    state_dir: Path, chaos_profile: str = "none", *, include_erp: bool | None = None
) -> Iterator[RunningSandbox]:
    """The whole sandbox on free ports with state in `state_dir`, stopped afterwards."""
    sandbox = Sandbox(state_dir, free_ports(), chaos_profile, include_erp=include_erp)
    sandbox.start()
    try:
        yield RunningSandbox(sandbox, Path(state_dir), sandbox.urls(), sandbox.ports)
    finally:
        sandbox.stop()


def sandbox_fixture(
    scope: str = "module", chaos_profile: str = "none", include_erp: bool | None = None
) -> Callable[..., Any]:
    """A pytest fixture yielding a RunningSandbox; assign it to a name in a test module."""

    @pytest.fixture(scope=scope)  # type: ignore[call-overload]
    def _sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
        state = tmp_path_factory.mktemp("sandbox-state")
        with running_sandbox(state, chaos_profile, include_erp=include_erp) as running:
            yield running

    return _sandbox

"""Run the whole sandbox on 127.0.0.1: the ERP, both customer portals and the mail.

`Sandbox` starts each web system in a background thread with its own chaos controls
(from one profile), the SMTP sink in aiosmtpd's thread and the IMAP server as a pymap
child process; `stop()` ends them all. State lives in one folder: a SQLite file per
system (`erp.sqlite`, `portal-a.sqlite`, `portal-b.sqlite`, `sent-mail.sqlite`).
`o2c sandbox up` and the integration tests' helper (`tests/support/sandbox.py`) use it.
"""

from __future__ import annotations

import errno
import importlib
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, Self

from sandbox import credentials
from sandbox.chaos import Chaos, from_profile
from sandbox.mail import ImapServer, SentMail, SmtpSink, create_mail_app
from sandbox.webserver import ServerThread

log = logging.getLogger(__name__)

LABELS = {
    "erp": "ERP",
    "portal_a": "customer portal A",
    "portal_b": "customer portal B",
    "mail_web": "sent-mail page",
    "smtp": "SMTP sink",
    "imap": "IMAP",
}
FLAGS = {
    "erp": "--erp-port",
    "portal_a": "--portal-a-port",
    "portal_b": "--portal-b-port",
    "mail_web": "--mail-web-port",
    "smtp": "--smtp-port",
    "imap": "--imap-port",
}
STATE_FILES = {
    "erp": "erp.sqlite",
    "portal_a": "portal-a.sqlite",
    "portal_b": "portal-b.sqlite",
    "mail_web": "sent-mail.sqlite",
}
WEB_MODULES = {
    "erp": "sandbox.erp.app",
    "portal_a": "sandbox.portal_a.app",
    "portal_b": "sandbox.portal_b.app",
}


class PortInUse(Exception):
    """A port the sandbox needs is taken; names the system and the flag to change it."""

    def __init__(self, system: str, port: int) -> None:
        self.system = system
        self.port = port
        self.message = (
            f"port {port} for the {LABELS[system]} is already in use; "
            f"choose another with {FLAGS[system]}"
        )
        super().__init__(self.message)


def erp_available() -> bool:
    """Whether the sandbox ERP package can be imported."""
    try:
        importlib.import_module(WEB_MODULES["erp"])
    except ImportError:
        return False
    return True


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Sandbox:
    """The sandbox systems on 127.0.0.1 with state in `state_dir`."""

    def __init__(
        self,
        state_dir: Path,
        ports: dict[str, int] | None = None,
        chaos_profile: str = "none",
        *,
        include_erp: bool | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.ports = {**credentials.DEFAULT_PORTS, **(ports or {})}
        self.chaos_profile = chaos_profile
        from_profile(chaos_profile)  # fail early on an unknown profile name
        self.include_erp = erp_available() if include_erp is None else include_erp
        self.chaos: dict[str, Chaos] = {}
        self._stops: list[Callable[[], None]] = []

    @property
    def systems(self) -> list[str]:
        names = ["erp", "portal_a", "portal_b", "mail_web", "smtp", "imap"]
        return names if self.include_erp else names[1:]

    def start(self) -> Sandbox:
        """Start every system; PortInUse (nothing left running) when a port is taken."""
        for name in self.systems:
            if not port_free(self.ports[name]):
                raise PortInUse(name, self.ports[name])
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.systems:
                self._start_one(name)
        except BaseException:
            self.stop()
            raise
        log.info(
            "sandbox up (chaos profile %s) in %s", self.chaos_profile, self.state_dir
        )
        return self

    def _start_one(self, name: str) -> None:
        port = self.ports[name]
        if name == "imap":
            user, password = next(iter(credentials.MAIL_USERS.items()))
            imap = ImapServer(port, user, password, self.state_dir / "imap.log").start()
            self._stops.append(imap.stop)
            return
        if name == "smtp":
            sink = SmtpSink(port, SentMail(self.state_dir / STATE_FILES["mail_web"]))
            self._start_server(name, sink.start)
            self._stops.append(sink.stop)
            return
        app = self._web_app(name)
        server = self._start_server(name, lambda: ServerThread(app, port).start())
        self._stops.append(server.stop)

    def _start_server(self, name: str, start: Callable[[], Any]) -> Any:
        try:
            return start()
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(name, self.ports[name]) from exc
            raise

    def _web_app(self, name: str) -> Any:
        state = self.state_dir / STATE_FILES[name]
        if name == "mail_web":
            return create_mail_app(state)
        chaos = self.chaos[name] = from_profile(self.chaos_profile)
        module: ModuleType = importlib.import_module(WEB_MODULES[name])
        return module.create_app(state, chaos)

    def stop(self) -> None:
        """Stop everything started, newest first; safe to call twice."""
        while self._stops:
            stop = self._stops.pop()
            try:
                stop()
            except Exception:  # one stuck system must not keep the others running
                log.exception("stopping a sandbox system failed")

    def urls(self) -> dict[str, str]:
        """Where each system answers, e.g. {"erp": "http://127.0.0.1:8801", ...}."""
        scheme = {"imap": "imap", "smtp": "smtp"}
        return {
            name: f"{scheme.get(name, 'http')}://127.0.0.1:{self.ports[name]}"
            for name in self.systems
        }

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def demo_credentials() -> dict[str, tuple[str, str]]:
    """(user, password) per system: public practice logins printed by `sandbox up`."""
    first = lambda users: next(iter(users.items()))
    return {
        "erp": first(credentials.ERP_USERS),
        "portal_a": first(credentials.PORTAL_A_USERS),
        "portal_b": first(credentials.PORTAL_B_USERS),
        "imap": first(credentials.MAIL_USERS),
    }


def reset_state(state_dir: Path, *, include_erp: bool | None = None) -> list[str]:
    """Restore the seed data of every system in `state_dir`; the names reset."""
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    done = []
    include_erp = erp_available() if include_erp is None else include_erp
    for name in (
        ("erp", "portal_a", "portal_b") if include_erp else ("portal_a", "portal_b")
    ):
        module = importlib.import_module(WEB_MODULES[name])
        module.reset_state(state_dir / STATE_FILES[name])
        done.append(name)
    SentMail(state_dir / STATE_FILES["mail_web"]).reset()
    done.append("mail_web")
    log.info("sandbox state in %s reset: %s", state_dir, ", ".join(done))
    return done

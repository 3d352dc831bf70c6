"""A real Dovecot IMAP server for tests, on a free port in its own temp folder.

`DovecotServer` writes a private configuration (plaintext login on loopback only,
Maildir storage, a passwd-file of users owned by uid 65534), runs `dovecot -F -c CONF`
as a child process and stops it at the end. A pool of users is written before it
starts (Dovecot re-reads a changed users file only a second later), so each test gets
a mailbox of its own at once.
The pytest fixtures at the bottom (`dovecot_server`, `imap_account`) are imported by
the test modules that need them.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from sandbox.webserver import free_port
from tests.conftest import need_service

log = logging.getLogger(__name__)

MAIL_UID = 65534
POOL_SIZE = 100
PASSWORD = "imap-pw-7f3a91"  # unique, so a leak is found by searching
START_TIMEOUT_SECONDS = 10.0

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


@dataclass(frozen=True)
class ImapAccount:
    """One mailbox on the test server."""

    host: str
    port: int
    username: str
    password: str

    def client(self) -> IMAPClient:
        """A logged-in imapclient connection (the test's own, not the bot's)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message into a folder, as the mail server's delivery would."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, raw)

    def uids(self, folder: str) -> list[int]:
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))

    def messages(self, folder: str) -> list[bytes]:
        """The raw messages in a folder, oldest first ([] if it does not exist)."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [fetched[uid][b"BODY[]"] for uid in uids]

    def env(self) -> dict[str, str]:
        """O2C_ variables pointing the bots' settings at this mailbox."""
        return {
            "O2C_IMAP__HOST": self.host,
            "O2C_IMAP__PORT": str(self.port),
            "O2C_IMAP__SECURITY": "plain",
            "O2C_IMAP__USERNAME": self.username,
            "O2C_IMAP__PASSWORD": self.password,
        }


class DovecotServer:
    """A private Dovecot; `start()` returns once it accepts IMAP connections."""

    def __init__(self, root: Path, port: int | None = None, extra: str = "") -> None:
        self.root = root
        self.extra = extra
        self.port = port or free_port()
        self.host = "127.0.0.1"
        self.config = root / "dovecot.conf"
        self._process: subprocess.Popen[bytes] | None = None
        self._pool = itertools.count(1)

    def start(self) -> DovecotServer:
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (self.root / "users").write_text(
            "".join(self._user_line(f"user{n}") for n in range(1, POOL_SIZE + 1))
        )
        config = CONFIG.format(root=self.root, port=self.port) + self.extra
        self.config.write_text(config)
        self._process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_listening()
        log.info("Dovecot listening on %s:%s", self.host, self.port)
        return self

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                error = (
                    self._process.stderr.read().decode() if self._process.stderr else ""
                )
                raise RuntimeError(f"dovecot exited at start: {error.strip()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on port {self.port}")

    def _user_line(self, username: str) -> str:
        home = self.root / "mail" / username
        home.mkdir(parents=True, exist_ok=True)
        os.chown(home, MAIL_UID, MAIL_UID)
        return f"{username}:{PASSWORD}:{MAIL_UID}:{MAIL_UID}::{home}::\n"

    def add_account(self) -> ImapAccount:
        """A user with an empty mailbox (from the pool; a new one when it is used)."""
        number = next(self._pool)
        username = f"user{number}"
        if number > POOL_SIZE:
            with (self.root / "users").open("a") as users:
                users.write(self._user_line(username))
            time.sleep(1.1)  # Dovecot's passwd-file reload granularity
        return ImapAccount(self.host, self.port, username, PASSWORD)

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=5)
        if self._process.stderr:
            self._process.stderr.close()
        self._process = None

    def log_text(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def dovecot_available() -> bool:
    return shutil.which("dovecot") is not None or Path("/usr/sbin/dovecot").exists()


@contextmanager
def running_dovecot(extra: str = "") -> Iterator[DovecotServer]:
    """A Dovecot in a fresh folder of its own, stopped and removed at the end."""
    need_service("Dovecot", dovecot_available(), "apt-get install dovecot-imapd")
    # Not under pytest's tmp dir: its parents are mode 0700 and the mail processes
    # run as uid 65534, which must be able to reach the mailbox folders.
    root = Path(tempfile.mkdtemp(prefix="o2c-dovecot-"))
    root.chmod(0o755)
    server = DovecotServer(root, extra=extra)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[DovecotServer]:
    """One Dovecot for the test session; each test takes its own account."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def imap_account(dovecot_server: DovecotServer) -> ImapAccount:
    """A fresh, empty mailbox on the session's Dovecot."""
    return dovecot_server.add_account()

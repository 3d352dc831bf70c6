"""The IMAP mailbox adapter against a real Dovecot."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from bots.adapters.mail import FILED_FLAG, Mailbox, MailCursor
from bots.config import ImapSettings
from bots.errors import ConfigError, SystemUnavailable
from sandbox.webserver import free_port
from tests.conftest import need_service
from tests.support.dovecot import DovecotServer, ImapAccount, running_dovecot

pytestmark = pytest.mark.imap


def mail(number: int, size: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = "buyer@northwind-retail.example"
    message["To"] = "orders@supplier.example"
    message["Subject"] = f"Order {number}"
    message["Message-ID"] = f"<order-{number}@northwind-retail.example>"
    message.set_content(f"Order number {number}\n" + "x" * size)
    return message.as_bytes()


def settings_for(account: ImapAccount, **changes: object) -> ImapSettings:
    values = {"host": account.host, "port": account.port, "username": account.username}
    return ImapSettings(**{**values, **changes})


@pytest.fixture(scope="module")
def dovecot_server() -> Iterator[DovecotServer]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def imap_account(dovecot_server: DovecotServer) -> ImapAccount:
    return dovecot_server.add_account()


@pytest.fixture
def mailbox(imap_account: ImapAccount) -> Iterator[Mailbox]:
    with Mailbox(settings_for(imap_account), imap_account.password) as box:
        yield box


def test_new_mail_is_found_by_uid_oldest_first(
    imap_account: ImapAccount, mailbox: Mailbox
) -> None:
    for number in (1, 2, 3):
        imap_account.deliver(mail(number))
    found = list(mailbox.new_mail(since_uid=0))
    assert [m.ref.uid for m in found] == [1, 2, 3]
    assert found[0].ref.message_id == "<order-1@northwind-retail.example>"
    assert b"Order number 1" in found[0].raw
    assert not found[0].too_large
    assert [m.ref.uid for m in mailbox.new_mail(since_uid=2)] == [3]
    assert list(mailbox.new_mail(since_uid=3)) == []
    # fetching never marks mail as read
    with imap_account.client() as client:
        client.select_folder("INBOX", readonly=True)
        assert client.search("SEEN") == []


def test_filing_moves_mail_and_creates_folders(
    imap_account: ImapAccount, mailbox: Mailbox
) -> None:
    imap_account.deliver(mail(1))
    imap_account.deliver(mail(2))
    mailbox.ensure_folders()
    first, second = list(mailbox.new_mail(since_uid=0))
    assert mailbox.file(first.ref, "Processed") is True
    assert mailbox.file(second.ref, "Exceptions") is True
    assert imap_account.uids("INBOX") == []
    assert [b"Order number 1" in m for m in imap_account.messages("Processed")] == [
        True
    ]
    assert [b"Order number 2" in m for m in imap_account.messages("Exceptions")] == [
        True
    ]
    # filing again finds nothing to move and says so
    assert mailbox.file(first.ref, "Processed") is False
    assert len(imap_account.messages("Processed")) == 1


def test_without_move_mail_is_copied_and_flagged_never_deleted() -> None:
    with running_dovecot(extra="imap_capability = IMAP4rev1 UIDPLUS IDLE\n") as server:
        account = server.add_account()
        account.deliver(mail(1))
        with Mailbox(settings_for(account), account.password) as box:
            assert not box.client.has_capability("MOVE")
            box.ensure_folders()
            [found] = list(box.new_mail(since_uid=0))
            assert box.file(found.ref, "Processed") is True
            assert list(box.new_mail(since_uid=0)) == []
            assert box.file(found.ref, "Processed") is False
        assert len(account.messages("INBOX")) == 1
        assert len(account.messages("Processed")) == 1
        with account.client() as client:
            client.select_folder("INBOX", readonly=True)
            flags = client.fetch(client.search("ALL"), ["FLAGS"])
            [info] = flags.values()
            assert FILED_FLAG in info[b"FLAGS"]
            assert b"\\Deleted" not in info[b"FLAGS"]


def test_huge_mail_is_fetched_as_header_only(imap_account: ImapAccount) -> None:
    imap_account.deliver(mail(1, size=5000))
    settings = settings_for(imap_account, max_message_bytes=2000)
    with Mailbox(settings, imap_account.password) as box:
        [found] = list(box.new_mail(since_uid=0))
    assert found.too_large and found.size > 5000
    assert b"Subject: Order 1" in found.raw
    assert b"xxxx" not in found.raw


def test_changed_uidvalidity_finds_mail_by_message_id(
    imap_account: ImapAccount,
) -> None:
    imap_account.deliver(mail(7), folder="Orders")
    settings = settings_for(imap_account, folder="Orders")
    with Mailbox(settings, imap_account.password) as box:
        box.ensure_folders()
        [old] = list(box.new_mail(since_uid=0))
        cursor = MailCursor(old.ref.uidvalidity, old.ref.uid)
        # the folder is rebuilt (a server migration): new UIDVALIDITY
        box.client.select_folder("INBOX")
        box.client.delete_folder("Orders")
        box.client.create_folder("Orders")
        box.client.append("Orders", mail(1))
        box.client.append("Orders", mail(7))
        uidvalidity = box.select()
        assert uidvalidity != old.ref.uidvalidity
        assert cursor.since(uidvalidity) == 0
        assert cursor.since(old.ref.uidvalidity) == old.ref.uid
        assert box.file(old.ref, "Processed") is True
    [filed] = imap_account.messages("Processed")
    assert b"<order-7@" in filed
    assert len(imap_account.messages("Orders")) == 1


def test_wrong_password_is_a_config_error() -> None:
    # a server of its own: Dovecot slows down later logins after a failed one
    with running_dovecot() as server:
        account = server.add_account()
        with pytest.raises(ConfigError, match="imap.password") as caught:
            Mailbox(settings_for(account), "not-the-password").open()
    assert "not-the-password" not in str(caught.value)


def test_unreachable_server_is_system_unavailable() -> None:
    settings = ImapSettings(port=free_port(), username="x", timeout_seconds=2)
    with pytest.raises(SystemUnavailable, match="cannot reach the mail server"):
        Mailbox(settings, "pw").open()


def test_wait_for_mail_returns_when_mail_arrives(
    imap_account: ImapAccount, mailbox: Mailbox
) -> None:
    assert mailbox.wait_for_mail(since_uid=0, timeout_seconds=0.2) is False
    deliverer = threading.Timer(0.3, imap_account.deliver, args=(mail(1),))
    deliverer.start()
    started = time.monotonic()
    assert mailbox.wait_for_mail(since_uid=0, timeout_seconds=10) is True
    assert time.monotonic() - started < 5
    deliverer.join()
    assert mailbox.wait_for_mail(since_uid=0, timeout_seconds=10) is True
    assert mailbox.wait_for_mail(since_uid=1, timeout_seconds=0.2) is False


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (key beside it)."""
    need_service(
        "openssl", shutil.which("openssl") is not None, "apt-get install openssl"
    )
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp_path / "cert.pem"


def test_tls_and_starttls_verify_the_server_certificate(
    certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imaps = free_port()
    extra = (
        f"ssl = yes\nssl_cert = <{certificate}\n"
        f"ssl_key = <{certificate.with_name('key.pem')}\n"
        f"service imap-login {{\n  inet_listener imaps {{\n    port = {imaps}\n  }}\n}}\n"
    )
    with running_dovecot(extra=extra) as server:
        account = server.add_account()
        tls = settings_for(account, security="tls", port=imaps)
        with pytest.raises(SystemUnavailable, match="certificate verify failed"):
            Mailbox(tls, account.password).open()
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # trust it
        for settings in (tls, settings_for(account, security="starttls")):
            with Mailbox(settings, account.password) as box:
                assert box.select() > 0
                assert box.client._imap.sock.version().startswith("TLS")

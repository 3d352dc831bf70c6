"""The sandbox mail: pymap IMAP with imapclient, the aiosmtpd sink with smtplib, and the
sent-mail page in Chromium showing hostile content inertly."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from playwright.sync_api import Page, expect

from sandbox.credentials import MAIL_USERS
from sandbox.mail import ImapServer, SentMail, SmtpSink, create_mail_app, deliver
from sandbox.webserver import ServerThread, free_port

USER, PASSWORD = next(iter(MAIL_USERS.items()))
HOSTILE = "<script>alert('subject')</script> Shipment <b>NW-PO-24001</b>"


@pytest.fixture(scope="module")
def imap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImapServer]:
    folder = tmp_path_factory.mktemp("imap")
    server = ImapServer(free_port(), USER, PASSWORD, folder / "imap.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SmtpSink, str]]:
    state = tmp_path_factory.mktemp("mail") / "sent-mail.sqlite"
    sink = SmtpSink(free_port(), SentMail(state)).start()
    web = ServerThread(create_mail_app(state), free_port()).start()
    yield sink, web.url
    web.stop()
    sink.stop()


def po_mail(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "purchasing@northwind-retail.example"
    msg["To"] = "orders@supplier.example"
    msg["Subject"] = subject
    msg.set_content("Please find our purchase order attached.")
    msg.add_attachment(
        b"%PDF-1.4 test",
        maintype="application",
        subtype="pdf",
        filename="NW-PO-24001.pdf",
    )
    return msg


def test_deliver_appends_and_imapclient_reads_it_back(imap: ImapServer) -> None:
    raw = po_mail("Purchase order NW-PO-24001").as_bytes()
    deliver("127.0.0.1", imap.port, USER, PASSWORD, raw)
    deliver(
        "127.0.0.1",
        imap.port,
        USER,
        PASSWORD,
        po_mail("Old PO").as_bytes(),
        folder="Archive",
    )
    with IMAPClient("127.0.0.1", port=imap.port, ssl=False) as client:
        client.login(USER, PASSWORD)
        assert client.folder_exists("Archive")
        client.select_folder("INBOX")
        uids = client.search(["SUBJECT", "NW-PO-24001"])
        assert len(uids) == 1
        fetched = client.fetch(uids, ["RFC822"])[uids[0]][b"RFC822"]
        client.logout()
    assert fetched.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_wrong_imap_password_is_refused(imap: ImapServer) -> None:
    with (
        IMAPClient("127.0.0.1", port=imap.port, ssl=False) as client,
        pytest.raises(LoginError),
    ):
        client.login(USER, "wrong")


def test_sink_keeps_mail_and_page_shows_it_inertly(
    mail: tuple[SmtpSink, str], page: Page, screenshots_dir: Path
) -> None:
    sink, url = mail
    msg = EmailMessage()
    msg["From"] = "customer-service@supplier.example"
    msg["To"] = "purchasing@northwind-retail.example"
    msg["Subject"] = HOSTILE
    msg.set_content("Your order SO-100031 has shipped with UPS 1Z999.")
    msg.add_alternative(
        "<p>Your order <b>SO-100031</b> has shipped.</p>"
        "<script>parent.document.title='owned'</script>"
        "<img src=x onerror=\"alert('html')\">",
        subtype="html",
    )
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
        smtp.login("bot", "anything")
        smtp.send_message(msg)

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url + "/")
    row = page.locator("#sent-mail tr.message").first
    expect(row.locator("td.subject")).to_have_text(HOSTILE)
    expect(row.locator("td.to")).to_have_text("purchasing@northwind-retail.example")
    page.screenshot(path=screenshots_dir / "mail-sent-list.png")
    row.locator("td.subject a").click()
    expect(page.locator("#subject")).to_have_text(HOSTILE)
    expect(page.locator("#text-part")).to_contain_text("shipped with UPS 1Z999")
    frame = page.locator("#html-part")
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator("#html-part").locator("b")).to_have_text("SO-100031")
    page.screenshot(path=screenshots_dir / "mail-message.png", full_page=True)
    assert page.locator("script").count() == 0
    assert dialogs == []
    assert page.title() != "owned"

    answer = page.request.get(url + "/api/messages?to=northwind")
    assert [m["subject"] for m in answer.json()] == [HOSTILE]
    html = page.request.get(url + "/messages/1/html")
    assert html.headers["content-security-policy"].startswith("sandbox")

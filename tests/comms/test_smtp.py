"""SMTP out against a real aiosmtpd server; throttling."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bots.adapters.smtp import Mailer, Throttle, build_message
from bots.comms.render import RenderedMail
from bots.config import load_settings
from sandbox.webserver import free_port


class Keep:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_mail_has_text_and_html_parts(o2c_home: Path, smtp_server, monkeypatch) -> None:
    controller, handler = smtp_server
    monkeypatch.setenv("O2C_SMTP__PORT", str(controller.port))
    mailer = Mailer(load_settings())
    mail = RenderedMail("Order SO-1", "plain body", "<p>html body</p>")
    mailer.send(build_message(mailer.sender, ["a@x.example", "b@x.example"], mail))
    mailer.close()
    (rcpts, raw), = handler.messages
    assert rcpts == ["a@x.example", "b@x.example"]
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Order SO-1"
    assert parsed.get_body(("plain",)).get_content().strip() == "plain body"
    assert "html body" in parsed.get_body(("html",)).get_content()


def test_unreachable_server_is_a_technical_error(o2c_home: Path, monkeypatch) -> None:
    from bots.errors import TechnicalError

    monkeypatch.setenv("O2C_SMTP__PORT", str(free_port()))
    mailer = Mailer(load_settings())
    mail = RenderedMail("s", "t", "<p>h</p>")
    with pytest.raises(TechnicalError) as caught:
        mailer.send(build_message(mailer.sender, ["a@x.example"], mail))
    assert caught.value.code == "smtp_unavailable"


def test_throttle_waits_when_the_minute_is_full() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(2, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        throttle.wait()
        now[0] += 1
    assert slept == [58.0]

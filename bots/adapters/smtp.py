"""SMTP out: send customer mails with a text and an HTML part.

Talks to the configured SMTP server (`settings.smtp`: plain on loopback, STARTTLS or
TLS; login when a user is set, password from the environment or keyring). Sending is
throttled to `smtp.max_per_minute` so the server's limits are respected.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from collections import deque
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from bots.comms.render import RenderedMail
from bots.config import Settings
from bots.errors import TechnicalError

log = logging.getLogger(__name__)


def build_message(
    sender: str, to: list[str], mail: RenderedMail, message_id: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain=sender.rpartition("@")[2])
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class Throttle:
    """At most `per_minute` events in any 60-second window."""

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep) -> None:
        self.per_minute = per_minute
        self._sent: deque[float] = deque()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            while self._sent and now - self._sent[0] >= 60:
                self._sent.popleft()
            if len(self._sent) >= self.per_minute:
                pause = 60 - (now - self._sent[0])
                log.info("throttling mail: waiting %.1f s", pause)
                self._sleep(pause)
                self._sent.popleft()
            self._sent.append(self._clock())


class Mailer:
    """One SMTP connection for a run; `send` reconnects when the server dropped it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp = settings.smtp
        self.throttle = Throttle(self.smtp.max_per_minute)
        self._client: smtplib.SMTP | None = None

    @property
    def sender(self) -> str:
        return formataddr(("Customer Service", self.smtp.sender))

    def _connect(self) -> smtplib.SMTP:
        smtp = self.smtp
        try:
            if smtp.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    smtp.host,
                    smtp.port,
                    timeout=30,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(smtp.host, smtp.port, timeout=30)
                if smtp.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, self.settings.secret("smtp.password"))
        except (OSError, smtplib.SMTPException) as exc:
            raise TechnicalError(
                "smtp_unavailable",
                f"cannot reach the mail server {smtp.host}:{smtp.port}: {exc}",
                step="send mail",
            ) from exc
        return client

    def send(self, message: EmailMessage) -> None:
        recipients = [a.strip() for a in str(message["To"]).split(",") if a.strip()]
        self.throttle.wait()
        for attempt in (1, 2):
            if self._client is None:
                self._client = self._connect()
            try:
                self._client.send_message(message, to_addrs=recipients)
                log.info(
                    "mail sent to %s: %s", ", ".join(recipients), message["Subject"]
                )
                return
            except smtplib.SMTPServerDisconnected:
                self._client = None
                if attempt == 2:
                    raise TechnicalError(
                        "smtp_disconnected",
                        "the mail server closed the connection",
                        step="send mail",
                    ) from None
            except smtplib.SMTPRecipientsRefused as exc:
                from bots.errors import BusinessError

                raise BusinessError(
                    "recipient_refused",
                    f"the mail server refused {', '.join(exc.recipients)}",
                    step="send mail",
                ) from exc
            except (OSError, smtplib.SMTPException) as exc:
                self._client = None
                raise TechnicalError(
                    "smtp_error", f"sending failed: {exc}", step="send mail"
                ) from exc

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._client = None

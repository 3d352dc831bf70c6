"""The bots' mailbox over IMAP (imapclient): find new mail by UID, fetch it, file it.

New mail is what has a UID above the last one seen in the folder; the UIDVALIDITY
and that UID are kept by the caller (see `MailCursor`, stored in the runtime's
kv_store) so that a changed UIDVALIDITY rescans the folder. Mail is never deleted:
it is moved to the processed or the exceptions folder with MOVE, or, on a server
without MOVE, copied there and flagged `$O2CFiled` in the inbox. Folders are created
when missing. Passwords never reach a log line: imapclient's protocol log stays off.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from bots.errors import ConfigError, SystemUnavailable, TechnicalError

if TYPE_CHECKING:
    from bots.config import ImapSettings, Settings

log = logging.getLogger(__name__)

FILED_FLAG = b"$O2CFiled"
FETCH_BATCH = 20
HEADER_FIELDS = b"BODY.PEEK[HEADER]"


@dataclass(frozen=True)
class MailRef:
    """Where one message was found: folder, UIDVALIDITY, UID and its Message-ID."""

    folder: str
    uidvalidity: int
    uid: int
    message_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "uidvalidity": self.uidvalidity,
            "uid": self.uid,
            "message_id": self.message_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MailRef:
        return cls(
            folder=str(data["folder"]),
            uidvalidity=int(data["uidvalidity"]),
            uid=int(data["uid"]),
            message_id=str(data.get("message_id") or ""),
        )


@dataclass(frozen=True)
class FetchedMail:
    """One message. `raw` holds only the header when the mail is over the limit."""

    ref: MailRef
    size: int
    raw: bytes
    too_large: bool = False


@dataclass
class MailCursor:
    """The last UID seen in a folder, valid for one UIDVALIDITY."""

    uidvalidity: int = 0
    last_uid: int = 0

    def since(self, uidvalidity: int) -> int:
        """The UID to continue after (0 = rescan when UIDVALIDITY changed)."""
        return self.last_uid if uidvalidity == self.uidvalidity else 0


class Mailbox:
    """A logged-in IMAP session on the configured mailbox."""

    def __init__(self, imap: ImapSettings, password: str) -> None:
        self.imap = imap
        self._password = password
        self._client: IMAPClient | None = None
        self._selected: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailbox:
        return cls(settings.imap, settings.secret("imap.password"))

    @property
    def key(self) -> str:
        """A name for this mailbox and folder, for remembering the cursor."""
        imap = self.imap
        return f"{imap.username}@{imap.host}:{imap.port}/{imap.folder}"

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect and log in; SystemUnavailable when the server cannot be reached."""
        imap = self.imap
        try:
            client = self._connect()
            client.login(imap.username, self._password)
        except LoginError as exc:
            raise ConfigError(
                "imap.password",
                f"the IMAP server refused the login of '{imap.username}'",
                "check O2C_IMAP__USERNAME and O2C_IMAP__PASSWORD",
            ) from exc
        except (OSError, IMAPClientError, ssl.SSLError) as exc:
            raise SystemUnavailable(
                "mail_unavailable",
                f"cannot reach the mail server {imap.host}:{imap.port} ({exc})",
                step="mail",
            ) from exc
        self._client = client
        self._selected = None
        log.debug("IMAP logged in to %s as %s", self.key, imap.username)

    def _connect(self) -> IMAPClient:
        imap = self.imap
        timeout = imap.timeout_seconds
        if imap.security == "tls":
            context = ssl.create_default_context()
            return IMAPClient(
                imap.host, imap.port, ssl=True, ssl_context=context, timeout=timeout
            )
        client = IMAPClient(imap.host, imap.port, ssl=False, timeout=timeout)
        if imap.security == "starttls":
            client.starttls(ssl.create_default_context())
        return client

    def close(self) -> None:
        """Log out; never raises."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # closing a dead connection is not an error
            log.debug("IMAP logout failed; connection dropped", exc_info=True)

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            self.open()
        assert self._client is not None
        return self._client

    def ensure_folders(self) -> None:
        """Create the processed and exceptions folders when missing."""
        for folder in (self.imap.processed_folder, self.imap.exceptions_folder):
            with self._errors("create folder"):
                if not self.client.folder_exists(folder):
                    self.client.create_folder(folder)
                    self._subscribe(folder)
                    log.info("Created mail folder %s", folder)

    def _subscribe(self, folder: str) -> None:
        try:
            self.client.subscribe_folder(folder)
        except IMAPClientError:
            log.debug("server refused to subscribe %s", folder)

    def select(self, folder: str | None = None) -> int:
        """Select a folder (the inbox by default); return its UIDVALIDITY."""
        folder = folder or self.imap.folder
        with self._errors("select folder"):
            info = self.client.select_folder(folder)
        self._selected = folder
        return int(info[b"UIDVALIDITY"])

    def new_mail(self, since_uid: int) -> Iterator[FetchedMail]:
        """Messages in the inbox with a UID above `since_uid`, oldest first."""
        uidvalidity = self.select()
        with self._errors("search"):
            uids = sorted(
                u
                for u in self.client.search(["UID", f"{since_uid + 1}:*"])
                if u > since_uid
            )
        log.info("%d new mail(s) in %s after UID %d", len(uids), self.key, since_uid)
        for start in range(0, len(uids), FETCH_BATCH):
            yield from self._fetch_batch(uids[start : start + FETCH_BATCH], uidvalidity)

    def _fetch_batch(self, uids: list[int], uidvalidity: int) -> Iterator[FetchedMail]:
        with self._errors("fetch"):
            sizes = self.client.fetch(uids, ["RFC822.SIZE", "FLAGS"])
        for uid in uids:
            info = sizes.get(uid)
            if info is None or FILED_FLAG in info.get(b"FLAGS", ()):
                continue
            size = int(info.get(b"RFC822.SIZE", 0))
            too_large = size > self.imap.max_message_bytes
            raw = self._fetch_one(uid, HEADER_FIELDS if too_large else b"BODY.PEEK[]")
            if raw is None:
                continue
            ref = MailRef(self.imap.folder, uidvalidity, uid, _message_id(raw))
            yield FetchedMail(ref=ref, size=size, raw=raw, too_large=too_large)

    def _fetch_one(self, uid: int, what: bytes) -> bytes | None:
        with self._errors("fetch"):
            data = self.client.fetch([uid], [what])
        answer = data.get(uid, {})
        key = what.replace(b".PEEK", b"")
        raw = answer.get(key)
        if raw is None:
            log.warning("mail UID %d vanished before it was fetched", uid)
        return raw

    def file(self, ref: MailRef, folder: str) -> bool:
        """Move the message to `folder`; False when it is no longer in the inbox."""
        uid = self._locate(ref)
        if uid is None:
            log.warning(
                "mail %s (UID %d) is no longer in %s; not filed",
                ref.message_id or "-",
                ref.uid,
                ref.folder,
            )
            return False
        with self._errors("move"):
            if self.client.has_capability("MOVE"):
                self.client.move([uid], folder)
            else:
                self.client.copy([uid], folder)
                self.client.add_flags([uid], [FILED_FLAG, b"\\Seen"])
        log.info("Filed mail %s (UID %d) in %s", ref.message_id or "-", uid, folder)
        return True

    def _locate(self, ref: MailRef) -> int | None:
        uidvalidity = self.select(ref.folder)
        with self._errors("search"):
            if uidvalidity == ref.uidvalidity:
                found = self.client.search(
                    ["UID", str(ref.uid), "UNKEYWORD", FILED_FLAG.decode()]
                )
                return ref.uid if ref.uid in found else None
            if not ref.message_id:
                return None
            found = self.client.search(
                [
                    "HEADER",
                    "Message-ID",
                    ref.message_id,
                    "UNKEYWORD",
                    FILED_FLAG.decode(),
                ]
            )
        return min(found) if found else None

    def wait_for_mail(self, since_uid: int, timeout_seconds: float) -> bool:
        """True once the inbox holds mail above `since_uid`: at once when it does,
        else after IDLE reports new mail (or one poll interval on servers without
        IDLE); False when the time ran out with nothing new."""
        if self._has_mail_after(since_uid):
            return True
        if not self.client.has_capability("IDLE"):
            time.sleep(timeout_seconds)
            return self._has_mail_after(since_uid)
        with self._errors("idle"):
            self.client.idle()
            try:
                self.client.idle_check(timeout=timeout_seconds)
            finally:
                self.client.idle_done()
        return self._has_mail_after(since_uid)

    def _has_mail_after(self, since_uid: int) -> bool:
        self.select()
        with self._errors("search"):
            found = self.client.search(["UID", f"{since_uid + 1}:*"])
        return any(uid > since_uid for uid in found)

    def _errors(self, action: str) -> _ImapErrors:
        return _ImapErrors(self, action)


class _ImapErrors:
    """Turns IMAP and socket failures into TechnicalError and drops the session."""

    def __init__(self, mailbox: Mailbox, action: str) -> None:
        self.mailbox = mailbox
        self.action = action

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None or not isinstance(
            exc, (IMAPClientError, OSError, socket.timeout)
        ):
            return
        self.mailbox.close()
        raise TechnicalError(
            "mail_error",
            f"the mail server failed to {self.action} ({exc})",
            step="mail",
        ) from exc


def _message_id(raw: bytes) -> str:
    """The Message-ID from raw bytes, parsing the header only."""
    try:
        header = BytesHeaderParser(policy=compat32).parsebytes(raw)
        return " ".join(str(header.get("Message-ID") or "").split())
    except Exception:  # a header this broken is the MIME parser's problem
        return ""


CURSOR_NAMESPACE = "mail.cursor"


def load_cursor(settings: Settings, mailbox: Mailbox) -> MailCursor:
    """The remembered UIDVALIDITY and last UID for the mailbox's folder."""
    from bots.runtime.kv import kv_get

    value = kv_get(settings, CURSOR_NAMESPACE, mailbox.key, default=None) or {}
    return MailCursor(int(value.get("uidvalidity", 0)), int(value.get("last_uid", 0)))


def save_cursor(settings: Settings, mailbox: Mailbox, cursor: MailCursor) -> None:
    from bots.runtime.kv import kv_put

    kv_put(
        settings,
        CURSOR_NAMESPACE,
        mailbox.key,
        {"uidvalidity": cursor.uidvalidity, "last_uid": cursor.last_uid},
    )

"""The sandbox's mail: an IMAP mailbox for the bots and an SMTP sink with a web page.

IMAP is pymap's in-memory `dict` backend run as a subprocess (one mailbox user, empty
at start; `deliver()` loads mail into it). The SMTP sink (aiosmtpd) accepts every message
on 127.0.0.1 without TLS, takes any login, and keeps what it receives in its own SQLite
file; the "Sent mail" Flask page lists those messages so a person can read what the bots
sent to customers. Message content is untrusted: the page escapes every header and the
text part, and shows the HTML part only inside a sandboxed iframe under a strict CSP.
"""

from __future__ import annotations

import ctypes
import email
import email.policy
import logging
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session
from flask import Flask, Response, abort, jsonify, render_template, request
from imapclient import IMAPClient
from jinja2 import DictLoader

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'"
)
HTML_PART_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def port_open(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def deliver(
    imap_host: str,
    imap_port: int,
    user: str,
    password: str,
    raw_message_bytes: bytes,
    folder: str = "INBOX",
) -> int | None:
    """APPEND one message to `folder` (created if missing); its UID when told."""
    with IMAPClient(imap_host, port=imap_port, ssl=False, timeout=15) as client:
        client.login(user, password)
        if folder != "INBOX" and not client.folder_exists(folder):
            client.create_folder(folder)
        answer = client.append(folder, raw_message_bytes)
        client.logout()
    found = re.search(rb"APPENDUID \d+ (\d+)", answer or b"")
    return int(found[1]) if found else None


def _die_with_parent() -> None:
    """Ask Linux to end the child when the thread that started it ends (no orphans
    even if the sandbox is killed hard); elsewhere a no-op."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        return


class ImapServer:
    """pymap's in-memory IMAP server for one user, as a child process on loopback."""

    def __init__(self, port: int, user: str, password: str, log_path: Path) -> None:
        self.port = port
        self.user = user
        self._password = password
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> ImapServer:
        command = [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "dict",
            "--demo-user",
            self.user,
            "--demo-password",
            self._password,
        ]
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as out:
            # Only from the main thread: the signal follows the starting thread's end.
            main = threading.current_thread() is threading.main_thread()
            self._process = subprocess.Popen(
                command,
                stdout=out,
                stderr=out,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent if main else None,  # noqa: PLW1509
            )
        deadline = time.monotonic() + timeout
        while not port_open("127.0.0.1", self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"the IMAP server did not start on port {self.port};"
                    f" see {self._log_path}"
                )
            time.sleep(0.05)
        log.info("IMAP (pymap) listening on 127.0.0.1:%d", self.port)
        return self

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class SentMail:
    """The SMTP sink's messages in a SQLite file: envelope, time received, raw bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY"
                " AUTOINCREMENT, received_at TEXT NOT NULL, mail_from TEXT NOT"
                " NULL, rcpt_tos TEXT NOT NULL, raw BLOB NOT NULL)"
            )

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.row_factory = sqlite3.Row
            with db:
                yield db

    def add(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> int:
        received = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO messages (received_at, mail_from, rcpt_tos, raw)"
                " VALUES (?,?,?,?)",
                (received, mail_from, ", ".join(rcpt_tos), raw),
            )
        return int(cur.lastrowid or 0)

    def summaries(self, to: str = "") -> list[dict[str, Any]]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM messages ORDER BY id DESC").fetchall()
        found = [_summary(row) for row in rows]
        if to:
            found = [m for m in found if to.lower() in m["rcpt_tos"].lower()]
        return found

    def message(self, message_id: int) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute(
                "SELECT * FROM messages WHERE id=?", (message_id,)
            ).fetchone()
        return None if row is None else _full(row)

    def raw(self, message_id: int) -> bytes | None:
        with self._db() as db:
            row = db.execute(
                "SELECT raw FROM messages WHERE id=?", (message_id,)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def reset(self) -> None:
        with self._db() as db:
            db.execute("DELETE FROM messages")


def _parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, ""))
    except (ValueError, TypeError, IndexError):
        return str(msg.get_all(name, [""])[0])


def _summary(row: sqlite3.Row) -> dict[str, Any]:
    msg = _parse(bytes(row["raw"]))
    return {
        "id": row["id"],
        "received_at": row["received_at"],
        "mail_from": row["mail_from"],
        "rcpt_tos": row["rcpt_tos"],
        "subject": _header(msg, "Subject"),
        "from": _header(msg, "From"),
        "to": _header(msg, "To"),
        "size": len(row["raw"]),
    }


def _full(row: sqlite3.Row) -> dict[str, Any]:
    msg = _parse(bytes(row["raw"]))
    data = _summary(row)
    data["headers"] = [[k, _header_value(v)] for k, v in msg.items()]
    data["text"] = _body(msg, "plain")
    data["html"] = _body(msg, "html")
    data["attachments"] = [
        {
            "filename": part.get_filename() or "",
            "content_type": part.get_content_type(),
            "size": len(part.get_payload(decode=True) or b""),
        }
        for part in msg.iter_attachments()
    ]
    return data


def _header_value(value: Any) -> str:
    try:
        return str(value)
    except (ValueError, TypeError):
        return repr(value)


def _body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, ValueError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


class _SinkHandler:
    def __init__(self, sent: SentMail) -> None:
        self.sent = sent

    async def handle_DATA(
        self, server: Any, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        number = self.sent.add(str(envelope.mail_from), list(envelope.rcpt_tos), raw)
        log.info(
            "SMTP sink kept message %d for %s", number, ", ".join(envelope.rcpt_tos)
        )
        return "250 Message accepted for delivery"


def _accept_any_login(*_args: Any) -> AuthResult:
    return AuthResult(success=True)


class SmtpSink:
    """aiosmtpd on 127.0.0.1:`port` that keeps every message in `sent` (no relay)."""

    def __init__(self, port: int, sent: SentMail) -> None:
        self.port = port
        self.sent = sent
        self._controller = Controller(
            _SinkHandler(sent),
            hostname="127.0.0.1",
            port=port,
            auth_require_tls=False,
            authenticator=_accept_any_login,
            server_hostname="smtp.sandbox.example",
        )

    def start(self) -> SmtpSink:
        # aiosmtpd itself still sets the legacy Session.login_data on every AUTH.
        warnings.filterwarnings(
            "ignore", "Session.login_data is deprecated", DeprecationWarning
        )
        self._controller.start()
        log.info("SMTP sink listening on 127.0.0.1:%d", self.port)
        return self

    def stop(self) -> None:
        self._controller.stop()


def create_mail_app(sent_path: Path) -> Flask:
    """The "Sent mail" page over the SMTP sink's messages (HTML and JSON)."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader(TEMPLATES)
    sent = SentMail(Path(sent_path))
    app.extensions["sent_mail"] = sent

    @app.after_request
    def _lock_down(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/")
    def listing() -> str:
        to = request.args.get("to", "")
        return render_template("list.html", messages=sent.summaries(to), to=to)

    @app.get("/messages/<int:message_id>")
    def show(message_id: int) -> str:
        return render_template("message.html", m=_or_404(sent.message(message_id)))

    @app.get("/messages/<int:message_id>/html")
    def html_part(message_id: int) -> Response:
        body = _or_404(sent.message(message_id))["html"]
        return Response(
            body,
            mimetype="text/html",
            headers={"Content-Security-Policy": HTML_PART_CSP},
        )

    @app.get("/messages/<int:message_id>/raw")
    def raw(message_id: int) -> Response:
        return Response(
            _or_404(sent.raw(message_id)),
            mimetype="text/plain",
            headers={
                "Content-Disposition": f"attachment; filename=message-{message_id}.eml"
            },
        )

    @app.get("/api/messages")
    def api_list() -> Response:
        return jsonify(sent.summaries(request.args.get("to", "")))

    @app.get("/api/messages/<int:message_id>")
    def api_message(message_id: int) -> Response:
        return jsonify(_or_404(sent.message(message_id)))

    @app.post("/api/reset")
    def api_reset() -> Response:
        if request.remote_addr not in ("127.0.0.1", "::1"):
            abort(403)
        sent.reset()
        return jsonify(ok=True)

    return app


def _or_404(value: Any) -> Any:
    if value is None:
        abort(404)
    return value


STYLE = """<style>body{font:13px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;
color:#222}header{background:#24323f;color:#fff;padding:10px 18px;font-weight:600}
main{padding:16px 18px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #dde1e6;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}pre{white-space:pre-wrap;background:#fff;border:1px solid #dde1e6;
padding:10px}iframe{width:100%;height:420px;border:1px solid #dde1e6;background:#fff}
.muted{color:#667}</style>"""

TEMPLATES = {
    "layout.html": "<!doctype html><html><head><meta charset='utf-8'><title>"
    "{% block title %}Sent mail{% endblock %} - sandbox</title>"
    + STYLE
    + "</head><body><header>Sandbox mail &middot; Sent mail (SMTP sink)</header><main>"
    "{% block content %}{% endblock %}</main></body></html>",
    "list.html": """{% extends "layout.html" %}{% block content %}
<form method="get"><label>Recipient contains <input name="to" value="{{ to }}"></label>
<button type="submit">Filter</button></form><p class="muted">{{ messages|length }}
message(s). Newest first.</p>
<table id="sent-mail"><tr><th>#</th><th>Received (UTC)</th><th>From</th><th>To</th>
<th>Subject</th></tr>
{% for m in messages %}<tr class="message" data-id="{{ m.id }}"><td>{{ m.id }}</td>
<td class="received">{{ m.received_at }}</td><td class="from">{{ m.from or m.mail_from }}</td>
<td class="to">{{ m.rcpt_tos }}</td><td class="subject"><a href="/messages/{{ m.id }}">
{{- m.subject or "(no subject)" }}</a></td></tr>
{% else %}<tr><td colspan="5" id="no-mail">No mail has been sent yet.</td></tr>{% endfor %}
</table>{% endblock %}""",
    "message.html": """{% extends "layout.html" %}
{% block title %}{{ m.subject }}{% endblock %}{% block content %}
<p><a href="/">&laquo; All sent mail</a> &middot; <a href="/messages/{{ m.id }}/raw">
Download .eml</a></p>
<h2 id="subject">{{ m.subject or "(no subject)" }}</h2>
<table id="envelope"><tr><th>Envelope from</th><td>{{ m.mail_from }}</td></tr>
<tr><th>Envelope to</th><td>{{ m.rcpt_tos }}</td></tr>
<tr><th>Received</th><td>{{ m.received_at }}</td></tr></table>
<h3>Headers</h3><table id="headers">{% for name, value in m.headers %}
<tr><th>{{ name }}</th><td>{{ value }}</td></tr>{% endfor %}</table>
<h3>Text part</h3>{% if m.text %}<pre id="text-part">{{ m.text }}</pre>
{% else %}<p class="muted" id="text-part">(none)</p>{% endif %}
<h3>HTML part</h3>{% if m.html %}<iframe id="html-part" sandbox=""
 src="/messages/{{ m.id }}/html" title="HTML part (shown inertly)"></iframe>
{% else %}<p class="muted">(none)</p>{% endif %}
{% if m.attachments %}<h3>Attachments</h3><table id="attachments">
{% for a in m.attachments %}<tr><td>{{ a.filename }}</td><td>{{ a.content_type }}</td>
<td>{{ a.size }} bytes</td></tr>{% endfor %}</table>{% endif %}
{% endblock %}""",
}

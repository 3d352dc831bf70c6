"""Serve a WSGI app on 127.0.0.1 in a background thread (sandbox and tests)."""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from werkzeug.serving import make_server

log = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on loopback that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerThread:
    """A threaded werkzeug server for one app; `start()` returns once it listens."""

    def __init__(self, app: Any, port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._server = make_server(host, port, app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"http-{port}", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

"""`o2c tryton up` starts Tryton on loopback, prints its URL and login, and stops on
Ctrl-C with the port free again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from sandbox.tryton.server import TrytonServer, installed
from sandbox.webserver import free_port
from tests.conftest import ROOT, need_service
from tests.tryton.conftest import HINT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def test_up_serves_the_web_client_until_ctrl_c(
    tryton_server: TrytonServer, tmp_path: Path
) -> None:
    need_service("Tryton", shutil.which("trytond") is not None and installed(), HINT)
    port = free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bots",
            "tryton",
            "up",
            "--port",
            str(port),
            "--dir",
            str(tmp_path / "state"),
        ],
        cwd=ROOT,
        env={**os.environ, "O2C_HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert child.stdout is not None
        lines = []
        for line in child.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(lines)
        url = f"http://127.0.0.1:{port}/"
        assert f"Tryton web client: {url}" in text, text
        assert "user: robot" in text and "O2C_ERP__KIND=tryton" in text
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200 and b"sao" in answer.read().lower()
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # nothing listens there any more

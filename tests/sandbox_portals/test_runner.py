"""The sandbox runner: every system up on free ports, `o2c sandbox up` as a real process
stopping cleanly on SIGINT, a taken port named with its flag, and `o2c sandbox reset`."""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from imapclient import IMAPClient

from bots.cli import main
from sandbox.mail import port_open
from sandbox.portal_a.store import PoStore
from sandbox.server import STATE_FILES, erp_available
from tests.support.sandbox import RunningSandbox, free_ports, sandbox_fixture

ROOT = Path(__file__).resolve().parents[2]
NEW_PO = {
    "po_number": "NW-PO-77001",
    "po_date": "2026-12-01",
    "requested_date": "2026-12-20",
    "lines": [
        {
            "sku": "NW-1",
            "description": "Test",
            "quantity": "3",
            "uom": "EA",
            "unit_price": "1.50",
        }
    ],
}


sandbox = sandbox_fixture(scope="module")


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read().decode()


def test_every_system_answers(sandbox: RunningSandbox) -> None:
    assert sandbox.has_erp == erp_available()
    if sandbox.has_erp:
        status, body = get(sandbox.urls["erp"] + "/login")
        assert status == 200 and 'name="csrf_token"' in body
    assert "signin-form" in get(sandbox.urls["portal_a"] + "/signin")[1]
    assert "logonForm" in get(sandbox.urls["portal_b"] + "/vss/logon.do")[1]
    user, password = sandbox.credentials["imap"]
    with IMAPClient("127.0.0.1", port=sandbox.ports["imap"], ssl=False) as client:
        client.login(user, password)
        assert client.folder_exists("INBOX")
    msg = EmailMessage()
    msg["From"], msg["To"] = "cs@supplier.example", "ap@globex-supply.example"
    msg["Subject"] = "Payment reminder"
    msg.set_content("Invoice INV-2026-00001 is overdue.")
    with smtplib.SMTP("127.0.0.1", sandbox.ports["smtp"], timeout=10) as smtp:
        smtp.send_message(msg)
    [seen] = sandbox.sent_mail(to="globex")
    assert seen["subject"] == "Payment reminder" and "INV-2026-00001" in seen["text"]
    assert sandbox.env()["O2C_IMAP__PORT"] == str(sandbox.ports["imap"])


def test_each_web_system_has_its_own_chaos(sandbox: RunningSandbox) -> None:
    sandbox.chaos["portal_b"].update(maintenance=True)
    try:
        with pytest.raises(urllib.error.HTTPError) as down:
            get(sandbox.urls["portal_b"] + "/vss/logon.do")
        assert down.value.code == 503
        assert get(sandbox.urls["portal_a"] + "/signin")[0] == 200
    finally:
        sandbox.chaos["portal_b"].update(maintenance=False)


def test_admin_api_creates_a_po_and_reset_restores_the_seed(
    sandbox: RunningSandbox,
) -> None:
    created = sandbox.create_portal_po("portal_a", NEW_PO)
    assert created["status"] == "open" and created["total"] == "4.50"
    assert sandbox.portal_po("portal_a", "NW-PO-77001")["lines"][0]["quantity"] == "3"
    request = urllib.request.Request(
        sandbox.urls["portal_a"] + "/admin/api/reset", method="POST"
    )
    urllib.request.urlopen(request, timeout=10).close()
    with pytest.raises(urllib.error.HTTPError) as gone:
        sandbox.portal_po("portal_a", "NW-PO-77001")
    assert gone.value.code == 404


def test_cli_reset_restores_portals_and_clears_sent_mail(tmp_path: Path) -> None:
    state = tmp_path / "state"
    store = PoStore(state / STATE_FILES["portal_b"], "C1002", list)
    store.create({**NEW_PO, "po_number": "4599000001"})
    result = CliRunner().invoke(main, ["sandbox", "reset", "--state-dir", str(state)])
    assert result.exit_code == 0, result.output
    assert "customer portal B" in result.output
    assert store.find("4599000001") is None
    assert store.find("4500012345") is not None


def test_taken_port_is_named_with_its_flag(tmp_path: Path) -> None:
    ports = free_ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["portal_b"]))
        taken.listen()
        args = ["sandbox", "up", "--state-dir", str(tmp_path)]
        for name, port in ports.items():
            args += [f"--{name.replace('_', '-')}-port", str(port)]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert (
        f"port {ports['portal_b']} for the customer portal B is already in use; "
        "choose another with --portal-b-port"
    ) in result.output


def test_sandbox_up_runs_until_sigint_and_leaves_nothing(tmp_path: Path) -> None:
    ports = free_ports()
    args = [
        sys.executable,
        "-m",
        "bots",
        "sandbox",
        "up",
        "--chaos",
        "notice",
        "--state-dir",
        str(tmp_path / "state"),
    ]
    for name, port in ports.items():
        args += [f"--{name.replace('_', '-')}-port", str(port)]
    env = {**os.environ, "O2C_HOME": str(tmp_path)}
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        first = "erp" if erp_available() else "portal_a"
        _wait_for(
            lambda: (
                port_open("127.0.0.1", ports["imap"])
                and port_open("127.0.0.1", ports[first])
            ),
            process,
        )
        children = _children(process.pid)
        if erp_available():
            status, body = get(f"http://127.0.0.1:{ports['erp']}/login")
            assert status == 200 and re.search(r'name="csrf_token"\s+value="\w', body)
        body = get(f"http://127.0.0.1:{ports['portal_a']}/signin")[1]
        assert "Month-end closing tonight" in body  # the profile's system message
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert "Sandbox stopped." in output and "portal-a-demo" in output
    assert not any(port_open("127.0.0.1", port) for port in ports.values())
    assert children and not any(Path(f"/proc/{pid}").exists() for pid in children)


def _wait_for(ready, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0].decode())
        assert time.monotonic() < deadline, "the sandbox did not come up"
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_admin_list_is_json(sandbox: RunningSandbox) -> None:
    status, body = get(sandbox.urls["portal_b"] + "/admin/api/purchase-orders")
    orders = json.loads(body)
    assert status == 200 and orders[0]["po_number"] == "4500012345"
    assert {c["type"] for o in orders for c in o["communications"]} >= {
        "acknowledgment",
        "delay_notice",
    }


def test_unusable_state_dir_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(
        main, ["sandbox", "reset", "--state-dir", str(blocker / "state")]
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"o2c: cannot reset the sandbox state in {blocker}")
    assert "Traceback" not in result.output


def test_env_points_the_settings_at_the_sandbox(
    sandbox: RunningSandbox, o2c_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bots.config import load_settings

    for key, value in sandbox.env().items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.portals["portal_b"].url == sandbox.urls["portal_b"]
    assert settings.imap.port == sandbox.ports["imap"]
    assert settings.secret("portals.portal_a.password") == "portal-a-demo"
    if sandbox.has_erp:
        assert settings.erp.url == sandbox.urls["erp"]

"""`o2c users` and `o2c console` from the command line, and Argon2 hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bots.cli import main
from bots.config import load_settings
from bots.console import users
from bots.runtime.db import session_scope
from bots.runtime.models import User
from sandbox.webserver import free_port


def o2c(home: Path, *args: str, stdin: str = "") -> Result:
    """The real `o2c` command, run in-process (its O2C_HOME set by the fixture)."""
    assert os.environ["O2C_HOME"] == str(home)
    return CliRunner().invoke(main, list(args), input=stdin)


def test_users_add_list_remove(o2c_home: Path) -> None:
    added = o2c(
        o2c_home,
        "users",
        "add",
        "maria",
        "--role",
        "operator",
        "--password-stdin",
        stdin="a long secret pass\n",
    )
    assert added.exit_code == 0, added.output
    assert "a long secret pass" not in added.output
    with session_scope(load_settings()) as session:
        row = session.scalar(select(User).where(User.name == "maria"))
        assert row.role == "operator"
        assert row.password_hash.startswith("$argon2id$")
        assert "a long secret pass" not in row.password_hash
    listed = o2c(o2c_home, "users", "list", "--json")
    assert [(u["name"], u["role"]) for u in json.loads(listed.output)] == [
        ("maria", "operator")
    ]
    again = o2c(
        o2c_home,
        "users",
        "add",
        "maria",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="another pass 12\n",
    )
    assert again.exit_code == 2 and "already exists" in again.output
    assert "Traceback" not in again.output
    removed = o2c(o2c_home, "users", "remove", "maria")
    assert removed.exit_code == 0
    missing = o2c(o2c_home, "users", "remove", "maria")
    assert missing.exit_code == 2 and "no user 'maria'" in missing.output


def test_passwords_are_checked(o2c_home: Path) -> None:
    settings = load_settings()
    users.add_user(settings, "lee", "viewer", "correct horse 1")
    assert users.authenticate(settings, "lee", "correct horse 1").role == "viewer"
    assert users.authenticate(settings, "lee", "correct horse 2") is None
    assert users.authenticate(settings, "nobody", "correct horse 1") is None
    assert users.find_user(settings, "lee").last_login_at is not None
    with pytest.raises(users.UserError, match="too short"):
        users.add_user(settings, "kim", "viewer", "short")
    with pytest.raises(users.UserError, match="role 'boss' is unknown"):
        users.add_user(settings, "kim", "boss", "long enough 1")
    with pytest.raises(users.UserError, match="is not allowed"):
        users.add_user(settings, "<script>", "viewer", "long enough 1")


def test_console_command_serves_the_login_page(o2c_home: Path) -> None:
    port = free_port()
    env = dict(os.environ, O2C_HOME=str(o2c_home))
    process = subprocess.Popen(
        [sys.executable, "-m", "bots", "console", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as page:
                    body = page.read().decode()
                    headers = page.headers
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.2)
        assert 'name="csrf_token"' in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "no console users yet" in process.stderr.read()

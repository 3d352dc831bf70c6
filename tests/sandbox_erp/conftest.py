"""Fixtures of the sandbox ERP tests: an ERP on a free port over its own state file,
a signed-in browser page, and small stdlib HTTP helpers for the admin JSON API."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page

from sandbox.chaos import Chaos
from sandbox.credentials import ERP_USERS
from sandbox.erp.app import create_app
from sandbox.webserver import ServerThread, free_port

ROBOT_PASSWORD = ERP_USERS["robot"]


class Erp:
    """One running sandbox ERP with its chaos and state file."""

    def __init__(self, state_path: Path) -> None:
        self.state_path = state_path
        self.chaos = Chaos()
        self.app = create_app(state_path, self.chaos)
        self.server = ServerThread(self.app, free_port()).start()
        self.url = self.server.url

    def api(self, path: str, body: Any = None) -> Any:
        """GET (no body) or POST JSON to an /admin/api endpoint; the decoded answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def erp(tmp_path: Path) -> Iterator[Erp]:
    server = Erp(tmp_path / "erp.sqlite")
    yield server
    server.stop()


def log_in(
    page: Page, erp: Erp, user: str = "robot", password: str = ROBOT_PASSWORD
) -> None:
    page.goto(erp.url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-button")
    page.wait_for_url("**/main")


def content(page: Page) -> Frame:
    frame = page.frame(name="content")
    assert frame is not None, "the frameset has no content frame"
    return frame


def menu(page: Page) -> Frame:
    frame = page.frame(name="menu")
    assert frame is not None, "the frameset has no menu frame"
    return frame


def open_from_menu(page: Page, link_id: str, path: str) -> Frame:
    """Click a menu entry and wait until the content frame shows `path`."""
    frame = content(page)
    menu(page).click(f"#{link_id}")
    frame.wait_for_url(f"**{path}")
    frame.wait_for_load_state()
    return frame


@pytest.fixture
def signed_in(page: Page, erp: Erp) -> Page:
    log_in(page, erp)
    return page

"""Signing on to the sandbox ERP: the form, the CSRF check, bad passwords, frames."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.sandbox_erp.conftest import ROBOT_PASSWORD, Erp, content, log_in, menu


def _post_login(erp: Erp, body: dict[str, str], cookie: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", erp.server.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("POST", "/login", urllib.parse.urlencode(body), headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text


def test_login_post_without_csrf_token_is_refused(erp: Erp) -> None:
    status, text = _post_login(erp, {"username": "robot", "password": ROBOT_PASSWORD})

    assert status == 400
    assert "Invalid or missing security token" in text


def test_login_post_with_a_token_from_another_session_is_refused(erp: Erp) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", erp.server.port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = {"username": "robot", "password": ROBOT_PASSWORD, "csrf_token": token}

    assert _post_login(erp, body)[0] == 400  # right token, no session cookie
    assert _post_login(erp, {**body, "csrf_token": "x" + token}, cookie)[0] == 400
    status, _text = _post_login(erp, body, cookie)
    assert status == 303


def test_login_opens_the_frameset_with_menu_and_content(
    page: Page, erp: Erp, screenshots_dir: Path
) -> None:
    page.goto(erp.url + "/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("form#login-form input[name=csrf_token]")).to_have_count(1)
    page.screenshot(path=screenshots_dir / "erp-login.png")

    log_in(page, erp)

    content(page).wait_for_selector("#welcome")
    for link in (
        "order-entry",
        "order-search",
        "order-status",
        "open-items",
        "cash",
        "customers",
        "logout",
    ):
        expect(menu(page).locator(f"#menu-{link}")).to_have_count(1)
    expect(content(page).locator("#status-user")).to_have_text("User: robot")
    page.screenshot(path=screenshots_dir / "erp-main.png")


def test_bad_password_shows_the_error(
    page: Page, erp: Erp, screenshots_dir: Path
) -> None:
    page.goto(erp.url + "/login")
    page.fill("#username", "robot")
    page.fill("#password", "wrong")
    page.click("#login-button")

    expect(page.locator(".error")).to_have_text("Invalid user name or password")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.screenshot(path=screenshots_dir / "erp-login-error.png")
    page.goto(erp.url + "/orders/new")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_logout_ends_the_session(page: Page, erp: Erp) -> None:
    log_in(page, erp)
    menu(page).click("#menu-logout")
    page.wait_for_url("**/login")

    page.goto(erp.url + "/ar/open-items")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_admin_is_refused_from_another_address(erp: Erp) -> None:
    # Loopback holds all of 127/8: connect from 127.0.0.2 to the server on 127.0.0.1.
    connection = http.client.HTTPConnection(
        "127.0.0.1", erp.server.port, timeout=10, source_address=("127.0.0.2", 0)
    )
    connection.request("GET", "/admin/api/orders")
    refused = connection.getresponse()
    refused.read()
    connection.close()

    assert refused.status == 403
    assert len(erp.api("/admin/api/orders")) == 30

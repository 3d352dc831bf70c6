"""Console security: no page without a session, CSRF on every change, throttled
sign-in, headers, expiring sessions and roles."""

from __future__ import annotations

import http.client
import re
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from bots.console import security
from tests.console.conftest import PASSWORDS, Console

pytestmark = pytest.mark.browser

SAMPLE_ARGS = {
    "item_id": "1",
    "file_id": "1",
    "page": "1",
    "run_id": "r1",
    "relative": "log.jsonl",
    "name": "order-intake",
    "action": "pause",
}


def request(
    console: Console,
    method: str,
    path: str,
    body: dict[str, str] | None = None,
    cookie: str = "",
) -> http.client.HTTPResponse:
    """One HTTP request to the console server, redirects not followed."""
    parts = urlsplit(console.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, urlencode(body or {}), headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def routes(console: Console) -> list[tuple[str, str]]:
    found = []
    for rule in console.app.url_map.iter_rules():
        if rule.endpoint in security.PUBLIC_ENDPOINTS:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{arg}>", SAMPLE_ARGS[arg], path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def session_cookie(console: Console, name: str) -> tuple[str, str]:
    """Sign in over plain HTTP; the session cookie and a valid CSRF token."""
    parts = urlsplit(console.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urlencode(
        {"username": name, "password": PASSWORDS[name], "csrf_token": token}
    )
    connection.request(
        "POST",
        "/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 303
    cookie = response.getheader("Set-Cookie").split(";")[0]
    connection.request("GET", "/", headers={"Cookie": cookie})
    page = connection.getresponse().read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    connection.close()
    return cookie, token


def test_no_page_answers_without_a_session(console: Console) -> None:
    checked = routes(console)
    assert len(checked) >= 25
    for method, path in checked:
        response = request(console, method, path)
        if method == "GET":
            assert response.status == 303, path
            assert response.getheader("Location").startswith("/login"), path
        else:
            assert response.status == 403, (method, path)


def test_every_change_needs_the_csrf_token(console: Console) -> None:
    cookie, token = session_cookie(console, "ada")
    posts = [path for method, path in routes(console) if method == "POST"]
    assert len(posts) >= 12
    for path in posts:
        assert request(console, "POST", path, {}, cookie).status == 403, path
        wrong = {"csrf_token": token[:-2] + "xx"}
        assert request(console, "POST", path, wrong, cookie).status == 403, path
    # Signing in needs the token of the login page too.
    body = {"username": "ada", "password": PASSWORDS["ada"]}
    assert request(console, "POST", "/login", body).status == 403
    # The same session with its token is let through (here: a bad bot name).
    response = request(
        console, "POST", "/launch", {"csrf_token": token, "bot": "nope"}, cookie
    )
    assert response.status == 400


def test_login_page_has_the_fields_and_headers(console: Console, page: Any) -> None:
    response = page.goto(f"{console.url}/login")
    headers = response.headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    for name in ("username", "password"):
        assert page.locator(f"input[name={name}]").count() == 1
    assert page.locator("input[type=hidden][name=csrf_token]").count() == 1
    cookie = next(c for c in page.context.cookies() if c["name"] == "o2c_console")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] in ("Lax", "Strict")


def test_failed_logins_are_throttled(
    console: Console, page: Any, screenshots_dir: Any
) -> None:
    page.goto(f"{console.url}/login")
    for _ in range(4):
        page.fill("input[name=username]", "tom")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
        assert "Wrong user name or password" in page.inner_text("#login-error")
    page.fill("input[name=username]", "tom")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "locked for 30 seconds" in page.inner_text("#login-error")
    # Even the right password is refused while the lockout lasts.
    page.fill("input[name=username]", "tom")
    page.fill("input[name=password]", PASSWORDS["tom"])
    page.click("button[type=submit]")
    assert "locked" in page.inner_text("#login-error")
    assert page.url.endswith("/login")
    page.screenshot(path=screenshots_dir / "console-login-locked.png")


def test_sign_in_and_out(console: Console, page: Any, screenshots_dir: Any) -> None:
    page.goto(f"{console.url}/exceptions?bot=order-intake")
    assert "/login" in page.url
    page.screenshot(path=screenshots_dir / "console-login.png")
    page.fill("input[name=username]", "oscar")
    page.fill("input[name=password]", PASSWORDS["oscar"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{console.url}/exceptions?bot=order-intake")
    kept = page.context.cookies()
    page.click("text=Sign out")
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(f"{console.url}/")
    assert "/login" in page.url
    # A copy of the old cookie is worth nothing after signing out.
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.goto(f"{console.url}/")
    assert "/login" in page.url


def test_an_idle_session_expires(console: Console, monkeypatch: Any) -> None:
    client = console.app.test_client()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(
        "/login",
        data={"username": "oscar", "password": PASSWORDS["oscar"], "csrf_token": token},
    )
    assert client.get("/").status_code == 200
    idle = console.settings.console.session_idle_minutes * 60
    later = time.time() + idle + 5
    monkeypatch.setattr(security.time, "time", lambda: later)
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login")


def test_roles_decide_who_may_act(
    console: Console, signed_in: Any, make_exception: Any
) -> None:
    item_id = make_exception()
    viewer = signed_in("vera")
    viewer.goto(f"{console.url}/items/{item_id}")
    assert viewer.locator("#failure").is_visible()
    for selector in ("#actions", "#retry-button", "#correct-button", "#bulkbar"):
        assert viewer.locator(selector).count() == 0, selector
    viewer.goto(f"{console.url}/exceptions")
    assert viewer.locator("#bulkbar").count() == 0
    assert viewer.locator("input[data-select-item]").count() == 0
    token = viewer.locator("input[name=csrf_token]").first.get_attribute("value")
    for path in (
        f"/items/{item_id}/retry",
        f"/items/{item_id}/resolve",
        "/exceptions/bulk",
        "/launch",
        "/schedules/order-intake/pause",
    ):
        response = viewer.request.post(
            f"{console.url}{path}",
            form={
                "csrf_token": token,
                "note": "x",
                "ids": str(item_id),
                "action": "retry",
                "bot": "order-intake",
            },
            max_redirects=0,
        )
        assert response.status == 403, path
    assert console.queue.get(item_id)["status"] == "exception"
    assert viewer.goto(f"{console.url}/users").status == 403
    operator = signed_in("oscar")
    assert operator.goto(f"{console.url}/users").status == 403
    assert operator.goto(f"{console.url}/schedules").status == 200
    assert operator.locator("#launch-form").count() == 1
    assert operator.locator("#schedules button").count() == 0


def test_admin_adds_and_removes_a_user(
    console: Console, signed_in: Any, browser: Any
) -> None:
    admin = signed_in("ada")
    admin.goto(f"{console.url}/users")
    admin.fill("#add-user input[name=name]", "temp.clerk")
    admin.select_option("#add-user select[name=role]", "operator")
    admin.fill("#add-user input[name=password]", "temp-pass-123")
    admin.click("#add-user button")
    admin.wait_for_selector(".flash.ok")
    assert "temp.clerk" in admin.inner_text("#users")

    context = browser.new_context()
    try:
        clerk = context.new_page()
        clerk.goto(f"{console.url}/login")
        clerk.fill("input[name=username]", "temp.clerk")
        clerk.fill("input[name=password]", "temp-pass-123")
        clerk.click("button[type=submit]")
        clerk.wait_for_url(f"{console.url}/")
        admin.locator("#users tr", has_text="temp.clerk").locator("button").click()
        admin.wait_for_selector(".flash.ok")
        assert "temp.clerk" not in admin.inner_text("#users")
        # A removed user's open session ends with the next request.
        clerk.goto(f"{console.url}/exceptions")
        assert "/login" in clerk.url
    finally:
        context.close()

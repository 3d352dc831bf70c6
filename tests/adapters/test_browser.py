"""BrowserSession against a tiny local Flask login page and real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, request

from bots.adapters.browser import BrowserSession, trace_contains
from sandbox.webserver import ServerThread, free_port
from tests.adapters.conftest import files_containing, make_settings

PASSWORD = "Tr4ce-Me-N0t-7781"

LOGIN = """<!doctype html><html><body>
<div id="notice"><form method="post" action="/dismiss">
<button id="notice-ok" type="submit">OK</button></form></div>
<form id="login" method="post" action="/login">
<input id="user" name="user"><input id="pw" name="pw" type="password">
<button id="go" type="submit">Log in</button></form>
<img src="/slow.png"></body></html>"""


SCRIPTED = """<!doctype html><html><body>
<form id="login"><input id="pw" type="password"><button id="go">Log in</button></form>
<p id="result"></p><script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await fetch('/api/login', {method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({pw: document.getElementById('pw').value})});
  document.getElementById('result').textContent = (await answer.json()).result;
});
</script></body></html>"""


def _app() -> Flask:
    app = Flask(__name__)
    state = {"notice": True}

    @app.get("/")
    def login_page() -> str:
        if not state["notice"]:
            return LOGIN.replace('<div id="notice">', '<div id="gone" hidden>')
        return LOGIN

    @app.post("/dismiss")
    def dismiss() -> tuple[str, int, dict[str, str]]:
        state["notice"] = False
        return "", 303, {"Location": "/"}

    @app.post("/login")
    def login() -> str:
        ok = request.form.get("pw") == PASSWORD
        return (
            f"<html><body><p id='result'>{'welcome' if ok else 'denied'}</p>"
            f"<input id='echo' value='{request.form.get('user')}'></body></html>"
        )

    @app.get("/scripted")
    def scripted() -> str:
        return SCRIPTED

    @app.post("/api/login")
    def api_login() -> dict[str, str]:
        import time

        time.sleep(0.3)
        ok = (request.get_json() or {}).get("pw") == PASSWORD
        return {"result": "welcome" if ok else "denied"}

    @app.get("/slow.png")
    def slow() -> tuple[bytes, int, dict[str, str]]:
        import time

        time.sleep(0.3)
        return b"", 200, {"Content-Type": "image/png"}

    return app


@pytest.fixture
def site() -> str:
    server = ServerThread(_app(), free_port()).start()
    yield server.url
    server.stop()


def test_secret_fill_keeps_password_out_of_trace_and_evidence(
    chromium: str, site: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home")
    run_dir = tmp_path / "run"
    with BrowserSession(settings, run_dir, name="login") as session:
        page = session.new_page()
        page.goto(site)
        assert session.dismiss_modals(page, ["#notice-ok", "#absent"]) == 1
        page.fill("#user", "robot")
        session.secret_fill(page.locator("#pw"), PASSWORD, submit=page.locator("#go"))
        assert page.locator("#result").inner_text() == "welcome"
        page.goto(site)
        page.fill("#user", "after")
        page.click("#go")
        evidence = session.capture(page, run_dir / "evidence", "after login")
    names = sorted(p.name for p in evidence)
    assert names == ["after_login-trace-002.zip", "after_login.html", "after_login.png"]
    traces = sorted(run_dir.rglob("*.zip"))
    assert len(traces) >= 3
    # the trace is real: it recorded the typed user name and the pages
    assert any(trace_contains(t, ["robot"]) for t in traces)
    assert any(trace_contains(t, ["after"]) for t in traces)
    assert files_containing(run_dir, PASSWORD) == []
    assert files_containing(settings.home, PASSWORD) == []


def test_scripted_login_post_stays_out_of_the_trace(
    chromium: str, site: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "home")
    run_dir = tmp_path / "run"
    with BrowserSession(settings, run_dir, name="spa") as session:
        page = session.new_page()
        page.goto(site + "/scripted")
        session.secret_fill(page.locator("#pw"), PASSWORD, submit=page.locator("#go"))
        assert page.locator("#result").inner_text() == "welcome"
        assert page.locator("#pw").input_value() == ""
        page.locator("#result").click()
    assert sorted(run_dir.rglob("*.zip"))
    assert files_containing(run_dir, PASSWORD) == []


def test_unguarded_fill_would_leak_and_guard_drops_the_trace(
    chromium: str, site: str, tmp_path: Path
) -> None:
    """Proves the test above can fail: a plain fill lands in the trace, and the
    session's guard then deletes the chunk instead of keeping it."""
    settings = make_settings(tmp_path / "home")
    run_dir = tmp_path / "run"
    with BrowserSession(settings, run_dir) as session:
        session.add_secret(PASSWORD)
        page = session.new_page()
        page.goto(site)
        page.fill("#pw", PASSWORD)
        page.click("#go")
        raw = tmp_path / "raw.zip"
        session.context.tracing.stop(path=str(raw))
        session.context.tracing.start(screenshots=True, snapshots=True)
        page.goto(site)
        page.fill("#pw", PASSWORD)
        page.click("#go")
        evidence = session.capture(page, run_dir / "evidence", "leak")
    assert trace_contains(raw, [PASSWORD])
    assert sorted(p.suffix for p in evidence) == [".html", ".png"]
    assert files_containing(run_dir, PASSWORD) == []


def test_wait_idle_waits_for_slow_requests(
    chromium: str, site: str, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "home",
    )
    with BrowserSession(settings, None) as session:
        page = session.new_page()
        page.goto(site, wait_until="commit")
        session.wait_idle(page)
        done = page.evaluate("document.images[0].complete")
        assert done is True

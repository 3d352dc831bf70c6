"""End to end with a real run: order intake reads a PO from a real Dovecot inbox,
sends it to the exception queue (a part number the ERP does not know), an operator
corrects the line in the console and retries, and the next run enters the order in
the sandbox ERP."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest

from bots.console import create_app, users
from bots.runtime.runner import RunSummary, run_bot
from sandbox import mailbuilder as mails
from sandbox.webserver import ServerThread, free_port
from tests.console.conftest import PASSWORDS, login
from tests.flows.conftest import (  # noqa: F401 (fixtures)
    IntakeWorld,
    erp_server,
    world,
)
from tests.support.dovecot import dovecot_server  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.imap, pytest.mark.browser, pytest.mark.slow]


def run_in_thread(intake: IntakeWorld) -> RunSummary:
    """Run order intake in a thread of its own: the bot's Playwright may not share
    the test's thread, where pytest-playwright's browser already runs."""
    found: list[RunSummary] = []
    runner = threading.Thread(
        target=lambda: found.append(run_bot("order-intake", intake.settings()))
    )
    runner.start()
    runner.join(timeout=240)
    assert found, "the run did not end"
    return found[0]


def test_operator_fixes_a_real_exception_and_the_bot_finishes_it(
    world: IntakeWorld,  # noqa: F811 (the fixture)
    browser: Any,
    screenshots_dir: Any,
) -> None:
    spec = mails.po_spec("C1001", "NW-CONSOLE-1", n_lines=2)
    right_part = spec.lines[0].customer_part
    wrong = replace(
        spec, lines=(replace(spec.lines[0], customer_part="ZZ-404"), *spec.lines[1:])
    )
    world.deliver(mails.po_mail(wrong))
    first = run_in_thread(world)
    assert first.counts.get("exception") == 1
    [item] = [i for i in world.items() if i["status"] == "exception"]
    assert item["error_code"] == "unknown_item"

    settings = world.settings()
    users.add_user(settings, "oscar", "operator", PASSWORDS["oscar"])
    server = ServerThread(create_app(settings), free_port()).start()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        login(page, server.url, "oscar")
        page.goto(f"{server.url}/exceptions?bot=order-intake")
        page.click(f"tr[data-item-id='{item['id']}'] a.item-link")
        assert "ZZ-404" in page.inner_text("#failure")
        assert "map_items" in page.inner_text("#failure")
        assert "Purchase order NW-CONSOLE-1" in page.inner_text(".mail-headers")
        page.screenshot(path=screenshots_dir / "console-item-real.png", full_page=True)
        field = page.locator("input[name='l.0.customer_sku']")
        assert field.input_value() == "ZZ-404"
        field.fill(right_part)
        page.click("#correct-button")
        page.wait_for_selector(".flash.ok")
        assert page.inner_text("#item-status") == "new"

        second = run_in_thread(world)
        assert second.counts.get("done") == 1, second.counts
        [order] = world.erp.orders_with_po("NW-CONSOLE-1")
        assert order["customer_no"] == "C1001"
        page.reload()
        assert page.inner_text("#item-status") == "done"
        assert order["so_number"] in page.inner_text("#facts")
        history = page.inner_text("#history")
        assert "oscar" in history and "done" in history
    finally:
        context.close()
        server.stop()

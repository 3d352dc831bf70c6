"""Portal A (Northwind Supplier Hub) through real Chromium: sign-in, cookie banner, the
JavaScript PO table, the modal postings and what the portal refuses; chaos controls."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from sandbox.chaos import Chaos, skin_id
from tests.sandbox_portals.conftest import RunningPortal

pytestmark = pytest.mark.browser

SEL = yaml.safe_load(
    (Path(__file__).parents[2] / "selectors" / "portal-a.yaml").read_text()
)["screens"]


@pytest.fixture(autouse=True)
def _calm(portal_a: RunningPortal) -> None:
    portal_a.calm()


def sign_in(page: Page, portal: RunningPortal, accept_cookies: bool = True) -> None:
    page.goto(portal.url + "/signin")
    if accept_cookies:
        page.click(SEL["common"]["cookie_accept"])
    page.fill(SEL["signin"]["username"], portal.user)
    page.fill(SEL["signin"]["password"], portal.password)
    page.click(SEL["signin"]["submit"])
    expect(page.locator(SEL["orders"]["table_loaded"])).to_be_visible()


def open_po(page: Page, po_number: str) -> None:
    page.fill(SEL["orders"]["search"], po_number)
    row = page.locator(SEL["orders"]["row_by_po"].format(po_number=po_number))
    expect(page.locator(SEL["orders"]["row"])).to_have_count(1)
    row.locator(SEL["orders"]["link_po"]).click()
    expect(page.locator(SEL["order_detail"]["loaded"])).to_be_visible()


def test_sign_in_refuses_bad_password_and_missing_token(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    page.goto(portal_a.url + "/signin")
    page.screenshot(path=screenshots_dir / "portal-a-cookie-banner.png")
    page.click(SEL["common"]["cookie_accept"])
    page.fill(SEL["signin"]["username"], portal_a.user)
    page.fill(SEL["signin"]["password"], "wrong")
    page.click(SEL["signin"]["submit"])
    expect(page.locator(SEL["signin"]["error"])).to_have_text(
        "Incorrect username or password."
    )
    page.screenshot(path=screenshots_dir / "portal-a-signin.png")

    form = b"identifier=supplier&secret=portal-a-demo"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(portal_a.url + "/signin", data=form, timeout=5)
    assert refused.value.code == 400


def test_cookie_banner_covers_the_page_until_accepted(
    page: Page, portal_a: RunningPortal
) -> None:
    page.goto(portal_a.url + "/signin")
    with pytest.raises(PlaywrightError):
        page.click(SEL["signin"]["username"], timeout=800)
    page.click(SEL["common"]["cookie_accept"])
    expect(page.locator(SEL["common"]["cookie_banner"])).to_have_count(0)
    page.click(SEL["signin"]["username"], timeout=2000)
    page.reload()
    expect(page.locator(SEL["common"]["cookie_banner"])).to_have_count(0)


def test_po_table_pages_and_searches(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    sign_in(page, portal_a)
    rows = page.locator(SEL["orders"]["row"])
    expect(rows).to_have_count(10)
    expect(page.locator(SEL["orders"]["page_info"])).to_have_text("Page 1 of 2")
    page.screenshot(path=screenshots_dir / "portal-a-orders.png", full_page=True)
    page.click(SEL["orders"]["next_page"])
    expect(rows).to_have_count(len(portal_a.store.numbers()) - 10)
    expect(rows.first).to_have_attribute("data-po", "NW-PO-24011")
    page.fill(SEL["orders"]["search"], "no such thing")
    expect(page.locator(SEL["orders"]["empty"])).to_be_visible()
    page.fill(SEL["orders"]["search"], "NW-PO-24003")
    expect(rows).to_have_count(1)


def test_acknowledgment_ship_and_delay_notices_are_listed(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    po = "NW-PO-24007"
    sign_in(page, portal_a)
    open_po(page, po)
    detail, comms = SEL["order_detail"], SEL["order_detail"]["communication"]
    page.screenshot(path=screenshots_dir / "portal-a-detail.png", full_page=True)

    page.click(detail["acknowledge_button"])
    page.fill(SEL["ack_modal"]["order_number"], "SO-100777")
    page.fill(SEL["ack_modal"]["confirmed_date"], "2026-12-22")
    page.screenshot(path=screenshots_dir / "portal-a-ack-modal.png")
    page.click(SEL["ack_modal"]["submit"])
    expect(page.locator(detail["toast_success"]).last).to_have_text(
        "Order acknowledgment sent."
    )
    ack = page.locator(detail["communication_of_type"].format(type="acknowledgment"))
    expect(
        ack.locator(detail["communication_field"].format(field="orderNumber"))
    ).to_contain_text("SO-100777")
    expect(page.locator(detail["status"])).to_have_text("Acknowledged")
    value = ack.locator(detail["communication_value"].format(field="confirmedDate"))
    expect(value).to_have_text("2026-12-22")

    lines = portal_a.store.get(po)["lines"]
    page.click(detail["ship_notice_button"])
    page.fill(SEL["ship_modal"]["carrier"], "UPS")
    page.fill(SEL["ship_modal"]["tracking_number"], "1Z999AA10123456784")
    page.fill(SEL["ship_modal"]["ship_date"], "2026-12-20")
    qty = SEL["ship_modal"]["line_quantity"]
    page.fill(qty.format(line=1), str(int(lines[0]["quantity"]) + 1))
    page.click(SEL["ship_modal"]["submit"])
    error = page.locator(SEL["ship_modal"]["error"])
    expect(error).to_contain_text("exceeds the open quantity")
    page.screenshot(path=screenshots_dir / "portal-a-ship-modal-error.png")
    page.fill(qty.format(line=1), lines[0]["quantity"])
    page.click(SEL["ship_modal"]["submit"])
    expect(page.locator(SEL["ship_modal"]["dialog"])).to_be_hidden()
    expect(
        page.locator(detail["line_row_by_no"].format(line=1)).locator(
            detail["line_shipped"]
        )
    ).to_have_text(lines[0]["quantity"])

    page.click(detail["delay_notice_button"])
    page.fill(SEL["delay_modal"]["new_date"], "2027-01-15")
    page.fill(SEL["delay_modal"]["reason"], "Port strike in Hamburg")
    page.screenshot(path=screenshots_dir / "portal-a-delay-modal.png")
    page.click(SEL["delay_modal"]["submit"])
    expect(
        page.locator(detail["communication_of_type"].format(type="delay_notice"))
    ).to_contain_text("Port strike in Hamburg")
    expect(page.locator(comms)).to_have_count(3)
    page.screenshot(
        path=screenshots_dir / "portal-a-communications.png", full_page=True
    )

    posted = portal_a.store.get(po)["communications"]
    assert [c["type"] for c in posted] == [
        "acknowledgment",
        "ship_notice",
        "delay_notice",
    ]
    assert posted[1]["fields"]["lines"] == [
        {"line": 1, "quantity": lines[0]["quantity"]}
    ]


def test_identical_acknowledgment_is_not_stored_twice(
    page: Page, portal_a: RunningPortal
) -> None:
    sign_in(page, portal_a)
    open_po(page, "NW-PO-24008")
    for _ in range(2):
        page.click(SEL["order_detail"]["acknowledge_button"])
        page.fill(SEL["ack_modal"]["order_number"], "SO-100778")
        page.fill(SEL["ack_modal"]["confirmed_date"], "2026-12-23")
        page.click(SEL["ack_modal"]["submit"])
        expect(page.locator(SEL["ack_modal"]["dialog"])).to_be_hidden()
    expect(page.locator(SEL["order_detail"]["toast_info"])).to_contain_text(
        "already on file"
    )
    expect(page.locator(SEL["order_detail"]["communication"])).to_have_count(1)
    assert len(portal_a.store.get("NW-PO-24008")["communications"]) == 1


def test_unknown_po_is_reported(page: Page, portal_a: RunningPortal) -> None:
    sign_in(page, portal_a)
    page.goto(portal_a.url + "/app/orders/NW-PO-99999")
    expect(page.locator(SEL["order_detail"]["not_found"])).to_be_visible()
    answer = page.request.post(
        portal_a.url + "/api/v1/purchase-orders/NW-PO-99999/acknowledgements",
        data={"orderNumber": "SO-1", "confirmedDate": "2026-12-01"},
        headers={
            "X-CSRF-Token": page.get_attribute("meta[name=csrf-token]", "content")
        },
    )
    assert answer.status == 404
    assert answer.json()["error"] == "Purchase order NW-PO-99999 was not found."


def test_maintenance_answers_503(page: Page, portal_a: RunningPortal) -> None:
    portal_a.chaos.update(maintenance=True)
    response = page.goto(portal_a.url + "/signin")
    assert response is not None and response.status == 503
    expect(page.locator("h1")).to_have_text("Service Unavailable")


def test_system_message_must_be_dismissed(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    sign_in(page, portal_a)
    portal_a.chaos.update(system_message="Portal upgrade on Saturday 06:00.")
    page.reload()
    expect(page.locator(SEL["common"]["system_message"])).to_contain_text(
        "Portal upgrade on Saturday"
    )
    page.screenshot(path=screenshots_dir / "portal-a-system-message.png")
    with pytest.raises(PlaywrightError):
        page.click(SEL["orders"]["search"], timeout=800)
    page.click(SEL["common"]["system_message_ok"])
    expect(page.locator(SEL["common"]["system_message"])).to_have_count(0)
    page.click(SEL["orders"]["search"], timeout=2000)


def test_expired_session_goes_back_to_sign_in(
    page: Page, portal_a: RunningPortal
) -> None:
    sign_in(page, portal_a)
    portal_a.chaos.update(session_ttl_seconds=1)
    time.sleep(1.3)
    page.reload()
    expect(page.locator(SEL["signin"]["expired_notice"])).to_be_visible()
    assert "/signin?expired=1" in page.url


def test_skin_2_renames_the_ids(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    portal_a.chaos.update(skin=2)
    page.goto(portal_a.url + "/signin")
    expect(page.locator(SEL["signin"]["username"])).to_have_count(0)
    expect(page.locator(SEL["common"]["cookie_accept"])).to_have_count(0)
    skinned = Chaos(skin=2)
    page.click("#" + skin_id(skinned, "cookie-accept"))
    page.fill("#" + skin_id(skinned, "signin-user"), portal_a.user)
    page.fill("#" + skin_id(skinned, "signin-pass"), portal_a.password)
    page.click("#" + skin_id(skinned, "signin-submit"))
    table = page.locator(f"#{skin_id(skinned, 'po-table')}[data-loaded='1']")
    expect(table).to_be_visible()
    expect(table.locator("tr." + skin_id(skinned, "po-row"))).to_have_count(10)
    expect(page.locator(SEL["orders"]["row"])).to_have_count(0)
    page.screenshot(path=screenshots_dir / "portal-a-skin2.png")


def test_posting_after_the_session_expired_goes_to_sign_in_and_saves_nothing(
    page: Page, portal_a: RunningPortal, screenshots_dir: Path
) -> None:
    sign_in(page, portal_a)
    open_po(page, "NW-PO-24009")
    page.click(SEL["order_detail"]["acknowledge_button"])
    page.fill(SEL["ack_modal"]["order_number"], "SO-100779")
    page.fill(SEL["ack_modal"]["confirmed_date"], "2026-12-24")
    portal_a.chaos.update(session_ttl_seconds=1)
    time.sleep(1.3)
    page.click(SEL["ack_modal"]["submit"])
    page.wait_for_url("**/signin?expired=1")
    expect(page.locator(SEL["signin"]["expired_notice"])).to_be_visible()
    page.screenshot(path=screenshots_dir / "portal-a-signin-expired.png")
    assert portal_a.store.get("NW-PO-24009")["communications"] == []

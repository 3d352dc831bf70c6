"""Portal B (Globex Vendor Self Service) through real Chromium: logon, the frameset,
PO search and detail, the three posting forms and what the portal refuses; chaos."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Frame, Page, expect

from sandbox.chaos import Chaos, skin_id
from tests.sandbox_portals.conftest import RunningPortal

pytestmark = pytest.mark.browser

SELECTORS = yaml.safe_load(
    (Path(__file__).parents[2] / "selectors" / "portal-b.yaml").read_text()
)
SEL = SELECTORS["screens"]
MAIN = SELECTORS["frames"]["main"]


@pytest.fixture(autouse=True)
def _calm(portal_b: RunningPortal) -> None:
    portal_b.calm()


def log_on(page: Page, portal: RunningPortal) -> Frame:
    page.goto(portal.url + "/vss/logon.do")
    page.fill(SEL["logon"]["username"], portal.user)
    page.fill(SEL["logon"]["password"], portal.password)
    page.click(SEL["logon"]["submit"])
    page.wait_for_url("**/vss/main.do")
    page.wait_for_load_state()
    frame = page.frame(name=MAIN)
    assert frame is not None
    frame.wait_for_selector(SEL["po_search"]["form"])
    return frame


def open_po(frame: Frame, po_number: str) -> None:
    frame.fill(SEL["po_search"]["po_number"], po_number)
    frame.click(SEL["po_search"]["submit"])
    rows = frame.locator(SEL["po_search"]["row"])
    expect(rows).to_have_count(1)
    rows.locator(SEL["po_search"]["link_po"]).click()
    expect(frame.locator(SEL["po_detail"]["po_number"])).to_have_text(po_number)


def test_logon_refuses_bad_password_and_missing_token(
    page: Page, portal_b: RunningPortal, screenshots_dir: Path
) -> None:
    page.goto(portal_b.url + "/vss/logon.do")
    page.fill(SEL["logon"]["username"], portal_b.user)
    page.fill(SEL["logon"]["password"], "wrong")
    page.click(SEL["logon"]["submit"])
    expect(page.locator(SEL["logon"]["error"])).to_contain_text("password incorrect")
    page.screenshot(path=screenshots_dir / "portal-b-logon.png")
    form = b"USERID=supplier&PASSWD=portal-b-demo"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(portal_b.url + "/vss/logon.do", data=form, timeout=5)
    assert refused.value.code == 400


def test_frameset_search_and_nav(
    page: Page, portal_b: RunningPortal, screenshots_dir: Path
) -> None:
    frame = log_on(page, portal_b)
    expect(frame.locator(SEL["po_search"]["row"])).to_have_count(
        len(portal_b.store.numbers())
    )
    page.screenshot(path=screenshots_dir / "portal-b-search.png", full_page=True)
    frame.fill(SEL["po_search"]["po_number"], "9999999999")
    frame.click(SEL["po_search"]["submit"])
    expect(frame.locator(SEL["po_search"]["no_data"])).to_have_text(
        "No documents found."
    )
    nav = page.frame(name=SELECTORS["frames"]["nav"])
    assert nav is not None
    nav.click(SEL["nav"]["po_search"])
    expect(frame.locator(SEL["po_search"]["row"])).to_have_count(
        len(portal_b.store.numbers())
    )
    frame.select_option(SEL["po_search"]["status"], "acknowledged")
    frame.click(SEL["po_search"]["submit"])
    expect(frame.locator(SEL["po_search"]["row"])).to_have_count(2)


def test_acknowledgment_ship_and_delay_notices_are_listed(
    page: Page, portal_b: RunningPortal, screenshots_dir: Path
) -> None:
    po = "4500012352"
    frame = log_on(page, portal_b)
    open_po(frame, po)
    detail = SEL["po_detail"]
    page.screenshot(path=screenshots_dir / "portal-b-detail.png", full_page=True)

    frame.click(detail["acknowledgment_link"])
    expect(frame.locator(SEL["acknowledgment"]["form"])).to_be_visible()
    page.screenshot(path=screenshots_dir / "portal-b-ack.png", full_page=True)
    frame.fill(SEL["acknowledgment"]["order_number"], "SO-100888")
    frame.fill(SEL["acknowledgment"]["confirmed_date"], "2026-12-22")
    frame.click(SEL["acknowledgment"]["submit"])
    expect(frame.locator(SEL["common"]["message_error"])).to_contain_text("MM/DD/YYYY")
    page.screenshot(path=screenshots_dir / "portal-b-ack-error.png", full_page=True)
    frame.fill(SEL["acknowledgment"]["confirmed_date"], "12/22/2026")
    frame.click(SEL["acknowledgment"]["submit"])
    expect(frame.locator(SEL["common"]["message_ok"])).to_have_text(
        "Order acknowledgment saved."
    )
    expect(frame.locator(detail["status"])).to_have_text("ACKNOWLEDGED")

    lines = portal_b.store.get(po)["lines"]
    frame.click(detail["ship_notice_link"])
    expect(frame.locator(SEL["ship_notice"]["form"])).to_be_visible()
    page.screenshot(path=screenshots_dir / "portal-b-asn.png", full_page=True)
    frame.fill(SEL["ship_notice"]["carrier"], "FedEx Freight")
    frame.fill(SEL["ship_notice"]["tracking_number"], "PRO-778812")
    frame.fill(SEL["ship_notice"]["ship_date"], "12/20/2026")
    item = SEL["ship_notice"]["item_quantity"]
    frame.fill(item.format(item="00010"), str(int(lines[0]["quantity"]) + 5))
    frame.click(SEL["ship_notice"]["submit"])
    expect(frame.locator(SEL["common"]["message_error"])).to_contain_text("Item 00010")
    page.screenshot(path=screenshots_dir / "portal-b-asn-error.png", full_page=True)
    expect(frame.locator(SEL["ship_notice"]["carrier"])).to_have_value("FedEx Freight")
    frame.fill(item.format(item="00010"), lines[0]["quantity"])
    frame.click(SEL["ship_notice"]["submit"])
    expect(frame.locator(SEL["common"]["message_ok"])).to_have_text(
        "Advance ship notice saved."
    )

    frame.click(detail["delay_notice_link"])
    frame.fill(SEL["delay_notice"]["new_date"], "01/20/2027")
    frame.select_option(SEL["delay_notice"]["reason_code"], "03")
    frame.fill(SEL["delay_notice"]["reason_text"], "Port of Oakland closed")
    page.screenshot(path=screenshots_dir / "portal-b-delay.png", full_page=True)
    frame.click(SEL["delay_notice"]["submit"])
    expect(frame.locator(SEL["common"]["message_ok"])).to_be_visible()

    history = frame.locator(detail["history_row"])
    expect(history).to_have_count(3)
    expect(history.locator(detail["history_type"])).to_have_text(
        ["ORDER ACKNOWLEDGMENT", "ADVANCE SHIP NOTICE", "DELAY NOTIFICATION"]
    )
    expect(history.nth(0).locator(detail["history_details"])).to_have_text(
        "Sales order: SO-100888; Confirmed date: 12/22/2026"
    )
    expect(history.nth(2)).to_contain_text(
        "03 Transport delay - Port of Oakland closed"
    )
    page.screenshot(
        path=screenshots_dir / "portal-b-communications.png", full_page=True
    )
    posted = portal_b.store.get(po)["communications"]
    assert posted[1]["fields"]["lines"] == [
        {"line": 1, "quantity": lines[0]["quantity"]}
    ]
    assert posted[2]["fields"]["new_date"] == "2027-01-20"


def test_identical_acknowledgment_is_shown_as_already_there(
    page: Page, portal_b: RunningPortal
) -> None:
    frame = log_on(page, portal_b)
    answers = (SEL["common"]["message_ok"], SEL["common"]["message_warning"])
    for answer in answers:
        frame.goto(portal_b.url + "/vss/poAck.do?PONUM=4500012353")
        frame.fill(SEL["acknowledgment"]["order_number"], "SO-100889")
        frame.fill(SEL["acknowledgment"]["confirmed_date"], "12/23/2026")
        frame.click(SEL["acknowledgment"]["submit"])
        expect(frame.locator(answer)).to_be_visible()
    expect(frame.locator(answers[1])).to_contain_text("already on file")
    expect(frame.locator(SEL["po_detail"]["history_row"])).to_have_count(1)


def test_unknown_po_cannot_be_acknowledged(page: Page, portal_b: RunningPortal) -> None:
    frame = log_on(page, portal_b)
    response = frame.goto(portal_b.url + "/vss/poAck.do?PONUM=4599999999")
    assert response is not None and response.status == 404
    expect(frame.locator(SEL["common"]["message_error"])).to_have_text(
        "Purchase order 4599999999 was not found."
    )


def test_maintenance_system_message_and_session_expiry(
    page: Page, portal_b: RunningPortal, screenshots_dir: Path
) -> None:
    frame = log_on(page, portal_b)
    portal_b.chaos.update(system_message="VSS will be offline on 12/24 from 8 PM.")
    frame.goto(portal_b.url + "/vss/poSearch.do")
    expect(frame.locator(SEL["common"]["system_message"])).to_contain_text("offline")
    page.screenshot(path=screenshots_dir / "portal-b-system-message.png")
    frame.click(SEL["common"]["system_message_ok"])
    expect(frame.locator(SEL["common"]["system_message"])).to_have_count(0)
    expect(frame.locator(SEL["po_search"]["form"])).to_be_visible()

    portal_b.chaos.update(maintenance=True)
    response = frame.goto(portal_b.url + "/vss/poSearch.do")
    assert response is not None and response.status == 503
    portal_b.chaos.update(maintenance=False, session_ttl_seconds=1)
    time.sleep(1.3)
    frame.goto(portal_b.url + "/vss/poSearch.do")
    expect(frame.locator(SEL["common"]["message_error"])).to_have_text(
        "Your session has timed out. Please log on again."
    )


def test_skin_2_renames_the_ids(
    page: Page, portal_b: RunningPortal, screenshots_dir: Path
) -> None:
    portal_b.chaos.update(skin=2)
    page.goto(portal_b.url + "/vss/logon.do")
    expect(page.locator(SEL["logon"]["username"])).to_have_count(0)
    skinned = Chaos(skin=2)
    page.fill("#" + skin_id(skinned, "USERID"), portal_b.user)
    page.fill("#" + skin_id(skinned, "PASSWD"), portal_b.password)
    page.click("#" + skin_id(skinned, "btnLogon"))
    page.wait_for_url("**/vss/main.do")
    page.wait_for_load_state()
    frame = page.frame(name=MAIN)
    assert frame is not None
    frame.wait_for_selector("#" + skin_id(skinned, "poResults"))
    expect(frame.locator(SEL["po_search"]["results"])).to_have_count(0)
    page.screenshot(path=screenshots_dir / "portal-b-skin2.png")

"""The portal adapters against the real sandbox portals in real Chromium: read a PO,
post acknowledgment, ship notice and delay notice, see them on the portal, refuse an
over-shipment with the portal's message, and notice a changed skin."""

from __future__ import annotations

import json
import urllib.request
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.adapters.portals import open_portal
from bots.config import load_settings
from bots.errors import BusinessError, TechnicalError
from sandbox.chaos import Chaos
from sandbox.credentials import PORTAL_A_USERS, PORTAL_B_USERS
from sandbox.webserver import ServerThread, free_port
from tests.conftest import chromium_available, need_service

PORTALS = {
    "portal_a": ("sandbox.portal_a.app", "a", PORTAL_A_USERS["supplier"]),
    "portal_b": ("sandbox.portal_b.app", "b", PORTAL_B_USERS["supplier"]),
}


def admin_po(url: str, po_number: str) -> dict:
    with urllib.request.urlopen(f"{url}/admin/api/purchase-orders/{po_number}") as answer:
        return json.load(answer)


def first_po(url: str) -> dict:
    """A seeded PO with nothing posted to it yet."""
    with urllib.request.urlopen(f"{url}/admin/api/purchase-orders") as answer:
        listed = json.load(answer)
    rows = listed if isinstance(listed, list) else listed.get("purchase_orders", [])
    for row in rows:
        po = admin_po(url, row["po_number"])
        if not po["communications"]:
            return po
    raise AssertionError("the portal seed has no untouched PO")


@pytest.fixture(params=sorted(PORTALS))
def portal(request, tmp_path: Path, o2c_home: Path, monkeypatch):
    need_service("Chromium", chromium_available())
    module_name, kind, password = PORTALS[request.param]
    module = pytest.importorskip(module_name)
    chaos = Chaos()
    server = ServerThread(module.create_app(tmp_path / f"{kind}.sqlite", chaos),
                          free_port()).start()
    name = request.param
    monkeypatch.setenv(f"O2C_PORTALS__{name.upper()}__URL", server.url)
    monkeypatch.setenv(f"O2C_PORTALS__{name.upper()}__KIND", kind)
    monkeypatch.setenv(f"O2C_PORTALS__{name.upper()}__PASSWORD", password)
    yield name, server.url, chaos
    server.stop()


def test_post_all_three_and_see_them(portal, o2c_home: Path) -> None:
    name, url, _ = portal
    po = first_po(url)
    line = po["lines"][0]
    with open_portal(load_settings(), name, o2c_home / "run") as adapter:
        seen = adapter.find_po(po["po_number"])
        assert seen is not None and seen.lines[0].sku == line["sku"]
        assert adapter.find_po("NO-SUCH-PO-1") is None

        ack = adapter.post_acknowledgment(po["po_number"], "SO-100777", date(2027, 1, 8))
        assert ack.created
        again = adapter.post_acknowledgment(po["po_number"], "SO-100777", date(2027, 1, 8))
        assert not again.created
        adapter.post_ship_notice(po["po_number"], "DHL", "JD014600777", date(2027, 1, 9),
                                 {line["sku"]: Decimal("1")})
        adapter.post_delay_notice(po["po_number"], date(2027, 2, 1),
                                  "Material shortage at our supplier")
        after = adapter.find_po(po["po_number"])
    assert after.has("acknowledgment", order_number="SO-100777", confirmed_date="2027-01-08")
    assert after.has("ship_notice", tracking_number="JD014600777")
    assert after.has("delay_notice", new_date="2027-02-01")
    posted = admin_po(url, po["po_number"])
    kinds = sorted(c["type"] for c in posted["communications"])
    assert kinds == ["acknowledgment", "delay_notice", "ship_notice"]


def test_over_shipment_is_rejected_with_the_portal_message(portal, o2c_home: Path) -> None:
    name, url, _ = portal
    po = first_po(url)
    line = po["lines"][0]
    too_many = Decimal(str(line["quantity"])) + 5
    with open_portal(load_settings(), name, o2c_home / "run") as adapter:
        with pytest.raises(BusinessError) as caught:
            adapter.post_ship_notice(po["po_number"], "UPS", "1Z999", date(2027, 1, 9),
                                     {line["sku"]: too_many})
        shots = adapter.capture_evidence(o2c_home / "evidence", "rejected")
    assert caught.value.code == "portal_rejected"
    assert "exceeds" in caught.value.message
    assert any(p.suffix == ".png" for p in shots)


def test_maintenance_and_new_skin_are_technical(portal, o2c_home: Path) -> None:
    name, url, chaos = portal
    po = first_po(url)
    with open_portal(load_settings(), name, o2c_home / "run") as adapter:
        chaos.update(maintenance=True)
        with pytest.raises(TechnicalError) as down:
            adapter.find_po(po["po_number"])
        chaos.update(maintenance=False, skin=2)
        with pytest.raises(TechnicalError) as drift:
            adapter.find_po(po["po_number"])
    assert down.value.code == "maintenance"
    assert drift.value.code in ("selector_missing", "session_expired", "login_failed")

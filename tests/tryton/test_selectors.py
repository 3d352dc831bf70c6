"""A Tryton locator that no longer matches is a technical error with a screenshot,
and nothing is entered."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bots.adapters.erp.base import OrderEntry, OrderHeader, OrderLine
from bots.adapters.erp.tryton import TrytonErp
from bots.adapters.selectors import load_file
from bots.config import Settings
from bots.errors import TechnicalError
from sandbox import seed
from sandbox.tryton.server import TrytonServer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]

SHIPPED = Path(__file__).resolve().parents[2] / "selectors"


def test_the_shipped_selector_file_is_valid() -> None:
    sel = load_file(SHIPPED / "tryton.yaml")
    assert sel.path("sales", database="o2c") == "/#o2c/model/sale.sale"
    assert sel.has("sale", "reference") and sel.has("sale_line", "quantity")


def test_the_adapter_reads_through_screens_not_json_rpc() -> None:
    adapter = Path(__file__).resolve().parents[2] / "bots" / "adapters" / "erp"
    modules = sorted(adapter.glob("tryton*.py"))
    assert len(modules) >= 5
    for module in modules:
        text = module.read_text(encoding="utf-8").lower()
        assert "rpc(" not in text and "sao.rpc" not in text, module.name


def test_a_missing_field_is_selector_missing_not_a_wrong_sale(
    tryton_settings: Settings, tryton_server: TrytonServer
) -> None:
    folder = tryton_settings.home / "selectors"
    shutil.copytree(SHIPPED, folder)
    changed = folder / "tryton.yaml"
    text = changed.read_text(encoding="utf-8")
    assert 'reference: "input[name=reference]"' in text
    changed.write_text(
        text.replace("input[name=reference]", "input[name=po_reference_gone]"),
        encoding="utf-8",
    )
    item = seed.items()[0]
    entry = OrderEntry(
        OrderHeader("C1004", "UM-TRY-DRIFT", date.today()),
        [OrderLine(item.item_no, Decimal(2))],
    )
    try:
        with TrytonErp(tryton_settings) as erp, pytest.raises(TechnicalError) as caught:
            erp.enter_order(entry)
    finally:
        shutil.rmtree(folder)
    assert caught.value.code == "selector_missing"
    assert "reference" in caught.value.message
    shots = [p for p in caught.value.details["evidence"] if p.endswith(".png")]
    assert shots and Path(shots[0]).stat().st_size > 1000
    assert tryton_server.inspect("sales", reference="UM-TRY-DRIFT") == []

"""Tryton's lookup fields in a real client: an answer dropped because the field's
text was redrawn is asked for again; a search that finds nothing is a plain False.

sao searches 300 ms after the last keystroke and throws its answer away when the
text changed meanwhile - what a late default of the form does. The test plays that
default: the first time the text is typed, the page blanks it 100 ms later.
"""

from __future__ import annotations

import pytest

from bots.adapters.erp.tryton import TrytonErp
from sandbox import seed

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

BLANK_ONCE = """(selector) => {
  const field = document.querySelector(selector);
  field.addEventListener("input", () => {
    setTimeout(() => { field.value = ""; }, 100);
  }, {once: true});
}"""


def new_sale(erp: TrytonErp) -> None:
    ui = erp.ui
    ui.goto("sales", "test")
    ui.click(ui.tab(), "toolbar", "new", "test")


def test_a_redrawn_lookup_is_typed_again(tryton_erp: TrytonErp) -> None:
    customer = seed.customers()[2]
    new_sale(tryton_erp)
    ui = tryton_erp.ui
    party = ui.require(ui.tab(), "sale", "party", "test")
    party.evaluate("(field) => field.setAttribute('data-o2c-test', 'party')")
    ui.page.evaluate(BLANK_ONCE, "[data-o2c-test=party]")

    assert ui.choose(
        ui.tab(), "sale", "party", customer.customer_no, customer.name, "test"
    )

    assert party.input_value() == customer.name


def test_a_lookup_that_finds_nothing_is_false(tryton_erp: TrytonErp) -> None:
    new_sale(tryton_erp)
    ui = tryton_erp.ui
    assert not ui.choose(
        ui.tab(), "sale", "party", "NO-SUCH-PARTY-42", "NO-SUCH-PARTY-42", "test"
    )

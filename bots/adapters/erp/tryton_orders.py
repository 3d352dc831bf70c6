"""Entering a sale through Tryton's sale form: party, Reference, lines, Save, Quote.

Each step waits for the client's requests to end before the next one, because the
party's on-change defaults arrive late and would overwrite what was typed. After
saving and quoting, the sale is read back through the client's session and must
carry exactly the lines typed; anything else is `unexpected_screen`, never a
silent wrong entry.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from bots.adapters.erp.base import Customer, ItemRef, OrderHeader, OrderLine
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import BusinessError

log = logging.getLogger(__name__)

STEP = "enter_order"


def enter_sale(
    ui: SaoScreens,
    customer: Customer,
    header: OrderHeader,
    lines: list[tuple[ItemRef, OrderLine]],
) -> str:
    """Enter and quote the sale; returns its number."""
    ui.goto("sales", STEP)
    ui.click(ui.tab(), "toolbar", "new", STEP)
    tab = ui.tab()
    if not ui.choose(tab, "sale", "party", customer.customer_no, customer.name, STEP):
        raise BusinessError(
            "unknown_customer",
            f"Tryton offers no party {customer.customer_no} ({customer.name})",
            step=STEP,
        )
    ui.fill_text(tab, "sale", "reference", header.customer_po, STEP)
    for item, line in lines:
        _add_line(ui, item, line)
    _save(ui, header)
    ui.click(ui.tab(), "sale", "quote", STEP)
    _refuse_dialog(ui, header)
    number = ui.value(ui.tab(), "sale", "number", STEP)
    _check(ui, number, header, lines)
    return number


def _add_line(ui: SaoScreens, item: ItemRef, line: OrderLine) -> None:
    ui.click(ui.tab(), "sale", "lines_new", STEP)
    dialog = ui.require(ui.page, "common", "dialog", STEP)
    if not ui.choose(
        dialog, "sale_line", "product", item.item_no, f"[{item.item_no}]", STEP
    ):
        raise BusinessError(
            "erp_rejected",
            f"Tryton offers no salable product {item.item_no}",
            step=STEP,
        )
    ui.fill_number(dialog, "sale_line", "quantity", str(line.quantity), STEP)
    # Tryton prices at the list price; a customer's own price comes from the map.
    price = line.unit_price if line.unit_price is not None else _mapped_price(item)
    if price is not None:
        ui.fill_number(dialog, "sale_line", "unit_price", str(price), STEP)
    ui.click(dialog, "sale_line", "ok", STEP)
    try:
        dialog.wait_for(state="hidden", timeout=5000)
    except Exception:  # noqa: BLE001 - Playwright raises its own error types
        message = ui.dialog_message() or "the line dialog stayed open"
        raise ui.failure(
            "unexpected_screen", f"a sale line was not accepted: {message}", STEP
        ) from None


def _mapped_price(item: ItemRef) -> Decimal | None:
    return item.price if item.customer_part is not None else None


def _save(ui: SaoScreens, header: OrderHeader) -> None:
    ui.click(ui.tab(), "toolbar", "save", STEP)
    _refuse_dialog(ui, header)
    bar = ui.info_bar()
    if bar is not None and bar[0] in ("danger", "warning"):
        raise BusinessError(
            "erp_rejected",
            f"Tryton did not save the sale for PO {header.customer_po}: {bar[1]}",
            step=STEP,
        )


def _refuse_dialog(ui: SaoScreens, header: OrderHeader) -> None:
    message = ui.dialog_message()
    if message:
        raise BusinessError(
            "erp_rejected",
            f"Tryton stopped the sale for PO {header.customer_po}: {message[:300]}",
            step=STEP,
        )


def _check(
    ui: SaoScreens,
    number: str,
    header: OrderHeader,
    lines: list[tuple[ItemRef, OrderLine]],
) -> None:
    """The quoted sale, read back, must hold what was typed."""
    sales = ui.rpc(
        "model.sale.sale.search_read",
        [[["number", "=", number]], 0, 2, None, ["reference", "state", "lines"]],
        STEP,
    )
    if len(sales) != 1 or sales[0]["reference"] != header.customer_po:
        raise ui.failure(
            "unexpected_screen", f"sale '{number}' cannot be read back", STEP
        )
    rows = ui.rpc(
        "model.sale.line.read",
        [sales[0]["lines"], ["product.code", "quantity", "unit_price"]],
        STEP,
    )
    typed = sorted((i.item_no, Decimal(line.quantity)) for i, line in lines)
    found = sorted(
        ((r["product."] or {}).get("code"), Decimal(str(r["quantity"]))) for r in rows
    )
    if typed != found or sales[0]["state"] != "quotation":
        raise ui.failure(
            "unexpected_screen",
            f"sale {number} holds {found} in state {sales[0]['state']}, but "
            f"{typed} were typed; check it in Tryton",
            STEP,
        )

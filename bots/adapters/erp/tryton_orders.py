"""Entering a sale through Tryton's sale form: party, Reference, lines, Save, Quote.

Each step waits for the client's requests to end before the next one, because the
party's on-change defaults arrive late and would overwrite what was typed. After
saving and quoting, the sale form is read back and must show exactly the lines
typed; anything else is `unexpected_screen`, never a silent wrong entry. A PO
already entered is found in the sale list filtered by Reference and party.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from bots.adapters.erp.base import Customer, ItemRef, OrderHeader, OrderLine, OrderRef
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import BusinessError

log = logging.getLogger(__name__)

STEP = "enter_order"
FIND_STEP = "find_order_by_po"
SALE_STATES = {
    "draft": "open",
    "quotation": "open",
    "confirmed": "confirmed",
    "processing": "confirmed",
    "done": "shipped",
    "cancelled": "cancelled",
}
RECORD_ID = re.compile(r"/model/sale\.sale/(\d+)")
PRODUCT_CODE = re.compile(r"^\[([^\]]+)\]")


def find_sale(ui: SaoScreens, customer_no: str, customer_po: str) -> OrderRef | None:
    """The sale holding the PO in Reference for the party, if any (not
    cancelled): the sale list filtered by both, the sale read from its form. A
    draft (saved, never quoted) is BusinessError `order_unfinished`."""
    customer_no, customer_po = customer_no.strip().upper(), customer_po.strip()
    domain = [
        ["reference", "=", customer_po],
        ["party.code", "=", customer_no],
        ["state", "!=", "cancelled"],
    ]
    ui.goto("sales", FIND_STEP, domain=domain)
    rows = ui.rows(FIND_STEP)
    if not rows:
        ui.close_tab(FIND_STEP)
        return None
    # The State cell: always filled (a draft has no number) and not a link.
    ui.find(rows[0], "list", "cell", column="State").first.dblclick()
    ui.wait_quiet(FIND_STEP)
    tab = ui.tab()
    reference = ui.value(tab, "sale", "reference", FIND_STEP)
    if reference != customer_po:
        raise ui.failure(
            "unexpected_screen",
            f"the sale list filtered on Reference {customer_po} opened a sale "
            f"with Reference '{reference}'",
            FIND_STEP,
        )
    number = ui.value(tab, "sale", "number", FIND_STEP)
    record = RECORD_ID.search(ui.page.url)
    state = ui.selection(tab, "sale", "state", FIND_STEP)
    found = OrderRef(
        so_number=number or f"draft-{record.group(1) if record else customer_po}",
        customer_no=customer_no,
        customer_po=reference,
        status=SALE_STATES.get(state, state),
        total=_number(ui.value(tab, "sale", "total_exact", FIND_STEP)) or Decimal(0),
        order_date=_date(ui.value(tab, "sale", "sale_date", FIND_STEP)),
    )
    ui.close_tab(FIND_STEP)
    if state == "draft":
        # Saved but not quoted (a crash or a refusal after Save): neither done nor
        # to be entered again - an operator checks it in Tryton.
        raise BusinessError(
            "order_unfinished",
            f"PO {customer_po} of {customer_no} is {found.so_number}, a draft sale "
            "in Tryton: check its lines and quote it there, then resolve this item",
            step=FIND_STEP,
            details={"so_number": found.so_number, "state": state},
        )
    return found


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
    ui.close_tab(STEP)
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
    """The quoted sale's form must show what was typed."""
    tab = ui.tab()
    reference = ui.value(tab, "sale", "reference", STEP)
    state = ui.selection(tab, "sale", "state", STEP)
    if not number or reference != header.customer_po:
        raise ui.failure(
            "unexpected_screen",
            f"the sale form shows number '{number}' and Reference '{reference}' "
            f"after quoting PO {header.customer_po}",
            STEP,
        )
    found = sorted(
        (_code(ui.cell(row, "Product")), _number(ui.cell(row, "Quantity")))
        for row in ui.rows(STEP)
    )
    typed = sorted((i.item_no, Decimal(line.quantity)) for i, line in lines)
    if typed != found or state != "quotation":
        raise ui.failure(
            "unexpected_screen",
            f"sale {number} shows {found} in state {state}, but {typed} were "
            "typed; check it in Tryton",
            STEP,
        )


def _code(product: str) -> str | None:
    """The product code of a list cell "[CODE] Name"."""
    found = PRODUCT_CODE.match(product.strip())
    return found.group(1) if found else None


def _number(text: str) -> Decimal | None:
    """A number as the English-locale client shows it ("1,234.50", "€ 3")."""
    cleaned = re.sub(r"[^0-9.\-]", "", text)
    try:
        return Decimal(cleaned) if cleaned else None
    except InvalidOperation:
        return None


def _date(text: str) -> date | None:
    """A date field of the client, in the user's format (English: %m/%d/%Y)."""
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None

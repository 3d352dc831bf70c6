"""Order screens of the sandbox ERP: entering a sales order (header, duplicate-PO
warning, lines, review, confirmation) and reading an order's detail."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from bots.adapters.erp.base import OrderEntry, OrderLine, OrderStatus, OrderStatusLine
from bots.adapters.erp.screens import NotFound, Screens
from bots.adapters.erp.values import day, money, timestamp
from bots.errors import BusinessError, TechnicalError

log = logging.getLogger(__name__)

SO_NUMBER = re.compile(r"SO-\d+")


def enter_order(ui: Screens, entry: OrderEntry) -> str:
    """Type the order into the screens and return the new sales order number."""
    _header(ui, entry)
    for number, line in enumerate(entry.lines, start=1):
        _add_line(ui, number, line)
    step = "order_review"
    rows = ui.locator("order_lines", "line_row").count()
    if rows != len(entry.lines):
        raise TechnicalError(
            "unexpected_screen",
            f"the order draft shows {rows} lines after entering "
            f"{len(entry.lines)}; nothing was submitted",
            step=step,
        )
    ui.press("order_lines", "to_review", step)
    ui.require("order_review", "review", step)
    ui.press("order_review", "submit", "order_submit")
    text = ui.text("order_confirmation", "order_number", "order_confirmation")
    found = SO_NUMBER.search(text)
    if found is None:
        raise ui.failure(
            "unexpected_screen",
            f"the order confirmation shows no sales order number ('{text[:80]}')",
            "order_confirmation",
        )
    return found.group(0)


def _header(ui: Screens, entry: OrderEntry) -> None:
    step, screen, header = "order_header", "order_header", entry.header
    ui.open(screen, step)
    ui.require(screen, "form", step)
    requested = header.requested_date.isoformat() if header.requested_date else ""
    values = {
        "customer_no": header.customer_no,
        "customer_po": header.customer_po,
        "po_date": header.po_date.isoformat(),
        "requested_date": requested,
        "ship_to": header.ship_to or "",
    }
    ui.fill_form(screen, values, step)
    ui.press(screen, "next", step)
    if ui.present("duplicate_warning", "warning"):
        _refuse_duplicate(ui, header.customer_no, header.customer_po)
    if ui.present(screen, "form"):
        errors = ui.errors(screen, "error") or ["the header was not accepted"]
        raise BusinessError(
            "erp_rejected",
            f"the ERP refused the order header of PO {header.customer_po}: "
            + "; ".join(errors),
            step=step,
            details={"erp_messages": errors},
        )
    ui.require("order_lines", "form", step)


def _refuse_duplicate(ui: Screens, customer_no: str, customer_po: str) -> None:
    step = "duplicate_warning"
    warning = ui.text("duplicate_warning", "warning", step)
    existing = ui.optional_text("duplicate_warning", "existing_order") or ""
    so_number = SO_NUMBER.search(existing) or SO_NUMBER.search(warning)
    ui.press("duplicate_warning", "cancel", step)
    raise BusinessError(
        "duplicate_po",
        f"customer PO {customer_po} of {customer_no} is already on sales order "
        f"{so_number.group(0) if so_number else '(unknown)'}; not entered again",
        step=step,
        details={
            "so_number": so_number.group(0) if so_number else None,
            "erp_message": warning,
        },
    )


def _add_line(ui: Screens, number: int, line: OrderLine) -> None:
    step, screen = "order_lines", "order_lines"
    price = "" if line.unit_price is None else _plain(line.unit_price)
    values = {
        "item_no": line.item_no,
        "quantity": _plain(line.quantity),
        "unit_price": price,
    }
    ui.fill_form(screen, values, step)
    ui.press(screen, "add", step)
    counts, texts = ui.probe(screen, counts=["form", "line_row"], texts=["error"])
    errors = [e for e in texts["error"] if e]
    if errors:
        raise BusinessError(
            "erp_rejected",
            f"the ERP refused line {number} (item {line.item_no}): "
            + "; ".join(errors),
            step=step,
            details={"line": number, "item_no": line.item_no, "erp_messages": errors},
        )
    if not counts["form"]:
        ui.require(screen, "form", step)
    if counts["line_row"] != number:
        raise ui.failure(
            "unexpected_screen",
            f"line {number} (item {line.item_no}) did not appear on the draft "
            f"({counts['line_row']} lines shown)",
            step,
        )


def read_order_detail(ui: Screens, so_number: str) -> OrderStatus:
    step, screen = "order_detail", "order_detail"
    try:
        ui.open(screen, step, so_number=so_number)
    except NotFound:
        raise BusinessError(
            "unknown_order",
            f"sales order {so_number} does not exist in the ERP",
            step=step,
        ) from None
    ui.require(screen, "detail", step)

    def field(name: str) -> str | None:
        return (ui.text(screen, name, step) or None) if name else None

    cells = {"item_no": "cell_item", "quantity": "cell_quantity"}
    for key, cell in (
        ("customer_part", "cell_customer_part"),
        ("shipped", "cell_shipped"),
        ("unit_price", "cell_unit_price"),
        ("amount", "cell_amount"),
        ("description", "cell_description"),
        ("uom", "cell_uom"),
        ("line", "cell_line"),
    ):
        if ui.sel.has(screen, cell):
            cells[key] = cell
    rows = ui.list_rows(screen, ["lines"], "line_row", cells, step)
    lines = [
        OrderStatusLine(
            line=int(r.get("line") or index),
            item_no=r["item_no"] or "",
            description=r.get("description") or "",
            quantity=money(r["quantity"]),
            shipped_quantity=money(r["shipped"]) if r.get("shipped") else None,
            uom=r.get("uom") or "",
            unit_price=money(r["unit_price"]) if r.get("unit_price") else None,
            amount=money(r["amount"]) if r.get("amount") else None,
            customer_part=r.get("customer_part") or None,
        )
        for index, r in enumerate(rows, start=1)
    ]
    customer = field("customer") or ""
    return OrderStatus(
        so_number=so_number,
        customer_no=customer.split()[0] if customer else "",
        customer_po=field("customer_po") or "",
        status=(field("status") or "").lower(),
        confirmed_date=day(field("confirmed_date")),
        carrier=field("carrier"),
        tracking=field("tracking"),
        ship_date=day(field("ship_date")),
        backorder_date=day(field("backorder_date")),
        reason=field("backorder_reason"),
        updated=timestamp(ui.optional_text(screen, "updated")),
        lines=lines,
    )


def _plain(value: Decimal) -> str:
    return format(value, "f")

"""The ERP adapter for the sandbox legacy ERP ("SAGA/400 ERP 4.2"), through its screens.

Every locator comes from `selectors/sandbox-erp.yaml`. Content screens are opened at
their own URLs (the contract allows it) instead of through the frameset. The password
is typed with tracing paused. An expired session is met by logging in again and
restarting the flow, after checking whether the interrupted attempt already went
through (the order by its PO, the payment by its bank reference).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from playwright.sync_api import Error as PlaywrightError

from bots.adapters import selectors
from bots.adapters.browser import BrowserSession
from bots.adapters.erp.base import (
    Address,
    Contact,
    Customer,
    ErpAdapter,
    ItemRef,
    OrderEntry,
    OrderRef,
    OrderStatus,
    PaymentPosting,
    PostedPayment,
)
from bots.adapters.erp.screens import NotFound, Screens, SessionExpired
from bots.adapters.erp.values import day, money, timestamp
from bots.errors import BusinessError, SystemUnavailable, TechnicalError

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

SELECTOR_FILE = "sandbox-erp"
SYSTEM = "erp"
RELOGINS_PER_FLOW = 2
T = TypeVar("T")

STATUS_CELLS = {
    "so_number": "cell_so_number",
    "customer_no": "cell_customer_no",
    "customer_po": "cell_customer_po",
    "status": "cell_status",
    "confirmed_date": "cell_confirmed_date",
    "carrier": "cell_carrier",
    "tracking": "cell_tracking",
    "ship_date": "cell_ship_date",
    "backorder_date": "cell_backorder_date",
    "reason": "cell_reason",
    "updated": "cell_updated",
}


class SandboxErp(ErpAdapter):
    """The sandbox ERP driven through Chromium."""

    def __init__(self, settings: Settings, run_dir: Path | None = None) -> None:
        self.settings = settings
        self.run_dir = run_dir
        self.sel = selectors.load(settings, SELECTOR_FILE)
        self.evidence_dir = (
            run_dir / "erp-evidence" if run_dir else settings.artifacts_dir / "erp"
        )
        self._browser: BrowserSession | None = None
        self._screens: Screens | None = None
        self._customers: dict[str, Customer] = {}
        self._all_customers = False
        self._xref: dict[str, list[ItemRef]] = {}
        self._catalogue: dict[str, ItemRef] | None = None

    # Session
    @property
    def ui(self) -> Screens:
        if self._screens is None:
            raise TechnicalError(
                "session_expired", "the ERP adapter is not open", step="open"
            )
        return self._screens

    def open(self) -> None:
        self._browser = BrowserSession(self.settings, self.run_dir, name="erp")
        self._browser.start()
        page = self._browser.new_page()
        self._screens = Screens(
            self._browser,
            page,
            self.sel,
            self.settings.erp.url,
            self.evidence_dir,
            SYSTEM,
        )
        try:
            self._login()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._screens is not None and "logout" in self.sel.paths:
            try:
                self._screens.page.goto(self._screens.url("logout"), timeout=3000)
            except PlaywrightError:
                log.debug("logging out of the ERP failed", exc_info=True)
        if self._browser is not None:
            self._browser.close()
        self._browser = self._screens = None

    def _login(self) -> None:
        ui, step = self.ui, "login"
        ui.open("login", step)
        ui.fill("login", "username", self.settings.erp.username, step)
        password = self.settings.secret("erp.password")
        ui.secret_submit("login", "password", "submit", password, step)
        if ui.on_login_page() and ui.expired_notice():
            raise TechnicalError(
                "session_expired",
                "the ERP ended the session right after the login; try again later",
                step=step,
            )
        if ui.on_login_page():
            shown = "; ".join(ui.errors("login", "error")) or "no reason shown"
            raise SystemUnavailable(
                "login_failed",
                f"the ERP refused the login of user '{self.settings.erp.username}' "
                f"({shown}); check erp.username and the erp.password secret",
                step=step,
            )
        log.info("logged in to the ERP as %s", self.settings.erp.username)

    def _flow(
        self,
        step: str,
        attempt: Callable[[], T],
        already_done: Callable[[], T | None] | None = None,
    ) -> T:
        """Run a flow; after an expired session log in again and restart it, first
        asking `already_done` whether the interrupted attempt went through."""
        for relogin in range(RELOGINS_PER_FLOW + 1):
            try:
                if relogin and already_done is not None:
                    done = already_done()
                    if done is not None:
                        log.info("%s: the interrupted attempt had gone through", step)
                        return done
                return attempt()
            except SessionExpired:
                log.warning("%s: the ERP session expired; logging in again", step)
                self._login()
            except PlaywrightError as exc:
                raise self.ui.browser_failure(exc, step) from exc
        raise TechnicalError(
            "session_expired",
            f"the ERP session kept expiring during {step}; try again later",
            step=step,
        )

    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]:
        if self._screens is None:
            log.info("no ERP screen to capture: the adapter is closed")
            return []
        return self._screens.capture(dest_dir, name)

    # Customers and items
    def list_customers(self) -> list[Customer]:
        if not self._all_customers:
            rows = self._flow("list_customers", self._customer_rows)
            for row in rows:
                self.get_customer(row["customer_no"] or "")
            self._all_customers = True
        return sorted(self._customers.values(), key=lambda c: c.customer_no)

    def _customer_rows(self) -> list[dict[str, str | None]]:
        step = "list_customers"
        self.ui.open("customers", step)
        cells = {"customer_no": "cell_customer_no"}
        return self.ui.list_rows("customers", ["list"], "row", cells, step)

    def get_customer(self, customer_no: str) -> Customer:
        key = customer_no.strip().upper()
        if key not in self._customers:
            self._flow("get_customer", lambda: self._read_customer(key))
        return self._customers[key]

    def _read_customer(self, customer_no: str) -> None:
        ui, step, screen = self.ui, "get_customer", "customer_detail"
        try:
            ui.open(screen, step, customer_no=customer_no)
        except NotFound:
            raise BusinessError(
                "unknown_customer",
                f"customer {customer_no} does not exist in the ERP",
                step=step,
            ) from None
        contacts = [
            Contact(r["name"] or "", r["email"] or "", r["role"] or "")
            for r in ui.list_rows(
                screen,
                ["contacts"],
                "contact_row",
                {
                    "name": "cell_contact_name",
                    "email": "cell_contact_email",
                    "role": "cell_contact_role",
                },
                step,
            )
        ]
        ship_to = [
            Address(r["code"] or "", r["address"] or "")
            for r in ui.list_rows(
                screen,
                ["ship_to"],
                "ship_to_row",
                {"code": "cell_ship_to_code", "address": "cell_ship_to_address"},
                step,
            )
        ]
        xref = ui.list_rows(
            screen,
            ["xref"],
            "xref_row",
            {
                "part": "cell_customer_part",
                "item_no": "cell_item_no",
                "description": "cell_description",
                "price": "cell_price",
            },
            step,
        )
        self._customers[customer_no] = Customer(
            customer_no=ui.text(screen, "customer_no", step),
            name=ui.text(screen, "name", step),
            currency=ui.text(screen, "currency", step),
            emails=[c.email for c in contacts if c.email],
            contacts=contacts,
            ship_to=ship_to,
        )
        catalogue = self._items()
        self._xref[customer_no] = [
            ItemRef(
                item_no=r["item_no"] or "",
                description=r["description"] or "",
                uom=catalogue[r["item_no"] or ""].uom
                if (r["item_no"] or "") in catalogue
                else "",
                price=money(r["price"]),
                customer_part=r["part"],
            )
            for r in xref
        ]

    def cross_reference(self, customer_no: str) -> list[ItemRef]:
        key = customer_no.strip().upper()
        self.get_customer(key)
        return list(self._xref[key])

    def find_item(self, customer_no: str, customer_sku: str) -> ItemRef | None:
        wanted = _part_key(customer_sku)
        refs = self.cross_reference(customer_no)
        for ref in refs:
            if ref.customer_part and _part_key(ref.customer_part) == wanted:
                return ref
        for ref in refs:  # the customer printed our own item number
            if _part_key(ref.item_no) == wanted:
                return ref
        return self._items().get(customer_sku.strip().upper())

    def _items(self) -> dict[str, ItemRef]:
        if self._catalogue is None:
            self._catalogue = self._flow("items", self._read_items)
        return self._catalogue

    def _read_items(self) -> dict[str, ItemRef]:
        step = "items"
        self.ui.open("items", step)
        rows = self.ui.list_rows(
            "items",
            ["list"],
            "row",
            {
                "item_no": "cell_item_no",
                "description": "cell_description",
                "uom": "cell_uom",
                "price": "cell_price",
            },
            step,
        )
        return {
            (r["item_no"] or "").upper(): ItemRef(
                r["item_no"] or "",
                r["description"] or "",
                r["uom"] or "",
                money(r["price"]),
            )
            for r in rows
        }

    # Orders
    def find_order_by_po(self, customer_no: str, customer_po: str) -> OrderRef | None:
        return self._flow(
            "find_order_by_po", lambda: self._search_po(customer_no, customer_po)
        )

    def _search_po(self, customer_no: str, customer_po: str) -> OrderRef | None:
        ui, step, screen = self.ui, "find_order_by_po", "order_search"
        query = {"customer_po": customer_po.strip(), "customer_no": customer_no}
        ui.open(screen, step, query=query)
        rows = ui.list_rows(
            screen,
            ["results", "no_results"],
            "row",
            {
                "so_number": "cell_so_number",
                "customer_no": "cell_customer_no",
                "customer_po": "cell_customer_po",
                "order_date": "cell_order_date",
                "status": "cell_status",
                "total": "cell_total",
            },
            step,
        )
        wanted = customer_po.strip().upper()
        for r in rows:
            if (r["customer_po"] or "").strip().upper() == wanted and (
                r["customer_no"] or ""
            ).upper() == customer_no.strip().upper():
                return OrderRef(
                    so_number=r["so_number"] or "",
                    customer_no=r["customer_no"] or "",
                    customer_po=r["customer_po"] or "",
                    status=r["status"] or "",
                    total=money(r["total"]),
                    order_date=day(r["order_date"]),
                )
        return None

    def enter_order(self, entry: OrderEntry) -> str:
        header = entry.header

        def already_done() -> str | None:
            found = self._search_po(header.customer_no, header.customer_po)
            return found.so_number if found else None

        so_number = self._flow(
            "enter_order", lambda: self._enter_order_once(entry), already_done
        )
        log.info(
            "sales order %s entered for %s PO %s (%d lines)",
            so_number,
            header.customer_no,
            header.customer_po,
            len(entry.lines),
        )
        return so_number

    def _enter_order_once(self, entry: OrderEntry) -> str:
        from bots.adapters.erp.sandbox_orders import enter_order

        return enter_order(self.ui, entry)

    def order_statuses(self, status: str | None = None) -> list[OrderStatus]:
        return self._flow("order_statuses", lambda: self._read_statuses(status))

    def _read_statuses(self, status: str | None) -> list[OrderStatus]:
        ui, step, screen = self.ui, "order_statuses", "order_status"
        ui.open(screen, step, query={"status": status or ""})

        def read() -> list[dict[str, str | None]]:
            return ui.list_rows(
                screen, ["list", "no_results"], "row", STATUS_CELLS, step
            )

        return [_status(r) for r in ui.each_page(screen, "next_page", step, read)]

    def order_detail(self, so_number: str) -> OrderStatus:
        from bots.adapters.erp.sandbox_orders import read_order_detail

        return self._flow("order_detail", lambda: read_order_detail(self.ui, so_number))

    # Receivables and cash application
    def download_open_items(
        self, dest_dir: Path, customer_no: str | None = None
    ) -> Path:
        return self._flow(
            "download_open_items", lambda: self._download(dest_dir, customer_no)
        )

    def _download(self, dest_dir: Path, customer_no: str | None) -> Path:
        ui, step, screen = self.ui, "download_open_items", "open_items"
        ui.open(screen, step, query={"customer_no": customer_no or ""})
        link = ui.require(screen, "export_excel", step)
        download = ui.download(link, step)
        dest_dir.mkdir(parents=True, exist_ok=True)
        name = Path(download.suggested_filename or "open_items.xlsx").name
        target = dest_dir / name
        download.save_as(target)
        log.info("open items downloaded to %s", target)
        return target

    def find_payment(self, bank_ref: str) -> PostedPayment | None:
        from bots.adapters.erp.sandbox_cash import search_payment

        return self._flow("find_payment", lambda: search_payment(self.ui, bank_ref))

    def post_payment(self, payment: PaymentPosting) -> str:
        from bots.adapters.erp.sandbox_cash import post_payment, search_payment

        def already_done() -> str | None:
            found = search_payment(self.ui, payment.bank_ref)
            return found.document if found else None

        document = self._flow(
            "post_payment", lambda: post_payment(self.ui, payment), already_done
        )
        log.info(
            "payment %s posted as %s (%s %s, %d invoices)",
            payment.bank_ref,
            document,
            payment.amount,
            payment.currency,
            len(payment.applications),
        )
        return document


def _status(r: dict[str, str | None]) -> OrderStatus:
    return OrderStatus(
        so_number=r["so_number"] or "",
        customer_no=r["customer_no"] or "",
        customer_po=r["customer_po"] or "",
        status=(r["status"] or "").lower(),
        confirmed_date=day(r["confirmed_date"]),
        carrier=r["carrier"] or None,
        tracking=r["tracking"] or None,
        ship_date=day(r["ship_date"]),
        backorder_date=day(r["backorder_date"]),
        reason=r["reason"] or None,
        updated=timestamp(r["updated"]),
    )


def _part_key(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()

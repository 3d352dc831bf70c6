"""The ERP adapter for Tryton 6.0, through its web client (sao) in Chromium.

Every locator comes from `selectors/tryton.yaml`. Sales are entered through the
sale form (party, Reference = the customer PO, one line per PO line through the line
dialog, Save, Quote). Look-ups are read from the screens as a clerk would: parties
(with e-mails and addresses), products and open invoices through their lists' CSV
export, filtered by a URL domain (`tryton_lists.py`, exact where a list screen is
paged and formatted); sales by Reference through the sale list and form.
Customer part numbers come from the `erp.part_map` CSV (Tryton 6.0 has no customer
part numbers in base sale). Payments are entered as bank statements of the
`account_statement` module through its statement screens, which also tell whether
a bank reference was entered before (`tryton_cash.py`).
"""

from __future__ import annotations

import csv
import logging
import re
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

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
from bots.adapters.erp.tryton_lists import read_list
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import BusinessError, ConfigError, SystemUnavailable, TechnicalError

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

SELECTOR_FILE = "tryton"
# The columns of the list exports (their field paths: the `*_export` selectors).
COMPANY_COLUMNS = ("party_id", "currency")
CUSTOMER_RELATED = {
    "contacts": ("contact_id", "contact_type", "contact_value"),
    "addresses": ("address_id", "address"),
}
CUSTOMER_COLUMNS = (
    "party_id",
    "customer_no",
    "name",
    *sum(CUSTOMER_RELATED.values(), ()),
)
PRODUCT_COLUMNS = ("item_no", "description", "price", "uom")
CENT = Decimal("0.01")


class TrytonErp(ErpAdapter):
    """Tryton's web client driven through Chromium."""

    def __init__(self, settings: Settings, run_dir: Path | None = None) -> None:
        if not settings.erp.database:
            raise ConfigError(
                "erp.database", "Tryton needs the database name", "set erp.database"
            )
        self.settings = settings
        self.database = settings.erp.database
        self.run_dir = run_dir
        self.sel = selectors.load(settings, SELECTOR_FILE)
        self.evidence_dir = (
            run_dir / "erp-evidence" if run_dir else settings.artifacts_dir / "erp"
        )
        self._browser: BrowserSession | None = None
        self._ui: SaoScreens | None = None
        self._customers: dict[str, Customer] | None = None
        self._part_map: dict[str, dict[str, tuple[str, Decimal | None]]] | None = None
        self._products: dict[str, ItemRef] = {}
        self._asked: set[str] = set()  # codes looked for, found or not (one export)

    # Session
    @property
    def ui(self) -> SaoScreens:
        if self._ui is None:
            raise TechnicalError(
                "session_expired", "the Tryton adapter is not open", step="open"
            )
        return self._ui

    def open(self) -> None:
        self._browser = BrowserSession(self.settings, self.run_dir, name="tryton")
        self._browser.start()
        page = self._browser.new_page()
        self._ui = SaoScreens(
            self._browser,
            page,
            self.sel,
            self.settings.erp.url,
            self.database,
            self.evidence_dir,
        )
        try:
            self._login()
        except PlaywrightError as exc:
            self.close()
            raise TechnicalError(
                "browser_error", f"the Tryton login failed: {exc}", step="login"
            ) from exc
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        self._browser = self._ui = None

    def _login(self) -> None:
        ui, step = self.ui, "login"
        password = self.settings.secret("erp.password")
        ui.goto("home", step)
        page = ui.page
        user = ui.require(page, "login", "user", step)
        user.fill(self.settings.erp.username)
        ui.click(page, "login", "submit", step)
        field = ui.require(page, "login", "password", step)
        button = ui.require(page, "login", "password_ok", step)
        assert self._browser is not None
        self._browser.secret_fill(field, password, submit=button)
        ui.wait_quiet(step)
        if ui.visible(page, "login", "password") or not ui.visible(
            page, "login", "ready"
        ):
            raise SystemUnavailable(
                "login_failed",
                f"Tryton refused the login of user '{self.settings.erp.username}' "
                f"to database '{self.database}'; check erp.username, erp.database "
                "and the erp.password secret",
                step=step,
            )
        log.info("logged in to Tryton as %s", self.settings.erp.username)
        ui.renew = self._login_again

    def _login_again(self, step: str) -> None:
        """Answer the client's password dialog after Tryton ended the session."""
        ui, page = self.ui, self.ui.page
        field = ui.require(page, "login", "password", step)
        button = ui.require(page, "login", "password_ok", step)
        assert self._browser is not None
        self._browser.secret_fill(
            field, self.settings.secret("erp.password"), submit=button
        )
        ui.wait_quiet(step)
        if ui.visible(page, "login", "password"):
            raise SystemUnavailable(
                "login_failed",
                f"Tryton ended the session and refused the login of user "
                f"'{self.settings.erp.username}' again; check the erp.password secret",
                step=step,
            )

    def _guard(self, step: str) -> _Guard:
        return _Guard(self, step)

    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]:
        if self._ui is None:
            log.info("no Tryton screen to capture: the adapter is closed")
            return []
        return self._ui.capture(dest_dir, name)

    # Customers and items
    def list_customers(self) -> list[Customer]:
        if self._customers is None:
            with self._guard("list_customers"):
                self._customers = self._read_customers()
        return sorted(self._customers.values(), key=lambda c: c.customer_no)

    def _read_customers(self) -> dict[str, Customer]:
        """Parties with a code - not the company's own - from the party list's
        export: their e-mail contact mechanisms and addresses (by id)."""
        ui, step = self.ui, "list_customers"
        currency, own_party = self._company()
        domain: list[Any] = [["code", "!=", None]]
        if own_party is not None:
            domain.append(["id", "!=", own_party])
        parties = read_list(
            ui,
            "party_list",
            domain,
            "customers_export",
            CUSTOMER_COLUMNS,
            step,
            related=CUSTOMER_RELATED,
        )
        customers: dict[str, Customer] = {}
        for party in parties:
            code = party.values["customer_no"].strip().upper()
            customer = Customer(code, party.values["name"].strip(), currency)
            customers[code] = customer
            for mechanism in party.related["contacts"]:
                if mechanism["contact_type"].strip() == "email":
                    email = mechanism["contact_value"].strip()
                    customer.emails.append(email)
                    customer.contacts.append(Contact("", email, ""))
            addresses = party.related["addresses"]
            for address in sorted(addresses, key=lambda a: _id(ui, a["address_id"])):
                text = ", ".join(
                    line.strip()
                    for line in address["address"].splitlines()
                    if line.strip()
                )
                number = f"SH{len(customer.ship_to) + 1:02d}"
                customer.ship_to.append(Address(number, text))
        log.info("%d customers read from Tryton's party list", len(customers))
        return customers

    def _company(self) -> tuple[str, int | None]:
        """The company's currency and its own party (not a customer), from the
        company list's export."""
        ui, step = self.ui, "list_customers"
        companies = read_list(
            ui, "company_list", [], "company_export", COMPANY_COLUMNS, step
        )
        if not companies:
            return "", None
        first = companies[0].values
        return first["currency"].strip(), _id(ui, first["party_id"])

    def get_customer(self, customer_no: str) -> Customer:
        key = customer_no.strip().upper()
        found = {c.customer_no: c for c in self.list_customers()}.get(key)
        if found is None:
            raise BusinessError(
                "unknown_customer",
                f"customer {key} is not a party code in Tryton",
                step="get_customer",
            )
        return found

    def cross_reference(self, customer_no: str) -> list[ItemRef]:
        key = customer_no.strip().upper()
        mapping = self._mapping().get(key, {})
        products = self._read_products(sorted({i for i, _ in mapping.values()}))
        return [
            _with_part(products[item_no], part, price)
            for part, (item_no, price) in mapping.items()
            if item_no in products
        ]

    def find_item(self, customer_no: str, customer_sku: str) -> ItemRef | None:
        wanted = _part_key(customer_sku)
        mapped = self._mapping().get(customer_no.strip().upper(), {})
        # One export for all the customer's mapped items, not one per PO line.
        self._read_products(sorted({item for item, _ in mapped.values()}))
        for part, (item_no, price) in mapped.items():
            if _part_key(part) == wanted:
                found = self._read_products([item_no]).get(item_no)
                return _with_part(found, part, price) if found else None
        code = customer_sku.strip()
        own = self._read_products([code]).get(code)
        for part, (
            item_no,
            price,
        ) in mapped.items():  # our number, the customer's price
            if own is not None and item_no == own.item_no:
                return _with_part(own, part, price)
        return own

    def _mapping(self) -> dict[str, dict[str, tuple[str, Decimal | None]]]:
        """customer number -> {customer part -> (our item, the customer's price)}
        from erp.part_map."""
        if self._part_map is None:
            self._part_map = read_part_map(self.settings.erp.part_map)
        return self._part_map

    def _read_products(self, codes: list[str]) -> dict[str, ItemRef]:
        """Salable products by code from the product list's export (cached)."""
        missing = [c for c in codes if c not in self._asked]
        if missing:
            ui, step = self.ui, "find_item"
            with self._guard(step):
                rows = read_list(
                    ui,
                    "product_list",
                    [["code", "in", missing], ["salable", "=", True]],
                    "products_export",
                    PRODUCT_COLUMNS,
                    step,
                )
            for row in rows:
                values = {k: v.strip() for k, v in row.values.items()}
                try:  # sao exports a number: '37.2' for Tryton's 37.20
                    price = Decimal(values["price"])
                    if price.as_tuple().exponent > -2:  # type: ignore[operator]
                        price = price.quantize(CENT)
                except ArithmeticError:
                    raise ui.failure(
                        "unexpected_screen",
                        f"product {values['item_no']}: the list price "
                        f"'{values['price']}' is no plain number",
                        step,
                    ) from None
                self._products[values["item_no"]] = ItemRef(
                    item_no=values["item_no"],
                    description=values["description"],
                    uom=values["uom"],
                    price=price,
                )
            self._asked.update(missing)  # only once the export was read
        return {c: self._products[c] for c in codes if c in self._products}

    # Orders
    def find_order_by_po(self, customer_no: str, customer_po: str) -> OrderRef | None:
        from bots.adapters.erp.tryton_orders import find_sale

        with self._guard("find_order_by_po"):
            return find_sale(self.ui, customer_no, customer_po)

    def enter_order(self, entry: OrderEntry) -> str:
        from bots.adapters.erp.tryton_orders import enter_sale

        header = entry.header
        existing = self.find_order_by_po(header.customer_no, header.customer_po)
        if existing is not None:
            raise BusinessError(
                "duplicate_po",
                f"PO {header.customer_po} of {header.customer_no} is already sale "
                f"{existing.so_number} in Tryton",
                step="enter_order",
                details={"so_number": existing.so_number},
            )
        customer = self.get_customer(header.customer_no)
        lines = [
            (self._item_for(header.customer_no, line.item_no), line)
            for line in entry.lines
        ]
        with self._guard("enter_order"):
            number = enter_sale(self.ui, customer, header, lines)
        log.info(
            "sale %s entered in Tryton for %s PO %s (%d lines)",
            number,
            header.customer_no,
            header.customer_po,
            len(entry.lines),
        )
        return number

    def _item_for(self, customer_no: str, item_no: str) -> ItemRef:
        found = self.find_item(customer_no, item_no)
        if found is None:
            raise BusinessError(
                "erp_rejected",
                f"item {item_no} is neither a Tryton product code nor a part number "
                f"of {customer_no} in the part map",
                step="enter_order",
            )
        return found

    def order_statuses(self, status: str | None = None) -> list[OrderStatus]:
        raise TechnicalError(
            "not_supported",
            "the Tryton adapter does not read order statuses yet (status updates "
            "run on the sandbox ERP only)",
            step="order_statuses",
        )

    def order_detail(self, so_number: str) -> OrderStatus:
        raise TechnicalError(
            "not_supported",
            "the Tryton adapter does not read order details yet",
            step="order_detail",
        )

    # Receivables and cash application
    def download_open_items(
        self, dest_dir: Path, customer_no: str | None = None
    ) -> Path:
        from bots.adapters.erp.tryton_cash import download_open_items

        with self._guard("download_open_items"):
            return download_open_items(self.ui, dest_dir, customer_no)

    def find_payment(self, bank_ref: str) -> PostedPayment | None:
        from bots.adapters.erp.tryton_cash import find_statement

        with self._guard("find_payment"):
            return find_statement(self.ui, bank_ref)

    def post_payment(self, payment: PaymentPosting) -> str:
        from bots.adapters.erp.tryton_cash import find_statement, post_statement

        with self._guard("post_payment"):
            earlier = find_statement(self.ui, payment.bank_ref)
            if earlier is not None:
                raise BusinessError(
                    "duplicate_bank_ref",
                    f"bank reference {payment.bank_ref} was already posted in "
                    f"Tryton as {earlier.document}",
                    step="post_payment",
                    details={"document": earlier.document},
                )
            customer = self.get_customer(payment.payer)
            document = post_statement(self.ui, payment, customer)
        log.info(
            "payment %s posted in Tryton as %s (%s %s, %d invoices)",
            payment.bank_ref,
            document,
            payment.amount,
            payment.currency,
            len(payment.applications),
        )
        return document


class _Guard:
    """Turns a Playwright error inside a flow into the technical error with evidence."""

    def __init__(self, erp: TrytonErp, step: str) -> None:
        self.erp = erp
        self.step = step

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, PlaywrightError):
            raise self.erp.ui.browser_failure(exc, self.step) from exc


def read_part_map(
    path: Path | None,
) -> dict[str, dict[str, tuple[str, Decimal | None]]]:
    """The `erp.part_map` CSV: customer_no, customer_part, item_no[, price] - the
    price, when given, is the customer's price for that item."""
    if path is None:
        return {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ConfigError(
            "erp.part_map", f"{path} cannot be read ({exc.strerror})", "fix the path"
        ) from exc
    mapping: dict[str, dict[str, tuple[str, Decimal | None]]] = {}
    for number, row in enumerate(rows, start=2):
        customer, part, item = (
            (row.get(k) or "").strip()
            for k in ("customer_no", "customer_part", "item_no")
        )
        if not (customer and part and item):
            raise ConfigError(
                "erp.part_map",
                f"{path.name} line {number} lacks customer_no, customer_part or item_no",
                "correct the file",
            )
        price = _price(path, number, row.get("price"))
        mapping.setdefault(customer.upper(), {})[part] = (item, price)
    return mapping


def _price(path: Path, number: int, text: str | None) -> Decimal | None:
    if not (text or "").strip():
        return None
    try:
        return Decimal(str(text).strip())
    except ArithmeticError as exc:
        raise ConfigError(
            "erp.part_map",
            f"{path.name} line {number}: the price '{text}' is not a number",
            "correct the file",
        ) from exc


def _with_part(ref: ItemRef, part: str, price: Decimal | None) -> ItemRef:
    return ItemRef(ref.item_no, ref.description, ref.uom, price or ref.price, part)


def _id(ui: SaoScreens, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ui.failure(
            "unexpected_screen", f"the exported id '{text}' is no number", "export"
        ) from None


def _part_key(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()

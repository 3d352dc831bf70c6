"""Portal A ("Supplier Hub" style): a newer portal with a cookie banner,
JavaScript-rendered PO screens and modal dialogs that post JSON. Driven through
Chromium; every locator from `selectors/portal-a.yaml`."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from bots.adapters.browser import browser_failure
from bots.adapters.portals.base import (
    Communication,
    PortalAdapter,
    PortalLine,
    PortalPO,
    PostResult,
    parse_quantity,
)
from bots.adapters.portals.screens import PortalScreens, SessionExpired
from bots.config import Settings
from bots.errors import BusinessError, TechnicalError

log = logging.getLogger(__name__)

# The portal's camelCase field names, as ours.
FIELD_NAMES = {
    "orderNumber": "order_number",
    "confirmedDate": "confirmed_date",
    "carrier": "carrier",
    "trackingNumber": "tracking_number",
    "shipDate": "ship_date",
    "quantities": "quantities",
    "newDate": "new_date",
    "reason": "reason",
}


class PortalA(PortalScreens, PortalAdapter):
    selector_file = "portal-a"

    def __init__(self, settings: Settings, name: str, run_dir: Path | None) -> None:
        super().__init__(settings, name, run_dir)
        self.name = name

    # Session
    def open(self) -> None:
        self.start()
        try:
            self.login()
        except BaseException:
            self.stop()
            raise

    def close(self) -> None:
        self.stop()

    def login(self) -> None:
        password = self.settings.secret(f"portals.{self.name}.password")
        self.goto(self.sel.path("signin"), "login")
        self.accept_cookies()
        self.wait_for("signin", "username", "login")
        self.page.fill(self.sel.get("signin", "username"), self.config.username)
        self.session.secret_fill(
            self.page.locator(self.sel.get("signin", "password")),
            password,
            submit=self.page.locator(self.sel.get("signin", "submit")),
        )
        self.dismiss_notice()
        if "/signin" in self.page.url:
            message = self.text("signin", "error") or "the portal refused the login"
            raise TechnicalError(
                "login_failed", f"{self.name}: {message}", step="login"
            )
        log.info("%s: logged in as %s", self.name, self.config.username)

    def accept_cookies(self) -> None:
        if self.visible("common", "cookie_accept"):
            self.page.click(self.sel.get("common", "cookie_accept"))

    def _open_po(self, po_number: str, step: str) -> bool:
        self.goto(self.sel.path("order_detail", po_number=po_number), step)
        if "/signin" in self.page.url:
            raise SessionExpired()
        self.accept_cookies()
        loaded = self.sel.get("order_detail", "loaded")
        missing = self.sel.get("order_detail", "not_found")
        try:
            self.page.locator(f"{loaded}, {missing}").first.wait_for(
                timeout=self.settings.browser.timeout_ms
            )
        except PlaywrightError as exc:
            raise TechnicalError(
                "selector_missing",
                f"{self.name}: the PO screen never showed its detail ({loaded}); the "
                "portal may have changed - check selectors/portal-a.yaml",
                step=step,
            ) from exc
        return not self.visible("order_detail", "not_found")

    # Reading
    def find_po(self, po_number: str) -> PortalPO | None:
        return self.with_relogin(lambda: self._read_po(po_number), self.login)

    def _read_po(self, po_number: str) -> PortalPO | None:
        if not self._open_po(po_number, "find PO"):
            return None
        return PortalPO(
            po_number=po_number,
            status=self.text("order_detail", "status").lower(),
            lines=self._lines(),
            communications=self._communications(),
        )

    def _lines(self) -> list[PortalLine]:
        sel = self.sel
        lines = []
        for row in self.page.locator(sel.get("order_detail", "line_row")).all():

            def cell(name: str, row: Locator = row) -> str:
                return (
                    row.locator(sel.get("order_detail", name))
                    .first.inner_text()
                    .strip()
                )

            lines.append(
                PortalLine(
                    line=row.get_attribute("data-line") or cell("line_no"),
                    sku=cell("line_sku"),
                    quantity=parse_quantity(cell("line_quantity")),
                    shipped=parse_quantity(cell("line_shipped")),
                )
            )
        return lines

    def _communications(self) -> list[Communication]:
        sel = self.sel
        found = []
        for item in self.page.locator(sel.get("order_detail", "communication")).all():
            fields: dict[str, str] = {}
            for key, ours in FIELD_NAMES.items():
                field = item.locator(
                    sel.get("order_detail", "communication_field", field=key)
                )
                if field.count():
                    # "<b>Label: </b>value": keep the value
                    shown = field.first.inner_text().strip()
                    fields[ours] = shown.partition(": ")[2].strip() or shown
            found.append(
                Communication(type=item.get_attribute("data-type") or "", fields=fields)
            )
        return found

    # Posting
    def post_acknowledgment(
        self, po_number: str, order_number: str, confirmed_date: date
    ) -> PostResult:
        def post() -> PostResult:
            self._start_modal(po_number, "acknowledge_button", "ack_modal")
            self.page.fill(self.sel.get("ack_modal", "order_number"), order_number)
            self.page.fill(
                self.sel.get("ack_modal", "confirmed_date"), confirmed_date.isoformat()
            )
            return self._submit("ack_modal", f"acknowledge {po_number}")

        return self.with_relogin(post, self.login)

    def post_ship_notice(
        self,
        po_number: str,
        carrier: str,
        tracking: str,
        ship_date: date,
        quantities: dict[str, Decimal],
    ) -> PostResult:
        def post() -> PostResult:
            po = self.require_po(po_number, "ship notice")
            self._start_modal(
                po_number, "ship_notice_button", "ship_modal", reload=False
            )
            self.page.fill(self.sel.get("ship_modal", "carrier"), carrier)
            self.page.fill(self.sel.get("ship_modal", "tracking_number"), tracking)
            self.page.fill(
                self.sel.get("ship_modal", "ship_date"), ship_date.isoformat()
            )
            for line in po.lines:
                quantity = quantities.get(line.sku)
                if quantity:
                    self.page.fill(
                        self.sel.get("ship_modal", "line_quantity", line=line.line),
                        str(quantity),
                    )
            return self._submit("ship_modal", f"ship notice {po_number}")

        return self.with_relogin(post, self.login)

    def post_delay_notice(
        self, po_number: str, new_date: date, reason: str
    ) -> PostResult:
        def post() -> PostResult:
            self._start_modal(po_number, "delay_notice_button", "delay_modal")
            self.page.fill(
                self.sel.get("delay_modal", "new_date"), new_date.isoformat()
            )
            self.page.fill(self.sel.get("delay_modal", "reason"), reason)
            return self._submit("delay_modal", f"delay notice {po_number}")

        return self.with_relogin(post, self.login)

    def _start_modal(
        self, po_number: str, button: str, modal: str, reload: bool = True
    ) -> None:
        if reload and not self._open_po(po_number, modal):
            raise BusinessError(
                "po_not_found", f"{self.name} has no PO {po_number}", step=modal
            )
        self.wait_for("order_detail", button, modal)
        self.page.click(self.sel.get("order_detail", button))
        self.wait_for(modal, "submit", modal)

    def _submit(self, modal: str, step: str) -> PostResult:
        sel = self.sel
        success = sel.get("order_detail", "toast_success")
        info = sel.get("order_detail", "toast_info")
        error = sel.get(modal, "error")
        self.page.click(sel.get(modal, "submit"))
        try:
            self.page.locator(f"{success}, {info}, {error}:not(:empty)").first.wait_for(
                timeout=self.settings.browser.timeout_ms
            )
        except PlaywrightError as exc:
            if "/signin" in self.page.url:
                raise SessionExpired() from exc
            raise browser_failure(exc, step) from exc
        if self.visible(modal, "error"):
            message = self.text(modal, "error")
            raise BusinessError(
                "portal_rejected",
                f"{self.name}: {message}",
                step=step,
                details={"portal_message": message},
            )
        created = self.visible("order_detail", "toast_success")
        message = self.text(
            "order_detail", "toast_success" if created else "toast_info"
        )
        log.info("%s: %s: %s", self.name, step, message)
        return PostResult(created=created, message=message)

    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]:
        return self.capture(dest_dir, name)

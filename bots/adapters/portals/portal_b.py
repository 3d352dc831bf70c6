"""Portal B ("Vendor Self Service" style): an old portal with a frameset, table layout
and server-side forms, dates typed as MM/DD/YYYY. Content pages are opened directly at
their URLs; every locator from `selectors/portal-b.yaml`."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Locator

from bots.adapters.portals.base import (
    ACK,
    DELAY,
    SHIP,
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

HISTORY_TYPES = {
    "ORDER ACKNOWLEDGMENT": ACK,
    "ADVANCE SHIP NOTICE": SHIP,
    "DELAY NOTIFICATION": DELAY,
}
# Words in the history's "Label: value" details, and our field names.
DETAIL_LABELS = (
    ("sales order", "order_number"),
    ("confirm", "confirmed_date"),
    ("carrier", "carrier"),
    ("track", "tracking_number"),
    ("ship date", "ship_date"),
    ("new", "new_date"),
    ("reason", "reason"),
)
# The portal's delay reason codes, chosen by words in our reason.
REASON_CODES = (
    ("01", ("material", "supplier", "shortage", "backorder", "stock")),
    ("02", ("production", "manufactur")),
    ("03", ("transport", "carrier", "port", "freight", "shipping")),
    ("04", ("force majeure", "flood", "strike", "fire", "storm")),
)


def us_date(value: date) -> str:
    return value.strftime("%m/%d/%Y")


def reason_code(reason: str) -> str:
    lowered = reason.lower()
    for code, words in REASON_CODES:
        if any(word in lowered for word in words):
            return code
    return "99"


def parse_details(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for part in text.split(";"):
        label, _, value = part.partition(":")
        label = label.strip().lower()
        for word, name in DETAIL_LABELS:
            if word in label and name not in fields:
                fields[name] = value.strip()
                break
    return fields


class PortalB(PortalScreens, PortalAdapter):
    selector_file = "portal-b"

    def __init__(self, settings: Settings, name: str, run_dir: Path | None) -> None:
        super().__init__(settings, name, run_dir)

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
        self.goto(self.sel.path("logon"), "login")
        self.wait_for("logon", "username", "login")
        self.page.fill(self.sel.get("logon", "username"), self.config.username)
        self.session.secret_fill(
            self.page.locator(self.sel.get("logon", "password")),
            password,
            submit=self.page.locator(self.sel.get("logon", "submit")),
        )
        if "logon.do" in self.page.url:
            message = self.text("logon", "error") or "the portal refused the logon"
            raise TechnicalError(
                "login_failed", f"{self.name}: {message}", step="login"
            )
        log.info("%s: logged on as %s", self.name, self.config.username)

    def _open(self, path: str, step: str) -> None:
        self.goto(path, step)
        if "logon.do" in self.page.url:
            raise SessionExpired()

    # Reading
    def find_po(self, po_number: str) -> PortalPO | None:
        return self.with_relogin(lambda: self._read_po(po_number), self.login)

    def _read_po(self, po_number: str) -> PortalPO | None:
        self._open(self.sel.path("po_detail", po_number=po_number), "find PO")
        if not self.visible("po_detail", "header"):
            if self.visible("common", "message_error"):
                return None
            self.wait_for("po_detail", "header", "find PO")
        return PortalPO(
            po_number=po_number,
            status=self.text("po_detail", "status").lower().replace(" ", "_"),
            lines=self._lines(),
            communications=self._history(),
        )

    def _lines(self) -> list[PortalLine]:
        sel = self.sel
        lines = []
        for row in self.page.locator(sel.get("po_detail", "item_row")).all():

            def cell(name: str, row: Locator = row) -> str:
                return (
                    row.locator(sel.get("po_detail", name)).first.inner_text().strip()
                )

            lines.append(
                PortalLine(
                    line=cell("cell_item"),
                    sku=cell("cell_material"),
                    quantity=parse_quantity(cell("cell_quantity")),
                    shipped=parse_quantity(cell("cell_shipped")),
                )
            )
        return lines

    def _history(self) -> list[Communication]:
        sel = self.sel
        found = []
        for row in self.page.locator(sel.get("po_detail", "history_row")).all():
            kind = row.locator(sel.get("po_detail", "history_type")).first.inner_text()
            details = row.locator(
                sel.get("po_detail", "history_details")
            ).first.inner_text()
            found.append(
                Communication(
                    type=HISTORY_TYPES.get(kind.strip().upper(), kind),
                    fields=parse_details(details),
                )
            )
        return found

    # Posting
    def post_acknowledgment(
        self, po_number: str, order_number: str, confirmed_date: date
    ) -> PostResult:
        def post() -> PostResult:
            self._form(po_number, "acknowledgment")
            self.page.fill(self.sel.get("acknowledgment", "order_number"), order_number)
            self.page.fill(
                self.sel.get("acknowledgment", "confirmed_date"),
                us_date(confirmed_date),
            )
            return self._save("acknowledgment", f"acknowledge {po_number}")

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
            self._form(po_number, "ship_notice")
            self.page.fill(self.sel.get("ship_notice", "carrier"), carrier)
            self.page.fill(self.sel.get("ship_notice", "tracking_number"), tracking)
            self.page.fill(self.sel.get("ship_notice", "ship_date"), us_date(ship_date))
            for line in po.lines:
                quantity = quantities.get(line.sku)
                if quantity:
                    self.page.fill(
                        self.sel.get("ship_notice", "item_quantity", item=line.line),
                        str(quantity),
                    )
            return self._save("ship_notice", f"ship notice {po_number}")

        return self.with_relogin(post, self.login)

    def post_delay_notice(
        self, po_number: str, new_date: date, reason: str
    ) -> PostResult:
        def post() -> PostResult:
            self._form(po_number, "delay_notice")
            self.page.fill(self.sel.get("delay_notice", "new_date"), us_date(new_date))
            self.page.select_option(
                self.sel.get("delay_notice", "reason_code"), reason_code(reason)
            )
            self.page.fill(self.sel.get("delay_notice", "reason_text"), reason)
            return self._save("delay_notice", f"delay notice {po_number}")

        return self.with_relogin(post, self.login)

    def _form(self, po_number: str, screen: str) -> None:
        self._open(self.sel.path(screen, po_number=po_number), screen)
        if not self.visible(screen, "form") and self.visible("common", "message_error"):
            message = self.text("common", "message_error")
            raise BusinessError("po_not_found", f"{self.name}: {message}", step=screen)
        self.wait_for(screen, "submit", screen)

    def _save(self, screen: str, step: str) -> PostResult:
        self.page.click(self.sel.get(screen, "submit"))
        self.page.wait_for_load_state("load")
        if "logon.do" in self.page.url:
            raise SessionExpired()
        self.dismiss_notice()
        if self.visible("common", "message_error"):
            message = self.text("common", "message_error")
            raise BusinessError(
                "portal_rejected",
                f"{self.name}: {message}",
                step=step,
                details={"portal_message": message},
            )
        if self.visible("common", "message_ok"):
            message = self.text("common", "message_ok")
            log.info("%s: %s: %s", self.name, step, message)
            return PostResult(created=True, message=message)
        if self.visible("common", "message_warning"):
            return PostResult(
                created=False, message=self.text("common", "message_warning")
            )
        raise TechnicalError(
            "selector_missing",
            f"{self.name}: no confirmation after saving ({step}); "
            "check selectors/portal-b.yaml",
            step=step,
        )

    def capture_evidence(self, dest_dir: Path, name: str) -> list[Path]:
        return self.capture(dest_dir, name)

"""Browser plumbing shared by the portal adapters: a session with its selector file,
navigation that turns HTTP errors and maintenance pages into technical errors, waiting
for an element with a clear `selector_missing` error, and re-login on expiry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from bots.adapters import selectors
from bots.adapters.browser import BrowserSession, browser_failure
from bots.config import Settings
from bots.errors import BusinessError, TechnicalError

log = logging.getLogger(__name__)
T = TypeVar("T")


class SessionExpired(Exception):
    """The portal sent us back to its login page."""


class PortalScreens:
    """A browser session on one portal, with its selectors and base URL."""

    selector_file = ""

    def __init__(self, settings: Settings, name: str, run_dir: Path | None) -> None:
        self.settings = settings
        self.name = name
        self.config = settings.portals[name]
        self.base_url = self.config.url.rstrip("/")
        self.sel = selectors.load(settings, self.selector_file)
        self.session = BrowserSession(settings, run_dir, name=name)
        self._page: Page | None = None

    @property
    def page(self) -> Page:
        if self._page is None:
            raise TechnicalError(
                "browser_error", f"{self.name} is not open", step="portal"
            )
        return self._page

    def start(self) -> None:
        self.session.start()
        self._page = self.session.new_page()

    def stop(self) -> None:
        self.session.close()
        self._page = None

    def goto(self, path: str, step: str) -> None:
        url = self.base_url + path
        try:
            response = self.page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            raise browser_failure(exc, step) from exc
        status = response.status if response else 200
        if status == 503:
            raise TechnicalError(
                "maintenance",
                f"{self.name} is down for maintenance (HTTP 503)",
                step=step,
            )
        if status >= 500:
            raise TechnicalError(
                "http_error", f"{self.name} answered HTTP {status}", step=step
            )
        self.dismiss_notice()

    def dismiss_notice(self) -> None:
        self.session.dismiss_modals(
            self.page, [self.sel.get("common", "system_message_ok")]
        )

    def wait_for(
        self,
        screen: str,
        element: str,
        step: str,
        *,
        timeout_ms: int | None = None,
        **fields: str,
    ) -> None:
        selector = self.sel.get(screen, element, **fields)
        try:
            self.page.locator(selector).first.wait_for(
                state="attached", timeout=timeout_ms or self.settings.browser.timeout_ms
            )
        except PlaywrightError as exc:
            raise TechnicalError(
                "selector_missing",
                f"{self.name}: the screen has no '{screen}.{element}' ({selector}); "
                "the portal may have changed - check selectors/"
                f"{self.selector_file}.yaml",
                step=step,
            ) from exc

    def visible(self, screen: str, element: str, **fields: str) -> bool:
        locator = self.page.locator(self.sel.get(screen, element, **fields))
        return locator.count() > 0 and locator.first.is_visible()

    def text(self, screen: str, element: str, **fields: str) -> str:
        locator = self.page.locator(self.sel.get(screen, element, **fields))
        return locator.first.inner_text().strip() if locator.count() else ""

    def require_po(self, po_number: str, step: str) -> Any:
        """The PO as the portal shows it; BusinessError `po_not_found` without one."""
        po = self._read_po(po_number)
        if po is None:
            raise BusinessError(
                "po_not_found", f"{self.name} has no PO {po_number}", step=step
            )
        return po

    def _read_po(self, po_number: str) -> Any:
        raise NotImplementedError

    def capture(self, dest_dir: Path, name: str) -> list[Path]:
        if self._page is None:
            return []
        return self.session.capture(self.page, dest_dir, name)

    def with_relogin(self, action: Callable[[], T], login: Callable[[], None]) -> T:
        """Run `action`; when the portal expired the session, log in and run it once
        more (callers check before acting, so a second run never posts twice)."""
        try:
            return action()
        except SessionExpired:
            log.warning("%s: session expired, logging in again", self.name)
            login()
        try:
            return action()
        except SessionExpired as exc:
            raise TechnicalError(
                "session_expired", f"{self.name} keeps ending the session", step="login"
            ) from exc
        except PlaywrightError as exc:
            raise browser_failure(exc, "portal") from exc

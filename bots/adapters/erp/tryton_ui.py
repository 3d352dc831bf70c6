"""Driving Tryton's web client (sao, a single-page Bootstrap app) with Playwright.

`SaoScreens` wraps one page and the `tryton` selector file. It waits on what the
client is doing - it counts the requests in flight and waits for a quiet spell,
because `networkidle` returns too early and late defaults overwrite early typing -
and works inside the active tab only (ids repeat across tabs). It knows sao's field
kinds: number fields (a text input that swaps to a hidden `type=number` input on
focus), lookup fields (type, wait for the suggestion list, click the entry) and the
info bar that says whether a save worked. A locator that matches nothing becomes
TechnicalError `selector_missing` with a screenshot, the HTML and the trace.
When Tryton ends the session the client asks for the password on its next call;
`wait_quiet` sees the dialog and has the adapter (`renew`) type it again.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Request

from bots.adapters.browser import BrowserSession
from bots.adapters.selectors import Selectors
from bots.errors import TechnicalError

log = logging.getLogger(__name__)

QUIET_SECONDS = 0.35
PRESENCE_TIMEOUT_MS = 5000
SUGGESTION_TIMEOUT_MS = 10_000  # at least; a slower browser.timeout_ms wins
ATTEMPT_TIMEOUT_MS = 3000  # one try of a lookup field before typing again


class SaoScreens:
    """One page of the Tryton web client, addressed through its selector file."""

    def __init__(
        self,
        browser: BrowserSession,
        page: Page,
        selectors: Selectors,
        base_url: str,
        database: str,
        evidence_dir: Path,
    ) -> None:
        self.browser = browser
        self.page = page
        self.sel = selectors
        self.base_url = base_url.rstrip("/")
        self.database = database
        self.evidence_dir = evidence_dir
        self._pending: set[Request] = set()
        self._failures = 0
        # Set by the adapter once logged in: types the password again when the
        # client asks for it (Tryton ended the session; sao retries the call).
        self.renew: Callable[[str], None] | None = None
        self.renewals = 0
        self._renewing = False
        pending = self._pending
        page.on("request", lambda request: pending.add(request))
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("requestfailed", lambda request: pending.discard(request))

    # Waiting
    def wait_quiet(self, step: str, timeout_ms: int | None = None) -> None:
        """Wait until no request has been in flight for QUIET_SECONDS."""
        limit = (timeout_ms or self.browser.settings.browser.timeout_ms) / 1000
        deadline = time.monotonic() + limit
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            if self._pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_SECONDS:
                if not self._session_ended():
                    return
                self._renew(step)
                quiet_since = None
            self.page.wait_for_timeout(25)
        raise self.failure(
            "timeout",
            f"Tryton kept {len(self._pending)} requests open for over {limit:.0f} s",
            step,
        )

    # The session
    def _session_ended(self) -> bool:
        """The client shows its password dialog although the robot had logged in."""
        if self.renew is None or self._renewing:
            return False
        return self.visible(self.page, "login", "password")

    def _renew(self, step: str) -> None:
        assert self.renew is not None
        self._renewing = True
        try:
            log.info("Tryton ended the session during %s; logging in again", step)
            self.renew(step)
            self.renewals += 1
        finally:
            self._renewing = False

    # Locators
    def url(self, screen: str) -> str:
        return self.base_url + self.sel.path(screen, database=self.database)

    def tab(self) -> Locator:
        """The active tab's content (ids repeat across tabs)."""
        return self.page.locator(self.sel.get("common", "active_tab")).first

    def find(
        self, root: Locator | Page, screen: str, element: str, **fields: str
    ) -> Locator:
        return root.locator(self.sel.get(screen, element, **fields))

    def require(
        self,
        root: Locator | Page,
        screen: str,
        element: str,
        step: str,
        *,
        state: str = "visible",
        timeout_ms: int = PRESENCE_TIMEOUT_MS,
        **fields: str,
    ) -> Locator:
        """The element, or TechnicalError `selector_missing` with evidence."""
        found = self.find(root, screen, element, **fields).first
        try:
            found.wait_for(state=state, timeout=timeout_ms)  # type: ignore[arg-type]
        except PlaywrightError:
            raise self.failure(
                "selector_missing",
                f"the Tryton screen '{screen}' shows no '{element}' "
                f"({self.sel.get(screen, element, **fields)}); the client may "
                f"have changed - update {self.sel.source.name}",
                step,
            ) from None
        return found

    def await_element(
        self,
        root: Locator | Page,
        screen: str,
        element: str,
        step: str,
        again: Callable[[], None] | None = None,
    ) -> Locator:
        """`require` with the browser's timeout that also answers the password
        dialog meanwhile: after Tryton ended the session the client may ask
        only once the page has been quiet for a while. sao drops what a
        synchronous call was for once it has logged in again (opening a tab):
        `again` is then called once to ask for it again."""
        limit = self.browser.settings.browser.timeout_ms / 1000
        deadline = time.monotonic() + limit
        found = self.find(root, screen, element).first
        while time.monotonic() < deadline:
            if found.count() and found.is_visible():
                return found
            if self._session_ended():
                self.wait_quiet(step)  # renews the session
                if again is not None and not (found.count() and found.is_visible()):
                    log.info("the client dropped %s on logging in again", screen)
                    again()
                    again = None
            else:
                self.page.wait_for_timeout(25)
        return self.require(root, screen, element, step, timeout_ms=1)

    def visible(self, root: Locator | Page, screen: str, element: str) -> bool:
        found = self.find(root, screen, element)
        return found.count() > 0 and found.first.is_visible()

    # Navigation
    def goto(self, screen: str, step: str, domain: list[Any] | None = None) -> None:
        """Open a screen in a new tab; `domain` filters its list the way a
        tryton:// URL does (`;domain=` and the JSON domain)."""
        url = self.url(screen)
        if domain is not None:
            url += ";domain=" + quote(json.dumps(domain), safe="")
        try:
            self.page.goto(url)
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        self.wait_quiet(step)

    def close_tab(self, step: str) -> None:
        """Close the active tab (its record saved or untouched), so that tabs do
        not pile up over a run. A question on closing is an unexpected screen."""
        self.click(self.page, "common", "close_tab", step)
        message = self.dialog_message()
        if message:
            raise self.failure(
                "unexpected_screen",
                f"Tryton asked on closing a tab: {message[:200]}",
                step,
            )

    # Lists
    def rows(self, step: str) -> list[Locator]:
        """The rows the active tab's list shows (after it has loaded)."""
        table = self.require(self.tab(), "list", "table", step)
        return self.find(table, "list", "row").all()

    def cell(self, row: Locator, column: str) -> str:
        """The text of a row's cell under the column heading `column`."""
        found = self.find(row, "list", "cell", column=column)
        return found.first.inner_text().strip() if found.count() else ""

    def click(
        self, root: Locator | Page, screen: str, element: str, step: str, **fields: str
    ) -> None:
        button = self.require(root, screen, element, step, **fields)
        button.click()
        self.wait_quiet(step)

    # Fields
    def fill_text(
        self, root: Locator, screen: str, element: str, value: str, step: str
    ) -> None:
        field = self.require(root, screen, element, step)
        field.fill(value)
        field.press("Tab")
        self.wait_quiet(step)

    def fill_number(
        self, root: Locator, screen: str, element: str, value: str, step: str
    ) -> None:
        """A number field: focus its text input, then fill the number input that
        appears in its place (filling the text input loses the value)."""
        self.require(root, screen, f"{element}_text", step).click()
        number = self.require(root, screen, element, step)
        number.fill(value)
        number.press("Tab")
        self.wait_quiet(step)

    def choose(
        self,
        root: Locator,
        screen: str,
        element: str,
        typed: str,
        wanted: str,
        step: str,
    ) -> bool:
        """A lookup field: type, wait for the suggestions, click the entry whose
        text holds `wanted` (case-insensitive). False when Tryton's answer holds
        no such entry; TechnicalError `timeout` when it never answers.

        sao searches 300 ms after the last keystroke and drops its answer when
        the field's text changed meanwhile (a late default of the form redraws
        it), so the text is checked and typed again until an answer shows."""
        field = self.require(root, screen, element, step)
        self.wait_quiet(step)
        dropdown = field.locator("xpath=..")
        entries = dropdown.locator(self.sel.get("common", "suggestion"))
        entry = entries.filter(has_text=re.compile(re.escape(wanted), re.IGNORECASE))
        answered = dropdown.locator(self.sel.get("common", "suggestion_answered"))
        deadline = time.monotonic() + self._suggestion_timeout() / 1000
        attempts = 0
        while True:
            attempts += 1
            if attempts == 1 or field.input_value() != typed:
                field.fill(typed)
            else:  # the same text, but no answer shown: ask again
                field.dispatch_event("input")
            try:
                entry.first.wait_for(state="visible", timeout=ATTEMPT_TIMEOUT_MS)
            except PlaywrightError:
                if (
                    answered.count()
                    and answered.first.is_visible()
                    and field.input_value() == typed
                    and not entry.count()
                ):
                    field.press("Escape")
                    return False
                if time.monotonic() >= deadline:
                    field.press("Escape")
                    raise self.failure(
                        "timeout",
                        f"Tryton's '{element}' lookup showed no answer for "
                        f"'{typed}' after {attempts} tries",
                        step,
                    ) from None
                continue
            break
        entry.first.click()
        self.wait_quiet(step)
        if attempts > 1:
            log.info("the '%s' lookup answered on try %d", element, attempts)
        return True

    def _suggestion_timeout(self) -> int:
        return max(SUGGESTION_TIMEOUT_MS, self.browser.settings.browser.timeout_ms // 2)

    def value(self, root: Locator, screen: str, element: str, step: str) -> str:
        return self.require(root, screen, element, step, state="attached").input_value()

    def selection(self, root: Locator, screen: str, element: str, step: str) -> str:
        """The key of a selection field (sao keeps it JSON-encoded: '"draft"')."""
        raw = self.value(root, screen, element, step)
        try:
            key = json.loads(raw)
        except ValueError:
            return raw
        return key if isinstance(key, str) else raw

    # Messages
    def info_bar(self) -> tuple[str, str] | None:
        """The visible info bar of the active tab: (kind, text), kind one of info,
        success, warning, danger."""
        for bar in self.find(self.tab(), "common", "info_bar").all():
            if bar.is_visible():
                classes = bar.get_attribute("class") or ""
                kind = next(
                    (
                        k
                        for k in ("danger", "warning", "success")
                        if f"alert-{k}" in classes
                    ),
                    "info",
                )
                return kind, bar.inner_text().strip().lstrip("×").strip()
        return None

    def dialog_message(self) -> str | None:
        """The text of a visible error or warning dialog, if one is open."""
        for dialog in self.find(self.page, "common", "message_dialog").all():
            if dialog.is_visible():
                return dialog.inner_text().strip()
        return None

    # Evidence and errors
    def capture(self, dest_dir: Path, name: str) -> list[Path]:
        try:
            return self.browser.capture(self.page, dest_dir, name)
        except PlaywrightError as exc:
            log.warning("no evidence could be saved: %s", exc)
            return []

    def failure(self, code: str, message: str, step: str) -> TechnicalError:
        self._failures += 1
        name = f"tryton-{step}-{code}-{self._failures}"
        evidence = self.capture(self.evidence_dir, name)
        log.warning("%s: %s", step, message)
        return TechnicalError(
            code,
            message,
            step=step,
            details={"evidence": [str(p) for p in evidence], "url": self.page.url},
        )

    def browser_failure(self, exc: PlaywrightError, step: str) -> TechnicalError:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        code = "timeout" if "Timeout" in type(exc).__name__ else "browser_error"
        return self.failure(code, f"the browser failed during {step}: {first}", step)

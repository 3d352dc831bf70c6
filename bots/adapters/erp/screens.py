"""Driving the screens of a server-rendered legacy web application with Playwright.

`Screens` wraps one page of a `BrowserSession` and a selector file: it opens a
screen by its path, follows form posts, turns what it finds (HTTP 5xx, a maintenance
page, the login page after an expired session, a locator that matches nothing) into
the project's errors with a screenshot, the HTML and the trace attached, clicks away
system notices, and reads tables and fields. It contains no CSS of its own: every
locator comes from the selector file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from playwright.sync_api import Download, Locator, Page, Response
from playwright.sync_api import Error as PlaywrightError

from bots.adapters.browser import BrowserSession
from bots.adapters.selectors import Selectors
from bots.errors import TechnicalError

log = logging.getLogger(__name__)

# How long a loaded server-rendered page may take to show an element.
PRESENCE_TIMEOUT_MS = 1500
# The screens are complete HTML when parsed; waiting for the style sheet and the
# icon as well ("load") would only add their fetches to every step.
READY = "domcontentloaded"

PROBE_JS = """([counts, texts]) => {
  const out = {counts: {}, texts: {}};
  for (const [name, selector] of Object.entries(counts))
    out.counts[name] = document.querySelectorAll(selector).length;
  for (const [name, selector] of Object.entries(texts))
    out.texts[name] = Array.from(document.querySelectorAll(selector),
                                 e => e.textContent.trim());
  return out;
}"""

# Fills several fields in one browser call, as Playwright's fill does (value set,
# input and change events). A selector plain CSS cannot parse is left to `fill`.
FILL_FORM_JS = """(fields) => {
  const left = [];
  for (const [name, [selector, value]] of Object.entries(fields)) {
    let element = null;
    try { element = document.querySelector(selector); } catch (e) { element = null; }
    if (!element || element.disabled || element.readOnly) { left.push(name); continue; }
    element.focus();
    element.value = value;
    element.dispatchEvent(new Event("input", {bubbles: true}));
    element.dispatchEvent(new Event("change", {bubbles: true}));
  }
  return left;
}"""

READ_TABLE_JS = """(rows, cells) => rows.map(row => {
  const out = {};
  for (const [field, selector] of Object.entries(cells)) {
    const cell = row.querySelector(selector);
    out[field] = cell ? cell.textContent.trim() : null;
  }
  return out;
})"""


class SessionExpired(Exception):
    """The application sent us back to its login page; the flow must start again."""


class NotFound(Exception):
    """The application answered 404 for a screen (an unknown record)."""


class Screens:
    """One page of a legacy application, addressed through its selector file."""

    def __init__(
        self,
        browser: BrowserSession,
        page: Page,
        selectors: Selectors,
        base_url: str,
        evidence_dir: Path,
        system: str,
    ) -> None:
        self.browser = browser
        self.page = page
        self.sel = selectors
        self.base_url = base_url.rstrip("/")
        self.evidence_dir = evidence_dir
        self.system = system
        self._status: int | None = None
        self._attachment = False  # the last page response was a file (a download)
        self._failures = 0
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        redirect = 300 <= response.status < 400
        if (
            not redirect
            and request.is_navigation_request()
            and request.frame == self.page.main_frame
        ):
            self._status = response.status
            disposition = response.headers.get("content-disposition", "")
            self._attachment = disposition.lower().startswith("attachment")

    # Locators
    def locator(self, screen: str, element: str, **fields: str) -> Locator:
        return self.page.locator(self.sel.get(screen, element, **fields))

    def present(self, screen: str, element: str, **fields: str) -> bool:
        return self.locator(screen, element, **fields).count() > 0

    def require(self, screen: str, element: str, step: str, **fields: str) -> Locator:
        """The element, or TechnicalError `selector_missing` with evidence."""
        found = self.locator(screen, element, **fields)
        try:
            found.first.wait_for(state="attached", timeout=PRESENCE_TIMEOUT_MS)
        except PlaywrightError:
            self.check_page(step)
            raise self.failure(
                "selector_missing",
                f"the {self.system} screen '{screen}' has no element '{element}' "
                f"({self.sel.get(screen, element, **fields)}) at "
                f"{self.path_now()}; the screen may have changed - update "
                f"{self.sel.source.name}",
                step,
            ) from None
        return found.first

    def text(self, screen: str, element: str, step: str) -> str:
        return self.require(screen, element, step).inner_text().strip()

    def optional_text(self, screen: str, element: str) -> str | None:
        if not self.sel.has(screen, element):
            return None
        found = self.locator(screen, element)
        return found.first.inner_text().strip() if found.count() else None

    def texts(self, screen: str, element: str) -> list[str]:
        return [t.strip() for t in self.locator(screen, element).all_inner_texts()]

    # Navigation
    def url(
        self, screen: str, query: dict[str, str] | None = None, **fields: str
    ) -> str:
        url = self.base_url + self.sel.path(screen, **fields)
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        return url

    def open(
        self,
        screen: str,
        step: str,
        query: dict[str, str] | None = None,
        **fields: str,
    ) -> None:
        """Go to a screen by its path; raises NotFound for a 404."""
        self._status = None
        try:
            response = self.page.goto(
                self.url(screen, query, **fields), wait_until=READY
            )
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        if response is not None:
            self._status = response.status
        self.after_navigation(step)

    def click_through(self, locator: Locator, step: str) -> None:
        """Click a button or link that loads the next page, and check that page."""
        self._status = None
        try:
            with self.page.expect_navigation(wait_until=READY):
                locator.click()
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        self.after_navigation(step)

    def after_navigation(self, step: str) -> None:
        """Check the page just loaded: HTTP errors, maintenance, expiry, notices."""
        self.check_page(step)
        if self._status == 404:
            raise NotFound(self.path_now())
        self.dismiss_notices(step)

    def check_page(self, step: str) -> None:
        status = self._status
        if status == 503:
            raise self.failure(
                "maintenance",
                f"the {self.system} is down for maintenance (HTTP 503 at "
                f"{self.path_now()}); the run will try again later",
                step,
            )
        if status is not None and (status >= 500 or status == 400):
            raise self.failure(
                "http_error",
                f"the {self.system} answered HTTP {status} at {self.path_now()}",
                step,
            )
        if self.on_login_page() and step != "login":
            raise SessionExpired(self.path_now())

    def on_login_page(self) -> bool:
        return urlparse(self.page.url).path == self.sel.path("login")

    def expired_notice(self) -> bool:
        query = parse_qs(urlparse(self.page.url).query)
        return query.get("expired") == ["1"] or self.present("login", "expired")

    def dismiss_notices(self, step: str) -> None:
        if not self.sel.has("common", "system_message_ok"):
            return
        buttons = self.sel.candidates("common", "system_message_ok")
        self._status = None
        if self.browser.dismiss_modals(self.page, buttons):
            self.check_page(step)

    def path_now(self) -> str:
        parsed = urlparse(self.page.url)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")

    # Forms
    def fill(
        self, screen: str, element: str, value: str, step: str, **fields: str
    ) -> None:
        """Fill a field in one browser call; a missing field is `selector_missing`."""
        found = self.locator(screen, element, **fields).first
        try:
            found.fill(value, timeout=PRESENCE_TIMEOUT_MS)
        except PlaywrightError:
            self.require(screen, element, step, **fields)
            raise

    def fill_form(
        self, screen: str, values: dict[str, str], step: str, **fields: str
    ) -> None:
        """Fill several fields of a screen in one browser call; any field that
        could not be filled that way goes through `fill` (and its errors)."""
        wanted = {
            name: [self.sel.get(screen, name, **fields), value]
            for name, value in values.items()
        }
        try:
            left = self.page.evaluate(FILL_FORM_JS, wanted)
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        for name in left:
            self.fill(screen, name, values[name], step, **fields)

    def select(
        self, screen: str, element: str, value: str, step: str, **fields: str
    ) -> None:
        found = self.locator(screen, element, **fields).first
        try:
            found.select_option(value, timeout=PRESENCE_TIMEOUT_MS)
        except PlaywrightError as exc:
            self.require(screen, element, step, **fields)
            raise self.failure(
                "unexpected_screen",
                f"{screen}.{element} does not offer '{value}' ({exc.message[:120]})",
                step,
            ) from exc

    def press(self, screen: str, element: str, step: str) -> None:
        """Click a button or link that loads the next page (found by its selector)."""
        self._status = None
        try:
            with self.page.expect_navigation(wait_until=READY):
                self.locator(screen, element).first.click(
                    timeout=2 * PRESENCE_TIMEOUT_MS
                )
        except PlaywrightError as exc:
            self.require(screen, element, step)
            raise self.browser_failure(exc, step) from exc
        self.after_navigation(step)

    def probe(
        self, screen: str, counts: Iterable[str] = (), texts: Iterable[str] = ()
    ) -> tuple[dict[str, int], dict[str, list[str]]]:
        """How many elements match, and their texts, in one browser call."""
        count_sel = {name: self.sel.get(screen, name) for name in counts}
        text_sel = {name: self.sel.get(screen, name) for name in texts}
        found = self.page.evaluate(PROBE_JS, [count_sel, text_sel])
        return found["counts"], found["texts"]

    def errors(self, screen: str = "common", element: str = "error") -> list[str]:
        """The error messages shown on the page (deduplicated, in order)."""
        seen: list[str] = []
        for text in self.texts(screen, element):
            for line in text.splitlines():
                if line.strip() and line.strip() not in seen:
                    seen.append(line.strip())
        return seen

    def download(self, locator: Locator, step: str) -> Download:
        """Click a link that downloads a file; an error page instead is reported."""
        found: list[Download] = []
        self.page.once("download", lambda download: found.append(download))
        self._status = None
        self._attachment = False
        try:
            locator.click()
            waited = 0
            limit = self.browser.settings.browser.timeout_ms
            # A file's response comes before its download event: wait on for it.
            while (
                not found
                and (self._status is None or self._attachment)
                and waited < limit
            ):
                self.page.wait_for_timeout(20)
                waited += 20
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        if found:
            return found[0]
        if self._status is not None:
            self.page.wait_for_load_state("load")
            self.check_page(step)
        raise self.failure(
            "timeout", f"the {self.system} sent no file from {self.path_now()}", step
        )

    # Tables
    def table(
        self, screen: str, row: str, cells: dict[str, str], step: str
    ) -> list[dict[str, str | None]]:
        """The text of the given cells of every row (None where a cell is missing)."""
        selectors = {field: self.sel.get(screen, cell) for field, cell in cells.items()}
        try:
            rows = self.locator(screen, row).evaluate_all(READ_TABLE_JS, selectors)
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        for index, values in enumerate(rows):
            missing = [cells[f] for f, v in values.items() if v is None]
            if missing:
                raise self.failure(
                    "selector_missing",
                    f"row {index + 1} of {screen}.{row} has no cell "
                    f"{', '.join(missing)}; update {self.sel.source.name}",
                    step,
                )
        return rows

    def list_rows(
        self,
        screen: str,
        anchors: Iterable[str],
        row: str,
        cells: dict[str, str],
        step: str,
    ) -> list[dict[str, str | None]]:
        """Rows of a list screen; one of `anchors` (the table or its empty notice)
        must be there, so a changed screen is not mistaken for an empty list."""
        if not any(self.present(screen, anchor) for anchor in anchors):
            self.require(screen, next(iter(anchors)), step)
        return self.table(screen, row, cells, step)

    def each_page(
        self, screen: str, next_link: str, step: str, read: Callable[[], list]
    ) -> list:
        """Read a paged list, following its next-page link; where the screen shows
        a total ("Page 1 of 3 (123 orders)") the rows read must add up to it."""
        expected = self._total_shown(screen)
        rows = read()
        for _ in range(1000):
            link = self.locator(screen, next_link)
            if not link.count():
                break
            self.click_through(link.first, step)
            rows.extend(read())
        if expected is not None and expected != len(rows):
            raise self.failure(
                "unexpected_screen",
                f"{screen} announced {expected} rows but {len(rows)} were read; "
                f"the paging may have changed - check {self.sel.source.name}",
                step,
            )
        return rows

    def _total_shown(self, screen: str) -> int | None:
        text = self.optional_text(screen, "page_info")
        found = re.search(r"\((\d+)", text or "")
        return int(found.group(1)) if found else None

    def secret_submit(
        self, screen: str, field: str, submit: str, value: str, step: str
    ) -> None:
        """Type a secret into a field and send the form, with tracing paused."""
        locator = self.require(screen, field, step)
        button = self.require(screen, submit, step)
        self._status = None
        try:
            self.browser.secret_fill(locator, value, submit=button)
        except PlaywrightError as exc:
            raise self.browser_failure(exc, step) from exc
        self.after_navigation(step)

    # Evidence and errors
    def capture(self, dest_dir: Path, name: str) -> list[Path]:
        try:
            return self.browser.capture(self.page, dest_dir, name)
        except PlaywrightError as exc:
            log.warning("no evidence could be saved: %s", exc)
            return []

    def failure(self, code: str, message: str, step: str) -> TechnicalError:
        self._failures += 1
        name = f"{self.system}-{step}-{code}-{self._failures}"
        evidence = self.capture(self.evidence_dir, name)
        log.warning("%s: %s", step, message)
        return TechnicalError(
            code,
            message,
            step=step,
            details={"evidence": [str(p) for p in evidence], "url": self.path_now()},
        )

    def browser_failure(self, exc: PlaywrightError, step: str) -> TechnicalError:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        code = "timeout" if "Timeout" in type(exc).__name__ else "browser_error"
        return self.failure(code, f"the browser failed during {step}: {first}", step)

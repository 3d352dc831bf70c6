"""The bots' browser: Chromium driven through Playwright's sync API.

`BrowserSession` launches the browser from the settings (Debian's Chromium or
Playwright's own), records an optional trace per run into the run folder, types
passwords with the trace paused (`secret_fill`) so that no secret reaches a trace,
saves evidence of a screen (`capture`), waits for in-flight requests (`wait_idle`) and
clicks away blocking notices (`dismiss_modals`). Each saved trace is checked for the
known secrets and dropped, with a warning, if one slipped in.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    Playwright,
    Request,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bots.errors import TechnicalError

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

MASK = "********"
IDLE_QUIET_SECONDS = 0.05


class BrowserSession:
    """One browser, one context and its pages, for the length of a `with` block."""

    def __init__(
        self, settings: Settings, run_dir: Path | None, *, name: str = "browser"
    ) -> None:
        self.settings = settings
        self.run_dir = run_dir
        self.name = _safe_name(name)
        self._secrets: set[str] = set(settings.secret_values())
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._tracing = False
        self._chunk_open = False
        self._chunks = 0
        self._inflight: dict[int, set[Request]] = {}

    # Lifecycle
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium and open a context (with tracing when configured)."""
        cfg = self.settings.browser
        try:
            self._pw = acquire_driver()
            self._browser = self._pw.chromium.launch(
                executable_path=cfg.executable_path or None, headless=cfg.headless
            )
            self._context = self._browser.new_context(accept_downloads=True)
        except PlaywrightError as exc:
            self.close()
            raise TechnicalError(
                "browser_error",
                f"Chromium could not be started ({_first_line(exc)}); check the "
                "browser.executable_path setting and run `o2c doctor`",
                step="browser",
            ) from exc
        self._context.set_default_timeout(cfg.timeout_ms)
        self._context.set_default_navigation_timeout(cfg.timeout_ms)
        if cfg.trace and self.run_dir is not None:
            self._tracing = True
            self._resume_tracing()
        log.debug("browser started (%s)", cfg.executable_path or "Playwright Chromium")

    def close(self) -> None:
        """Save the last trace chunk and shut the browser down; never raises."""
        try:
            if self._chunk_open:
                self._save_chunk(self._trace_dir())
        except PlaywrightError as exc:
            log.warning("the browser trace could not be saved: %s", _first_line(exc))
        self._tracing = self._chunk_open = False
        for closer in (self._context, self._browser):
            try:
                if closer is not None:
                    closer.close()
            except PlaywrightError:
                log.debug("browser already gone while closing", exc_info=True)
        try:
            if self._pw is not None:
                release_driver()
        except Exception:  # the driver process may be dead already
            log.debug("playwright stop failed", exc_info=True)
        self._pw = self._browser = self._context = None

    @property
    def context(self) -> BrowserContext:
        if self._context is None:
            raise TechnicalError(
                "browser_error", "the browser is not started", step="browser"
            )
        return self._context

    def new_page(self) -> Page:
        """A new tab whose in-flight requests `wait_idle` can follow."""
        page = self.context.new_page()
        pending: set[Request] = set()
        self._inflight[id(page)] = pending
        page.on("request", lambda request: pending.add(request))
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("requestfailed", lambda request: pending.discard(request))
        page.on("close", lambda _: self._inflight.pop(id(page), None))
        return page

    # Secrets
    def add_secret(self, value: str) -> None:
        """Treat `value` as a secret: it is masked in saved HTML and guarded in traces."""
        if value:
            self._secrets.add(value)

    @contextmanager
    def untraced(self) -> Iterator[None]:
        """Pause tracing for the block: nothing inside reaches a trace."""
        paused = self._chunk_open
        if paused:
            self._save_chunk(self._trace_dir())
        try:
            yield
        finally:
            if paused:
                self._resume_tracing()

    def secret_fill(
        self, locator: Locator, value: str, *, submit: Locator | None = None
    ) -> None:
        """Type a password with tracing paused, then (optionally) click `submit`
        and wait for the next page, so neither the typed value, the DOM holding it
        nor the form post is recorded. The value is never logged. Without `submit`
        the field is emptied again before tracing resumes - so pass the button that
        sends the form."""
        self.add_secret(value)
        with self.untraced():
            locator.fill(value)
            if submit is None:
                return
            page = locator.page
            submit.click()
            page.wait_for_load_state("load")
            self._settle(page)
            self._clear_if_still_there(locator)

    def _settle(self, page: Page) -> None:
        """Let requests the submit started (a script's login post) end untraced."""
        try:
            if id(page) in self._inflight:
                self.wait_idle(
                    page, timeout_ms=min(5000, self.settings.browser.timeout_ms)
                )
            else:
                page.wait_for_load_state("networkidle", timeout=5000)
        except (PlaywrightError, TechnicalError):
            log.debug("requests still open after the login post")

    @staticmethod
    def _clear_if_still_there(locator: Locator) -> None:
        try:
            if locator.count():
                locator.first.fill("", timeout=1000)
        except PlaywrightError:
            log.debug("password field left before it could be cleared")

    # Evidence
    def capture(
        self, page: Page, dest_dir: Path, name: str, *, trace: bool = True
    ) -> list[Path]:
        """Save a full-page PNG, the page HTML and (with `trace`) the trace so far."""
        dest_dir.mkdir(parents=True, exist_ok=True)
        stem = _safe_name(name)
        saved: list[Path] = []
        try:
            page.wait_for_load_state("load", timeout=2000)
        except PlaywrightError:
            log.debug("page not fully loaded before the screenshot")
        try:
            shot = dest_dir / f"{stem}.png"
            page.screenshot(path=str(shot), full_page=True, timeout=5000)
            saved.append(shot)
            html = dest_dir / f"{stem}.html"
            html.write_text(self._scrub(page.content()), encoding="utf-8")
            saved.append(html)
        except PlaywrightError as exc:
            log.warning("screen evidence incomplete: %s", _first_line(exc))
        if trace and self._chunk_open and self._context is not None:
            zipped = self._save_chunk(dest_dir, stem=f"{stem}-trace")
            self._resume_tracing()
            if zipped is not None:
                saved.append(zipped)
        return saved

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    # Waiting and notices
    def wait_idle(self, page: Page, timeout_ms: int | None = None) -> None:
        """Wait for the page's load event and for its in-flight requests to end."""
        timeout_ms = timeout_ms or self.settings.browser.timeout_ms
        page.wait_for_load_state("load", timeout=timeout_ms)
        pending = self._inflight.get(id(page), set())
        deadline = time.monotonic() + timeout_ms / 1000
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            if pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= IDLE_QUIET_SECONDS:
                return
            page.wait_for_timeout(10)
        raise TechnicalError(
            "timeout",
            f"the page kept loading for over {timeout_ms} ms ({len(pending)} "
            "requests still open)",
            step="wait_idle",
        )

    def dismiss_modals(self, page: Page, buttons: Iterable[str]) -> int:
        """Click every visible notice button among `buttons` (CSS selectors from a
        selector file); returns how many were dismissed."""
        dismissed = 0
        for selector in buttons:
            button = page.locator(selector)
            if button.count() and button.first.is_visible():
                log.info("dismissing a system notice on %s", _path_of(page.url))
                button.first.click()
                page.wait_for_load_state("load")
                dismissed += 1
        return dismissed

    # Traces
    def _trace_dir(self) -> Path:
        assert self.run_dir is not None
        return self.run_dir / "traces"

    # A trace is saved as segments. Each pause stops tracing altogether: Playwright
    # keeps one network log per tracing session and writes all of it into every
    # chunk, so a form post made between chunks would still reach the next one.
    def _resume_tracing(self) -> None:
        if self._context is not None and self._tracing:
            self._context.tracing.start(screenshots=True, snapshots=True)
            self._chunk_open = True

    def _save_chunk(self, folder: Path, stem: str | None = None) -> Path | None:
        assert self._context is not None
        folder.mkdir(parents=True, exist_ok=True)
        self._chunks += 1
        path = folder / f"{stem or self.name}-{self._chunks:03d}.zip"
        self._context.tracing.stop(path=str(path))
        self._chunk_open = False
        return self._guard_trace(path)

    def _guard_trace(self, path: Path) -> Path | None:
        if not path.exists():
            return None
        if trace_contains(path, self._secrets):
            path.unlink()
            log.warning("trace %s dropped: it contained a secret", path.name)
            return None
        return path


_driver = threading.local()


def acquire_driver() -> Playwright:
    """The thread's Playwright driver, started on first use. Playwright's sync API
    allows one driver per thread, so every session of a bot (ERP and portals) shares
    it; it stops when the last session closes."""
    if getattr(_driver, "users", 0) == 0:
        _driver.playwright = sync_playwright().start()
    _driver.users = getattr(_driver, "users", 0) + 1
    return _driver.playwright


def release_driver() -> None:
    _driver.users -= 1
    if _driver.users == 0:
        playwright, _driver.playwright = _driver.playwright, None
        playwright.stop()


def trace_contains(path: Path, secrets: Iterable[str]) -> bool:
    """Whether any member of a trace zip holds one of the secrets (raw or escaped)."""
    needles = [n for s in secrets if s for n in _encodings(s)]
    if not needles:
        return False
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            data = archive.read(member)
            if any(needle in data for needle in needles):
                return True
    return False


def _encodings(secret: str) -> set[bytes]:
    return {
        secret.encode(),
        json.dumps(secret)[1:-1].encode(),
        json.dumps(secret, ensure_ascii=False)[1:-1].encode(),
    }


def browser_failure(exc: PlaywrightError, step: str) -> TechnicalError:
    """A Playwright error as the technical error the runtime retries."""
    if isinstance(exc, PlaywrightTimeout):
        return TechnicalError(
            "timeout",
            f"the browser timed out during {step}: {_first_line(exc)}",
            step=step,
        )
    return TechnicalError(
        "browser_error",
        f"the browser failed during {step}: {_first_line(exc)}",
        step=step,
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"


def _path_of(url: str) -> str:
    return re.sub(r"^[a-z]+://[^/]+", "", url) or "/"

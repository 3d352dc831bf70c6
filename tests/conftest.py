"""Shared test set-up.

Tests that need a real service (Chromium, Dovecot, PostgreSQL) call `need_service`:
on a laptop without it they skip, under CI (`CI=true`) they fail, so a missing
service can never pass CI silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("O2C_BROWSER__EXECUTABLE_PATH", "/usr/bin/chromium")


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_service(name: str, available: bool, hint: str = "") -> None:
    """Skip (laptop) or fail (CI) when a service the test needs is missing."""
    if available:
        return
    message = f"{name} is not available{': ' + hint if hint else ''}"
    if under_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM) or Path(CHROMIUM).exists())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True}


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    """Where tests save screenshots of screens (not committed)."""
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def o2c_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty O2C_HOME of its own, with no O2C_ variables leaking in."""
    for key in list(os.environ):
        if key.startswith("O2C_") and key != "O2C_BROWSER__EXECUTABLE_PATH":
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("O2C_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def playwright():
    """pytest-playwright's driver, shared with the bots' own browser sessions.

    Playwright's sync API allows one driver per thread; the bots' `BrowserSession`
    takes the thread's driver from `acquire_driver`, so tests that use the `page`
    fixture and tests that run bots can share one test process."""
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    from bots.adapters.browser import acquire_driver, release_driver

    driver = acquire_driver()
    yield driver
    release_driver()

"""Shared fixtures of the adapter tests: settings pointing at a temp home, a real
Chromium, and (for the ERP tests) a sandbox ERP on a free port."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bots.config import Settings, load_settings
from tests.conftest import CHROMIUM, chromium_available, need_service


@pytest.fixture
def chromium() -> str:
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    return CHROMIUM


def make_settings(home: Path, **overrides: object) -> Settings:
    return load_settings(
        home=home,
        browser={"executable_path": CHROMIUM, "timeout_ms": 5000, "trace": True},
        **overrides,
    )


def files_containing(folder: Path, secret: str) -> list[str]:
    """Every file under folder (and every member of every zip) holding the secret."""
    needle = secret.encode()
    hits: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if needle in data:
            hits.append(str(path))
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if needle in archive.read(member):
                        hits.append(f"{path}!{member}")
    return hits

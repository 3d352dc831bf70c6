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


ERP_PASSWORD = "erp-robot-demo"  # the sandbox's public demo password (credentials.py)


class SandboxErpServer:
    """A sandbox ERP on a free port over its own state file, with its chaos."""

    def __init__(self, state: Path) -> None:
        from sandbox.chaos import Chaos
        from sandbox.erp.app import create_app
        from sandbox.webserver import ServerThread, free_port

        self.chaos = Chaos()
        self.server = ServerThread(create_app(state, self.chaos), free_port()).start()
        self.url = self.server.url

    def admin(self, path: str, body: object | None = None) -> object:
        """Call one of the ERP's /admin/api JSON endpoints (tests only)."""
        import json
        import urllib.request

        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def orders_with_po(self, customer_po: str) -> list[dict]:
        orders = self.admin("/admin/api/orders")
        assert isinstance(orders, list)
        return [o for o in orders if o["customer_po"] == customer_po]


@pytest.fixture
def erp_server(tmp_path: Path) -> SandboxErpServer:
    server = SandboxErpServer(tmp_path / "erp.sqlite")
    yield server
    server.server.stop()


@pytest.fixture
def erp_settings(
    chromium: str,
    erp_server: SandboxErpServer,
    o2c_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    monkeypatch.setenv("O2C_ERP__PASSWORD", ERP_PASSWORD)
    return make_settings(o2c_home, erp={"url": erp_server.url})


@pytest.fixture(scope="module")
def shared_erp(tmp_path_factory: pytest.TempPathFactory):
    """One sandbox ERP and one logged-in adapter for a module of tests that do not
    disturb each other (each uses its own POs and bank references)."""
    from bots.adapters.erp import open_erp

    need_service("Chromium", chromium_available(), "apt-get install chromium")
    folder = tmp_path_factory.mktemp("shared-erp")
    server = SandboxErpServer(folder / "erp.sqlite")
    settings = make_settings(
        folder / "home", erp={"url": server.url, "password": ERP_PASSWORD}
    )
    adapter = open_erp(settings, run_dir=folder / "run")
    adapter.open()
    yield adapter, server
    adapter.close()
    server.server.stop()


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return tmp_path / "run"


@pytest.fixture
def erp(erp_settings: Settings, run_dir: Path):
    from bots.adapters.erp import open_erp

    adapter = open_erp(erp_settings, run_dir=run_dir)
    adapter.open()
    yield adapter
    adapter.close()

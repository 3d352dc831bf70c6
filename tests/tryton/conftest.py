"""A throwaway Tryton 6.0 (Debian's packages) per test session, and its settings.

The seeded database takes minutes to create on a busy machine, so the first session
keeps a copy under O2C_TRYTON_CACHE (default ~/.cache/o2c-tryton), named after the
seed; later sessions copy it. Records are checked through proteus
(`TrytonServer.inspect`), never through the adapter under test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bots.adapters.erp.tryton import TrytonErp
from bots.config import Settings, load_settings
from sandbox.tryton.server import TrytonServer, default_cache, installed
from sandbox.webserver import free_port
from tests.conftest import CHROMIUM, chromium_available, need_service

HINT = (
    "apt-get install tryton-server tryton-modules-sale "
    "tryton-modules-account-statement tryton-sao tryton-proteus"
)


@pytest.fixture(scope="session")
def tryton_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrytonServer]:
    need_service("Tryton", shutil.which("trytond") is not None and installed(), HINT)
    need_service("Chromium", chromium_available(), "apt-get install chromium")
    server = TrytonServer(tmp_path_factory.mktemp("tryton"), free_port())
    server.start(cache=default_cache())
    yield server
    server.stop()


def tryton_env(home: Path, server: TrytonServer) -> dict[str, str]:
    """The O2C_ variables of a bot run against this Tryton."""
    login = server.login
    return {
        "O2C_HOME": str(home),
        "O2C_ERP__KIND": "tryton",
        "O2C_ERP__URL": login.url,
        "O2C_ERP__DATABASE": login.database,
        "O2C_ERP__USERNAME": login.username,
        "O2C_ERP__PASSWORD": login.password,
        "O2C_ERP__PART_MAP": str(server.part_map),
        "O2C_BROWSER__EXECUTABLE_PATH": CHROMIUM,
        "O2C_BROWSER__TIMEOUT_MS": "60000",
    }


@pytest.fixture(scope="module")
def tryton_settings(
    tryton_server: TrytonServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("O2C_")]:
            patch.delenv(key)
        for key, value in tryton_env(home, tryton_server).items():
            patch.setenv(key, value)
        yield load_settings()


@pytest.fixture(scope="module")
def tryton_erp(tryton_settings: Settings) -> Iterator[TrytonErp]:
    erp = TrytonErp(tryton_settings)
    erp.open()
    yield erp
    erp.close()

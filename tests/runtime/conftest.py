"""Fixtures of the runtime suite: settings on SQLite or on a real PostgreSQL that
is started once for the session (tests/support/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bots.config import Settings, load_settings
from bots.runtime.db import dispose_engines, migrate
from tests.conftest import need_service
from tests.support.postgres import INSTALL_HINT, PostgresServer, postgres_available


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    need_service("PostgreSQL", postgres_available(), INSTALL_HINT)
    server = PostgresServer().start()
    try:
        yield server
    finally:
        dispose_engines()
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A migrated database that each test's database is copied from."""
    url = pg_server.create_database("o2c_template")
    migrate(load_settings(database_url=url, home=Path(pg_server.dir)))
    dispose_engines()
    return "o2c_template"


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database(
    request: pytest.FixtureRequest, o2c_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The kind of database under test; O2C_DATABASE_URL is set for PostgreSQL."""
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
        url = server.create_database(template=template)
        monkeypatch.setenv("O2C_DATABASE_URL", url)
    yield request.param
    dispose_engines()


@pytest.fixture
def settings(database: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings on the database under test, migrated, with fast retries."""
    monkeypatch.setenv("O2C_RUNTIME__BACKOFF_BASE_SECONDS", "60")
    loaded = load_settings()
    migrate(loaded)
    return loaded


@pytest.fixture
def sqlite_settings(o2c_home: Path) -> Iterator[Settings]:
    loaded = load_settings()
    yield loaded
    dispose_engines()

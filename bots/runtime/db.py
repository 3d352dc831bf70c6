"""The database: engines, sessions and Alembic migrations.

SQLite (the default, `o2c.sqlite` in O2C_HOME) runs in WAL mode with a busy timeout,
and every transaction starts with `BEGIN IMMEDIATE`, so two processes never both
read a row as free and then both write it. PostgreSQL (O2C_DATABASE_URL) is used
as is; leasing there relies on `FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bots.config import Settings
from bots.errors import ConfigError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 60.0

_engines: dict[tuple[int, str], Engine] = {}
_makers: dict[tuple[int, str], sessionmaker[Session]] = {}
_checked: set[tuple[int, str]] = set()
_lock = threading.Lock()


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` URLs."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(settings: Settings) -> bool:
    return settings.effective_database_url.startswith("sqlite")


def get_engine(settings: Settings) -> Engine:
    """The engine for the settings' database, one per process and URL."""
    url = normalize_url(settings.effective_database_url)
    key = (os.getpid(), url)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _create(url)
            _engines[key] = engine
            _makers[key] = sessionmaker(engine, expire_on_commit=False)
        return engine


def _create(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Every transaction ends in an explicit commit or rollback: no reset needed.
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_SECONDS},
        pool_reset_on_return=None,
    )
    _make_sqlite_safe(engine)
    return engine


def _make_sqlite_safe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        deferred = connection.get_execution_options().get("o2c_read_only")
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def dispose_engines() -> None:
    """Close every pooled connection of this process (tests, forked workers)."""
    with _lock:
        for key, engine in list(_engines.items()):
            if key[0] == os.getpid():
                engine.dispose()
            del _engines[key]
            _makers.pop(key, None)
        _checked.clear()


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session that commits when the block ends and rolls back on an error."""
    get_engine(settings)
    key = (os.getpid(), normalize_url(settings.effective_database_url))
    session = _makers[key]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_connection(settings: Settings) -> Iterator[Connection]:
    """A connection in a read transaction: on SQLite a plain (deferred) BEGIN, so
    that reading never waits for, or blocks, the one writer."""
    with get_engine(settings).connect() as connection:
        connection.execution_options(o2c_read_only=True)
        with connection.begin():
            yield connection


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(settings: Settings) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(settings).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(settings: Settings) -> str:
    """Upgrade the database to the newest schema; return the revision reached."""
    from alembic import command

    with get_engine(settings).begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
    revision = current_revision(settings)
    log.info("database at revision %s", revision)
    return revision or ""


def check_migrated(settings: Settings) -> str | None:
    """None when the schema is current, else a sentence saying what is wrong."""
    try:
        current = current_revision(settings)
    except Exception as exc:
        return f"the database cannot be reached ({type(exc).__name__}: {exc})"
    head = head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no tables yet"
    return f"the database schema is at {current}, this version needs {head}"


def ensure_db(settings: Settings) -> None:
    """Make sure the schema is current: SQLite is migrated on first use, other
    databases must be upgraded on purpose (`o2c db upgrade`)."""
    key = (os.getpid(), normalize_url(settings.effective_database_url))
    if key in _checked:
        return
    problem = check_migrated(settings)
    if problem is not None:
        if not is_sqlite(settings) or "cannot be reached" in problem:
            raise ConfigError(
                "database_url", problem, "run `o2c db upgrade` (and check the URL)"
            )
        log.info("migrating %s: %s", settings.effective_database_url, problem)
        migrate(settings)
    _checked.add(key)

"""A throwaway PostgreSQL server for tests and benchmarks.

`PostgresServer` runs `initdb` in a temporary folder (as the `postgres` user when we
are root, since initdb refuses root), starts it with `pg_ctl` on a free loopback port
with fsync off, creates databases on demand and stops and removes everything at the
end. `postgres_available()` says whether the server binaries are installed.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Self

log = logging.getLogger(__name__)

PG_BIN = Path(os.environ.get("O2C_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
INSTALL_HINT = "apt-get install postgresql (needs /usr/lib/postgresql/15/bin)"


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _free_port() -> int:
    from sandbox.webserver import free_port

    return free_port()


class PostgresServer:
    """One private cluster; `url(db)` gives a SQLAlchemy URL for a database."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="o2c-pg-"))
        self.data = self.dir / "data"
        self._as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"{args[0]} failed ({completed.returncode}): "
                f"{completed.stderr.strip() or completed.stdout.strip()}"
            )

    def start(self) -> PostgresServer:
        if self._as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        log_file = str(self.dir / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log_file, "-w", "-o", options,
                  "start")  # fmt: skip
        self.started = True
        log.info("PostgreSQL started on port %s in %s", self.port, self.dir)
        return self

    def stop(self) -> None:
        if self.started:
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w",
                          "stop")  # fmt: skip
            finally:
                self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(
        self, name: str | None = None, template: str | None = None
    ) -> str:
        """Create a fresh database (a copy of `template` if given); its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

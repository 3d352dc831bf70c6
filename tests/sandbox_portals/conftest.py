"""Fixtures for the sandbox portal and mail tests: each server on a free port, own tmp dir."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox.chaos import FIELDS, Chaos
from sandbox.portal_a.store import PoStore
from sandbox.webserver import ServerThread, free_port


@dataclass
class RunningPortal:
    url: str
    chaos: Chaos
    store: PoStore
    user: str
    password: str

    def calm(self) -> None:
        fresh = Chaos()
        self.chaos.update(**{name: getattr(fresh, name) for name in FIELDS})


def _serve(module: Any, state: Path, users: dict[str, str]) -> Iterator[RunningPortal]:
    chaos = Chaos()
    app = module.create_app(state, chaos)
    server = ServerThread(app, free_port()).start()
    user, password = next(iter(users.items()))
    try:
        yield RunningPortal(
            server.url, chaos, app.extensions["portal_store"], user, password
        )
    finally:
        server.stop()


@pytest.fixture(scope="session")
def portal_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    from sandbox.credentials import PORTAL_A_USERS
    from sandbox.portal_a import app

    state = tmp_path_factory.mktemp("portal-a") / "portal-a.sqlite"
    yield from _serve(app, state, PORTAL_A_USERS)


@pytest.fixture(scope="session")
def portal_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPortal]:
    from sandbox.credentials import PORTAL_B_USERS
    from sandbox.portal_b import app

    state = tmp_path_factory.mktemp("portal-b") / "portal-b.sqlite"
    yield from _serve(app, state, PORTAL_B_USERS)

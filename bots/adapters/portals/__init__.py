"""Adapters to the customers' supplier portals, one per portal software, each driven
through its screens with every locator from `selectors/portal-<kind>.yaml`."""

from __future__ import annotations

from pathlib import Path

from bots.adapters.portals.base import PortalAdapter
from bots.config import Settings
from bots.errors import ConfigError


def open_portal(settings: Settings, name: str, run_dir: Path | None) -> PortalAdapter:
    """The adapter for the portal configured as `portals.<name>` (not yet opened)."""
    portal = settings.portals.get(name)
    if portal is None:
        raise ConfigError(
            f"portals.{name}",
            "no such portal is configured",
            f"add a [portals.{name}] section with kind and url",
        )
    if portal.kind == "a":
        from bots.adapters.portals.portal_a import PortalA

        return PortalA(settings, name, run_dir)
    from bots.adapters.portals.portal_b import PortalB

    return PortalB(settings, name, run_dir)

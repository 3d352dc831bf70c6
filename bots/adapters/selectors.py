"""Element locators read from the YAML files in `selectors/`.

A selector file has `screens:` (screen -> element -> CSS selector, or a list of
fallback selectors tried in order) and optionally `paths:` (screen -> URL path). A
value may hold `{name}` placeholders, filled by `get(..., name=value)`. When a
legacy system changes its markup only these files change, never the Python code.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bots.errors import ConfigError

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

KNOWN_SECTIONS = ("screens", "paths")
FIX = "correct the selector file"


@dataclass(frozen=True)
class Selectors:
    """The validated locators of one system (one selector file)."""

    source: Path
    screens: dict[str, dict[str, tuple[str, ...]]]
    paths: dict[str, str]

    @property
    def name(self) -> str:
        return self.source.stem

    def candidates(self, screen: str, element: str, **fields: str) -> list[str]:
        """The selector and its fallbacks, best first, placeholders filled."""
        found = self.screens.get(screen, {}).get(element)
        if found is None:
            raise ConfigError(
                f"{self.source.name}: screens.{screen}.{element}",
                "no such selector",
                f"add it to {self.source}",
            )
        return [
            _fill(self.source, f"screens.{screen}.{element}", s, fields) for s in found
        ]

    def get(self, screen: str, element: str, **fields: str) -> str:
        """One CSS selector; fallbacks are joined into a selector list."""
        return ", ".join(self.candidates(screen, element, **fields))

    def has(self, screen: str, element: str) -> bool:
        return element in self.screens.get(screen, {})

    def path(self, screen: str, **fields: str) -> str:
        """The URL path of a screen from the `paths:` section."""
        found = self.paths.get(screen)
        if found is None:
            raise ConfigError(
                f"{self.source.name}: paths.{screen}",
                "no such path",
                f"add it to {self.source}",
            )
        return _fill(self.source, f"paths.{screen}", found, fields)


def _fill(source: Path, key: str, template: str, fields: dict[str, str]) -> str:
    if "{" not in template:
        return template
    try:
        return template.format(**fields)
    except (KeyError, IndexError) as exc:
        raise ConfigError(
            f"{source.name}: {key}",
            f"placeholder {exc} was not given a value",
            "pass it to get() or correct the file",
        ) from exc


def load(settings: Settings, name: str) -> Selectors:
    """The selector file `<selectors_dir>/<name>.yaml` (or .yml)."""
    folder = settings.selectors_dir
    for suffix in (".yaml", ".yml"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return load_file(path)
    raise ConfigError(
        "selectors_dir",
        f"there is no selector file {name}.yaml in {folder}",
        "copy the shipped selectors/ folder into O2C_HOME or correct O2C_HOME",
    )


def load_all(folder: Path) -> dict[str, Selectors]:
    """Every selector file of a folder, validated; ConfigError on the first bad one."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    return {path.stem: load_file(path) for path in files}


def load_file(path: Path) -> Selectors:
    """Read and validate one selector file; ConfigError names the file and key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(str(path), f"cannot be read ({exc.strerror})", FIX) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(str(path), f"is not valid YAML{where}", FIX) from exc
    if not isinstance(data, dict):
        raise ConfigError(str(path), "must be a mapping with a 'screens' key", FIX)
    for key in data:
        if key not in KNOWN_SECTIONS:
            log.debug("%s: ignoring top-level key %r", path.name, key)
    screens = _screens(path, data.get("screens"))
    paths = _paths(path, data.get("paths", {}))
    return Selectors(source=path, screens=screens, paths=paths)


def _screens(path: Path, raw: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{path.name}: screens", "must be a non-empty mapping", FIX)
    screens: dict[str, dict[str, tuple[str, ...]]] = {}
    for screen, elements in raw.items():
        key = f"{path.name}: screens.{screen}"
        if not isinstance(elements, dict) or not elements:
            raise ConfigError(key, "must be a mapping of element -> selector", FIX)
        screens[str(screen)] = {
            str(name): _selector(path, f"screens.{screen}.{name}", value)
            for name, value in elements.items()
        }
    return screens


def _selector(path: Path, key: str, value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ConfigError(f"{path.name}: {key}", "the fallback list is empty", FIX)
    for item in values:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(
                f"{path.name}: {key}", "must be a CSS selector string or a list", FIX
            )
        _check_template(path, key, item)
    return tuple(item.strip() for item in values)


def _paths(path: Path, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path.name}: paths", "must be a mapping", FIX)
    paths: dict[str, str] = {}
    for screen, value in raw.items():
        key = f"paths.{screen}"
        if not isinstance(value, str) or not value.startswith("/"):
            raise ConfigError(
                f"{path.name}: {key}", "must be a URL path starting with '/'", FIX
            )
        _check_template(path, key, value)
        paths[str(screen)] = value
    return paths


def _check_template(path: Path, key: str, value: str) -> None:
    try:
        list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ConfigError(
            f"{path.name}: {key}", f"has a broken placeholder ({exc})", FIX
        ) from exc

"""Artifact folders on disk: where a run's log and evidence go, safe file names,
and pruning old runs.

Layout under `settings.artifacts_dir`: `runs/<YYYY-MM-DD>/<run-id>/run.jsonl` (the
run's JSON-lines log), `runs/<date>/<run-id>/items/<item-id>/...` (evidence) and
`items/<item-id>/...` (input files of work items).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete

from bots.config import Settings
from bots.errors import ConfigError

log = logging.getLogger(__name__)

_RUN_ID = re.compile(r"^(\d{4})(\d{2})(\d{2})-\d{6}-[0-9a-f]+$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_AGE = re.compile(r"^\s*(\d+)\s*([dhwm]?)\s*$")


def run_date(run_id: str) -> date:
    """The UTC day a run started, read from its id (today for other owners)."""
    match = _RUN_ID.match(run_id)
    if match is None:
        return datetime.now(UTC).date()
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)


def run_dir(settings: Settings, run_id: str) -> Path:
    return settings.artifacts_dir / "runs" / run_date(run_id).isoformat() / run_id


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (`../x y.pdf` -> `x_y.pdf`)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    if len(cleaned) > 120:
        stem, dot, suffix = cleaned.rpartition(".")
        cleaned = (stem[:100] + dot + suffix[:16]) if dot else cleaned[:120]
    return cleaned


def unique_path(folder: Path, name: str) -> Path:
    """`folder/name`, or `name-2`, `name-3`... when that file exists already."""
    candidate = folder / name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    number = 2
    while candidate.exists():
        candidate = folder / (
            f"{stem}-{number}.{suffix}" if dot else f"{stem}-{number}"
        )
        number += 1
    return candidate


@dataclass(frozen=True)
class StoredFile:
    path: Path
    relative: str
    size: int
    sha256: str


def store(settings: Settings, folder: Path, name: str, data: bytes) -> StoredFile:
    """Write `data` under `folder` with a safe, unused name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = unique_path(folder, safe_name(name))
    path.write_bytes(data)
    relative = path.relative_to(settings.artifacts_dir).as_posix()
    return StoredFile(path, relative, len(data), hashlib.sha256(data).hexdigest())


def parse_age(text: str) -> timedelta:
    """`30d`, `12h`, `2w` or `90m` (minutes); a bare number means days."""
    match = _AGE.match(text)
    if match is None:
        raise ConfigError(
            "--older-than", f"'{text}' is not an age", "write it like 30d, 12h or 2w"
        )
    number, unit = int(match.group(1)), match.group(2) or "d"
    hours = {"d": 24, "h": 1, "w": 24 * 7, "m": 1 / 60}[unit]
    return timedelta(hours=number * hours)


def prune(
    settings: Settings, older_than: timedelta, dry_run: bool = False
) -> list[Path]:
    """Remove run folders that started before now - older_than; return them."""
    from bots.runtime.db import session_scope
    from bots.runtime.models import ItemFile

    root = settings.artifacts_dir / "runs"
    cutoff = datetime.now(UTC) - older_than
    removed: list[Path] = []
    for folder in sorted(root.glob("*/*")) if root.is_dir() else []:
        started = _started(folder)
        if started is None or started >= cutoff:
            continue
        removed.append(folder)
        if dry_run:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        prefix = folder.relative_to(settings.artifacts_dir).as_posix() + "/"
        with session_scope(settings) as session:
            session.execute(delete(ItemFile).where(ItemFile.path.startswith(prefix)))
        log.info("pruned run folder %s", folder)
    if not dry_run:
        _remove_empty_days(root)
    return removed


def _started(folder: Path) -> datetime | None:
    match = _RUN_ID.match(folder.name)
    if match is None or not folder.is_dir():
        return None
    stamp = folder.name[:15]
    return datetime.strptime(stamp, "%Y%m%d-%H%M%S").replace(tzinfo=UTC)


def _remove_empty_days(root: Path) -> None:
    for day in root.glob("*") if root.is_dir() else []:
        if day.is_dir() and not any(day.iterdir()):
            day.rmdir()

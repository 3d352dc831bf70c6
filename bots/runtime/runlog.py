"""A run's log: every record from the run's threads, secrets scrubbed, written as
JSON lines to `run.jsonl` in the run's artifact folder, and the lines of the current
work item kept aside so that a failure can save them as evidence."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bots.runtime.scrub import Scrubber, SecretFilter, install

log = logging.getLogger(__name__)

ITEM_LINES_MAX = 2000


class RunLogHandler(logging.Handler):
    """Writes the records of the run's threads to `run.jsonl`."""

    def __init__(self, path: Path, run_id: str, scrubber: Scrubber) -> None:
        super().__init__(logging.DEBUG)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.run_id = run_id
        self.threads: set[int] = {threading.get_ident()}
        self.item_id: int | None = None
        self.item_lines: list[str] = []
        self._file: TextIO = path.open("a", encoding="utf-8")
        self._plain = logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        self.addFilter(_ThreadFilter(self))
        self.addFilter(SecretFilter(scrubber))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry = self._entry(record)
            with self.lock or threading.RLock():
                self._file.write(json.dumps(entry, default=str) + "\n")
                self._file.flush()
                if self.item_id is not None and len(self.item_lines) < ITEM_LINES_MAX:
                    self.item_lines.append(self._plain.format(record))
        except Exception:  # a log line must never break the run
            self.handleError(record)

    def _entry(self, record: logging.LogRecord) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "run_id": self.run_id,
        }
        if self.item_id is not None:
            entry["item_id"] = self.item_id
        if record.exc_text:
            entry["exception"] = record.exc_text
        for key in ("event", "reference", "status", "counts"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return entry

    def start_item(self, item_id: int) -> None:
        self.item_id = item_id
        self.item_lines = []

    def end_item(self) -> list[str]:
        lines, self.item_lines, self.item_id = self.item_lines, [], None
        return lines

    def close(self) -> None:
        try:
            self._file.close()
        finally:
            super().close()


class _ThreadFilter(logging.Filter):
    def __init__(self, handler: RunLogHandler) -> None:
        super().__init__("")
        self.handler = handler

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread in self.handler.threads


class attached:
    """Attach a run log to the root logger for the duration of a run.

    The root logger is lowered to INFO (DEBUG if it was lower) so the run log gets
    the business events; handlers that were already there keep the level they
    effectively had, so the console does not get noisier. Every root handler gets
    the secret filter.
    """

    def __init__(self, handler: RunLogHandler, scrubber: Scrubber) -> None:
        self.handler = handler
        self.scrubber = scrubber
        self._saved: list[tuple[logging.Handler, int]] = []
        self._root_level = logging.WARNING

    def __enter__(self) -> RunLogHandler:
        root = logging.getLogger()
        self._root_level = root.level
        for existing in root.handlers:
            install(existing, self.scrubber)
            if existing.level == logging.NOTSET:
                self._saved.append((existing, existing.level))
                existing.setLevel(self._root_level)
        root.addHandler(self.handler)
        root.setLevel(min(self._root_level or logging.WARNING, logging.INFO))
        return self.handler

    def __exit__(self, *exc: object) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._root_level)
        for existing, level in self._saved:
            existing.setLevel(level)
        self.handler.close()

"""Arrange a work item's files for the detail page and find them on disk safely.

Input documents are shown (PDF pages as images, mails as headers and text);
screenshots are shown inline; page HTML, traces and logs are offered as downloads
only. A file's stored path is relative to the artifacts folder and is never
followed outside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bots.config import Settings
from bots.console import documents

log = logging.getLogger(__name__)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass
class ShownFile:
    id: int
    name: str
    kind: str
    shape: str
    size: int | None
    run_id: str | None
    pages: int = 0
    mail: documents.MailView | None = None
    missing: bool = False


@dataclass
class Arranged:
    inputs: list[ShownFile] = field(default_factory=list)
    screenshots: list[ShownFile] = field(default_factory=list)
    downloads: list[ShownFile] = field(default_factory=list)


def _field(record: Any, name: str) -> Any:
    if isinstance(record, dict):
        return record.get(name)
    return getattr(record, name, None)


def locate(settings: Settings, relative: str) -> Path | None:
    """The file under the artifacts folder, or None if missing or outside it."""
    root = settings.artifacts_dir.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def is_image(path: Path) -> str | None:
    """`image/png` or `image/jpeg` when the bytes really are one, else None."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(PNG_MAGIC):
        return "image/png"
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    return None


def arrange(settings: Settings, files: list[Any]) -> Arranged:
    arranged = Arranged()
    for record in files:
        shown = _describe(settings, record)
        if shown.kind == "input" and shown.shape in ("pdf", "mail"):
            arranged.inputs.append(shown)
        elif shown.shape == "image" and not shown.missing:
            arranged.screenshots.append(shown)
        else:
            arranged.downloads.append(shown)
    return arranged


def _describe(settings: Settings, record: Any) -> ShownFile:
    name = str(_field(record, "name") or "")
    shown = ShownFile(
        id=int(_field(record, "id")),
        name=name,
        kind=str(_field(record, "kind") or ""),
        shape=documents.file_kind(name, _field(record, "content_type")),
        size=_field(record, "size"),
        run_id=_field(record, "run_id"),
    )
    path = locate(
        settings, str(_field(record, "relative_path") or _field(record, "path") or "")
    )
    if path is None:
        shown.missing = True
        return shown
    if shown.shape == "pdf" and shown.kind == "input":
        shown.pages = min(documents.pdf_page_count(path), documents.MAX_PAGES)
    elif shown.shape == "mail" and shown.kind == "input":
        try:
            shown.mail = documents.read_mail(path)
        except Exception as exc:  # noqa: BLE001 - a broken mail becomes a download
            log.warning("cannot parse mail %s: %s", path.name, exc)
            shown.shape = "other"
    elif shown.shape == "image" and is_image(path) is None:
        shown.shape = "other"
    return shown


def cache_dir(settings: Settings) -> Path:
    return settings.artifacts_dir / "console-cache" / "pages"

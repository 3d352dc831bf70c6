"""Keeping secrets out of logs and artifacts.

`Scrubber` replaces every secret the settings know (and its JSON-, URL- and
HTML-escaped forms, as they appear in traces and page dumps) in text, bytes and zip
archives such as Playwright traces. `SecretFilter` is a logging filter that applies it
to every record passing a handler, including exception tracebacks.
"""

from __future__ import annotations

import html
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

log = logging.getLogger(__name__)

MASK = "********"
# Members of an archive that are images: masking bytes there serves nothing.
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


class Scrubber:
    """Replaces known secrets in text and files."""

    def __init__(self, secrets: Iterable[str]) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            variants.update(
                {
                    secret,
                    json.dumps(secret)[1:-1],
                    json.dumps(json.dumps(secret)[1:-1])[1:-1],
                    quote(secret, safe=""),
                    quote_plus(secret, safe=""),
                    html.escape(secret),
                }
            )
        self.variants = sorted(variants, key=len, reverse=True)
        self._bytes = [v.encode("utf-8") for v in self.variants]

    def __bool__(self) -> bool:
        return bool(self.variants)

    def text(self, value: str) -> str:
        for variant in self.variants:
            if variant in value:
                value = value.replace(variant, MASK)
        return value

    def data(self, value: bytes) -> bytes:
        """Scrub bytes: archives member by member, UTF-8 text like `text`, other
        bytes in place (same length, so that binary formats keep their offsets)."""
        if not self.variants:
            return value
        if value[:4] == b"PK\x03\x04":
            return self._zip(value)
        if not any(variant in value for variant in self._bytes):
            return value
        try:
            return self.text(value.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return self._plain(value)

    def _zip(self, value: bytes) -> bytes:
        try:
            source = zipfile.ZipFile(io.BytesIO(value))
        except zipfile.BadZipFile:
            return self._plain(value)
        out = io.BytesIO()
        with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if not info.filename.lower().endswith(_IMAGE_SUFFIXES):
                    content = self.data(content)
                target.writestr(info, content)
        return out.getvalue()

    def _plain(self, value: bytes) -> bytes:
        for variant in self._bytes:
            if variant in value:
                value = value.replace(variant, b"*" * len(variant))
        return value


class SecretFilter(logging.Filter):
    """Scrubs secrets from the message, arguments and traceback of each record."""

    def __init__(self, scrubber: Scrubber) -> None:
        super().__init__("")
        self.scrubber = scrubber

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.scrubber:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg = self.scrubber.text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrubber.text(record.exc_text)
        record.exc_info = None if record.exc_text else record.exc_info
        if record.stack_info:
            record.stack_info = self.scrubber.text(record.stack_info)
        return True


def install(handler: logging.Handler, scrubber: Scrubber) -> SecretFilter:
    """Add a secret filter to a handler unless it already has one."""
    for existing in handler.filters:
        if isinstance(existing, SecretFilter):
            existing.scrubber = scrubber
            return existing
    secret_filter = SecretFilter(scrubber)
    handler.addFilter(secret_filter)
    return secret_filter

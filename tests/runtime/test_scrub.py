"""Secrets are scrubbed from text, bytes, trace archives and log records."""

from __future__ import annotations

import io
import json
import logging
import zipfile

from bots.runtime.scrub import MASK, Scrubber, SecretFilter

SECRET = 'p"w&d/Üx 9'


def test_text_and_its_escaped_forms_are_masked() -> None:
    scrubber = Scrubber([SECRET, ""])
    text = (
        f"plain {SECRET} json {json.dumps(SECRET)} url p%22w%26d%2F%C3%9Cx%209 "
        "html p&quot;w&amp;d/Üx 9"
    )
    cleaned = scrubber.text(text)
    assert "w&d" not in cleaned and "%26" not in cleaned and "&amp;d" not in cleaned
    assert cleaned.count(MASK) == 4


def test_a_trace_archive_is_rewritten_without_the_secret() -> None:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("trace.trace", json.dumps({"method": "fill", "value": SECRET}))
        archive.writestr("resources/page.html", f"<input value='{SECRET}'>")
        archive.writestr("resources/shot.png", b"\x89PNG" + SECRET.encode())
    cleaned = Scrubber([SECRET]).data(raw.getvalue())

    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        trace = archive.read("trace.trace").decode()
        page = archive.read("resources/page.html").decode()
        assert archive.namelist() == [
            "trace.trace", "resources/page.html", "resources/shot.png",
        ]  # fmt: skip
    assert json.loads(trace)["value"] == MASK
    assert SECRET not in page and json.dumps(SECRET)[1:-1] not in trace


def test_binary_data_keeps_its_length() -> None:
    data = b"\x00\x01" + SECRET.encode() + b"\xff"
    cleaned = Scrubber([SECRET]).data(data)
    assert len(cleaned) == len(data) and SECRET.encode() not in cleaned


def test_log_records_and_tracebacks_are_scrubbed() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter(Scrubber([SECRET])))
    logger = logging.getLogger("test.scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("login with %s failed", SECRET)
        try:
            raise ValueError(f"bad password {SECRET}")
        except ValueError:
            logger.exception("oops")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert SECRET not in output
    assert "login with ******** failed" in output and "bad password ********" in output

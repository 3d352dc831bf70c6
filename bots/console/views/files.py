"""Serve evidence and input files: images inline, everything else as a download.

HTML pages captured by the bots are served as `text/plain` attachments, never
rendered; every file response also carries a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, send_file

from bots.console import documents, evidence
from bots.runtime.queue import WorkQueue

log = logging.getLogger(__name__)

bp = Blueprint("files", __name__)

FILE_CSP = "default-src 'none'; sandbox"


def _record(item_id: int, file_id: int) -> Any:
    settings = current_app.config["O2C_SETTINGS"]
    for record in WorkQueue(settings).files(item_id):
        if int(evidence._field(record, "id")) == file_id:
            return record
    abort(404, description="There is no such file for this item.")


def _path(record: Any) -> Path:
    settings = current_app.config["O2C_SETTINGS"]
    stored = evidence._field(record, "relative_path") or evidence._field(record, "path")
    path = evidence.locate(settings, str(stored or ""))
    if path is None:
        abort(404, description="The file is no longer in the artifacts folder.")
    return path


def send_download(path: Path, name: str) -> Response:
    """The file as an attachment; images inline; HTML and text as plain text."""
    image_type = evidence.is_image(path)
    shape = documents.file_kind(name, None)
    if image_type and shape == "image":
        response = send_file(path, mimetype=image_type, download_name=name)
    elif shape in ("html", "text", "mail"):
        response = send_file(
            path,
            mimetype="text/plain; charset=utf-8",
            as_attachment=True,
            download_name=name + ".txt" if shape == "html" else name,
        )
    elif shape == "pdf":
        response = send_file(
            path, mimetype="application/pdf", as_attachment=True, download_name=name
        )
    else:
        response = send_file(
            path,
            mimetype="application/octet-stream",
            as_attachment=True,
            download_name=name,
        )
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/items/<int:item_id>/files/<int:file_id>")
def download(item_id: int, file_id: int) -> Response:
    record = _record(item_id, file_id)
    return send_download(_path(record), str(evidence._field(record, "name")))


@bp.route("/items/<int:item_id>/files/<int:file_id>/pages/<int:page>.png")
def pdf_page(item_id: int, file_id: int, page: int) -> Response:
    settings = current_app.config["O2C_SETTINGS"]
    record = _record(item_id, file_id)
    image = documents.render_pdf_page(_path(record), page, evidence.cache_dir(settings))
    if image is None:
        abort(404, description="That page cannot be shown.")
    response = send_file(image, mimetype="image/png")
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response

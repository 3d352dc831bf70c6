"""`read_purchase_order`: one file in, one checked purchase order out.

The file's kind is decided by its first bytes, not its name. PDFs are opened with
pdfplumber and read by a matching customer template or by the generic layout reader;
spreadsheets by the spreadsheet reader. Files that cannot be read at all raise
`DocumentError` with a short code (`empty`, `too_large`, `corrupt`, `encrypted`,
`no_text_layer`, `not_a_purchase_order`, `unsupported_type`) and a message naming
the problem; everything else comes back validated, with warnings and needs_review.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from bots.documents.po.generic import not_a_purchase_order, read_layout
from bots.documents.po.layout import PageLayout, page_layout
from bots.documents.po.models import PurchaseOrder
from bots.documents.po.spreadsheet import read_csv_grid, read_grid, read_xlsx_grid
from bots.documents.po.templates import apply_template, find_template, load_templates
from bots.documents.po.validation import assess
from bots.errors import DocumentError

log = logging.getLogger(__name__)

MAX_BYTES = 20_000_000
MAX_PAGES = 60
ENCRYPTED = "the PDF is password-protected; ask the customer for an open copy"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UNSUPPORTED = {
    "ole": "an old Office file (.xls/.doc); ask for a PDF, or save it as .xlsx",
    "zip": "a ZIP archive, not an XLSX workbook; send the PO file itself",
    "unknown": "not a PDF, XLSX or CSV file; ask the customer for a PDF purchase order",
}
UNDECODED_SHARE = 0.3


def read_purchase_order(
    path: Path,
    *,
    templates_dir: Path | None = None,
    use_templates: bool = True,
    max_bytes: int = MAX_BYTES,
) -> PurchaseOrder:
    """Read and check a purchase order from a PDF, XLSX or CSV file."""
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    kind = file_kind(path, data)
    if kind == "pdf":
        pages = read_pdf_pages(path)
        po, template_used, warnings = _read_pdf(
            path, pages, templates_dir, use_templates
        )
    elif kind in ("xlsx", "csv"):
        po = _read_spreadsheet(path, data, kind)
        template_used, warnings = False, list(po.warnings)
    elif kind == "encrypted_xlsx":
        raise DocumentError(
            path.name,
            "encrypted",
            "the spreadsheet is password-protected; ask the customer for an open copy",
        )
    else:
        raise DocumentError(path.name, "unsupported_type", UNSUPPORTED[kind])
    assess(po, template=template_used, reader_warnings=warnings)
    log.info(
        "read PO %s from %s: %d lines, needs_review=%s",
        po.po_number, path.name, len(po.lines), po.needs_review,
    )  # fmt: skip
    return po


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    if not path.exists():
        raise DocumentError(path.name, "not_found", "there is no such file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(
            path.name, "unreadable", f"cannot be opened ({exc.strerror})"
        ) from exc
    if size == 0:
        raise DocumentError(path.name, "empty", "the file is empty (0 bytes)")
    if size > max_bytes:
        raise DocumentError(
            path.name,
            "too_large",
            f"the file has {size:,} bytes, more than the limit of {max_bytes:,}",
        )
    return path.read_bytes()


def file_kind(path: Path, data: bytes) -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx" if _is_xlsx(path) else "zip"
    if data.startswith(OLE_MAGIC):
        # a password-protected XLSX is an OLE container, like an old .xls
        return "encrypted_xlsx" if path.suffix.lower() == ".xlsx" else "ole"
    if path.suffix.lower() in (".csv", ".txt") and b"\x00" not in data[:4096]:
        return "csv"
    return "unknown"


def _is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def read_pdf_pages(path: Path) -> list[PageLayout]:
    """The pages of a PDF as rows and phrases; DocumentError when unreadable."""
    import pdfplumber

    _check_complete(path)
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise DocumentError(
                    path.name,
                    "too_large",
                    f"it has {len(pdf.pages)} pages, more than the limit of {MAX_PAGES}",
                )
            pages = [page_layout(page, n) for n, page in enumerate(pdf.pages, start=1)]
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on broken files
        if _is_encryption_error(exc):
            raise DocumentError(path.name, "encrypted", ENCRYPTED) from exc
        raise DocumentError(
            path.name,
            "corrupt",
            f"the PDF is damaged and cannot be read ({_cause_name(exc)})",
        ) from exc
    if not pages:
        raise DocumentError(path.name, "corrupt", "the PDF has no pages")
    if not any(page.rows for page in pages):
        if any(page.image_count for page in pages):
            raise DocumentError(
                path.name,
                "no_text_layer",
                "the PDF is a scan without a text layer; ask for the original PDF "
                "or enter the order by hand",
            )
        raise DocumentError(path.name, "empty", "the PDF has no text on any page")
    if _undecoded_share(pages) > UNDECODED_SHARE:
        raise DocumentError(
            path.name,
            "no_text_layer",
            "the PDF's text cannot be decoded (its fonts have no character map); "
            "ask for another export or enter the order by hand",
        )
    return pages


def _undecoded_share(pages: list[PageLayout]) -> float:
    """The share of phrases pdfminer could only print as (cid:NN) glyph numbers."""
    phrases = [p.text for page in pages for row in page.rows for p in row.phrases]
    if not phrases:
        return 0.0
    return sum("(cid:" in text for text in phrases) / len(phrases)


def _is_encryption_error(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    causes = [exc, *exc.args, exc.__context__]
    return any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes)


def _cause_name(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return type(inner).__name__


def _check_complete(path: Path) -> None:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise DocumentError(
            path.name, "corrupt", "the PDF is truncated (it has no end-of-file marker)"
        )


def _read_pdf(
    path: Path,
    pages: list[PageLayout],
    templates_dir: Path | None,
    use_templates: bool,
) -> tuple[PurchaseOrder, bool, list[str]]:
    po = read_layout(pages, path.name)
    reason = not_a_purchase_order(pages, po)
    if reason:
        raise DocumentError(
            path.name, "not_a_purchase_order", f"not a purchase order: {reason}"
        )
    warnings = list(po.warnings)
    if use_templates:
        template = find_template(pages, load_templates(templates_dir))
        if template:
            log.debug("template %s matches %s", template.name, path.name)
            warnings = apply_template(template, pages, po)
            return po, True, warnings
    return po, False, warnings


def _read_spreadsheet(path: Path, data: bytes, kind: str) -> PurchaseOrder:
    try:
        grid = read_xlsx_grid(path) if kind == "xlsx" else read_csv_grid(data)
    except Exception as exc:  # openpyxl and csv raise many kinds on broken files
        raise DocumentError(
            path.name,
            "corrupt",
            f"the spreadsheet cannot be read ({type(exc).__name__})",
        ) from exc
    if not any(any(cell is not None for cell in row) for row in grid):
        raise DocumentError(path.name, "empty", "the spreadsheet has no cells")
    po = read_grid(grid, path.name)
    if not po.lines and not po.po_number:
        raise DocumentError(
            path.name,
            "not_a_purchase_order",
            "not a purchase order: no PO number and no line table were found",
        )
    return po

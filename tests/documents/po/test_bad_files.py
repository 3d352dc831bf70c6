"""Files that are not readable purchase orders are refused with a code and one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.documents.po import read_purchase_order
from bots.errors import DocumentError
from tests.documents.po.conftest import CORPUS, bad_documents

BAD = bad_documents()


def code_of(path: Path) -> str:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["code"]


def test_every_refusal_code_is_covered() -> None:
    codes = {code_of(path) for path in BAD}
    assert {
        "no_text_layer", "encrypted", "empty", "corrupt", "not_a_purchase_order",
        "unsupported_type",
    } <= codes  # fmt: skip


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_reader_refuses_with_the_code(path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(path)
    assert caught.value.code == code_of(path)
    assert caught.value.source == path.name


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_cli_prints_one_line_naming_the_file(path: Path, o2c_home: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "po", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and path.name in lines[0], result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_cli_json_gives_error_and_code(path: Path, o2c_home: Path) -> None:
    result = CliRunner().invoke(main, ["extract", "po", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["code"] == code_of(path)
    assert path.name in data["error"]


def test_installed_command_refuses_a_scan_without_traceback(o2c_home: Path) -> None:
    scan = CORPUS / "bad" / "scan_only_image.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "bots", "extract", "po", str(scan)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        (
            "o2c: scan_only_image.pdf: the PDF is a scan without a text layer; ask "
            "for the original PDF or enter the order by hand"
        )
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(tmp_path / "nothing.pdf")
    assert caught.value.code == "not_found"


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    big.write_bytes((CORPUS / "us_ruled_brightline.pdf").read_bytes())
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(big, max_bytes=1000)
    assert caught.value.code == "too_large"
    assert "limit of 1,000" in caught.value.message


def test_pdf_with_no_text_and_no_image_is_empty(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "blank.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.showPage()
    canvas.save()
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(path)
    assert caught.value.code == "empty"


def test_broken_xlsx_is_corrupt(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "order.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(path)
    assert caught.value.code == "corrupt"


def test_password_protected_xlsx_and_old_xls(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    (tmp_path / "order.xlsx").write_bytes(ole)
    (tmp_path / "order.xls").write_bytes(ole)
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(tmp_path / "order.xlsx")
    assert caught.value.code == "encrypted"
    with pytest.raises(DocumentError) as caught:
        read_purchase_order(tmp_path / "order.xls")
    assert caught.value.code == "unsupported_type" and ".xlsx" in caught.value.message


def test_undecodable_text_counts_as_no_text_layer() -> None:
    from bots.documents.po.layout import PageLayout, Phrase, Row
    from bots.documents.po.reader import UNDECODED_SHARE, _undecoded_share

    def page(texts: list[str]) -> PageLayout:
        rows = [Row([Phrase(t, 0, 10, 0, 10, 9, 1)], page=1) for t in texts]
        return PageLayout(1, 595, 842, rows)

    garbled = page(["(cid:12)(cid:7)", "(cid:3)", "Page 1"])
    readable = page(["PURCHASE ORDER", "PO Number: 1", "(cid:3)", "Total", "Date"])
    assert _undecoded_share([garbled]) > UNDECODED_SHARE
    assert _undecoded_share([readable]) < UNDECODED_SHARE

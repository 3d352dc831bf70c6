"""`o2c extract po`: the JSON of the issue, a readable summary, untrusted text shown as text."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bots.cli import main
from tests.documents.po.conftest import CORPUS, expected


def test_json_is_the_expected_shape(o2c_home: Path) -> None:
    path = CORPUS / "uk_multipage_harrow.pdf"
    result = CliRunner().invoke(main, ["extract", "po", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected(path)


def test_no_templates_flag(o2c_home: Path) -> None:
    path = CORPUS / "uk_multipage_harrow.pdf"
    result = CliRunner().invoke(
        main, ["extract", "po", str(path), "--json", "--no-templates"]
    )
    data = json.loads(result.stdout)
    assert data["template"] is None and data["confidence"] == "0.90"


def test_templates_dir_setting_is_used(o2c_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: broken\nmatch: ['(']\n")
    (o2c_home / "o2c.toml").write_text(f"[intake]\ntemplates_dir = '{folder}'\n")
    path = CORPUS / "us_ruled_brightline.pdf"
    result = CliRunner().invoke(main, ["extract", "po", str(path)])
    assert result.exit_code == 2
    assert "broken.yaml: 'match' is not a regex" in result.stderr


def test_summary_shows_document_text_literally(o2c_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "order.csv"
    path.write_text(
        "PO Number,PO-77\nDate,2026-05-04\nCurrency,EUR\nBuyer,[bold red]Evil[/] Ltd\n\n"
        "Item,Description,Qty,Price,Amount\n"
        "X-1,[link=http://x]click[/link],2,5.00,10.00\n\nTotal,,,,10.00\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["extract", "po", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold red]Evil[/] Ltd" in result.stdout
    assert "[link=http://x]click[/link]" in result.stdout
    assert "PO-77" in result.stdout and "needs_review  no" in result.stdout

"""Customer templates: YAML data, chosen by their match patterns, overridable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bots.documents.po import read_purchase_order
from bots.documents.po.templates import SHIPPED_DIR, TemplateError, load_templates
from tests.documents.po.conftest import CORPUS

NORDWIND = CORPUS / "de_unruled_nordwind.pdf"


def test_shipped_templates_are_data_only() -> None:
    files = sorted(SHIPPED_DIR.iterdir())
    assert len([f for f in files if f.suffix == ".yaml"]) >= 2
    assert all(f.suffix == ".yaml" for f in files)
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"name", "match", "table"} <= set(data), path.name


def test_template_is_chosen_by_its_match_patterns() -> None:
    assert read_purchase_order(NORDWIND).template == "nordwind-technik"
    other = read_purchase_order(CORPUS / "es_pedido_iberia.pdf")
    assert other.template is None


def test_operator_folder_overrides_a_shipped_template(tmp_path: Path) -> None:
    data = yaml.safe_load((SHIPPED_DIR / "nordwind-technik.yaml").read_text())
    data["constants"]["buyer.name"] = "Nordwind (operator copy)"
    (tmp_path / "nordwind.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    po = read_purchase_order(NORDWIND, templates_dir=tmp_path)
    assert po.template == "nordwind-technik"
    assert po.buyer.name == "Nordwind (operator copy)"


def test_a_template_field_that_does_not_match_is_a_warning(tmp_path: Path) -> None:
    data = yaml.safe_load((SHIPPED_DIR / "nordwind-technik.yaml").read_text())
    data["fields"]["po_number"] = r"Bestellnummer:\s+(\d{10})"  # wrong label
    (tmp_path / "nordwind.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    po = read_purchase_order(NORDWIND, templates_dir=tmp_path)
    assert po.po_number is None and po.needs_review
    assert "template nordwind-technik: po_number was not found" in po.warnings


def test_invalid_template_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "name: broken\nmatch: ['x']\nfields:\n  po_number: '(unclosed'\n"
    )
    with pytest.raises(TemplateError, match=r"broken.yaml: 'fields.po_number'"):
        load_templates(tmp_path)


def test_templates_switched_off(tmp_path: Path) -> None:
    shutil.copy(SHIPPED_DIR / "harrow-kent.yaml", tmp_path / "h.yaml")
    path = CORPUS / "uk_multipage_harrow.pdf"
    assert read_purchase_order(path, templates_dir=tmp_path).template == "harrow-kent"
    assert read_purchase_order(path, use_templates=False).template is None


def test_template_columns_need_a_known_field(tmp_path: Path) -> None:
    (tmp_path / "cols.yaml").write_text(
        "name: cols\nmatch: ['x']\ntable:\n  start: 'Pos'\n  columns:\n"
        "    - {field: colour, x0: 1, x1: 2}\n"
    )
    with pytest.raises(TemplateError, match="'colour' is not one of"):
        load_templates(tmp_path)


def test_both_table_styles_are_shipped() -> None:
    styles = {
        name: set(yaml.safe_load((SHIPPED_DIR / f"{name}.yaml").read_text())["table"])
        for name in ("nordwind-technik", "harrow-kent")
    }
    assert "columns" in styles["nordwind-technik"]
    assert "row" in styles["harrow-kent"]


def test_misspelt_template_key_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "typo.yaml").write_text(
        "name: typo\nmatch: ['x']\nfields:\n  po_numbr: 'x'\n"
    )
    with pytest.raises(TemplateError, match="'fields.po_numbr' is not one of"):
        load_templates(tmp_path)

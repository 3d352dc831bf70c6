"""A generated PO with one printed figure changed must come out needs_review."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bots.documents.po import PurchaseOrder, read_purchase_order
from tests.documents.po import corpus_layouts as layouts
from tests.documents.po.corpus_pdf import render_pdf
from tests.documents.po.make_corpus import build_po

SPECS = {spec.name: spec for spec in layouts.SPECS}
Change = Callable[[PurchaseOrder], None]


def tampered_pdf(tmp_path: Path, name: str, change: Change) -> Path:
    spec = copy.deepcopy(SPECS[name])
    po = build_po(spec)
    change(po)
    path = tmp_path / f"{name}-tampered.pdf"
    render_pdf(spec, po, path)
    return path


def _flip_line_amount(po: PurchaseOrder) -> None:
    po.lines[1].amount += Decimal("9.00")


def _flip_total(po: PurchaseOrder) -> None:
    po.total -= Decimal("100.00")


def _flip_quantity(po: PurchaseOrder) -> None:
    po.lines[0].quantity += 1


def _flip_subtotal(po: PurchaseOrder) -> None:
    po.subtotal += Decimal("0.10")


CASES = [
    ("us_ruled_brightline", _flip_line_amount, "line 2:"),
    ("de_unruled_nordwind", _flip_line_amount, "line 20:"),
    ("fr_below_lumiere", _flip_total, "but the total says"),
    ("uk_multipage_harrow", _flip_quantity, "line 1:"),
    ("de_multipage_kessler", _flip_subtotal, "but the subtotal says"),
]


@pytest.mark.parametrize("use_templates", [True, False])
@pytest.mark.parametrize(("name", "change", "reason"), CASES)
def test_one_flipped_figure_means_review(
    tmp_path: Path,
    name: str,
    change: Change,
    reason: str,
    use_templates: bool,
) -> None:
    path = tampered_pdf(tmp_path, name, change)
    po = read_purchase_order(path, use_templates=use_templates)
    assert po.needs_review
    assert any(reason in warning for warning in po.warnings), po.warnings
    assert po.confidence <= Decimal("0.50")


def test_untampered_render_is_clean(tmp_path: Path) -> None:
    path = tampered_pdf(tmp_path, "us_ruled_brightline", lambda po: None)
    po = read_purchase_order(path)
    assert not po.needs_review, po.warnings

"""Turning an operator's corrections into an edited payload (pure logic)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from bots.console import editing

PAYLOAD = {
    "po": {
        "po_number": "PO-1",
        "customer_no": None,
        "total": "25.00",
        "lines": [
            {"line": 1, "item": "A-1", "quantity": 2, "unit_price": "10.00"},
            {"line": 2, "item": "B-2", "quantity": 1, "unit_price": "5.00"},
        ],
    },
    "mail_uid": 17,
}


def test_form_shows_header_and_line_columns() -> None:
    form = editing.po_form(PAYLOAD)
    assert [key for key, _ in form.header] == ["po_number", "customer_no", "total"]
    assert form.columns == ["line", "item", "quantity", "unit_price"]
    assert editing.po_form({"payment_id": "P1"}) is None


def test_corrections_keep_types_and_leave_the_original_alone() -> None:
    form = MultiDict(
        {
            "h.po_number": "PO-1A",
            "h.customer_no": "C1001",
            "h.total": "30.00",
            "l.0.quantity": "3",
            "l.0.item": "A-1",
            "l.1.remove": "1",
            "l.new.item": "C-3",
            "l.new.quantity": "4",
            "l.new.unit_price": "1.25",
        }
    )
    edited = editing.apply_po_form(PAYLOAD, form)
    po = edited["po"]
    assert (po["po_number"], po["customer_no"], po["total"]) == (
        "PO-1A",
        "C1001",
        "30.00",
    )
    assert po["lines"] == [
        {"line": 1, "item": "A-1", "quantity": 3, "unit_price": "10.00"},
        {"item": "C-3", "quantity": 4, "unit_price": "1.25"},
    ]
    assert edited["mail_uid"] == 17
    assert PAYLOAD["po"]["lines"][0]["quantity"] == 2


def test_a_bad_whole_number_is_refused() -> None:
    with pytest.raises(editing.EditError, match="'two' is not a whole number"):
        editing.apply_po_form(PAYLOAD, MultiDict({"l.0.quantity": "two"}))


def test_choose_a_candidate() -> None:
    item = {"error_details": {"candidates": [{"amount": "1"}, {"amount": "2"}]}}
    candidates = editing.candidates_of(item)
    edited = editing.apply_candidate({"payment_id": "P"}, candidates, "1")
    assert edited["application"] == {"amount": "2"}
    with pytest.raises(editing.EditError):
        editing.apply_candidate({}, candidates, "5")


def test_payload_json_must_be_an_object() -> None:
    assert editing.parse_payload_json('{"a": 1}') == {"a": 1}
    with pytest.raises(editing.EditError, match="line 1"):
        editing.parse_payload_json("{nope")
    with pytest.raises(editing.EditError, match="JSON object"):
        editing.parse_payload_json("[1]")


def test_candidate_label_reads_the_matcher_shape() -> None:
    label = editing.candidate_label(
        {
            "customer_id": "C1002",
            "applications": [
                {
                    "invoice_number": "INV-7",
                    "amount": "100.00",
                    "discount": "0.00",
                    "deduction": "5.00",
                    "deduction_code": "damage",
                },
                {"invoice_number": "INV-8", "amount": "50.00"},
            ],
            "unapplied": "0.00",
            "score": 0.7,
            "reasons": ["two invoices fit"],
        }
    )
    assert label == (
        "C1002 · INV-7 100.00 (deduction 5.00) [damage], INV-8 50.00 · "
        "unapplied 0.00 · score 0.7 · two invoices fit"
    )

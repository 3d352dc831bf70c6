"""Unit tests of the matching rules on small hand-made ledgers (pure logic)."""

from __future__ import annotations

import json
from datetime import date

from bots.matching import MATCHED, PARTIALLY_MATCHED, UNMATCHED, match_payments
from tests.matching.helpers import TODAY, applied, item, line, payment

NORD = "Nordwind Logistik Hamburg GmbH"
ACME = "Acme Industries Inc."
LEDGER = [
    item("INV-2026-000101", "C1", NORD, "1000.00", issued=date(2026, 11, 25)),
    item("INV-2026-000102", "C1", NORD, "250.50"),
    item("INV-2026-000103", "C1", NORD, "410.20"),
    item("INV-2026-000104", "C1", NORD, "89.99"),
    item("INV-2026-000201", "C2", ACME, "777.77"),
    item("INV-2026-000202", "C2", ACME, "120.00"),
    item("INV-2026-000203", "C2", ACME, "120.00"),
    item("INV-2026-000301", "C3", "Baltic Steel Ltd", "500.00", currency="GBP"),
]


def _match(*payments, ledger=LEDGER):
    return match_payments(list(payments), ledger, today=TODAY).payments


def test_reference_with_ocr_confusions_and_split_digits_matches() -> None:
    for text in (
        "Rechnung 2026 OOO1O2",
        "inv 2026-000lO2",
        "INV 2026 000 102 thanks",
        "Invoice No. 2026-000102",
        "2026-000102/INV",
    ):
        [match] = _match(payment("P1", "250.50", "NORDWIND LOGISTIK HAMBURG", text))
        assert match.status == MATCHED, (text, match.reasons)
        assert applied(match) == [("INV-2026-000102", "250.50", "0.00", "0.00", "")]
        assert match.customer_id == "C1"


def test_amounts_and_dates_in_the_text_are_not_references() -> None:
    ledger = [
        item("123456", "C9", "Cobalt Foods AG", "1234.56"),
        item("281126", "C9", "Cobalt Foods AG", "99.00"),
    ]
    [match] = _match(
        payment("P1", "50.00", "Cobalt Foods", "EUR 1.234,56 of 28.11.26"),
        ledger=ledger,
    )
    assert match.status == UNMATCHED
    assert match.applications == []


def test_payer_spellings_resolve_to_the_customer() -> None:
    for payer in (
        "NORDWIND LOGISTIK HAMBURG G.M.B.H.",
        "nordwind logistik hamburg",
        "NORDWIND LOGISTIK HAMB",
        "Nordwind Logistik Hamburg GmbH & Co. KG",
    ):
        [match] = _match(payment("P1", "410.20", payer, "Zahlung"))
        assert match.status == MATCHED, (payer, match.reasons)
        assert applied(match)[0][0] == "INV-2026-000103"


def test_umlauts_and_their_spelled_out_forms_meet() -> None:
    ledger = [item("RE-4711", "C5", "Müller & Söhne GmbH", "333.33")]
    [match] = _match(
        payment("P1", "333.33", "MUELLER + SOEHNE GMBH", "danke"), ledger=ledger
    )
    assert match.status == MATCHED
    assert match.customer_id == "C5"


def test_discount_within_period_is_applied_as_discount() -> None:
    [match] = _match(payment("P1", "980.00", NORD, "INV-2026-000101 less 2%"))
    assert match.status == MATCHED
    assert applied(match) == [("INV-2026-000101", "980.00", "20.00", "0.00", "")]


def test_discount_after_the_period_needs_a_person() -> None:
    [match] = _match(payment("P1", "245.49", NORD, "INV-2026-000102"))
    assert match.status == PARTIALLY_MATCHED
    assert any("after the discount period" in r for r in match.reasons)


def test_unique_combination_without_reference_matches() -> None:
    [match] = _match(payment("P1", "750.69", NORD, "payment"))
    assert match.status == MATCHED
    assert sorted(a.invoice_number for a in match.applications) == [
        "INV-2026-000102",
        "INV-2026-000103",
        "INV-2026-000104",
    ]


def test_two_equally_plausible_sets_are_never_matched() -> None:
    [match] = _match(payment("P1", "120.00", ACME, "payment"))
    assert match.status == UNMATCHED
    assert match.applications == []
    assert {c.applications[0].invoice_number for c in match.candidates} == {
        "INV-2026-000202",
        "INV-2026-000203",
    }
    [named] = _match(payment("P2", "120.00", ACME, "INV-2026-000202 INV-2026-000203"))
    assert named.status == UNMATCHED


def test_unknown_payer_without_reference_is_never_applied() -> None:
    [match] = _match(payment("P1", "777.77", "Zephyr Capital Partners", "payment"))
    assert match.status == UNMATCHED
    assert match.applications == []
    assert match.candidates[0].applications[0].invoice_number == "INV-2026-000201"


def test_unknown_payer_with_reference_and_exact_amount_matches() -> None:
    [match] = _match(payment("P1", "777.77", "Factoring Bank AG", "INV-2026-000201"))
    assert match.status == MATCHED
    assert match.customer_id == "C2"


def test_short_payment_with_reference_leaves_the_rest_open() -> None:
    first, second = _match(
        payment("P1", "600.00", NORD, "part payment INV-2026-000101", paid_on=TODAY),
        payment("P2", "400.00", NORD, "rest of INV-2026-000101", paid_on=TODAY),
    )
    assert first.status == MATCHED and second.status == MATCHED
    assert applied(first) == [("INV-2026-000101", "600.00", "0.00", "0.00", "")]
    assert applied(second) == [("INV-2026-000101", "400.00", "0.00", "0.00", "")]


def test_invoice_paid_twice_in_one_batch_is_not_applied_twice() -> None:
    first, second = _match(
        payment("P1", "250.50", NORD, "INV-2026-000102"),
        payment("P2", "250.50", NORD, "INV-2026-000102"),
    )
    assert first.status == MATCHED
    assert second.status == UNMATCHED
    assert any("already paid" in r for r in second.reasons)


def test_overpayment_is_partially_matched_with_the_rest_unapplied() -> None:
    [match] = _match(payment("P1", "300.00", NORD, "INV-2026-000102"))
    assert match.status == PARTIALLY_MATCHED
    assert applied(match) == [("INV-2026-000102", "250.50", "0.00", "0.00", "")]
    assert str(match.unapplied) == "49.50"


def test_currency_must_agree() -> None:
    [match] = _match(payment("P1", "500.00", "Baltic Steel Ltd", "INV-2026-000301"))
    assert match.status == UNMATCHED
    assert any("is in GBP" in r for r in match.reasons)


def test_reference_to_another_customer_than_the_payer_needs_a_person() -> None:
    [match] = _match(payment("P1", "777.77", NORD, "INV-2026-000201"))
    assert match.status != MATCHED
    assert match.candidates


def test_advice_lines_with_deduction_and_code_are_applied() -> None:
    lines = [
        line("INV-2026-000103", "380.20", deduction="30.00", code="DAMAGED"),
        line("2026-000104", "89.99"),
    ]
    [match] = _match(payment("P1", "470.19", NORD, "see advice", lines=lines))
    assert match.status == MATCHED
    assert applied(match) == [
        ("INV-2026-000103", "380.20", "0.00", "30.00", "DAMAGED"),
        ("INV-2026-000104", "89.99", "0.00", "0.00", ""),
    ]


def test_advice_that_does_not_add_up_needs_a_person() -> None:
    lines = [line("INV-2026-000103", "410.20")]
    [match] = _match(payment("P1", "400.00", NORD, "", lines=lines))
    assert match.status == PARTIALLY_MATCHED
    assert any("add up" in r for r in match.reasons)


def test_advice_file_is_linked_to_its_bank_payment_by_end_to_end_id() -> None:
    bank = payment("BANK-1", "470.19", NORD, "ADV-9", end_to_end_id="ADV-9")
    advice = payment(
        "ADV-9",
        "470.19",
        NORD,
        kind="advice",
        references=["ADV-9"],
        lines=[
            line("INV-2026-000103", "380.20", deduction="30.00", code="PRICE"),
            line("INV-2026-000104", "89.99"),
        ],
    )
    result = _match(bank, advice)
    assert [m.payment.payment_id for m in result] == ["BANK-1"]
    assert result[0].status == MATCHED
    assert applied(result[0])[0][4] == "PRICE"


def test_advice_without_bank_payment_is_not_applied_when_bank_files_are_present() -> (
    None
):
    bank = payment("BANK-1", "250.50", NORD, "INV-2026-000102")
    advice = payment(
        "ADV-7", "89.99", NORD, kind="advice", lines=[line("INV-2026-000104", "89.99")]
    )
    first, second = _match(bank, advice)
    assert first.status == MATCHED
    assert second.status == UNMATCHED


def test_debits_duplicates_and_batch_totals_are_not_customer_payments() -> None:
    debit = payment("D1", "250.50", NORD, "INV-2026-000102", credit_debit="DBIT")
    batch = payment("B1", "250.50", NORD, "INV-2026-000102", batch_total=True)
    original = payment("X1", "410.20", NORD, "INV-2026-000103")
    again = payment("X1", "410.20", NORD, "INV-2026-000103")
    results = _match(debit, batch, original, again)
    assert [m.status for m in results] == [UNMATCHED, UNMATCHED, MATCHED, UNMATCHED]
    assert "duplicate" in results[3].reasons[-1]


def test_json_has_the_documented_shape() -> None:
    result = match_payments(
        [payment("P1", "250.50", NORD, "INV-2026-000102")], LEDGER, today=TODAY
    )
    data = result.to_json()
    assert data == result.to_dict()
    json.dumps(data)
    [entry] = data["payments"]
    assert set(entry) == {
        "payment_id",
        "payer",
        "amount",
        "currency",
        "customer_id",
        "status",
        "applications",
        "unapplied",
        "confidence",
        "reasons",
        "candidates",
    }
    assert entry["applications"] == [
        {
            "invoice_number": "INV-2026-000102",
            "amount": "250.50",
            "discount": "0.00",
            "deduction": "0.00",
            "deduction_code": "",
        }
    ]
    assert entry["amount"] == "250.50" and entry["unapplied"] == "0.00"
    assert data["summary"]["matched"] == 1
    assert data["summary"]["auto_match_rate"] == "1.0000"


def test_structured_references_with_creditor_reference_prefix() -> None:
    for reference in ("RF18INV2026000103", "INV-2026-000103", "2026000103"):
        [match] = _match(payment("P1", "410.20", "", "", structured=[reference]))
        assert match.status == MATCHED, (reference, match.reasons)
        assert applied(match)[0][0] == "INV-2026-000103"


def test_invoice_named_by_an_unsettled_payment_is_not_taken_on_amount_alone() -> None:
    overpaid, amount_only = _match(
        payment("P1", "500.00", NORD, "INV-2026-000103"),
        payment("P2", "410.20", NORD, "payment"),
    )
    assert overpaid.status == PARTIALLY_MATCHED
    assert amount_only.status == UNMATCHED

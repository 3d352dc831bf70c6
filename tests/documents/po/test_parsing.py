"""Numbers, dates, currencies and labels as documents print them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bots.documents.po.labels import HEADER_LABELS, TOTAL_LABELS, match_label
from bots.documents.po.parsing import (
    EU,
    SPACE,
    SWISS,
    US,
    decide_day_first,
    detect_number_format,
    find_currency,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "fmt", "value"),
    [
        ("1,234.56", US, "1234.56"),
        ("1.234,56", EU, "1234.56"),
        ("1 234,56", SPACE, "1234.56"),
        ("1'234.56", SWISS, "1234.56"),
        ("1.000", EU, "1000"),
        ("1,000", US, "1000"),
        ("2,5", EU, "2.5"),
        ("0.0845", SWISS, "0.0845"),
        ("$1,189.00", US, "1189.00"),
        ("1 744,74 €", SPACE, "1744.74"),
        ("EUR 99,50", EU, "99.50"),
        ("(12.50)", US, "-12.50"),
        ("1.234.567,89", EU, "1234567.89"),
    ],
)
def test_numbers(text: str, fmt: str, value: str) -> None:
    assert parse_number(text, fmt) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "12 pcs", "4500-12", "", "1,2,3"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text, US) is None


def test_number_format_is_decided_by_the_amounts() -> None:
    assert detect_number_format(["Total 1.234,56", "Menge 1.000"]) == EU
    assert detect_number_format(["Total 1,234.56"]) == US
    assert detect_number_format(["Total 12 345,67", "VAT 2 469,13"]) == SPACE
    assert detect_number_format(["Total 1'234.50"]) == SWISS


@pytest.mark.parametrize(
    ("text", "day_first", "value"),
    [
        ("2026-03-14", False, date(2026, 3, 14)),
        ("03/14/2026", False, date(2026, 3, 14)),
        ("14/03/2026", True, date(2026, 3, 14)),
        ("14.03.2026", False, date(2026, 3, 14)),
        ("3/4/26", False, date(2026, 3, 4)),
        ("March 14, 2026", False, date(2026, 3, 14)),
        ("August 3 , 2014", False, date(2014, 8, 3)),
        ("14 March 2026", False, date(2026, 3, 14)),
        ("14-Mar-2026", False, date(2026, 3, 14)),
        ("14. März 2026", True, date(2026, 3, 14)),
        ("14 mars 2026", True, date(2026, 3, 14)),
        ("20 février 2026", True, date(2026, 2, 20)),
        ("14 de marzo de 2026", True, date(2026, 3, 14)),
        ("19 april 2014", True, date(2014, 4, 19)),
        ("8-9-2022", True, date(2022, 9, 8)),
    ],
)
def test_dates(text: str, day_first: bool, value: date) -> None:
    assert parse_date(text, day_first) == value


@pytest.mark.parametrize("text", ["31/31/2026", "Total", "14 Foo 2026", "2026"])
def test_not_dates(text: str) -> None:
    assert parse_date(text, True) is None


def test_date_order_from_an_unambiguous_date_is_certain() -> None:
    assert decide_day_first(["Date 25/04/2026", "Due 05/06/2026"], US, "GBP") == (
        True,
        True,
    )
    assert decide_day_first(["Date 04/25/2026"], EU, "EUR") == (False, True)


def test_date_order_from_disagreeing_hints_is_uncertain() -> None:
    _, certain = decide_day_first(["Date 05/06/2026"], EU, "USD")
    assert not certain
    assert decide_day_first(["Date 05/06/2026"], US, "USD") == (False, True)


@pytest.mark.parametrize(
    ("text", "code"),
    [("All amounts in USD", "USD"), ("Total CHF", "CHF"), ("£65.00", "GBP"),
     ("38,50 €", "EUR"), ("Rs 1939", "INR"), ("nothing", None)],
)  # fmt: skip
def test_currency(text: str, code: str | None) -> None:
    assert find_currency(text) == code


@pytest.mark.parametrize(
    ("text", "field", "rest"),
    [
        ("PO Number: 4500012345", "po_number", "4500012345"),
        ("P.O. # 7781", "po_number", "7781"),
        ("PO#", "po_number", ""),
        ("Order #4500", "po_number", "4500"),
        ("Bestell-Nr.: 4711", "po_number", "4711"),
        ("N° de commande", "po_number", ""),
        ("Número de pedido:", "po_number", ""),
        ("Our reference: AW-1", "po_number", "AW-1"),
        ("Order Date", "order_date", ""),
        ("Date de livraison", "requested_date", ""),
        ("Delivery address", "ship_to", ""),
        ("Total HT", "subtotal", ""),
        ("Total TTC", "total", ""),
        ("VAT 19%", "tax", "19%"),
        ("Übertrag", "ignore", ""),
        ("F actuurnummer: 99", None, None),
    ],
)
def test_labels_longest_match_wins(
    text: str, field: str | None, rest: str | None
) -> None:
    found = match_label(text, {**HEADER_LABELS, **TOTAL_LABELS})
    if field is None:
        assert found is None or found.field not in ("po_number", "order_date")
        return
    assert found is not None and (found.field, found.rest) == (field, rest)


def test_label_split_by_bad_kerning() -> None:
    found = match_label("F actuurnummer: 993548900", {"number": ("factuurnummer",)})
    assert found is not None and found.rest == "993548900"

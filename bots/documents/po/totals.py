"""Subtotal, tax, freight and grand total lines under the line table.

A totals row starts with (or contains, within its first phrases) a totals label; its
value is the rightmost amount on the row that is not a rate. Several tax or freight
rows (VAT at two rates) add up; the subtotal and the total are the last ones found,
so that section subtotals inside the table do not count.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from bots.documents.po.labels import match_total_label
from bots.documents.po.layout import Row
from bots.documents.po.parsing import parse_number

log = logging.getLogger(__name__)

_AMOUNT_AT_END = re.compile(
    r"([-(]?[$€£]?\s?\d[\d.,'\u00a0\u202f ]*\d(?:\s?[$€£])?[)-]?)\s*$"
)

_CODE_AT_END = re.compile(r"\s*\b[A-Z]{3}\s*$")


@dataclass
class Totals:
    subtotal: Decimal | None = None
    tax: Decimal | None = None
    freight: Decimal | None = None
    total: Decimal | None = None


def read_totals(rows: list[Row], number_format: str) -> Totals:
    totals = Totals()
    for row in rows:
        found = _totals_row(row, number_format)
        if found is None:
            continue
        kind, value = found
        if kind == "subtotal":
            totals.subtotal = value
        elif kind in ("tax", "freight"):
            setattr(totals, kind, (getattr(totals, kind) or Decimal(0)) + value)
        elif kind == "total":
            totals.total = value
    return totals


def _totals_row(row: Row, number_format: str) -> tuple[str, Decimal] | None:
    for position, phrase in enumerate(row.phrases[:3]):
        found = match_total_label(phrase.text)
        if not found or found.field == "ignore":
            continue
        candidates = [p.text for p in row.phrases[position + 1 :]]
        if found.rest:
            candidates.insert(0, found.rest)
        value = _rightmost_amount(candidates, number_format)
        if value is not None:
            return found.field, value
        return None
    return None


def _rightmost_amount(texts: list[str], number_format: str) -> Decimal | None:
    for text in reversed(texts):
        text = _CODE_AT_END.sub("", text)
        if "%" in text and not _AMOUNT_AT_END.search(text.split("%")[-1]):
            continue
        match = _AMOUNT_AT_END.search(text)
        if not match:
            continue
        value = parse_number(match.group(1), number_format)
        if value is not None:
            return value
    return None

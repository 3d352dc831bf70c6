"""Header fields of a purchase order found by their labels.

Every phrase outside the line table that starts with a known label is a `LabelHit`.
A value is taken from the rest of the label's own phrase, else from the next phrase
to its right, else from the phrase just below it; it must look like what the field
holds (a PO number, a date, a currency) or the next place is tried. Buyer and ship-to
are address blocks read downwards from their label; without a buyer label the
letterhead is taken as the buyer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bots.documents.po.labels import (
    HEADER_LABELS,
    PO_TITLE_WORDS,
    TOTAL_LABELS,
    contains_any,
    match_label,
)
from bots.documents.po.layout import Phrase, Row, rest_x0
from bots.documents.po.models import Party
from bots.documents.po.parsing import Conventions, find_currency, parse_date

log = logging.getLogger(__name__)

ALL_LABELS = {**HEADER_LABELS, **TOTAL_LABELS}
MAX_BLOCK_LINES = 6
_PO_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/._]{1,34}$")
_NUMBER_PREFIX = re.compile(r"^(?:no\.?|nr\.?|n°|nº|#|:)\s*", re.IGNORECASE)


@dataclass
class LabelHit:
    field: str
    label: str
    rest: str
    phrase: Phrase
    row: Row
    rank: int


def label_hits(rows: list[Row], labels: dict[str, tuple[str, ...]]) -> list[LabelHit]:
    """Every phrase that starts with a label, in reading order."""
    hits = []
    for row in rows:
        for phrase in row.phrases:
            found = match_label(phrase.text, labels)
            if found:
                rank = labels[found.field].index(found.label)
                hits.append(
                    LabelHit(found.field, found.label, found.rest, phrase, row, rank)
                )
    return hits


def is_label(phrase: Phrase) -> bool:
    found = match_label(phrase.text, ALL_LABELS)
    return bool(found and not found.rest)


def po_number_value(text: str) -> str | None:
    """A PO number: one token with a digit; a remark after it is dropped."""
    text = _NUMBER_PREFIX.sub("", text.strip()).strip()
    for candidate in (text, text.split(" ")[0].rstrip(",;")):
        if _PO_NUMBER.match(candidate) and any(char.isdigit() for char in candidate):
            return candidate
    return None


def date_value(conventions: Conventions) -> Callable[[str], date | None]:
    def parse(text: str) -> date | None:
        return parse_date(text, conventions.day_first)

    return parse


def currency_value(text: str) -> str | None:
    return find_currency(text.upper()) if len(text) <= 12 else None


def find_value(
    hit: LabelHit, rows: list[Row], parse: Callable[[str], object]
) -> object | None:
    """The value of a label: in its phrase, to its right, or just below it."""
    if hit.rest:
        value = parse(hit.rest)
        if value:
            return value
    for phrase in _right_of(hit):
        if is_label(phrase):
            break
        value = parse(phrase.text)
        if value:
            return value
        break
    for phrase in _below(hit, rows):
        value = parse(phrase.text)
        if value:
            return value
    return None


def _right_of(hit: LabelHit) -> list[Phrase]:
    return [
        p
        for p in hit.row.phrases
        if p.x0 >= hit.phrase.x1 and p.x0 - hit.phrase.x1 < 220
    ]


def _below(hit: LabelHit, rows: list[Row]) -> list[Phrase]:
    """Phrases in the two rows under the label that sit under its left edge."""
    found = []
    label = hit.phrase
    for row in _rows_after(hit.row, rows, count=2):
        for phrase in row.phrases:
            aligned = abs(phrase.x0 - label.x0) <= 8
            if aligned or phrase.overlap(label.x0, label.x1) > 0:
                if not is_label(phrase):
                    found.append(phrase)
                break
    return found


def _rows_after(row: Row, rows: list[Row], count: int) -> list[Row]:
    after = []
    previous = row
    for candidate in rows[row.index + 1 :]:
        if candidate.page != row.page or len(after) >= count or candidate.in_table:
            break
        if candidate.top - previous.bottom > 2.2 * previous.height:
            break
        after.append(candidate)
        previous = candidate
    return after


def best_value(
    hits: list[LabelHit], field: str, rows: list[Row], parse: Callable[[str], object]
) -> tuple[object | None, list[tuple[LabelHit, object]]]:
    """The value of the most specific label for `field`, and all values found."""
    found = []
    for hit in sorted((h for h in hits if h.field == field), key=lambda h: h.rank):
        value = find_value(hit, rows, parse)
        if value:
            found.append((hit, value))
    return (found[0][1] if found else None), found


def read_block(hit: LabelHit, rows: list[Row]) -> Party:
    """An address block under (or beside) its label: name line, then address."""
    lines: list[str] = []
    x = hit.phrase.x0
    if hit.rest:
        lines.append(hit.rest)
        x = rest_x0(hit.phrase, hit.rest)
    else:
        right = _right_of(hit)
        if right and not is_label(right[0]):
            lines.append(right[0].text)
            x = right[0].x0
    lines.extend(_aligned_lines(hit.row, rows, x, MAX_BLOCK_LINES - len(lines)))
    return _party(lines)


def _aligned_lines(start: Row, rows: list[Row], x: float, limit: int) -> list[str]:
    lines: list[str] = []
    previous = start
    for row in rows[start.index + 1 :]:
        if row.page != start.page or len(lines) >= limit or row.in_table:
            break
        if row.top - previous.bottom > 1.9 * previous.height:
            break
        phrase = next((p for p in row.phrases if abs(p.x0 - x) <= 6), None)
        if phrase is None:
            if any(p.x0 < x - 6 < p.x1 for p in row.phrases):
                break
            continue
        if match_label(phrase.text, ALL_LABELS):
            break
        lines.append(phrase.text)
        previous = row
    return lines


def _party(lines: list[str]) -> Party:
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return Party()
    return Party(name=lines[0], address="\n".join(lines[1:]) or None)


def _body_size(rows: list[Row]) -> float:
    sizes = sorted(p.size for row in rows if row.page == 1 for p in row.phrases)
    return sizes[len(sizes) // 2] if sizes else 0.0


def letterhead(rows: list[Row], page_height: float) -> Party:
    """The issuer's name in the largest type at the top of page 1, and its address."""
    top = [r for r in rows if r.page == 1 and r.top < page_height * 0.3]
    candidates = [
        (phrase, row)
        for row in top
        for phrase in row.phrases
        if not contains_any(phrase.text, PO_TITLE_WORDS)
        and not match_label(phrase.text, ALL_LABELS)
        and any(char.isalpha() for char in phrase.text)
    ]
    if not candidates:
        return Party()
    phrase, row = max(candidates, key=lambda c: (round(c[0].size, 1), -c[0].top))
    if phrase.size < 1.2 * _body_size(rows):
        return (
            Party()
        )  # nothing stands out as a letterhead: better no buyer than a guess
    lines = [phrase.text] + _aligned_lines(row, rows, phrase.x0, 4)
    return _party(lines)

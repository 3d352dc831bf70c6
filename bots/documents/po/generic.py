"""The generic layout reader: a purchase order from any layout, without a template.

It decides the document's number and date conventions, finds the line table by its
header words, reads the header fields by their labels around the table and the
totals below it. It never guesses silently: where a field is missing or two labels
disagree it says so in the warnings, and `validation` turns that into needs_review.
"""

from __future__ import annotations

import logging

from bots.documents.po.header import (
    LabelHit,
    best_value,
    currency_value,
    date_value,
    label_hits,
    letterhead,
    po_number_value,
    read_block,
)
from bots.documents.po.labels import (
    HEADER_LABELS,
    NOT_PO_TITLE_WORDS,
    PO_TITLE_WORDS,
    contains_any,
)
from bots.documents.po.layout import PageLayout, Row, all_rows
from bots.documents.po.models import Party, PurchaseOrder
from bots.documents.po.parsing import (
    Conventions,
    ambiguous_dates,
    currency_codes,
    decide_day_first,
    detect_number_format,
    find_currency,
)
from bots.documents.po.table import LineTable, read_table
from bots.documents.po.totals import read_totals

log = logging.getLogger(__name__)

INVOICE_NUMBER_LABELS = (
    "invoice number", "invoice no", "invoice #", "invoice nr", "invoice",
    "rechnungsnummer", "rechnung nr", "rechnungs-nr", "numéro de facture",
    "facture n°", "n° de facture", "factuurnummer", "factuur nr",
    "número de factura", "factura n°", "document number", "bill number",
    "factuur", "facture", "rechnung",
)  # fmt: skip
INVOICE_DATE_LABELS = (
    "invoice date", "date of invoice", "rechnungsdatum", "factuurdatum",
    "factuur datum", "date de facture", "date facture", "fecha de factura",
    "fecha factura", "billing date",
)  # fmt: skip


INVOICE_LABELS = {
    **HEADER_LABELS,
    "po_number": INVOICE_NUMBER_LABELS,
    "order_date": INVOICE_DATE_LABELS + HEADER_LABELS["order_date"],
}


def conventions_of(rows: list[Row]) -> Conventions:
    texts = [row.text for row in rows]
    number_format = detect_number_format(texts)
    currency = _document_currency(rows)
    day_first, certain = decide_day_first(texts, number_format, currency)
    return Conventions(number_format, day_first, certain)


def _date_order_warnings(rows: list[Row], conventions: Conventions) -> list[str]:
    if conventions.day_first_certain:
        return []
    found = ambiguous_dates(row.text for row in rows)
    if not found:
        return []
    order = "day/month" if conventions.day_first else "month/day"
    return [
        f"the date {found[0]} could be day/month or month/day; it was read as {order}"
    ]


def read_layout(
    pages: list[PageLayout], source: str, *, invoice_mode: bool = False
) -> PurchaseOrder:
    """Read a purchase order (or, for robustness checks, an invoice) from its pages."""
    rows = all_rows(pages)
    conventions = conventions_of(rows)
    table = read_table(pages, rows, conventions)
    for row in rows:
        row.in_table = row.index in table.rows
    outside = [row for row in rows if not row.in_table]
    hits = label_hits(outside, INVOICE_LABELS if invoice_mode else HEADER_LABELS)
    po = PurchaseOrder(source=source, lines=table.lines)
    warnings = _read_header(po, hits, rows, conventions)
    po.buyer = _buyer(hits, rows, pages[0].height)
    po.ship_to = _party(hits, "ship_to", rows) or Party()
    labelled = po.currency is not None
    po.currency = po.currency or _document_currency(rows)
    totals = read_totals(_rows_for_totals(outside, table), conventions.number_format)
    po.subtotal, po.tax = totals.subtotal, totals.tax
    po.freight, po.total = totals.freight, totals.total
    po.warnings = [
        *warnings,
        *_date_order_warnings(rows, conventions),
        *_currency_warnings(po, rows, labelled),
    ]
    log.debug(
        "generic reader: %s conventions=%s lines=%d", source, conventions, len(po.lines)
    )
    return po


def _read_header(
    po: PurchaseOrder, hits: list[LabelHit], rows: list[Row], conventions: Conventions
) -> list[str]:
    warnings: list[str] = []
    number, numbers = best_value(hits, "po_number", rows, po_number_value)
    po.po_number = number  # type: ignore[assignment]
    distinct = {value for _, value in numbers}
    if len(distinct) > 1:
        shown = ", ".join(f"{hit.label!r}: {value}" for hit, value in numbers)
        warnings.append(f"several different PO numbers are printed ({shown})")
    parse_date = date_value(conventions)
    po.order_date, _ = best_value(hits, "order_date", rows, parse_date)  # type: ignore[assignment]
    po.requested_date, _ = best_value(hits, "requested_date", rows, parse_date)  # type: ignore[assignment]
    po.currency, _ = best_value(hits, "currency", rows, currency_value)  # type: ignore[assignment]
    return warnings


PERSON_LABELS = (
    "buyer", "purchaser", "ordered by", "käufer", "besteller", "acheteur",
    "comprador", "koper",
)  # fmt: skip


def _buyer(hits: list[LabelHit], rows: list[Row], page_height: float) -> Party:
    """The buyer block, else the letterhead. "Buyer: Dana Whitfield" names the
    purchasing agent, not the company: a one-line block under such a label gives
    way to the letterhead when there is one."""
    block, label = _block(hits, "buyer", rows)
    if block and (block.address or label not in PERSON_LABELS):
        return block
    head = letterhead(rows, page_height)
    return head if head.name else (block or Party())


def _party(hits: list[LabelHit], field: str, rows: list[Row]) -> Party | None:
    return _block(hits, field, rows)[0]


def _block(
    hits: list[LabelHit], field: str, rows: list[Row]
) -> tuple[Party | None, str | None]:
    """The first address block, by label rank, and the label it was found under."""
    for hit in sorted((h for h in hits if h.field == field), key=lambda h: h.rank):
        party = read_block(hit, rows)
        if party.name:
            return party, hit.label
    return None, None


def _document_currency(rows: list[Row]) -> str | None:
    """The code the document writes out most, else the one its symbols imply."""
    written = _currencies(rows)
    if written:
        return max(written, key=lambda code: written[code])
    implied: dict[str, int] = {}
    for row in rows:
        code = find_currency(row.text)
        if code:
            implied[code] = implied.get(code, 0) + 1
    return max(implied, key=lambda code: implied[code]) if implied else None


def _currencies(rows: list[Row]) -> dict[str, int]:
    written: dict[str, int] = {}
    for row in rows:
        for code in currency_codes(row.text):
            written[code] = written.get(code, 0) + 1
    return written


def _currency_warnings(po: PurchaseOrder, rows: list[Row], labelled: bool) -> list[str]:
    written = sorted(_currencies(rows))
    if labelled or len(written) < 2:
        return []
    return [
        f"several currencies are named ({', '.join(written)}); {po.currency} was taken"
    ]


def _rows_for_totals(outside: list[Row], table: LineTable) -> list[Row]:
    if not table.headers:
        return outside
    first = table.headers[0].row.index
    return [row for row in outside if row.index > first]


def not_a_purchase_order(pages: list[PageLayout], po: PurchaseOrder) -> str | None:
    """Why this document is not a purchase order, or None when it is one."""
    first = pages[0]
    title = _title(first)
    other = contains_any(title, NOT_PO_TITLE_WORDS) if title else None
    if other and not contains_any(title, PO_TITLE_WORDS):
        return f"its title says {title!r} ({other}), not a purchase order"
    text = "\n".join(page.text for page in pages)
    if not contains_any(text, PO_TITLE_WORDS) and po.po_number is None:
        return "no purchase order title or PO number was found"
    if not po.lines and po.po_number is None:
        return "it has neither order lines nor a PO number"
    return None


def _title(page: PageLayout) -> str:
    """The text in the largest type on the upper half of the page."""
    phrases = [
        phrase
        for row in page.rows
        if row.top < page.height / 2
        for phrase in row.phrases
        if any(char.isalpha() for char in phrase.text)
    ]
    if not phrases:
        return ""
    largest = max(phrase.size for phrase in phrases)
    return " ".join(p.text for p in phrases if p.size >= largest - 0.5)

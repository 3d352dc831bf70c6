"""Numbers, dates and currencies as purchase orders print them.

Numbers come in US (1,234.56), European (1.234,56), spaced (1 234,56) and Swiss
(1'234.56) forms; which one a document uses is decided once per document from its
amounts, because `1.000` alone cannot tell. Dates come in ISO, numeric day-first or
month-first (decided per document too) and with month names in English, German,
French, Spanish and Dutch.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

log = logging.getLogger(__name__)

US, EU, SPACE, SWISS = "us", "eu", "space", "swiss"

_SPACES = "\u00a0\u202f\u2009 "
_NUMBER = re.compile(
    r"^[-+(]?(?:[A-Z]{3}\s?)?[$€£¥₹]?\s?"
    r"(?P<body>\d{1,3}(?:[.,'\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"\s?(?:[$€£¥₹%]|[A-Z]{3})?[-)]?$"
)
_US_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)")
_EU_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2}(?!\d)")
_SPACE_AMOUNT = re.compile(r"\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+,\d{2}(?!\d)")
_SWISS_AMOUNT = re.compile(r"\d{1,3}(?:'\d{3})+\.\d{2}(?!\d)")

CURRENCY_CODES = [
    "USD",
    "EUR",
    "GBP",
    "CHF",
    "CAD",
    "AUD",
    "JPY",
    "CNY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "INR",
    "MXN",
    "BRL",
    "ZAR",
    "NZD",
    "SGD",
]
CURRENCY_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "$": "USD"}

MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11,
    "december": 12, "sept": 9,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5,
    "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "décembre": 12, "decembre": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6,
    "julio": 7, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10,
    "noviembre": 11, "diciembre": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}  # fmt: skip
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()}
_MONTH_ABBREVIATIONS.update({"mrz": 3, "okt": 10, "dez": 12, "déc": 12, "fév": 2})

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$")
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})\.?(?:er|st|nd|rd|th)?[\s\-/]*(?:de\s+)?([^\W\d_]+)\.?[\s\-/,]*"
    r"(?:de\s+)?(\d{4})$"
)
_MONTH_DAY_YEAR = re.compile(
    r"^([^\W\d_]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})$"
)


@dataclass(frozen=True)
class Conventions:
    """How one document writes numbers and numeric dates."""

    number_format: str = US
    day_first: bool = False
    day_first_certain: bool = True


def detect_number_format(texts: Iterable[str]) -> str:
    """The number format most of the document's amounts use."""
    votes = {US: 0, EU: 0, SPACE: 0, SWISS: 0}
    for text in texts:
        votes[SWISS] += len(_SWISS_AMOUNT.findall(text))
        votes[SPACE] += len(_SPACE_AMOUNT.findall(text))
        votes[EU] += len(_EU_AMOUNT.findall(text))
        votes[US] += len(_US_AMOUNT.findall(text))
    # a grouped Swiss or spaced amount also counts as a shorter US or EU one
    if votes[SPACE] and votes[SPACE] >= votes[EU] - votes[SPACE]:
        return SPACE
    if votes[SWISS] and votes[SWISS] >= votes[US] - votes[SWISS]:
        return SWISS
    best = max(votes, key=lambda key: votes[key])
    return best if votes[best] else US


_SLASH_DATE = re.compile(r"(?<![\d.])(\d{1,2})[/-](\d{1,2})[/-](\d{2,4})(?![\d.])")


def detect_day_first(texts: Iterable[str], number_format: str) -> bool:
    """Whether numeric dates such as 03/04/2026 put the day first."""
    return decide_day_first(list(texts), number_format, None)[0]


def decide_day_first(
    texts: list[str], number_format: str, currency: str | None
) -> tuple[bool, bool]:
    """(day first?, certain?) for the numeric dates of one document.

    A date such as 25/04/2026 settles it. Without one, the number format and the
    currency are hints; when they disagree (European numbers in dollars) the order
    is uncertain and an ambiguous date must be checked by a person.
    """
    for text in texts:
        for match in _SLASH_DATE.finditer(text):
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                return True, True
            if second > 12 >= first:
                return False, True
    by_numbers = number_format != US
    if currency is None:
        return by_numbers, True
    by_currency = currency not in ("USD",)
    return by_numbers, by_numbers == by_currency


def ambiguous_dates(texts: Iterable[str]) -> list[str]:
    """Numeric dates that read differently day-first and month-first."""
    found = []
    for text in texts:
        for match in _SLASH_DATE.finditer(text):
            first, second = int(match.group(1)), int(match.group(2))
            if first != second and first <= 12 and second <= 12:
                found.append(match.group(0))
    return found


def parse_number(text: str, number_format: str) -> Decimal | None:
    """A Decimal from a printed number in the document's format, else None."""
    text = text.strip().replace("\u2212", "-")
    match = _NUMBER.match(text)
    if not match:
        return None
    body = match.group("body")
    negative = text.startswith(("-", "(")) or text.endswith("-")
    if number_format == US:
        body = body.replace(",", "")
    elif number_format == SWISS:
        body = body.replace("'", "")
    else:
        body = body.replace(".", "") if "," in body or _grouped(body) else body
        body = body.replace(",", ".")
    for space in _SPACES + "'":
        body = body.replace(space, "")
    try:
        value = Decimal(body)
    except InvalidOperation:
        return None
    return -value if negative else value


def _grouped(body: str) -> bool:
    """`1.000` in a European document is a thousand, `1.5` is one and a half."""
    return bool(re.fullmatch(r"\d{1,3}(?:\.\d{3})+", body))


def parse_date(text: str, day_first: bool) -> date | None:
    """A date from the many ways documents print one, else None."""
    text = " ".join(text.strip().strip(",;").split())
    text = re.sub(r"\s+([,.])", r"\1", text)
    for parse in (_parse_iso, _parse_numeric, _parse_named):
        try:
            found = parse(text, day_first)
        except ValueError:
            found = None
        if found:
            return found
    return None


def _parse_iso(text: str, day_first: bool) -> date | None:
    match = _ISO.match(text)
    if not match:
        return None
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _parse_numeric(text: str, day_first: bool) -> date | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    full_year = int(year) if len(year) == 4 else 2000 + int(year)
    if match.group(2) == ".":
        day_first = True  # dotted numeric dates are day-first everywhere
    day, month = (first, second) if day_first else (second, first)
    return date(full_year, month, day)


def _parse_named(text: str, day_first: bool) -> date | None:
    lowered = text.lower()
    match = _DAY_MONTH_YEAR.match(lowered)
    if match:
        month = month_number(match.group(2))
        if month:
            return date(int(match.group(3)), month, int(match.group(1)))
    match = _MONTH_DAY_YEAR.match(lowered)
    if match:
        month = month_number(match.group(1))
        if month:
            return date(int(match.group(3)), month, int(match.group(2)))
    return None


def month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or (
        _MONTH_ABBREVIATIONS.get(word[:3]) if len(word) >= 3 else None
    )


def currency_codes(text: str) -> list[str]:
    """The ISO 4217 codes written out in the text."""
    return [c for c in re.findall(r"\b([A-Z]{3})\b", text) if c in CURRENCY_CODES]


def find_currency(text: str) -> str | None:
    """An ISO 4217 code named in the text, or one implied by a currency symbol."""
    codes = currency_codes(text)
    if codes:
        return codes[0]
    for symbol, code in CURRENCY_SYMBOLS.items():
        if symbol in text:
            return code
    if re.search(r"\bEuro\b", text, re.IGNORECASE):
        return "EUR"
    if re.search(r"\bRs\.?\s?\d", text):
        return "INR"
    return None

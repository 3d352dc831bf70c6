"""Normal forms of invoice references and payer names, so that different spellings meet.

An invoice reference loses its case, separators, prefix and suffix words (INV, RE,
Rechnung, Invoice No ...), leading zeros, and the letters OCR and people confuse
with digits (O/0, I/1, l/1, S/5, B/8). A payer name loses case, accents,
punctuation and its legal form (GmbH, Inc., Ltd, S.A., B.V., AG, LLC ...), so a
bank's truncated or re-cased spelling still meets the customer's name.
"""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)

REFERENCE_WORDS = (
    "RECHNUNGSNUMMER",
    "RECHNUNGSNR",
    "RECHNUNG",
    "INVOICENUMBER",
    "INVOICENO",
    "INVOICENR",
    "INVOICE",
    "FACTURE",
    "FAKTURA",
    "FACTURA",
    "RECHNR",
    "NUMBER",
    "NUMMER",
    "BILL",
    "FACT",
    "INV",
    "REF",
    "NUM",
    "NO",
    "NR",
    "RG",
    "RE",
    "FA",
)
_WORDS = "|".join(REFERENCE_WORDS)
_PREFIX = re.compile(rf"^(?:(?:{_WORDS})+)(?=[0-9OILSB]*[0-9])")
_SUFFIX = re.compile(rf"(?<=[0-9])(?:{_WORDS})+$")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_CREDITOR_REFERENCE = re.compile(r"^RF\d\d[A-Z0-9]")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_AMOUNTS_AND_DATES = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})(?![\w.,]*\d)"
)
OCR_FOLD = str.maketrans("OILSB", "01158")
_ONLY_DIGITS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
MIN_KEY_LENGTH = 4
MIN_KEY_DIGITS = 3
MAX_NGRAM = 5
STRONG_KEY_LENGTH = 8

LEGAL_FORMS = frozenset(
    [
        "GMBH",
        "MBH",
        "AG",
        "KG",
        "OHG",
        "GBR",
        "UG",
        "EK",
        "EV",
        "SE",
        "KGAA",
        "INC",
        "INCORPORATED",
        "LTD",
        "LIMITED",
        "LLC",
        "LLP",
        "LP",
        "PLC",
        "CORP",
        "CORPORATION",
        "CO",
        "COMPANY",
        "SA",
        "SAS",
        "SARL",
        "SRL",
        "SPA",
        "BV",
        "NV",
        "OY",
        "OYJ",
        "AB",
        "AS",
        "APS",
        "ASA",
        "PTY",
        "PTE",
        "SL",
        "SLU",
        "SC",
        "SCS",
        "KFT",
        "ZRT",
        "SRO",
        "AD",
        "DOO",
    ]
)
_UMLAUTS = str.maketrans({"Ä": "A", "Ö": "O", "Ü": "U", "Æ": "AE", "Ø": "O"})
_VOWEL_E = re.compile(r"(?<=[AOU])E")


def fold_reference(text: str) -> str:
    """Upper case, only letters and digits, OCR letters as digits."""
    return _NON_ALNUM.sub("", text.upper()).translate(OCR_FOLD)


def invoice_key(text: str) -> str:
    """The normal form of an invoice reference, or "" when it cannot be one."""
    raw = _NON_ALNUM.sub("", text.upper())
    raw = _PREFIX.sub("", raw)
    raw = _SUFFIX.sub("", raw)
    key = raw.translate(OCR_FOLD).lstrip("0")
    if len(key) < MIN_KEY_LENGTH or len(key.translate(_ONLY_DIGITS)) < MIN_KEY_DIGITS:
        return ""
    return key


def structured_key(reference: str) -> str:
    """The key of a structured reference; an ISO 11649 `RFnn` creditor-reference
    prefix is dropped first (`RF18 INV 2026 000102` -> `2026000102`)."""
    compact = _NON_ALNUM.sub("", reference.upper())
    if _CREDITOR_REFERENCE.match(compact):
        compact = compact[4:]
    return invoice_key(compact)


def text_tokens(text: str) -> list[str]:
    """The letter-and-digit runs of a remittance text, in order."""
    return _TOKEN.findall(text)


def candidate_keys(text: str) -> dict[str, bool]:
    """Every key a remittance text may mean, from runs of up to five adjacent tokens,
    each with whether it is strong: introduced by a reference word (INV, RE,
    Rechnung ...) or long enough not to be a chance number.

    Joining neighbours finds numbers a payer or a bank split with spaces, dashes or
    line breaks ("4500 1234", "INV-2024-00017"). Amounts and dates in the text are
    masked first, so `1.234,56` or `28.11.2026` never pose as invoice numbers.
    """
    masked = _AMOUNTS_AND_DATES.sub(" | ", text)
    tokens = [t.upper() for t in text_tokens(masked)]
    keys: dict[str, bool] = {}
    digits = [not token.isalpha() for token in tokens]
    for start in range(len(tokens)):
        joined = ""
        seen_digit = False
        for offset, token in enumerate(tokens[start : start + MAX_NGRAM]):
            joined += token
            seen_digit = seen_digit or digits[start + offset]
            if not seen_digit:
                continue
            key = invoice_key(joined)
            if key:
                strong = (
                    len(key) >= STRONG_KEY_LENGTH
                    or bool(_PREFIX.match(joined))
                    or bool(_SUFFIX.search(joined))
                )
                keys[key] = keys.get(key, False) or strong
    return keys


def name_tokens(name: str) -> list[str]:
    """`Müller & Söhne GmbH` -> ['MULLER', 'SOHNE']."""
    text = unicodedata.normalize("NFKD", name.upper().translate(_UMLAUTS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _VOWEL_E.sub("", text)
    tokens = _join_initials(re.findall(r"[A-Z0-9]+", text))
    while tokens and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    if tokens and tokens[0] == "THE":
        tokens = tokens[1:]
    return [t for t in tokens if t != "AND"]


def _join_initials(tokens: list[str]) -> list[str]:
    """`S A` -> `SA`, `B V` -> `BV`: dotted legal forms split into single letters."""
    joined: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(token)
    if run:
        joined.append(run)
    return joined


def name_key(name: str) -> str:
    """The compact normal form of a payer or customer name."""
    return "".join(name_tokens(name))


def full_name_key(name: str) -> str:
    """Like `name_key` but keeping the legal form, for names cut inside it."""
    text = unicodedata.normalize("NFKD", name.upper().translate(_UMLAUTS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(re.findall(r"[A-Z0-9]+", _VOWEL_E.sub("", text)))

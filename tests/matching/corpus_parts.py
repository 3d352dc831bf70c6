"""Building blocks of the generated corpus: company names, payer spellings, references.

Everything draws from the generator's seeded `random.Random`, so a seed always
gives the same names and spellings.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

FIRST = [
    "Nordwind",
    "Baltic",
    "Alpen",
    "Rhein",
    "Donau",
    "Elbe",
    "Hanse",
    "Atlas",
    "Boreal",
    "Cobalt",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orion",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tundra",
    "Union",
    "Vertex",
    "Westwind",
    "Yarrow",
    "Zenith",
    "Aurora",
    "Beacon",
    "Cedar",
    "Dune",
    "Evergreen",
    "Fjord",
    "Glacier",
    "Highland",
    "Inland",
    "Jade",
    "Keystone",
    "Lakeside",
    "Mistral",
    "Northgate",
    "Oakridge",
    "Polar",
    "Redwood",
    "Sierra",
    "Tidewater",
    "Upland",
    "Valley",
    "Willow",
]
UMLAUT_FIRST = ("Müller", "Schäfer", "Köhler", "Bäcker", "Jäger", "Förster", "Grün")
SECOND = [
    "Logistik",
    "Steel",
    "Trading",
    "Foods",
    "Textil",
    "Chemie",
    "Maschinenbau",
    "Electronics",
    "Pharma",
    "Plastics",
    "Paper",
    "Glass",
    "Timber",
    "Motors",
    "Robotics",
    "Optics",
    "Medical",
    "Packaging",
    "Energy",
    "Systems",
    "Tools",
    "Furniture",
    "Ceramics",
    "Beverages",
    "Fashion",
    "Print",
    "Marine",
    "Aero",
    "Agrar",
]
THIRD = [
    "Hamburg",
    "Bremen",
    "Berlin",
    "Koeln",
    "Muenchen",
    "Wien",
    "Zurich",
    "Basel",
    "Lyon",
    "Porto",
    "Leeds",
    "Austin",
    "Denver",
    "Boston",
    "Utrecht",
    "Gent",
    "Aarhus",
    "Malmo",
    "Krakow",
    "Brno",
    "Graz",
    "Linz",
    "Bergen",
    "Turku",
    "Nord",
    "Sued",
    "Ost",
    "West",
    "International",
    "Europe",
    "Services",
    "Group",
    "Holding",
    "Partners",
]
LEGAL = ("GmbH", "AG", "Inc.", "Ltd", "S.A.", "B.V.", "LLC", "GmbH & Co. KG", "SAS")
LEGAL_VARIANTS = {
    "GmbH": ("GMBH", "G.m.b.H.", "Gmbh"),
    "AG": ("A.G.", "AG"),
    "Inc.": ("INC", "Inc", "Incorporated"),
    "Ltd": ("LTD.", "Limited", "LTD"),
    "S.A.": ("SA", "S A", "S.A"),
    "B.V.": ("BV", "B V", "B.V"),
    "LLC": ("L.L.C.", "Llc"),
    "GmbH & Co. KG": ("GMBH + CO KG", "GmbH&Co.KG"),
    "SAS": ("S.A.S.", "Sas"),
}
UNKNOWN_PAYERS = (
    "Zephyr Capital Partners",
    "J. Smith",
    "Maria Gonzalez",
    "Quantum Leasing Ltd",
    "Factoring Bank Europe AG",
    "Silverline Holdings Inc.",
    "P. Novak",
    "Obsidian Ventures LLC",
    "Hartmann Privat",
    "Globex Treasury Services",
)
OCR = {"0": "O", "1": "I", "5": "S", "8": "B"}
DEDUCTION_CODES = ("DAMAGED", "PRICE", "PROMO", "SHORTSHIP", "FREIGHT")


def company_name(rng: random.Random) -> str:
    first = rng.choice(UMLAUT_FIRST) if rng.random() < 0.08 else rng.choice(FIRST)
    words = [first, rng.choice(SECOND)]
    if rng.random() < 0.7:
        words.append(rng.choice(THIRD))
    return " ".join(words + [rng.choice(LEGAL)])


def _legal_form(name: str) -> tuple[str, str]:
    for form in sorted(LEGAL, key=len, reverse=True):
        if name.endswith(" " + form):
            return name[: -len(form) - 1], form
    return name, ""


def payer_variant(
    rng: random.Random, name: str, unique_cut: Callable[[str, int], bool]
) -> str:
    """How a bank or payer may spell a customer's name."""
    base, form = _legal_form(name)
    kind = rng.choice(("exact", "upper", "no_legal", "legal", "truncated", "umlaut"))
    if kind == "upper":
        return name.upper()
    if kind == "no_legal":
        return base.upper() if rng.random() < 0.5 else base
    if kind == "legal" and form:
        return f"{base} {rng.choice(LEGAL_VARIANTS[form])}"
    if kind == "truncated":
        upper = name.upper()
        for length in range(rng.randint(14, 20), len(upper)):
            if unique_cut(upper, length):
                return upper[:length]
        return upper
    if kind == "umlaut":
        return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").upper()
    return name


def _ocr(rng: random.Random, text: str) -> str:
    positions = [i for i, c in enumerate(text) if c in OCR]
    if not positions:
        return text
    chars = list(text)
    for i in rng.sample(positions, min(len(positions), rng.randint(1, 2))):
        chars[i] = OCR[chars[i]]
        if chars[i] == "I" and rng.random() < 0.5:
            chars[i] = "l"
    return "".join(chars)


def reference_variant(rng: random.Random, number: str, strong: bool = False) -> str:
    """A way a payer writes invoice `number`; `strong` keeps a reference word."""
    match = re.fullmatch(r"INV-(\d{4})-(\d{6})", number)
    if match:
        year, seq = match.groups()
        options = [
            number,
            number.replace("-", ""),
            f"Invoice No. {year}-{seq}",
            f"Rechnung {year}{seq}",
            f"INV {year} {seq[:3]} {seq[3:]}",
            number.lower(),
            f"inv {_ocr(rng, year + '-' + seq)}",
            f"{year}-{seq}/INV",
            f"RE: {year}{seq}",
        ]
    elif number.isdigit():
        options = [
            f"Rechnung {number}",
            f"Invoice {number}",
            f"INV{number}",
            f"RE {number[:3]} {number[3:]}",
            f"Rg {_ocr(rng, number)}",
            f"Beleg-Nr. {number}",
            f"{number}/INV",
        ]
        if not strong:
            options += [number, f"{number[:3]} {number[3:]}", _ocr(rng, number)]
    else:
        digits = number[2:]
        short = digits.lstrip("0")
        options = [
            number,
            f"RE {short}",
            f"Rechnung Nr. {digits}",
            f"Invoice {short}",
            f"re-{digits[:4]} {digits[4:]}",
            f"RE{_ocr(rng, digits)}",
            f"Rg.-Nr. {short}",
            f"INVOICE #{digits}",
        ]
        if not strong:
            options.append(short)
    return rng.choice(options)


def noise(rng: random.Random, customer_id: str, customer_numbers: bool) -> str:
    options = [
        "",
        "Payment",
        "Zahlung",
        "Thank you",
        "Ueberweisung",
        f"PO {rng.randint(4500000, 4599999)}",
        "Payment advice to follow",
    ]
    if customer_numbers:
        options.append(f"Kd-Nr {customer_id}")
        options.append(f"Customer {rng.randint(2000000, 2999999)}")
    return rng.choice(options)


def unknown_payer(rng: random.Random) -> str:
    return rng.choice(UNKNOWN_PAYERS)


def deduction_code(rng: random.Random) -> str:
    return rng.choice(DEDUCTION_CODES)

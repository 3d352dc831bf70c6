"""The words purchase orders use for their labels, in several languages.

A label is matched at the start of a phrase, ignoring case, accents and punctuation
("P.O. #", "PO No.", "N° de commande" all match). Where labels overlap ("Total" and
"Total HT", "Delivery" and "Delivery date"), the longest match wins, across every
field, so a phrase is read as the one thing it most specifically names.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

log = logging.getLogger(__name__)

HEADER_LABELS: dict[str, tuple[str, ...]] = {
    "po_number": (
        "purchase order number", "purchase order no", "purchase order #",
        "purchase order nr", "p.o. number", "p.o. no", "p.o. #", "p.o. nr",
        "p.o. ref", "order number", "order no", "order #", "order nr", "order ref",
        "purchase order", "our reference", "our ref", "our order no",
        "bestellnummer", "bestell nr", "bestell-nr", "bestellung nr", "bestellung",
        "bestell nummer", "einkaufsbestellung", "unsere bestellnummer",
        "n° de commande", "numéro de commande", "no de commande",
        "bon de commande n°", "bon de commande no", "commande n°", "commande no",
        "bon de commande", "réf commande", "número de pedido", "n° de pedido",
        "no de pedido", "nº pedido", "pedido n°", "pedido no", "orden de compra",
        "orden de compra n°", "pedido de compra", "pedido", "bestelnummer", "inkooporder",
        "numero ordine", "ordine n°", "po nr", "po ref", "po reference",
        "purchase order reference", "order reference", "order id", "p/o no",
        "bestellung nummer", "n° commande", "numéro de bon de commande",
        "número de orden", "numero d'ordine",
    ),
    "order_date": (
        "order date", "po date", "p.o. date", "purchase order date", "date of order",
        "date", "issue date", "date issued", "dated", "bestelldatum", "datum",
        "belegdatum", "date de commande", "date commande", "fecha de pedido",
        "fecha pedido", "fecha", "orderdatum", "besteldatum", "data ordine",
        "date of issue", "issued", "erstellt am", "bestellt am",
        "datum der bestellung", "date d'émission", "date d'emission",
        "fecha de emisión", "fecha de emision",
    ),
    "requested_date": (
        "requested delivery date", "requested date", "requested ship date",
        "delivery date", "required date", "date required", "required by",
        "need by", "need by date", "needed by", "ship date", "deliver by",
        "delivery required", "liefertermin", "lieferdatum", "wunschtermin",
        "gewünschter liefertermin", "anliefertermin", "date de livraison",
        "date de livraison souhaitée", "livraison souhaitée", "livraison le",
        "fecha de entrega", "fecha entrega", "leverdatum", "gewenste leverdatum",
        "requested delivery", "delivery by", "due by", "date due", "lieferung bis",
        "délai de livraison", "delai de livraison", "plazo de entrega",
    ),
    "currency": ("currency", "währung", "devise", "monnaie", "moneda", "valuta"),
    "buyer": (
        "buyer", "bill to", "billing address", "invoice to", "invoice address",
        "sold to", "purchaser", "customer", "ordered by", "käufer", "besteller",
        "auftraggeber", "rechnungsadresse", "rechnungsanschrift", "acheteur",
        "client", "facturer à", "adresse de facturation", "donneur d'ordre",
        "comprador", "cliente", "facturar a", "dirección de facturación",
        "koper", "factuuradres",
    ),
    "ship_to": (
        "ship to", "deliver to", "delivery address", "shipping address",
        "ship-to address", "consignee", "lieferadresse", "lieferanschrift",
        "warenempfänger", "anlieferadresse", "anlieferung", "lieferung an",
        "adresse de livraison", "livrer à", "lieu de livraison",
        "dirección de entrega", "enviar a", "entregar en", "lugar de entrega",
        "afleveradres", "leveradres",
    ),
    "vendor": (
        "vendor", "supplier", "to", "lieferant", "an", "fournisseur", "proveedor",
        "leverancier", "vendor address", "supplier address", "sold by",
    ),
    "other": (
        "page", "seite", "phone", "tel", "fax", "email", "e-mail", "contact",
        "payment terms", "terms", "zahlungsbedingungen", "incoterms",
        "lieferbedingungen", "conditions de paiement", "condiciones de pago",
        "vat id", "vat no", "ust-idnr", "tax id", "your reference", "ihr zeichen",
        "notes", "remarks", "bemerkungen", "remarques", "ship via", "versandart",
        "attention", "attn",
    ),
}  # fmt: skip

TOTAL_LABELS: dict[str, tuple[str, ...]] = {
    "subtotal": (
        "subtotal", "sub-total", "sub total", "net total", "total net",
        "net amount", "merchandise total", "goods total", "total excl. vat",
        "total excluding vat", "total before tax", "zwischensumme", "nettobetrag",
        "summe netto", "netto", "nettosumme", "warenwert", "gesamt netto",
        "nettowarenwert", "total ht", "montant ht", "sous-total", "total hors taxes",
        "total hors taxe", "base imponible", "importe neto", "total neto",
        "subtotaal", "totaal excl. btw",
    ),
    "tax": (
        "tax", "sales tax", "vat", "gst", "total vat", "total tax", "mwst",
        "mehrwertsteuer", "ust", "umsatzsteuer", "zzgl. mwst", "tva", "total tva",
        "montant tva", "iva", "impuesto", "btw",
    ),
    "freight": (
        "freight", "shipping", "shipping & handling", "shipping and handling",
        "delivery charge", "delivery", "carriage", "freight charges", "fracht",
        "frachtkosten", "versandkosten", "versand", "transport", "frais de port",
        "port", "frais de transport", "portes", "envío", "gastos de envío",
        "verzendkosten",
    ),
    "total": (
        "total", "grand total", "total amount", "order total", "total order",
        "total due", "amount due", "total value", "total incl. vat",
        "total including vat", "total po value", "gesamtbetrag", "gesamtsumme",
        "endbetrag", "summe", "gesamt", "bruttobetrag", "gesamt brutto",
        "summe brutto", "total ttc", "montant total", "montant ttc", "net à payer",
        "total général", "importe total", "total pedido", "total general",
        "totaal", "totaal incl. btw", "invoice total", "total for this invoice",
        "factuur totaal", "total facture", "rechnungsbetrag",
    ),
    "ignore": (
        "page total", "carried forward", "brought forward", "übertrag",
        "seitensumme", "à reporter", "report", "suma y sigue", "continued",
        "fortsetzung", "suite",
    ),
}  # fmt: skip

COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "line": (
        "line", "ln", "pos", "position", "#", "no", "nr", "n°", "lfd nr", "ligne",
        "línea", "item #", "itm", "regel", "line no", "line #", "pos nr",
    ),
    "customer_sku": (
        "item", "item no", "item number", "item code", "part no", "part number",
        "part #", "p/n", "sku", "product code", "code", "article", "article no",
        "material", "material no", "catalog no", "artikel", "artikelnummer",
        "artikel-nr", "art.-nr", "art nr", "materialnummer", "sachnummer",
        "référence", "réf", "ref", "code article", "réf article", "referencia",
        "código", "ref.", "your part no", "customer part no", "artikelnr",
        "part", "catalog #", "cat no", "cat. no.", "article number", "product id",
        "item id", "product no", "mat.-nr", "materialnr", "code produit",
        "référence article", "our part no", "buyer part no",
    ),
    "description": (
        "description", "item description", "product", "product description",
        "details", "bezeichnung", "beschreibung", "artikelbezeichnung",
        "désignation", "libellé", "descripción", "concepto", "omschrijving",
        "text",
    ),
    "quantity": (
        "qty", "quantity", "qty ordered", "order qty", "menge", "anzahl",
        "bestellmenge", "qté", "quantité", "cantidad", "cant", "aantal", "quant",
        "order quantity", "ordered", "qty.", "pcs", "stück", "stk",
        "quantité commandée", "cantidad pedida",
    ),
    "uom": (
        "uom", "u/m", "unit", "um", "unit of measure", "me", "einheit",
        "mengeneinheit", "unité", "unidad", "ud", "eenheid",
    ),
    "unit_price": (
        "unit price", "price", "price each", "unit cost", "rate", "price/unit",
        "einzelpreis", "preis", "stückpreis", "e-preis", "preis/einheit",
        "prix unitaire", "prix unit", "p.u.", "prix", "pu ht", "prix unitaire ht",
        "precio unitario", "precio", "prijs", "stuksprijs", "vk-preis", "ek-preis",
        "net price", "unit net price", "price per unit", "preis/me",
        "preis je einheit", "p.u. ht", "prix net", "precio neto",
    ),
    "discount_percent": (
        "discount", "disc", "disc %", "discount %", "rabatt", "rabatt %",
        "remise", "remise %", "descuento", "dto", "dto.", "korting",
    ),
    "amount": (
        "amount", "total", "line total", "extended price", "ext price",
        "extension", "net amount", "value", "betrag", "gesamtpreis", "gesamt",
        "summe", "wert", "montant", "total ht", "montant ht", "importe", "bedrag",
        "net value", "total price", "amount net", "extended amount",
        "zeilenbetrag", "positionsbetrag", "line amount", "line value", "extended",
        "ext.", "prix total", "montant total", "total line", "gesamtwert",
        "importe total", "total línea",
    ),
    "requested_date": (
        "requested date", "req date", "req. date", "delivery date", "del date",
        "need by", "due date", "ship date", "date required", "required",
        "liefertermin", "lieferdatum", "date de livraison", "date livraison",
        "délai", "fecha entrega", "fecha de entrega", "leverdatum", "wunschtermin",
    ),
}  # fmt: skip

PO_TITLE_WORDS = (
    "purchase order", "bestellung", "einkaufsbestellung", "bon de commande",
    "commande", "orden de compra", "pedido", "inkooporder", "bestelling",
    "ordine d'acquisto", "p.o.", "order number", "bestellnummer",
)  # fmt: skip
NOT_PO_TITLE_WORDS = (
    "invoice", "tax invoice", "rechnung", "facture", "factura", "factuur",
    "credit note", "gutschrift", "avoir", "quotation", "angebot", "devis",
    "delivery note", "lieferschein", "bon de livraison", "statement",
    "remittance advice", "receipt", "dear", "sehr geehrte", "order confirmation",
    "order acknowledgement", "auftragsbestätigung", "confirmation de commande",
    "accusé de réception", "confirmación de pedido", "packing slip", "pro forma",
    "proforma",
)  # fmt: skip


@dataclass(frozen=True)
class LabelMatch:
    field: str
    label: str
    rest: str


def fold(text: str) -> str:
    """Lower case without accents, one character for one character."""
    out = []
    for char in text.lower():
        if char in "°º":
            out.append("o")
            continue
        base = unicodedata.normalize("NFKD", char)[:1]
        out.append(base if base and base.isascii() else char)
    return "".join(out)


def _tokens(label: str) -> list[str]:
    return re.findall(r"[a-z0-9#%]+|[^\W\d_]+", fold(label))


@cache
def _pattern(label: str) -> re.Pattern[str]:
    parts = [re.escape(token) for token in _tokens(label)]
    body = r"[\W_]*".join(parts)
    return re.compile(r"^[\W_]*" + body + r"(?![^\W\d_])")


def match_label(text: str, table: dict[str, tuple[str, ...]]) -> LabelMatch | None:
    """The longest label of `table` that starts `text`, with the text after it."""
    found = _match_label(text, table)
    if found is None and _SPLIT_INITIAL.match(text):
        # badly kerned PDFs split a capital from its word: "F actuurnummer"
        found = _match_label(_SPLIT_INITIAL.sub(r"\1", text, count=1), table)
    return found


_SPLIT_INITIAL = re.compile(r"^([A-Z]) (?=[a-zà-ÿ]{3})")


def _match_label(text: str, table: dict[str, tuple[str, ...]]) -> LabelMatch | None:
    folded = fold(text)
    first = _FIRST_TOKEN.search(folded)
    if first is None:
        return None
    best: LabelMatch | None = None
    best_length = 0
    for field_name, label, head in _index(table).get(first.group(0)[0], ()):
        if not first.group(0).startswith(head):
            continue
        found = _pattern(label).match(folded)
        if found and found.end() > best_length:
            rest = text[found.end() :].strip().lstrip(":#.-").strip()
            best = LabelMatch(field_name, label, rest)
            best_length = found.end()
    return best


_FIRST_TOKEN = re.compile(r"[a-z0-9#%]+|[^\W\d_]+")
_INDEXES: dict[int, tuple[dict, dict[str, list[tuple[str, str, str]]]]] = {}


def _index(table: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[str, str, str]]]:
    """Labels by the first letter of their first word, built once per table."""
    cached = _INDEXES.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    index: dict[str, list[tuple[str, str, str]]] = {}
    for field_name, labels in table.items():
        for label in labels:
            head = _tokens(label)[0]
            index.setdefault(head[0], []).append((field_name, label, head))
    if len(_INDEXES) > 64:
        _INDEXES.clear()  # tables are module constants; this only guards misuse
    _INDEXES[id(table)] = (table, index)
    return index


def match_total_label(text: str) -> LabelMatch | None:
    """A totals label at the start, or after one or two qualifying words
    ("Colorado Sales Tax", "Estimated Freight")."""
    found = match_label(text, TOTAL_LABELS)
    if found:
        return found
    words = text.split()
    for skip in (1, 2):
        if len(words) <= skip:
            break
        found = match_label(" ".join(words[skip:]), TOTAL_LABELS)
        if found and not re.search(r"[^\W\d_]", found.rest):
            return found
    return None


def contains_any(text: str, words: tuple[str, ...]) -> str | None:
    """The first of `words` found anywhere in `text` as whole words."""
    folded = fold(text)
    for word in words:
        body = r"[\W_]*".join(re.escape(t) for t in _tokens(word))
        if re.search(r"(?<![^\W_])" + body + r"(?![^\W_])", folded):
            return word
    return None

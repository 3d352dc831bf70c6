"""The layouts of the generated purchase order corpus, as data.

Each `Spec` names a customer, its language and conventions, and every way its
document differs from the others; `corpus_pdf` draws it and `make_corpus` writes the
expected JSON from the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER, landscape

from tests.documents.po.corpus_catalog import CATALOG, LONG_TAIL, sku  # noqa: F401


@dataclass(frozen=True)
class Company:
    name: str
    address: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float
    align: str = "left"


@dataclass
class Spec:
    name: str
    seed: int
    language: str
    buyer: Company
    po_number: str
    currency: str
    columns: list[Column]
    labels: dict[str, str]
    number_style: str = "us"
    date_style: str = "us"
    pagesize: tuple[float, float] = LETTER
    ruled: bool = False
    header_mode: str = "beside"
    buyer_label: str | None = None
    ship_to: Company | None = None
    ship_to_inline: bool = False
    vendor: Company | None = None
    line_count: int = 6
    line_step: int = 1
    long_descriptions: bool = False
    fractional_quantities: bool = False
    price_places: int = 2
    discount_column: bool = False
    line_dates: bool = False
    uoms: tuple[str, ...] = ()
    qty_with_unit: bool = False
    header_requested: bool = False
    tax_rate: Decimal | None = None
    freight: Decimal | None = None
    show_subtotal: bool = True
    currency_note: str | None = None
    amount_symbol: str = ""
    carried_forward: str | None = None
    sku_style: str = "dash"
    template: str | None = None
    rows_per_page: int = 99
    extra_fields: list[tuple[str, str]] = field(default_factory=list)


SUPPLIER = Company(
    "Vector Components Ltd.",
    ("Unit 4, Brunel Park", "Bristol BS16 1QD", "United Kingdom"),
)

EN_LABELS = {
    "title": "PURCHASE ORDER",
    "po": "PO Number:",
    "date": "Order Date:",
    "requested": "Delivery Date:",
    "ship_to": "Ship To:",
    "vendor": "Vendor:",
    "subtotal": "Subtotal",
    "tax": "Sales Tax",
    "freight": "Freight",
    "total": "Total",
    "page": "Page {n} of {count}",
    "continued": "Continued on next page",
    "note": "Please confirm receipt of this order within two working days.",
}


def en(**changes: str) -> dict[str, str]:
    return {**EN_LABELS, **changes}


C = Column
SPECS: list[Spec] = [
    Spec(
        name="us_ruled_brightline",
        seed=11,
        language="en",
        buyer=Company(
            "Brightline Industrial Supply Inc.",
            ("2200 Commerce Drive", "Columbus, OH 43219", "USA"),
        ),
        po_number="BIS-2026-04417",
        currency="USD",
        columns=[
            C("line", "Line", 30),
            C("customer_sku", "Item No.", 80),
            C("description", "Description", 190),
            C("quantity", "Qty", 40, "right"),
            C("uom", "UoM", 35),
            C("unit_price", "Unit Price", 65, "right"),
            C("amount", "Amount", 72, "right"),
        ],
        labels=en(tax="Sales Tax 8.25%"),
        ruled=True,
        ship_to=Company(
            "Brightline DC East", ("Dock 7, 455 Logistics Pkwy", "Grove City, OH 43123")
        ),
        vendor=SUPPLIER,
        uoms=("EA", "BOX", "SET"),
        tax_rate=Decimal("8.25"),
        freight=Decimal("45.00"),
        currency_note="All amounts in USD",
        header_requested=True,
        sku_style="dash",
    ),
    Spec(
        name="de_unruled_nordwind",
        seed=23,
        language="de",
        buyer=Company(
            "Nordwind Technik GmbH",
            ("Am Sandtorkai 41", "20457 Hamburg", "Deutschland"),
        ),
        po_number="4500012345",
        currency="EUR",
        columns=[
            C("line", "Pos.", 30),
            C("customer_sku", "Artikel-Nr.", 80),
            C("description", "Bezeichnung", 185),
            C("quantity", "Menge", 45, "right"),
            C("uom", "ME", 30),
            C("unit_price", "Einzelpreis", 65, "right"),
            C("amount", "Gesamtpreis", 75, "right"),
        ],
        labels={
            "title": "BESTELLUNG",
            "po": "Bestell-Nr.:",
            "date": "Bestelldatum:",
            "requested": "Liefertermin:",
            "ship_to": "Lieferanschrift:",
            "vendor": "Lieferant:",
            "subtotal": "Nettobetrag",
            "tax": "MwSt. 19 %",
            "total": "Gesamtbetrag EUR",
            "page": "Seite {n} von {count}",
            "continued": "Fortsetzung auf der nächsten Seite",
            "note": "Bitte bestätigen Sie diese Bestellung innerhalb von 48 Stunden.",
        },
        number_style="eu",
        date_style="de",
        pagesize=A4,
        ship_to=Company(
            "Nordwind Technik GmbH Werk 2", ("Hafenstraße 12", "21107 Hamburg")
        ),
        vendor=SUPPLIER,
        line_step=10,
        fractional_quantities=True,
        uoms=("ST", "M", "KG"),
        header_requested=True,
        tax_rate=Decimal(19),
        sku_style="sap",
        template="nordwind-technik",
    ),
    Spec(
        name="fr_below_lumiere",
        seed=37,
        language="fr",
        buyer=Company(
            "Ateliers Lumière SARL", ("12 rue des Tanneurs", "69007 Lyon", "France")
        ),
        po_number="CMD-26-0815",
        currency="EUR",
        columns=[
            C("customer_sku", "Réf.", 70),
            C("description", "Désignation", 160),
            C("quantity", "Qté", 35, "right"),
            C("unit_price", "Prix unitaire HT", 80, "right"),
            C("discount_percent", "Remise %", 55, "right"),
            C("amount", "Montant HT", 75, "right"),
        ],
        labels={
            "title": "BON DE COMMANDE",
            "po": "N° de commande",
            "date": "Date de commande",
            "requested": "Date de livraison",
            "ship_to": "Adresse de livraison",
            "vendor": "Fournisseur",
            "subtotal": "Total HT",
            "tax": "TVA 20 %",
            "freight": "Frais de port",
            "total": "Total TTC",
            "page": "Page {n} / {count}",
            "continued": "Suite page suivante",
            "note": "Merci de nous retourner l'accusé de réception de commande.",
        },
        number_style="space",
        date_style="fr_long",
        pagesize=A4,
        header_mode="below",
        ship_to=Company(
            "Ateliers Lumière - Atelier Sud",
            ("ZI des Platanes", "13290 Aix-en-Provence"),
        ),
        vendor=SUPPLIER,
        discount_column=True,
        header_requested=True,
        tax_rate=Decimal(20),
        freight=Decimal("38.50"),
        amount_symbol=" €",
        sku_style="mixed",
    ),
    Spec(
        name="us_landscape_cascade",
        seed=41,
        language="en",
        buyer=Company(
            "Cascade Fluid Power LLC", ("8800 NE Columbia Blvd", "Portland, OR 97220")
        ),
        po_number="70045512",
        currency="USD",
        columns=[
            C("line", "#", 25),
            C("customer_sku", "Part Number", 95),
            C("description", "Description", 230),
            C("requested_date", "Req. Date", 70),
            C("quantity", "Qty", 45, "right"),
            C("uom", "UOM", 40),
            C("unit_price", "Unit Cost", 70, "right"),
            C("amount", "Ext. Price", 85, "right"),
        ],
        labels=en(po="P.O. #", date="Order Date:", ship_to="Deliver To:", tax="Tax"),
        date_style="us_long",
        pagesize=landscape(LETTER),
        ship_to=Company(
            "Cascade Fluid Power - Plant 3",
            ("1420 Industrial Way", "Tualatin, OR 97062"),
        ),
        ship_to_inline=True,
        vendor=SUPPLIER,
        line_dates=True,
        uoms=("EA", "FT"),
        tax_rate=None,
        freight=Decimal("120.00"),
        amount_symbol="$",
        sku_style="prefix",
    ),
    Spec(
        name="uk_multipage_harrow",
        seed=53,
        language="en",
        buyer=Company(
            "Harrow & Kent Engineering Ltd",
            ("Wealdstone Works, Station Road", "Harrow HA1 2TU"),
        ),
        po_number="HK/PO/26/3391",
        currency="GBP",
        columns=[
            C("customer_sku", "Part No.", 85),
            C("description", "Description", 210),
            C("quantity", "Quantity", 50, "right"),
            C("unit_price", "Price", 65, "right"),
            C("amount", "Line Total", 75, "right"),
        ],
        labels=en(
            po="Order Number:",
            date="Date:",
            ship_to="Deliver To:",
            tax="VAT 20%",
            freight="Carriage",
        ),
        date_style="uk",
        pagesize=A4,
        ship_to=Company(
            "Harrow & Kent Engineering Ltd - Stores",
            ("Unit 9, Kenton Lane", "Harrow HA3 8RT"),
        ),
        vendor=SUPPLIER,
        line_count=34,
        long_descriptions=True,
        tax_rate=Decimal(20),
        freight=Decimal("65.00"),
        amount_symbol="£",
        rows_per_page=16,
        sku_style="dash",
        template="harrow-kent",
    ),
    Spec(
        name="es_pedido_iberia",
        seed=67,
        language="es",
        buyer=Company(
            "Suministros Iberia S.L.", ("Calle de Alcalá 201", "28028 Madrid", "España")
        ),
        po_number="PC-2026/0142",
        currency="EUR",
        columns=[
            C("customer_sku", "Código", 75),
            C("description", "Descripción", 190),
            C("quantity", "Cantidad", 50, "right"),
            C("unit_price", "Precio unitario", 70, "right"),
            C("discount_percent", "Dto. %", 40, "right"),
            C("amount", "Importe", 70, "right"),
        ],
        labels={
            "title": "PEDIDO DE COMPRA",
            "po": "Número de pedido:",
            "date": "Fecha:",
            "ship_to": "Dirección de entrega:",
            "vendor": "Proveedor:",
            "subtotal": "Base imponible",
            "tax": "IVA 21%",
            "freight": "Portes",
            "total": "Total",
            "page": "Página {n} de {count}",
            "continued": "Suma y sigue",
            "note": "Rogamos confirmen la recepción de este pedido.",
            "currency": "Moneda:",
        },
        number_style="eu",
        date_style="es",
        pagesize=A4,
        ship_to=Company(
            "Suministros Iberia - Almacén Getafe",
            ("Polígono Los Olivos, Nave 14", "28906 Getafe"),
        ),
        vendor=SUPPLIER,
        discount_column=True,
        tax_rate=Decimal(21),
        freight=Decimal("25.00"),
        sku_style="dotted",
    ),
    Spec(
        name="ch_swiss_alpenwerk",
        seed=71,
        language="en",
        buyer=Company(
            "Alpenwerk AG", ("Industriestrasse 18", "8604 Volketswil", "Switzerland")
        ),
        po_number="AW-PO-2026-0311",
        currency="CHF",
        columns=[
            C("line", "Pos", 28),
            C("customer_sku", "Article", 85),
            C("description", "Description", 150),
            C("quantity", "Quantity", 48, "right"),
            C("uom", "Unit", 30),
            C("unit_price", "Price", 60, "right"),
            C("discount_percent", "Disc. %", 40, "right"),
            C("amount", "Net amount", 70, "right"),
        ],
        labels=en(
            po="Our reference:",
            date="Date:",
            subtotal="Net total",
            tax="VAT 8.1%",
            total="Total CHF",
        ),
        number_style="swiss",
        date_style="iso",
        pagesize=A4,
        ruled=True,
        buyer_label="Buyer:",
        ship_to=Company(
            "Alpenwerk AG Lager Nord", ("Hinterbergstrasse 4", "6330 Cham")
        ),
        vendor=SUPPLIER,
        discount_column=True,
        uoms=("pce", "m", "set"),
        tax_rate=Decimal("8.1"),
        price_places=4,
        sku_style="din",
    ),
    Spec(
        name="ie_boxed_corrib",
        seed=83,
        language="en",
        buyer=Company(
            "Corrib Medical Devices DAC",
            ("Parkmore West Business Park", "Galway H91 X2T7", "Ireland"),
        ),
        po_number="PO-118843",
        currency="EUR",
        columns=[
            C("line", "Item #", 35),
            C("customer_sku", "SKU", 85),
            C("description", "Description", 170),
            C("quantity", "Qty", 40, "right"),
            C("unit_price", "Unit Price", 65, "right"),
            C("discount_percent", "Disc %", 40, "right"),
            C("amount", "Amount", 72, "right"),
        ],
        labels=en(
            po="PO NUMBER",
            date="PO DATE",
            requested="REQUESTED DATE",
            currency="CURRENCY",
            tax="VAT 23%",
            total="Grand Total",
        ),
        date_style="dmy_mon",
        pagesize=A4,
        header_mode="box",
        ruled=True,
        ship_to=Company(
            "Corrib Medical - Cleanroom Goods In",
            ("Building 3, Parkmore West", "Galway H91 K8P2"),
        ),
        vendor=SUPPLIER,
        discount_column=True,
        header_requested=True,
        tax_rate=Decimal(23),
        freight=Decimal("18.00"),
        sku_style="mixed",
    ),
    Spec(
        name="de_multipage_kessler",
        seed=97,
        language="de",
        buyer=Company(
            "Kessler Antriebstechnik GmbH", ("Daimlerstraße 7", "73037 Göppingen")
        ),
        po_number="BE-2026-07731",
        currency="EUR",
        columns=[
            C("line", "Pos", 28),
            C("customer_sku", "Sachnummer", 85),
            C("description", "Bezeichnung", 160),
            C("requested_date", "Liefertermin", 62),
            C("quantity", "Menge", 40, "right"),
            C("unit_price", "Preis", 60, "right"),
            C("amount", "Betrag", 70, "right"),
        ],
        labels={
            "title": "Bestellung",
            "po": "Bestellnummer",
            "date": "Datum",
            "ship_to": "Warenempfänger:",
            "vendor": "Lieferant:",
            "subtotal": "Zwischensumme",
            "freight": "Frachtkosten",
            "tax": "MwSt. 19%",
            "total": "Endbetrag",
            "page": "Seite {n}/{count}",
            "continued": "Fortsetzung folgt",
            "note": "Es gelten unsere Allgemeinen Einkaufsbedingungen.",
        },
        number_style="eu",
        date_style="de_long",
        pagesize=A4,
        ruled=True,
        buyer_label="Besteller:",
        ship_to=Company(
            "Kessler Antriebstechnik GmbH Wareneingang",
            ("Tor 3, Daimlerstraße 9", "73037 Göppingen"),
        ),
        vendor=SUPPLIER,
        line_count=26,
        long_descriptions=True,
        line_dates=True,
        tax_rate=Decimal(19),
        freight=Decimal("85.00"),
        carried_forward="Übertrag",
        currency_note="Alle Beträge in EUR",
        rows_per_page=14,
        sku_style="dotted",
    ),
    Spec(
        name="us_minimal_pinecrest",
        seed=101,
        language="en",
        buyer=Company(
            "Pinecrest Hardware Co.", ("114 Main Street", "Burlington, VT 05401")
        ),
        po_number="7781-A",
        currency="USD",
        columns=[
            C("customer_sku", "Item", 80),
            C("description", "Description", 220),
            C("quantity", "Quantity", 60, "right"),
            C("unit_price", "Price", 70, "right"),
            C("amount", "Total", 80, "right"),
        ],
        labels=en(po="Order #:", date="Date:", ship_to="Ship To:", total="Order Total"),
        date_style="us_short",
        buyer_label="Bill To:",
        ship_to=Company(
            "Pinecrest Hardware - Store 2",
            ("88 Shelburne Rd", "South Burlington, VT 05403"),
        ),
        line_count=4,
        qty_with_unit=True,
        uoms=("pcs", "ea"),
        tax_rate=None,
        show_subtotal=False,
        amount_symbol="$",
        sku_style="slash",
    ),
    Spec(
        name="fr_landscape_provence",
        seed=113,
        language="fr",
        buyer=Company(
            "Provence Emballages SAS", ("340 avenue du Prado", "13008 Marseille")
        ),
        po_number="PE-000917",
        currency="EUR",
        columns=[
            C("line", "Ligne", 32),
            C("customer_sku", "Code article", 90),
            C("description", "Désignation", 240),
            C("requested_date", "Date de livraison", 80),
            C("quantity", "Quantité", 55, "right"),
            C("uom", "Unité", 40),
            C("unit_price", "Prix unitaire", 70, "right"),
            C("amount", "Montant", 80, "right"),
        ],
        labels={
            "title": "COMMANDE D'ACHAT",
            "po": "Numéro de commande :",
            "date": "Date :",
            "ship_to": "Livrer à :",
            "vendor": "Fournisseur :",
            "subtotal": "Sous-total",
            "freight": "Frais de transport",
            "tax": "TVA 20%",
            "total": "Montant total",
            "page": "Page {n} sur {count}",
            "continued": "Suite page suivante",
            "note": "Conditions de paiement : 30 jours fin de mois.",
        },
        number_style="eu",
        date_style="fr",
        pagesize=landscape(A4),
        ruled=True,
        ship_to=Company(
            "Provence Emballages - Entrepôt", ("Chemin de la Gare", "13127 Vitrolles")
        ),
        vendor=SUPPLIER,
        line_count=18,
        line_dates=True,
        uoms=("U", "RL", "CT"),
        tax_rate=Decimal(20),
        freight=Decimal("140.00"),
        rows_per_page=11,
        currency_note="Montants exprimés en EUR",
        sku_style="dash",
    ),
    Spec(
        name="ca_tight_maple",
        seed=127,
        language="en",
        buyer=Company(
            "Maple Ridge Foods Inc.",
            ("5100 Boul. Industriel", "Laval, QC H7C 2N3", "Canada"),
        ),
        po_number="MRF-55120",
        currency="CAD",
        columns=[
            C("line", "Ln", 22),
            C("customer_sku", "Product Code", 80),
            C("description", "Product Description", 175),
            C("quantity", "Order Qty", 50, "right"),
            C("uom", "U/M", 30),
            C("unit_price", "Price Each", 62, "right"),
            C("amount", "Extension", 75, "right"),
        ],
        labels=en(
            po="Purchase Order No.",
            date="PO Date",
            requested="Required Date",
            tax="GST/HST",
            total="Total CAD",
        ),
        date_style="dmy_mon",
        header_mode="below",
        ship_to=Company(
            "Maple Ridge Foods - Warehouse", ("2250 Rue Cohen", "Laval, QC H7L 4P2")
        ),
        vendor=SUPPLIER,
        line_count=9,
        uoms=("CS", "EA", "KG"),
        header_requested=True,
        tax_rate=Decimal(5),
        freight=Decimal("0.00"),
        price_places=3,
        sku_style="sap",
    ),
    Spec(
        name="us_stacked_summit",
        seed=131,
        language="en",
        buyer=Company(
            "Summit Peak Outfitters Corp.", ("1450 Wynkoop Street", "Denver, CO 80202")
        ),
        po_number="SPO-260915",
        currency="USD",
        columns=[
            C("line", "Line\nNo.", 30),
            C("customer_sku", "Customer\nPart No.", 90),
            C("description", "Description", 190),
            C("quantity", "Qty\nOrdered", 50, "right"),
            C("uom", "UoM", 35),
            C("unit_price", "Unit\nPrice", 62, "right"),
            C("amount", "Extended\nAmount", 70, "right"),
        ],
        labels=en(
            po="Purchase Order #",
            date="Issue Date:",
            requested="Need By:",
            ship_to="Ship To:",
            tax="Colorado Sales Tax",
            total="Total Due",
        ),
        buyer_label="Sold To:",
        ship_to=Company(
            "Summit Peak - Returns & Receiving",
            ("3300 Brighton Blvd", "Denver, CO 80216"),
        ),
        vendor=SUPPLIER,
        line_count=22,
        long_descriptions=True,
        uoms=("EA", "PR", "DZ"),
        header_requested=True,
        tax_rate=Decimal("2.9"),
        freight=Decimal("89.95"),
        currency_note="All prices in US dollars (USD)",
        rows_per_page=14,
        sku_style="prefix",
    ),
]

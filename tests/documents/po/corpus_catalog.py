"""What the corpus customers order: item descriptions per language and part numbers.

Descriptions are real-sounding industrial items; `sku` draws customer part numbers
in the shapes real ERPs print (dashed, dotted, SAP numbers, DIN references, ...).
"""

from __future__ import annotations

import random

CATALOG = {
    "en": [
        "Deep groove ball bearing 6204-2RS C3",
        "Hex head bolt M8x30 DIN 933 A2-70",
        "Hydraulic hose assembly 1/2in SAE 100R2AT",
        "Inductive proximity sensor M12 PNP NO",
        "Pneumatic cylinder ISO 15552 bore 63 mm",
        "Cable gland M20x1.5 nickel-plated brass",
        "Timing belt HTD 8M-1200-30",
        "Safety relay 24 V DC 2 NO + 1 NC",
        "Linear guide rail 20 mm x 1000 mm",
        "Jaw coupling 19/24 with spider 92 Sh A",
        "Solenoid valve 5/2 G1/4 24 V DC",
        "Shaft seal 35x52x7 NBR",
    ],
    "de": [
        "Rillenkugellager 6204-2RS C3",
        "Sechskantschraube M8x30 DIN 933 A2-70",
        "Hydraulikschlauch DN12 2SN Pressfassung",
        "Induktiver Näherungsschalter M12 PNP",
        "Pneumatikzylinder ISO 15552 Kolben 63 mm",
        "Kabelverschraubung M20x1,5 Messing vernickelt",
        "Zahnriemen HTD 8M-1200-30",
        "Sicherheitsrelais 24 V DC 2 Schließer",
        "Profilschiene 20 mm Länge 1000 mm",
        "Klauenkupplung 19/24 Zahnkranz 92 Shore A",
        "Magnetventil 5/2 G1/4 24 V DC",
        "Wellendichtring 35x52x7 NBR",
    ],
    "fr": [
        "Roulement à billes 6204-2RS C3",
        "Vis tête hexagonale M8x30 inox A2",
        "Flexible hydraulique DN12 2SN serti",
        "Détecteur inductif M12 PNP NO",
        "Vérin pneumatique ISO 15552 alésage 63",
        "Presse-étoupe M20x1,5 laiton nickelé",
        "Courroie crantée HTD 8M-1200-30",
        "Relais de sécurité 24 V CC",
        "Rail de guidage 20 mm longueur 1000",
        "Accouplement à crabots 19/24",
        "Électrovanne 5/2 G1/4 24 V CC",
        "Joint à lèvre 35x52x7 NBR",
    ],
    "es": [
        "Rodamiento rígido de bolas 6204-2RS",
        "Tornillo hexagonal M8x30 inox A2",
        "Manguera hidráulica DN12 2SN prensada",
        "Sensor inductivo M12 PNP NA",
        "Cilindro neumático ISO 15552 diámetro 63",
        "Prensaestopas M20x1,5 latón niquelado",
        "Correa dentada HTD 8M-1200-30",
        "Relé de seguridad 24 V CC",
        "Guía lineal 20 mm longitud 1000 mm",
        "Acoplamiento elástico 19/24",
        "Electroválvula 5/2 G1/4 24 V CC",
        "Retén 35x52x7 NBR",
    ],
}
LONG_TAIL = {
    "en": [
        ", supplied with material certificate 3.1 and packed in sealed bags",
        ", pre-assembled and tested to customer drawing rev. C",
        ", to be labelled with our item number on every carton",
    ],
    "de": [
        ", mit Abnahmeprüfzeugnis 3.1 nach EN 10204, einzeln verpackt",
        ", vormontiert und geprüft nach Kundenzeichnung Rev. C",
        ", jeder Karton mit unserer Sachnummer zu etikettieren",
    ],
    "fr": [
        ", livré avec certificat matière 3.1 et emballé sous sachet",
        ", prémonté et testé selon plan client indice C",
        ", chaque carton étiqueté avec notre référence",
    ],
    "es": [
        ", con certificado de material 3.1 y embalaje individual",
        ", premontado y probado según plano del cliente rev. C",
        ", cada caja etiquetada con nuestra referencia",
    ],
}


def sku(style: str, rng: random.Random) -> str:
    """A customer part number in one of the shapes real ERPs print."""
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))
    letter = rng.choice("ABCDEFGHJKLMNPRSTUVWXZ")
    shapes = {
        "dash": f"{letter}{rng.choice('XKT')}-{digits(4)}-{digits(2)}{letter}",
        "dotted": f"{digits(4)}.{digits(3)}.{digits(2)}",
        "sap": f"{digits(8)}",
        "slash": f"ELC/{digits(4)}/{letter}",
        "din": f"M{rng.choice('681')}X{digits(2)}-DIN933-A2",
        "prefix": f"PX-{digits(5)}",
        "mixed": f"{letter}{digits(2)}-{digits(4)}-{rng.choice(['2RS', 'ZZ', 'C3', 'B'])}",
    }
    return shapes[style]

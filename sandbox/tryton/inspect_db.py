"""Print Tryton's own records as JSON, read through proteus in-process.

Run by Debian's Python: /usr/bin/python3 inspect_db.py CONFIG DATABASE WHAT ARGS.json
WHAT is `sales`, `invoices`, `statements`, `parties` or `products`. Tests use it to check what the bots
entered through the web client against Tryton itself.
"""

from __future__ import annotations

import json
import sys

from proteus import Model, config


def sales(args: dict) -> list[dict]:
    Sale = Model.get("sale.sale")
    domain = []
    if args.get("reference"):
        domain.append(("reference", "=", args["reference"]))
    return [
        {
            "number": sale.number,
            "reference": sale.reference,
            "party": sale.party.code,
            "state": sale.state,
            "total": str(sale.total_amount),
            "lines": [
                {
                    "product": line.product.code if line.product else None,
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                }
                for line in sale.lines
            ],
        }
        for sale in Sale.find(domain, order=[("id", "ASC")])
    ]


def invoices(args: dict) -> list[dict]:
    Invoice = Model.get("account.invoice")
    return [
        {
            "number": invoice.number,
            "reference": invoice.reference,
            "party": invoice.party.code,
            "party_name": invoice.party.name,
            "state": invoice.state,
            "invoice_date": _iso(invoice.invoice_date),
            "due_dates": sorted(
                _iso(line.maturity_date)
                for line in invoice.lines_to_pay
                if line.maturity_date
            ),
            "currency": invoice.currency.code,
            "total": str(invoice.total_amount),
            "amount_to_pay": str(invoice.amount_to_pay),
        }
        for invoice in Invoice.find([("type", "=", "out")], order=[("id", "ASC")])
    ]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def statements(args: dict) -> list[dict]:
    Statement = Model.get("account.statement")
    return [
        {
            "name": statement.name,
            "state": statement.state,
            "lines": [
                {
                    "amount": str(line.amount),
                    "party": line.party.code if line.party else None,
                    "invoice": line.invoice.number if line.invoice else None,
                }
                for line in statement.lines
            ],
        }
        for statement in Statement.find([], order=[("id", "ASC")])
    ]


def parties(args: dict) -> list[dict]:
    Party = Model.get("party.party")
    return [
        {
            "code": party.code,
            "name": party.name,
            "emails": [
                mechanism.value
                for mechanism in party.contact_mechanisms
                if mechanism.type == "email"
            ],
            "addresses": [
                address.full_address
                for address in sorted(party.addresses, key=lambda a: a.id)
            ],
        }
        for party in Party.find([], order=[("id", "ASC")])
    ]


def products(args: dict) -> list[dict]:
    Product = Model.get("product.product")
    return [
        {
            "code": product.code,
            "name": product.name,
            "salable": product.salable,
            "list_price": str(product.list_price),
            "uom": product.default_uom.symbol,
        }
        for product in Product.find([], order=[("id", "ASC")])
    ]


if __name__ == "__main__":
    conf, database, what, raw = sys.argv[1:5]
    config.set_trytond(database=database, config_file=conf)
    readers = {
        "sales": sales,
        "invoices": invoices,
        "statements": statements,
        "parties": parties,
        "products": products,
    }
    print(json.dumps(readers[what](json.loads(raw))))

"""Seed a fresh Tryton 6.0 database through proteus, in-process.

Run by Debian's Python (trytond and proteus live in /usr/lib/python3/dist-packages):
    /usr/bin/python3 seed_db.py CONFIG DATABASE SEED.json
SEED.json holds the customers, items, invoices and the robot user's login (the
password comes from the environment variable O2C_TRYTON_ROBOT_PASSWORD, never a
file). Creates the currencies, the company, a minimal chart of accounts, the fiscal
year with its invoice sequences, a payment term, the parties (code = customer
number), the products (code = item number), posts the open invoices and a bank
statement journal, and marks the first-login wizards done.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from decimal import Decimal

from proteus import Model, Wizard, config

log = logging.getLogger("seed_db")

UOMS = {"EA": "u", "BOX": "u", "KG": "kg", "M": "m"}
CURRENCIES = {"USD": ("U.S. Dollar", "$"), "EUR": ("Euro", "€"), "GBP": ("Pound", "£")}


def main(conf: str, database: str, seed_file: str) -> None:
    with open(seed_file, encoding="utf-8") as handle:
        seed = json.load(handle)
    cfg = config.set_trytond(database=database, config_file=conf)
    today = dt.date.fromisoformat(seed["today"])
    currencies = _currencies(seed["company_currency"])
    company = _company(seed["company_name"], currencies[seed["company_currency"]], cfg)
    accounts = _chart(company)
    _fiscal_year(company, today)
    term = _payment_term()
    category = _category(accounts)
    parties = _parties(seed["customers"], term)
    _products(seed["items"], category)
    _invoices(seed["invoices"], parties, accounts, term, today)
    _statement_journal(company, accounts)
    _sale_numbers()
    _robot(seed["robot_login"], company)
    _wizards_done()
    print(json.dumps({"parties": len(parties), "invoices": len(seed["invoices"])}))


def _currencies(main_code: str) -> dict:
    Currency = Model.get("currency.currency")
    Rate = Model.get("currency.currency.rate")
    found = {}
    for code, (name, symbol) in CURRENCIES.items():
        currency = Currency(name=name, symbol=symbol, code=code)
        currency.rounding = Decimal("0.01")
        currency.save()
        rate = Decimal(1) if code == main_code else Decimal("1.1")
        Rate(date=dt.date(2000, 1, 1), rate=rate, currency=currency).save()
        found[code] = currency
    return found


def _company(name: str, currency, cfg):
    Party = Model.get("party.party")
    User = Model.get("res.user")
    wizard = Wizard("company.company.config")
    wizard.execute("company")
    party = Party(name=name)
    party.save()
    wizard.form.party = party
    wizard.form.currency = currency
    wizard.execute("add")
    cfg._context = User.get_preferences(True, {})
    (company,) = Model.get("company.company").find()
    return company


def _chart(company) -> dict:
    Template = Model.get("account.account.template")
    Account = Model.get("account.account")
    Data = Model.get("ir.model.data")
    (data,) = Data.find(
        [("module", "=", "account"), ("fs_id", "=", "account_template_root_en")]
    )
    wizard = Wizard("account.create_chart")
    wizard.execute("account")
    wizard.form.account_template = Template(data.db_id)
    wizard.form.company = company
    wizard.execute("create_account")
    accounts = {}
    for kind in ("receivable", "payable", "revenue", "expense"):
        accounts[kind] = Account.find([(f"type.{kind}", "=", True)], limit=1)[0]
    accounts["cash"] = Account.find([("name", "=", "Main Cash")], limit=1)[0]
    wizard.form.account_receivable = accounts["receivable"]
    wizard.form.account_payable = accounts["payable"]
    wizard.execute("create_properties")
    return accounts


def _fiscal_year(company, today: dt.date) -> None:
    FiscalYear = Model.get("account.fiscalyear")
    Sequence = Model.get("ir.sequence")
    Strict = Model.get("ir.sequence.strict")
    SequenceType = Model.get("ir.sequence.type")
    for year in (today.year - 1, today.year):
        fiscal = FiscalYear(name=str(year), company=company)
        fiscal.start_date = dt.date(year, 1, 1)
        fiscal.end_date = dt.date(year, 12, 31)
        (move_type,) = SequenceType.find([("name", "=", "Account Move")])
        moves = Sequence(name=f"Moves {year}", sequence_type=move_type, company=company)
        moves.save()
        fiscal.post_move_sequence = moves
        (invoice_type,) = SequenceType.find([("name", "=", "Invoice")])
        numbers = Strict(
            name=f"Invoices {year}",
            sequence_type=invoice_type,
            company=company,
            prefix=f"INV-{year}-",
            padding=5,
        )
        numbers.save()
        (sequences,) = fiscal.invoice_sequences
        sequences.out_invoice_sequence = numbers
        sequences.in_invoice_sequence = numbers
        sequences.out_credit_note_sequence = numbers
        sequences.in_credit_note_sequence = numbers
        fiscal.save()
        fiscal.click("create_period")


def _payment_term():
    Term = Model.get("account.invoice.payment_term")
    term = Term(name="Net 30")
    line = term.lines.new(type="remainder")
    line.relativedeltas.new(days=30)
    term.save()
    return term


def _category(accounts: dict):
    Category = Model.get("product.category")
    category = Category(name="Goods", accounting=True)
    category.account_revenue = accounts["revenue"]
    category.account_expense = accounts["expense"]
    category.save()
    return category


def _parties(customers: list[dict], term) -> dict:
    Party = Model.get("party.party")
    parties = {}
    for row in customers:
        party = Party(name=row["name"], code=row["customer_no"])
        party.customer_payment_term = term
        address = party.addresses[0] if party.addresses else party.addresses.new()
        address.street = row["address"]
        for email in row["emails"]:
            party.contact_mechanisms.new(type="email", value=email)
        parties[row["customer_no"]] = party
    Party.save(list(parties.values()))
    return parties


def _products(items: list[dict], category) -> None:
    Uom = Model.get("product.uom")
    Template = Model.get("product.template")
    uoms = {
        symbol: Uom.find([("symbol", "=", symbol)])[0] for symbol in set(UOMS.values())
    }
    templates = []
    for row in items:
        uom = uoms[UOMS.get(row["uom"], "u")]
        template = Template(name=row["description"], type="goods", default_uom=uom)
        template.salable = True
        template.sale_uom = uom
        template.list_price = Decimal(row["price"])
        template.account_category = category
        template.code = row["item_no"]  # the product's code is template + suffix
        templates.append(template)
    Template.save(templates)


def _invoices(rows: list[dict], parties: dict, accounts: dict, term, today) -> None:
    Invoice = Model.get("account.invoice")
    invoices = []
    for row in rows:
        invoice = Invoice(type="out", party=parties[row["customer_no"]])
        invoice.payment_term = term
        # Recent dates keep the due dates ahead: Tryton warns about past ones.
        age = (today - dt.date.fromisoformat(row["invoice_date"])).days
        invoice.invoice_date = today - dt.timedelta(days=age % 25)
        invoice.reference = row["reference"]
        line = invoice.lines.new()
        line.account = accounts["revenue"]
        line.description = f"Goods delivered ({row['reference']})"
        line.quantity = 1
        line.unit_price = Decimal(row["amount"])
        invoices.append(invoice)
    Invoice.save(invoices)
    Invoice.click(invoices, "post")


def _statement_journal(company, accounts: dict) -> None:
    Sequence = Model.get("ir.sequence")
    SequenceType = Model.get("ir.sequence.type")
    Journal = Model.get("account.journal")
    StatementJournal = Model.get("account.statement.journal")
    (kind,) = SequenceType.find([("name", "=", "Account Journal")])
    sequence = Sequence(name="Bank", sequence_type=kind, company=company)
    sequence.save()
    journal = Journal(name="Bank", type="statement", sequence=sequence)
    journal.save()
    bank = StatementJournal(name="Bank", journal=journal, account=accounts["cash"])
    bank.validation = "amount"
    bank.save()


def _sale_numbers() -> None:
    (settings,) = Model.get("sale.configuration").find()
    sequence = settings.sale_sequence
    sequence.prefix = "SO-"
    sequence.padding = 6
    sequence.save()


def _robot(login: str, company) -> None:
    User = Model.get("res.user")
    (admin,) = User.find([("login", "=", "admin")])
    robot = User(name="O2C robot", login=login)
    robot.password = os.environ["O2C_TRYTON_ROBOT_PASSWORD"]
    Group = Model.get("res.group")
    robot.groups.extend(Group.find([("id", "in", [g.id for g in admin.groups])]))
    Company = Model.get("company.company")
    for user in (robot, admin):
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.save()


def _wizards_done() -> None:
    Item = Model.get("ir.module.config_wizard.item")
    items = Item.find([("state", "!=", "done")])
    for item in items:
        item.state = "done"
    Item.save(items)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main(*sys.argv[1:4])

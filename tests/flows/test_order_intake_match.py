"""Order intake's pure decisions: customer identification, item mapping, prices,
ship-to, duplicate comparison, work items made from mail, and mail filing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bots.adapters.erp.base import (
    Address,
    Customer,
    ItemRef,
    OrderStatus,
    OrderStatusLine,
)
from bots.adapters.mail import FetchedMail, MailRef
from bots.config import Settings
from bots.documents.po import OrderLine, Party, PurchaseOrder
from bots.errors import BusinessError
from bots.flows import order_intake_match as match
from bots.flows.order_intake_mail import filing_target, items_for_mail
from sandbox import mailbuilder as mails

NORTHWIND = Customer(
    "C1001", "Northwind Retail GmbH", "EUR",
    emails=["purchasing@northwind-retail.example"],
    ship_to=[Address("SH01", "Logistics Park 109, 92036 Hamburg, DE"),
             Address("SH02", "Dock 4, Harbour Road 7, 20457 Hamburg, DE")],
)  # fmt: skip
GLOBEX = Customer("C1002", "Globex Industrial Supply Inc.", "USD",
                  emails=["ap@globex-supply.example"])  # fmt: skip
NORTHWIND_US = Customer("C1019", "Northwind Retail Inc.", "USD",
                        emails=["buyer@northwind-retail.example"])  # fmt: skip
CUSTOMERS = [NORTHWIND, GLOBEX]


def po(**fields: object) -> PurchaseOrder:
    lines = [
        OrderLine(1, "NW-1", quantity=Decimal(10), unit_price=Decimal("10.00")),
        OrderLine(2, "NW-2", quantity=Decimal(3), unit_price=Decimal("100.00"),
                  discount_percent=Decimal(5)),
    ]  # fmt: skip
    values: dict[str, object] = {
        "source": "po.pdf",
        "po_number": "4711",
        "order_date": date(2026, 12, 1),
        "currency": "EUR",
        "buyer": Party("Northwind Retail GmbH"),
        "lines": lines,
    }
    values.update(fields)
    return PurchaseOrder(**values)  # type: ignore[arg-type]


def catalogue(price_1: str = "10.00", price_2: str = "95.00"):
    items = {
        "NW-1": ItemRef("ITM-1001", "Bolt", "EA", Decimal(price_1), "NW-1"),
        "NW-2": ItemRef("ITM-1002", "Nut", "BOX", Decimal(price_2), "NW-2"),
    }
    return lambda customer_no, sku: items.get(sku)


@pytest.mark.parametrize(
    ("sender", "buyer", "expected", "known_by"),
    [
        ("anna@northwind-retail.example", "Northwind Retail GmbH", "C1001",
         "domain+name"),
        ("anna@Northwind-Retail.example", None, "C1001", "domain"),
        ("anna@northwind-retail.example", "NORTHWIND RETAIL", "C1001", "domain+name"),
        ("someone@freemail.example", "Globex Industrial Supply, Inc", "C1002",
         "buyer_name"),
    ],
)  # fmt: skip
def test_customer_is_known_by_domain_and_name(
    sender: str, buyer: str | None, expected: str, known_by: str
) -> None:
    found, how = match.identify_customer(CUSTOMERS, sender, buyer)
    assert (found.customer_no, how) == (expected, known_by)


@pytest.mark.parametrize(
    ("customers", "sender", "buyer", "says"),
    [
        (CUSTOMERS, "x@freemail.example", "Acme Unknown Trading", "no customer"),
        (CUSTOMERS, "x@northwind-retail.example", "Globex Industrial Supply Inc.",
         "belongs to C1001 but"),
        ([NORTHWIND, NORTHWIND_US], "x@northwind-retail.example", None,
         "several customers"),
        (CUSTOMERS, "", None, "(none)"),
    ],
)  # fmt: skip
def test_uncertain_customer_is_a_business_error(
    customers: list[Customer], sender: str, buyer: str | None, says: str
) -> None:
    with pytest.raises(BusinessError) as caught:
        match.identify_customer(customers, sender, buyer)
    assert caught.value.code == "unknown_customer"
    assert says in caught.value.message


def test_same_domain_customers_are_told_apart_by_name() -> None:
    found, how = match.identify_customer(
        [NORTHWIND, NORTHWIND_US], "x@northwind-retail.example", "Northwind Retail Inc."
    )
    assert found.customer_no == "C1019"
    assert how == "domain+name"


def test_every_unknown_sku_is_named() -> None:
    order = po(lines=[*po().lines, OrderLine(3, "ZZ-9"), OrderLine(4, None)])
    with pytest.raises(BusinessError) as caught:
        match.map_lines(order, NORTHWIND, catalogue())
    assert caught.value.code == "unknown_item"
    assert caught.value.details["unknown"] == ["ZZ-9", "(line 4 has no item code)"]


def test_prices_are_compared_net_of_discount_within_tolerance() -> None:
    order = po()
    lines = match.map_lines(order, NORTHWIND, catalogue())
    assert [line.net_price for line in lines] == [Decimal("10.00"), Decimal("95.00")]
    match.check_prices(order, NORTHWIND, lines, Decimal(2))
    lines = match.map_lines(order, NORTHWIND, catalogue(price_1="9.70"))
    match.check_prices(order, NORTHWIND, lines, Decimal(5))
    with pytest.raises(BusinessError) as caught:
        match.check_prices(order, NORTHWIND, lines, Decimal(2))
    assert caught.value.code == "price_mismatch"
    [off] = caught.value.details["lines"]
    assert (off["customer_sku"], off["deviation_percent"]) == ("NW-1", "3.09")


def test_another_currency_is_a_price_mismatch() -> None:
    order = po(currency="USD")
    lines = match.map_lines(order, NORTHWIND, catalogue())
    with pytest.raises(BusinessError, match="in USD but C1001 is billed in EUR"):
        match.check_prices(order, NORTHWIND, lines, Decimal(2))


def test_entry_uses_our_items_the_best_ship_to_and_the_earliest_date() -> None:
    order = po(
        ship_to=Party("Northwind Retail GmbH", "Dock 4\nHarbour Road 7\n20457 Hamburg"),
        lines=[replace(line, requested_date=date(2026, 12, 20 - n))
               for n, line in enumerate(po().lines)],
    )  # fmt: skip
    entry = match.build_entry(order, NORTHWIND, match.map_lines(
        order, NORTHWIND, catalogue()))  # fmt: skip
    assert entry.header.ship_to == "SH02"
    assert entry.header.requested_date == date(2026, 12, 19)
    assert entry.header.customer_po == "4711"
    assert [(line.item_no, line.quantity, line.unit_price) for line in entry.lines] == [
        ("ITM-1001", Decimal(10), None),
        ("ITM-1002", Decimal(3), None),
    ]
    assert match.choose_ship_to(NORTHWIND, po()) == "SH01"


def test_an_existing_order_is_compared_line_by_line() -> None:
    order = po()
    entry = match.build_entry(order, NORTHWIND, match.map_lines(
        order, NORTHWIND, catalogue()))  # fmt: skip
    lines = [OrderStatusLine(1, "ITM-1002", "Nut", Decimal("3.000")),
             OrderStatusLine(2, "ITM-1001", "Bolt", Decimal(10))]  # fmt: skip
    same = OrderStatus("SO-100031", "C1001", "4711", "open", lines=lines)
    assert match.order_differences(entry, same) == []
    other = replace(same, lines=[lines[0], replace(lines[1], quantity=Decimal(12))])
    assert match.order_differences(entry, other) == [
        "PO has ITM-1001 x 10 (not on the order)",
        "order has ITM-1001 x 12 (not on the PO)",
    ]


def fetched(raw: bytes, uid: int = 1, **changes: object) -> FetchedMail:
    ref = MailRef("INBOX", 77, uid, f"<{uid}@test>")
    return FetchedMail(**{"ref": ref, "size": len(raw), "raw": raw, **changes})


def test_forwarded_and_redelivered_copies_make_the_same_item(o2c_home: object) -> None:
    settings = Settings()
    spec = mails.po_spec("C1001", "REF-1", n_lines=1)
    original = mails.po_mail(spec)
    [first] = items_for_mail(fetched(original), settings)
    [again] = items_for_mail(fetched(original, uid=9), settings)
    [forward] = items_for_mail(fetched(mails.forwarded(original), uid=10), settings)
    assert first.reference == again.reference == forward.reference
    assert first.reference.startswith("po:northwind-retail.example:")
    assert forward.payload["sender"] == spec.customer.contacts[0].email
    assert first.payload["po"]["po_number"] == "REF-1"
    assert set(first.files) == {"message.eml", "REF-1.pdf"}
    other = replace(spec, customer=mails.customer("C1002"))
    [elsewhere] = items_for_mail(fetched(mails.po_mail(other)), settings)
    assert elsewhere.reference != first.reference


def terms_pdf() -> bytes:
    """A PDF that is not a purchase order: the customer's purchasing terms."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(20 * mm, 270 * mm, "General Terms and Conditions of Purchase")
    canvas.setFont("Helvetica", 10)
    clauses = (
        "1. Scope. These terms apply to every order we place with the supplier.",
        "2. Delivery. Goods are delivered DAP to the address named in the order.",
        "3. Invoices. Invoices quote our order number and are paid within 30 days.",
    )
    for number, clause in enumerate(clauses):
        canvas.drawString(20 * mm, (255 - 8 * number) * mm, clause)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def po_mail_with_terms(spec: mails.PoSpec) -> bytes:
    """The PO mail with the customer's terms and conditions attached beside it."""
    message = message_from_bytes(mails.po_mail(spec), policy=policy.default)
    message.add_attachment(terms_pdf(), maintype="application", subtype="pdf",
                           filename="Terms_and_Conditions.pdf")  # fmt: skip
    return message.as_bytes()


def test_terms_beside_a_po_are_skipped_but_alone_they_are_an_item(
    o2c_home: object,
) -> None:
    settings = Settings()
    spec = mails.po_spec("C1001", "TC-1", n_lines=1)
    [item] = items_for_mail(fetched(po_mail_with_terms(spec)), settings)
    assert item.payload["po"]["po_number"] == "TC-1"
    [alone] = items_for_mail(fetched(mails.po_mail(spec, pdf=terms_pdf())),
                             settings)  # fmt: skip
    assert alone.payload["document_error"]["code"] == "not_a_purchase_order"


def test_mail_problems_become_one_item_each(o2c_home: object) -> None:
    settings = Settings(intake={"max_attachment_bytes": 500})
    spec = mails.po_spec("C1001", "BIG-1", n_lines=1)
    [huge] = items_for_mail(fetched(b"Subject: x\r\n\r\n", too_large=True,
                                    size=30_000_000), settings)  # fmt: skip
    assert huge.payload["kind"] == "mail_too_large"
    assert "30.0 MB" in huge.payload["problem"]
    [big] = items_for_mail(fetched(mails.po_mail(spec)), settings)
    assert big.payload["kind"] == "attachment_too_large"
    [junk] = items_for_mail(fetched(mails.unreadable_mail()), settings)
    assert junk.payload["kind"] == "unreadable_mail"
    assert junk.files == {"message.eml": mails.unreadable_mail()}
    plain = mails.no_attachment_mail("x@globex-supply.example")
    [none] = items_for_mail(fetched(plain), settings)
    [none_again] = items_for_mail(fetched(plain, uid=2), settings)
    assert none.payload["kind"] == "no_attachment"
    assert none.reference == none_again.reference


def test_mail_is_filed_once_every_item_settled() -> None:
    settings = Settings()
    assert filing_target({"a": "done", "b": "retry"}, settings) is None
    assert filing_target({"a": "done", "b": None}, settings) is None
    assert filing_target({"a": "done", "b": "resolved"}, settings) == "Processed"
    assert filing_target({"a": "done", "b": "exception"}, settings) == "Exceptions"
    assert filing_target({}, settings) is None

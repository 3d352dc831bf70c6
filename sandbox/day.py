"""A realistic business day for the demo, built from the sandbox seed.

`build_day(today)` describes it as data: purchase-order mails in several layouts
(some with planted problems), the POs the portal customers also keep on their own
portals, a camt.054 notification with payments of every kind against the seeded open
invoices, and the warehouse's status changes to make once the orders are in the ERP
(confirmations, shipments and a crisis backorder). `load_day` puts it into a running
sandbox; `move_orders` makes the status changes. Every planted problem carries the
exception code the bots are expected to give it.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox import bankfiles, mailbuilder, seed
from sandbox.credentials import PORTAL_A_CUSTOMER, PORTAL_B_CUSTOMER

log = logging.getLogger(__name__)

PORTAL_OF = {PORTAL_A_CUSTOMER: "portal_a", PORTAL_B_CUSTOMER: "portal_b"}
CRISIS_REASON = "Our supplier's plant is closed after a flood; deliveries are rescheduled."


@dataclass(frozen=True)
class PlannedMail:
    label: str
    raw: bytes
    expect: str  # "entered", "duplicate" or the exception code the bot should give
    po_number: str = ""
    customer_no: str = ""


@dataclass(frozen=True)
class PlannedPayment:
    payment_id: str
    expect: str  # "matched", "unmatched" or "partially_matched"
    kind: str


@dataclass
class Day:
    today: date
    mails: list[PlannedMail] = field(default_factory=list)
    portal_pos: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    bank_files: dict[str, bytes] = field(default_factory=dict)
    payments: list[PlannedPayment] = field(default_factory=list)
    crisis_item: str = ""

    @property
    def orders_expected(self) -> int:
        return sum(1 for m in self.mails if m.expect == "entered")

    def planted_problems(self) -> list[tuple[str, str, str]]:
        """(bot, code, label) of every problem planted on purpose."""
        problems = [("order-intake", m.expect, m.label) for m in self.mails
                    if m.expect not in ("entered", "duplicate")]
        problems += [("cash-application", p.expect, p.kind) for p in self.payments
                     if p.expect != "matched"]
        return problems


def build_day(today: date) -> Day:
    day = Day(today=today)
    _order_mails(day)
    _bank_file(day)
    return day


# --- purchase orders ---------------------------------------------------------------


def _spec(customer_no: str, po_number: str, layout: str, today: date, *,
          lines: int = 3, first: int = 0) -> mailbuilder.PoSpec:
    return mailbuilder.po_spec(customer_no, po_number, layout=layout, n_lines=lines,
                               first=first, today=today)


def _order_mails(day: Day) -> None:
    today, layouts = day.today, mailbuilder.LAYOUTS
    good: list[mailbuilder.PoSpec] = []
    for n, customer in enumerate((PORTAL_A_CUSTOMER, PORTAL_B_CUSTOMER)):
        for k in range(2):
            number = (f"NW-PO-{31001 + k}" if customer == PORTAL_A_CUSTOMER
                      else f"45000{31001 + k}")
            good.append(_spec(customer, number, layouts[(n + k) % 3], today,
                              lines=2 + k, first=3 * k))
    # Three orders of one customer share its first item: the crisis hits all three.
    for k in range(3):
        good.append(_spec("C1003", f"IN-{7701 + k}", layouts[k % 3], today,
                          lines=2, first=0 if k == 0 else k * 2 - 1))
    day.crisis_item = seed.xref_for("C1003")[0].item_no
    for n, customer in enumerate(f"C10{c:02d}" for c in range(4, 16)):
        good.append(_spec(customer, f"PO-{today:%y%m}{n + 1:03d}", layouts[n % 3], today,
                          lines=1 + n % 4, first=n % 5))
    _give_crisis_item(good)
    for spec in good:
        day.mails.append(PlannedMail(f"PO {spec.po_number} ({spec.layout})",
                                     mailbuilder.po_mail(spec, message_id=_id(spec)),
                                     "entered",
                                     spec.po_number, spec.customer.customer_no))
        portal = PORTAL_OF.get(spec.customer.customer_no)
        if portal:
            day.portal_pos.setdefault(portal, []).append(_portal_po(spec))
    for kind, customer in (("xlsx", "C1016"), ("csv", "C1017")):
        spec = _spec(customer, f"SS-{today:%y%m}-{kind.upper()}", "classic", today)
        day.mails.append(PlannedMail(f"PO {spec.po_number} as {kind.upper()}",
                                     mailbuilder.spreadsheet_mail(spec, kind), "entered",
                                     spec.po_number, customer))
    _problem_mails(day, good[4])


def _give_crisis_item(specs: list[mailbuilder.PoSpec]) -> None:
    """Make sure every C1003 order carries the crisis item (its first part number)."""
    first = seed.xref_for("C1003")[0]
    for index, spec in enumerate(specs):
        if spec.customer.customer_no == "C1003" and all(
            line.item_no != first.item_no for line in spec.lines
        ):
            extra = replace(spec.lines[0], customer_part=first.customer_part,
                            item_no=first.item_no, unit_price=first.price)
            specs[index] = replace(spec, lines=(extra, *spec.lines[1:]))


def _problem_mails(day: Day, original: mailbuilder.PoSpec) -> None:
    today = day.today
    unknown = _spec("C1018", f"PO-{today:%y%m}-UNK", "classic", today)
    bad_line = replace(unknown.lines[0], customer_part="ZZ-99999-X")
    unknown = replace(unknown, lines=(bad_line, *unknown.lines[1:]))
    pricey = mailbuilder.with_prices(_spec("C1019", f"PO-{today:%y%m}-PRC", "us", today),
                                     Decimal("1.25"))
    scan = _spec("C1020", f"PO-{today:%y%m}-SCN", "classic", today)
    broken = _spec("C1014", f"PO-{today:%y%m}-BRK", "classic", today)
    sender = original.sender_address
    day.mails += [
        PlannedMail("PO with an item the customer never bought",
                    mailbuilder.po_mail(unknown, message_id=_id(unknown)),
                    "unknown_item", unknown.po_number, "C1018"),
        PlannedMail("PO with prices 25 % above ours",
                    mailbuilder.po_mail(pricey, message_id=_id(pricey)),
                    "price_mismatch", pricey.po_number, "C1019"),
        PlannedMail("scanned PO without a text layer",
                    mailbuilder.po_mail(scan, pdf=mailbuilder.scanned_pdf(scan),
                                        message_id=_id(scan)),
                    "unreadable_document", scan.po_number, "C1020"),
        PlannedMail("corrupt PDF",
                    mailbuilder.po_mail(broken, pdf=mailbuilder.corrupt_pdf(),
                                        message_id=_id(broken)),
                    "unreadable_document", broken.po_number, "C1014"),
        PlannedMail(f"forwarded copy of PO {original.po_number}",
                    mailbuilder.forwarded(mailbuilder.po_mail(
                        original, message_id=f"<{original.po_number}@demo>")),
                    "duplicate", original.po_number,
                    original.customer.customer_no),
        PlannedMail("mail without an attachment",
                    mailbuilder.no_attachment_mail(
                        sender, message_id=f"<no-attachment.{today}@demo>"),
                    "no_attachment"),
    ]
    # The forwarded mail's original also arrives itself, with the same Message-ID.
    day.mails = [
        replace(m, raw=mailbuilder.po_mail(original,
                                          message_id=f"<{original.po_number}@demo>"))
        if m.po_number == original.po_number and m.expect == "entered" else m
        for m in day.mails
    ]


def _id(spec: mailbuilder.PoSpec) -> str:
    """A Message-ID that is the same each time the day is built, so that a mail
    delivered again is recognised as the same mail."""
    return f"<{spec.po_number}.{spec.order_date}@{spec.customer.domain}>"


def _portal_po(spec: mailbuilder.PoSpec) -> dict[str, Any]:
    return {
        "po_number": spec.po_number,
        "po_date": spec.order_date.isoformat(),
        "requested_date": (spec.requested_date or spec.order_date).isoformat(),
        "currency": spec.customer.currency,
        "lines": [{"sku": line.customer_part, "description": line.description,
                   "quantity": str(line.quantity), "uom": line.uom,
                   "unit_price": str(line.unit_price)} for line in spec.lines],
    }


# --- the bank's notification ---------------------------------------------------------


def _bank_file(day: Day) -> None:
    today = day.today
    names = {c.customer_no: c.name for c in seed.customers()}
    by_customer: dict[str, list[seed.Invoice]] = {}
    for inv in seed.open_invoices(today):
        if inv.open_amount == inv.amount and not inv.dispute:
            by_customer.setdefault(inv.customer_no, []).append(inv)
    pays: list[bankfiles.BankPayment] = []
    planned: list[PlannedPayment] = []

    def pay(kind: str, expect: str, payer: str, amount: Decimal, currency: str,
            text: str = "", structured: list[str] | None = None) -> None:
        ref = f"DEMO{today:%m%d}{len(pays) + 1:04d}"
        pays.append(bankfiles.BankPayment(
            bank_ref=ref, end_to_end=f"E2E-{ref}", payer=payer, amount=amount,
            currency=currency, value_date=today, text=text,
            structured=structured or []))
        planned.append(PlannedPayment(ref, expect, kind))

    customers = sorted(by_customer)
    used: set[str] = set()

    def take(customer: str) -> seed.Invoice | None:
        for inv in by_customer[customer]:
            if inv.invoice_number not in used:
                used.add(inv.invoice_number)
                return inv
        return None

    styles = ("Invoice {n}", "RE {n} vielen Dank", "inv{n}", "payment for {n}",
              "{n}", "Rechnung Nr. {n}")
    for k in range(14):
        customer = customers[k % len(customers)]
        inv = take(customer)
        if inv is None:
            continue
        number = inv.invoice_number
        if k % 5 == 4:
            number = number.replace("0", "O", 2)  # an OCR'd remittance
        payer = names[customer].upper()[:24]  # banks truncate names
        if k % 4 == 3:
            pay("structured reference", "matched", payer, inv.open_amount, inv.currency,
                structured=[inv.invoice_number])
        else:
            pay("reference in remittance text", "matched", payer, inv.open_amount,
                inv.currency, styles[k % len(styles)].format(n=number))
    for k in range(6):
        customer = customers[(k * 3 + 1) % len(customers)]
        first, second = take(customer), take(customer)
        if first is None or second is None or first.currency != second.currency:
            continue
        pay("several invoices in one payment", "matched", names[customer],
            first.open_amount + second.open_amount, first.currency,
            f"{first.invoice_number} {second.invoice_number}")
    for k in range(5):
        customer = customers[(k * 5 + 2) % len(customers)]
        inv = take(customer)
        if inv is None:
            continue
        pay("amount and payer only", "matched", names[customer], inv.open_amount,
            inv.currency, "Zahlung gemäß Vereinbarung")
    for k, text in enumerate(("Consulting fee", "Refund of deposit", "Misc 4471")):
        pay("unknown payer", "unmatched", f"ACME HOLDINGS {k + 1} LTD",
            Decimal(f"{1234 + 111 * k}.{17 + k}"), "EUR", text)
    for k, (kind, expect, factor) in enumerate((
        ("short payment on a clear reference", "matched", Decimal("0.83")),
        ("overpayment", "partially_matched", Decimal("1.12")),
    )):
        customer = customers[(k * 7 + 4) % len(customers)]
        inv = take(customer)
        if inv is None:
            continue
        pay(kind, expect, names[customer],
            (inv.open_amount * factor).quantize(Decimal("0.01")), inv.currency,
            f"Invoice {inv.invoice_number}")
    day.payments = planned
    day.bank_files["camt054-morning.xml"] = _camt(pays, today)


def _camt(pays: list[bankfiles.BankPayment], today: date) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "camt.xml"
        bankfiles.write_camt054(path, pays, "08", today)
        return path.read_bytes()


# --- putting it into a running sandbox --------------------------------------------------


def _post(url: str, body: Any) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        if exc.code == 409:  # already there from an earlier demo run
            return None
        raise


def load_day(day: Day, urls: dict[str, str], imap: tuple[str, int, str, str],
             bank_inbox: Path) -> None:
    """Plant the portal POs, deliver the mails, drop the bank file."""
    from sandbox.mail import deliver

    for portal, pos in day.portal_pos.items():
        for po in pos:
            _post(f"{urls[portal]}/admin/api/purchase-orders", po)
    host, port, user, password = imap
    for mail in day.mails:
        deliver(host, port, user, password, mail.raw)
    bank_inbox.mkdir(parents=True, exist_ok=True)
    for name, data in day.bank_files.items():
        (bank_inbox / name).write_bytes(data)
    log.info("day loaded: %d mails, %d portal POs, %d payments", len(day.mails),
             sum(len(p) for p in day.portal_pos.values()), len(day.payments))


def move_orders(day: Day, erp_url: str, entered: dict[str, str]) -> dict[str, list[str]]:
    """The warehouse's day: confirm the new orders, ship two, and backorder every open
    order with the crisis item. `entered` maps PO number to sales order number."""
    moved: dict[str, list[str]] = {"confirmed": [], "shipped": [], "backordered": []}
    confirm = (day.today + timedelta(days=9)).isoformat()
    for po_number, so in sorted(entered.items()):
        if po_number.startswith("IN-"):
            continue  # the crisis will move these
        _post(f"{erp_url}/admin/api/orders/{so}/status",
              {"status": "confirmed", "confirmed_date": confirm})
        moved["confirmed"].append(so)
    for n, po_number in enumerate(("NW-PO-31001", "4500031001")):
        so = entered.get(po_number)
        if so:
            _post(f"{erp_url}/admin/api/orders/{so}/status",
                  {"status": "shipped", "carrier": ("DHL", "UPS")[n],
                   "tracking": f"DEMO{day.today:%m%d}TRK{n + 1}",
                   "ship_date": day.today.isoformat()})
            moved["shipped"].append(so)
    answer = _post(f"{erp_url}/admin/api/orders/bulk-backorder",
                   {"item_no": day.crisis_item,
                    "backorder_date": (day.today + timedelta(days=45)).isoformat(),
                    "reason": CRISIS_REASON})
    if isinstance(answer, dict):
        moved["backordered"] = list(answer.get("orders") or answer.get("moved") or [])
    elif isinstance(answer, list):
        moved["backordered"] = answer
    return moved

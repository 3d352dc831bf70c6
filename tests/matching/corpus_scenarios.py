"""The payment situations of the generated corpus, one function each.

Each function draws invoices from the generator, writes one or two payments and
records the truth: the applications the payer meant and whether the matcher must
apply them (`matched`), may only propose them (`review`) or must not apply the
payment at all (`must_not_apply`).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sandbox.bankfiles import AdviceRow
from tests.matching import corpus_parts as parts
from tests.matching.make_corpus import (
    CENT,
    DISCOUNT_RATES,
    TODAY,
    Generator,
    Invoice,
    _discount_ok,
    _money,
    application,
    discount,
    subset_sums,
)

ZERO = Decimal("0.00")


def _join(*texts: str) -> str:
    return " ".join(t for t in texts if t)


def ref_exact(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    text = _join(g.noise(customer), g.reference(invoice), g.noise(customer))
    payment = g.bank_payment(customer, invoice.open_amount, text)
    g.add(payment, "ref_exact", customer, [application(invoice, invoice.open_amount)])


def bai2_ref(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    payment = g.bank_payment(
        customer, invoice.open_amount, g.reference(invoice), channel="bai2"
    )
    if not payment.bank_ref:
        payment.bank_ref = g.new_id("BAI")
    g.add(payment, "bai2_ref", customer, [application(invoice, invoice.open_amount)])


def ref_structured(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    payment = g.bank_payment(
        customer, invoice.open_amount, g.noise(customer), structured=[invoice.number]
    )
    g.add(
        payment, "ref_structured", customer, [application(invoice, invoice.open_amount)]
    )


def ref_unknown_payer(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    text = _join("on behalf of our client", g.reference(invoice))
    payment = g.bank_payment(
        customer, invoice.open_amount, text, payer=parts.unknown_payer(g.rng)
    )
    g.add(
        payment,
        "ref_unknown_payer",
        customer,
        [application(invoice, invoice.open_amount)],
    )


def ref_multi(g: Generator) -> None:
    customer = g.rng.choice(g.customers)
    invoices = g.take(customer, count=g.rng.randint(2, 4))
    if not invoices:
        return
    separator = g.rng.choice([", ", " ", " / ", "; "])
    text = separator.join(g.reference(i) for i in invoices)
    total = sum((i.open_amount for i in invoices), ZERO)
    payment = g.bank_payment(customer, total, text)
    g.add(
        payment,
        "ref_multi",
        customer,
        [application(i, i.open_amount) for i in invoices],
    )


def ref_discount(g: Generator) -> None:
    customer = g.rng.choice(g.customers)
    invoices = g.take(customer, recent=True, count=g.rng.randint(1, 2))
    if not invoices:
        return
    rate = g.rng.choice(DISCOUNT_RATES)
    apps = [
        application(i, i.open_amount - discount(i, rate), discount(i, rate))
        for i in invoices
    ]
    total = sum((i.open_amount - discount(i, rate) for i in invoices), ZERO)
    text = _join(
        " ".join(g.reference(i) for i in invoices), f"less {rate * 100:g}% skonto"
    )
    payment = g.bank_payment(customer, total, text)
    payment.value_date = TODAY - timedelta(days=1)
    g.add(payment, "ref_discount", customer, apps)


def short_ref(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    paid = _money(invoice.open_amount * Decimal(g.rng.uniform(0.3, 0.9)))
    text = _join("part payment", g.reference(invoice, strong=True))
    payment = g.bank_payment(customer, paid, text)
    g.add(payment, "short_ref", customer, [application(invoice, paid)])


def split(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None or invoice.open_amount < Decimal("10.00"):
        return
    customer = invoice.customer
    first = _money(invoice.open_amount * Decimal(g.rng.uniform(0.3, 0.7)))
    for part in (first, invoice.open_amount - first):
        text = _join("instalment", g.reference(invoice, strong=True))
        payment = g.bank_payment(customer, part, text)
        g.add(payment, "split", customer, [application(invoice, part)])


def overpay(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    extra = _money(Decimal(g.rng.uniform(1, 500)))
    payment = g.bank_payment(
        customer, invoice.open_amount + extra, g.reference(invoice, strong=True)
    )
    g.add(
        payment,
        "overpay",
        customer,
        [application(invoice, invoice.open_amount)],
        expect="review",
    )


def currency_mismatch(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    other = "USD" if customer.currency != "USD" else "EUR"
    payment = g.bank_payment(
        customer, invoice.open_amount, g.reference(invoice, strong=True), currency=other
    )
    g.add(payment, "currency_mismatch", customer, [])


def _amount_payment(
    g: Generator, scenario: str, invoices: list[Invoice], rate: Decimal | None
) -> None:
    customer = invoices[0].customer
    if rate is None:
        apps = [application(i, i.open_amount) for i in invoices]
        total = sum((i.open_amount for i in invoices), ZERO)
    else:
        apps = [
            application(i, i.open_amount - discount(i, rate), discount(i, rate))
            for i in invoices
        ]
        total = sum((i.open_amount - discount(i, rate) for i in invoices), ZERO)
    payment = g.bank_payment(customer, total, g.noise(customer))
    if rate is not None:
        payment.value_date = TODAY - timedelta(days=1)
    g.add(payment, scenario, customer, apps)


def amount_single(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is not None:
        _amount_payment(g, "amount_single", [invoice], None)


def amount_combo(g: Generator) -> None:
    customer = g.rng.choice(g.customers)
    invoices = g.take(customer, count=g.rng.randint(2, 3))
    if invoices:
        _amount_payment(g, "amount_combo", invoices, None)


def amount_discount(g: Generator) -> None:
    [invoice] = g.take(recent=True) or [None]
    if invoice is not None:
        _amount_payment(g, "amount_discount", [invoice], g.rng.choice(DISCOUNT_RATES))


def _advice(g: Generator, scenario: str, with_discount: bool, pdf: bool) -> None:
    customer = g.rng.choice(g.customers)
    invoices = g.take(customer, recent=with_discount, count=g.rng.randint(1, 3))
    if not invoices:
        return
    rows, apps = [], []
    for number, invoice in enumerate(invoices):
        cut, ded, code = ZERO, ZERO, ""
        if with_discount:
            cut = discount(invoice, g.rng.choice(DISCOUNT_RATES))
        elif number == 0:
            ded = _money(invoice.open_amount * Decimal(g.rng.uniform(0.02, 0.2)))
            code = parts.deduction_code(g.rng) if g.rng.random() < 0.85 else ""
        paid = invoice.open_amount - cut - ded
        rows.append(AdviceRow(invoice.number, paid, cut, ded, code))
        apps.append(application(invoice, paid, cut, ded, code))
    total = sum((r.amount_paid for r in rows), ZERO)
    advice_id = g.new_id("ADV")
    payment = g.bank_payment(
        customer,
        total,
        f"SEE REMITTANCE ADVICE {advice_id}",
        end_to_end=advice_id,
        advice_id=advice_id,
        advice=rows,
        advice_format="pdf" if pdf else "csv",
    )
    if with_discount:
        payment.value_date = TODAY - timedelta(days=1)
    if not payment.bank_ref:
        payment.bank_ref = g.new_id()
    g.add(payment, scenario, customer, apps)


def advice_deduction(g: Generator) -> None:
    _advice(g, "advice_deduction", with_discount=False, pdf=False)


def advice_discount(g: Generator) -> None:
    _advice(g, "advice_discount", with_discount=True, pdf=False)


def advice_pdf(g: Generator) -> None:
    g.pdf_count += 1
    _advice(g, "advice_pdf", with_discount=False, pdf=True)


def ambiguous_dup(g: Generator) -> None:
    customer = g.rng.choice(g.customers)
    pair = g.take(customer, count=2)
    if not pair:
        return
    twin = pair[1]
    twin.amount = twin.open_amount = pair[0].open_amount
    payment = g.bank_payment(customer, pair[0].open_amount, g.noise(customer))
    g.add(payment, "ambiguous_dup", customer, [])


def ref_ambiguous(g: Generator) -> None:
    customer = g.rng.choice(g.customers)
    pair = g.take(customer, count=2)
    if not pair:
        return
    pair[1].amount = pair[1].open_amount = pair[0].open_amount
    text = " ".join(g.reference(i, strong=True) for i in pair)
    payment = g.bank_payment(customer, pair[0].open_amount, text)
    g.add(payment, "ref_ambiguous", customer, [])


def unknown_payer(g: Generator) -> None:
    target = g.rng.choice(g.invoices)
    payment = g.bank_payment(
        target.customer,
        target.open_amount,
        g.rng.choice(["Payment", "", "Zahlung"]),
        payer=parts.unknown_payer(g.rng),
    )
    g.add(payment, "unknown_payer", None, [])


def short_noref(g: Generator) -> None:
    [invoice] = g.take() or [None]
    if invoice is None:
        return
    customer = invoice.customer
    values = _amount_stage_values(g, customer.customer_id, exclude=set())
    for _ in range(10):
        paid = _money(invoice.open_amount * Decimal(g.rng.uniform(0.3, 0.9)))
        if paid > CENT and not _fits(values, paid):
            payment = g.bank_payment(customer, paid, g.noise(customer))
            g.add(payment, "short_noref", customer, [])
            return


# --- labels that depend on the whole corpus ---------------------------------------


def _consumed(g: Generator) -> dict[str, Decimal]:
    """What the payments decided before the amount stage close on each invoice."""
    closed: dict[str, Decimal] = {}
    for truth in g.truths:
        if truth.expect != "matched" or truth.scenario in {
            "amount_single",
            "amount_combo",
            "amount_discount",
        }:
            continue
        for app in truth.applications:
            total = sum(Decimal(app[k]) for k in ("amount", "discount", "deduction"))
            closed[app["invoice_number"]] = (
                closed.get(app["invoice_number"], ZERO) + total
            )
    return closed


def _amount_stage_values(
    g: Generator, customer_id: str, exclude: set[str]
) -> list[tuple[Decimal, Invoice]]:
    closed = getattr(g, "_closed_cache", None)
    if closed is None:
        closed = _consumed(g)
    values = []
    for invoice in g.by_customer.get(customer_id, []):
        if invoice.number in exclude:
            continue
        remaining = invoice.open_amount - closed.get(invoice.number, ZERO)
        if remaining > 0:
            values.append((remaining, invoice))
    return values


def _fits(values: list[tuple[Decimal, Invoice]], amount: Decimal) -> int:
    found = subset_sums([v for v, _ in values], amount)
    for rate in DISCOUNT_RATES:
        discounted = [
            v - _money(v * rate) if _discount_ok(i, TODAY - timedelta(days=1)) else ZERO
            for v, i in values
        ]
        found += subset_sums(discounted, amount)
    return found


def label_amount_payments(g: Generator) -> None:
    """Amount-only payments are `matched` only when no other set fits them."""
    g._closed_cache = _consumed(g)
    for payment, truth in zip(g.payments, g.truths, strict=True):
        if truth.scenario not in {"amount_single", "amount_combo", "amount_discount"}:
            continue
        values = _amount_stage_values(g, truth.customer_id, exclude=set())
        if _fits(values, payment.amount) != 1:
            truth.expect = "review"

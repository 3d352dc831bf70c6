"""Deterministic generator of a cash-application corpus with its ground truth.

    python tests/matching/make_corpus.py --seed 1 --payments 400 --invoices 4000 \
        [--mix standard|alternate] [--out DIR]

writes the open items (XLSX or CSV), a camt.054 notification, a BAI2 file, a CSV
remittance advice and a few PDF advices, and `truth.json`: per payment the
scenario, what must happen (`matched` exactly as given, `review`, or
`must_not_apply`) and the true applications. The scenarios mix references in many
spellings, structured references, truncated and re-cased payer names, discounts,
unique combinations, advices with deductions, short, split and overpayments,
ambiguous amounts, unknown payers and currency mismatches.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bots.matching.normalise import full_name_key, name_key
from sandbox.bankfiles import (
    BankPayment,
    write_advice_csv,
    write_advice_pdf,
    write_bai2,
    write_camt054,
    write_open_items,
)
from tests.matching import corpus_parts as parts

CENT = Decimal("0.01")
TODAY = date(2026, 11, 30)
DISCOUNT_RATES = (Decimal("0.02"), Decimal("0.03"))
DISCOUNT_DAYS = 15
MAX_PDF_ADVICES = 4

MIXES: dict[str, dict] = {
    "standard": {
        "invoice_format": "year",
        "camt_version": "08",
        "open_items": "xlsx",
        "customer_noise": False,
        "weights": {
            "ref_exact": 20,
            "ref_structured": 7,
            "ref_multi": 8,
            "ref_discount": 6,
            "bai2_ref": 7,
            "ref_unknown_payer": 3,
            "amount_single": 9,
            "amount_combo": 5,
            "amount_discount": 3,
            "advice_deduction": 7,
            "advice_discount": 3,
            "advice_pdf": 1,
            "short_ref": 4,
            "split": 3,
            "overpay": 3,
            "ambiguous_dup": 4,
            "unknown_payer": 5,
            "currency_mismatch": 2,
            "short_noref": 2,
        },
    },
    "alternate": {
        "invoice_format": "padded",
        "camt_version": "02",
        "open_items": "csv",
        "customer_noise": True,
        "weights": {
            "ref_exact": 14,
            "ref_structured": 5,
            "ref_multi": 12,
            "ref_discount": 4,
            "bai2_ref": 10,
            "ref_unknown_payer": 4,
            "amount_single": 7,
            "amount_combo": 9,
            "amount_discount": 4,
            "advice_deduction": 6,
            "advice_discount": 4,
            "advice_pdf": 1,
            "short_ref": 3,
            "split": 5,
            "overpay": 4,
            "ambiguous_dup": 3,
            "unknown_payer": 6,
            "currency_mismatch": 3,
            "short_noref": 2,
            "ref_ambiguous": 3,
        },
    },
    "dense": {
        "invoice_format": "digits",
        "camt_version": "08",
        "open_items": "csv",
        "customer_noise": True,
        "per_customer": 60,
        "weights": {
            "ref_exact": 12,
            "ref_structured": 4,
            "ref_multi": 10,
            "ref_discount": 5,
            "bai2_ref": 6,
            "ref_unknown_payer": 4,
            "amount_single": 12,
            "amount_combo": 10,
            "amount_discount": 5,
            "advice_deduction": 6,
            "advice_discount": 3,
            "advice_pdf": 1,
            "short_ref": 4,
            "split": 4,
            "overpay": 3,
            "ambiguous_dup": 4,
            "unknown_payer": 5,
            "currency_mismatch": 2,
            "short_noref": 4,
            "ref_ambiguous": 3,
        },
    },
}
MATCHED_SCENARIOS = {
    "ref_exact", "ref_structured", "ref_multi", "ref_discount", "bai2_ref",
    "ref_unknown_payer", "amount_single", "amount_combo", "amount_discount",
    "advice_deduction", "advice_discount", "advice_pdf", "short_ref", "split",
}  # fmt: skip
AMOUNT_SCENARIOS = {"amount_single", "amount_combo", "amount_discount"}


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Customer:
    customer_id: str
    name: str
    currency: str


@dataclass
class Invoice:
    number: str
    customer: Customer
    invoice_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    used: bool = False


@dataclass
class Truth:
    payment_id: str
    scenario: str
    expect: str
    customer_id: str | None
    applications: list[dict] = field(default_factory=list)


@dataclass
class Corpus:
    customers: list[Customer]
    invoices: list[Invoice]
    payments: list[BankPayment]
    truths: list[Truth]
    mix: str
    seed: int


class Generator:
    """Builds one corpus from a seed; the same arguments give the same corpus."""

    def __init__(self, seed: int, payments: int, invoices: int, mix: str) -> None:
        self.rng = random.Random(seed)
        self.seed, self.mix_name = seed, mix
        self.mix = MIXES[mix]
        self.target_payments = payments
        per_customer = self.mix.get("per_customer", 20)
        self.customers = self._customers(max(8, invoices // per_customer))
        self.invoices = self._invoices(invoices)
        self.by_customer: dict[str, list[Invoice]] = {}
        for invoice in self.invoices:
            self.by_customer.setdefault(invoice.customer.customer_id, []).append(
                invoice
            )
        self.payments: list[BankPayment] = []
        self.truths: list[Truth] = []
        self.counter = 0
        self.pdf_count = 0

    # --- master data -----------------------------------------------------------------

    def _customers(self, count: int) -> list[Customer]:
        seen: set[str] = set()
        customers = []
        while len(customers) < count:
            name = parts.company_name(self.rng)
            key = name_key(name)
            if key in seen or len(key) < 6:
                continue
            seen.add(key)
            currency = self.rng.choices(["EUR", "USD", "GBP", "CHF"], [80, 10, 5, 5])[0]
            customers.append(Customer(f"C{len(customers) + 10001}", name, currency))
        self._sorted_keys = sorted(
            {k for c in customers for k in (name_key(c.name), full_name_key(c.name))}
        )
        return customers

    def _invoices(self, count: int) -> list[Invoice]:
        invoices = []
        for sequence in range(1, count + 1):
            customer = self.rng.choice(self.customers)
            recent = self.rng.random() < 0.2
            age = self.rng.randint(1, 12) if recent else self.rng.randint(20, 150)
            issued = TODAY - timedelta(days=age)
            amount = _money(
                Decimal(math.exp(self.rng.uniform(math.log(40), math.log(25000))))
            )
            open_amount = amount
            if self.rng.random() < 0.08:
                open_amount = _money(amount * Decimal(self.rng.uniform(0.2, 0.8)))
            invoices.append(
                Invoice(
                    self._number(sequence),
                    customer,
                    issued,
                    issued + timedelta(days=30),
                    amount,
                    open_amount,
                )
            )
        return invoices

    def _number(self, sequence: int) -> str:
        if self.mix["invoice_format"] == "year":
            return f"INV-2026-{sequence:06d}"
        if self.mix["invoice_format"] == "digits":
            return str(4000000 + sequence)
        return f"RE{sequence + 100000:08d}"

    # --- picking ---------------------------------------------------------------

    def take(
        self, customer: Customer | None = None, *, recent: bool = False, count: int = 1
    ) -> list[Invoice] | None:
        """`count` unused invoices of one customer (any customer when None)."""
        for _ in range(60):
            owner = customer or self.rng.choice(self.customers)
            pool = [
                i
                for i in self.by_customer.get(owner.customer_id, [])
                if not i.used
                and (not recent or _discount_ok(i, TODAY - timedelta(days=1)))
            ]
            if len(pool) >= count:
                chosen = self.rng.sample(pool, count)
                for invoice in chosen:
                    invoice.used = True
                return chosen
            if customer is not None:
                return None
        return None

    def new_id(self, prefix: str = "NTF") -> str:
        self.counter += 1
        return f"{prefix}{self.seed:03d}{self.counter:06d}"

    def value_date(self) -> date:
        return TODAY - timedelta(days=self.rng.randint(0, 2))

    def payer_name(self, customer: Customer, resolvable: bool = True) -> str:
        return parts.payer_variant(self.rng, customer.name, self._unique_cut)

    def _unique_cut(self, name: str, length: int) -> bool:
        """Whether `name` cut to `length` still names only one customer."""
        import bisect

        cut = name[:length]
        key = name_key(cut)
        if len(cut.strip()) < 12 or len(key) < 8:
            return False
        start = bisect.bisect_left(self._sorted_keys, key)
        owners = {k for k in self._sorted_keys[start : start + 4] if k.startswith(key)}
        full_owner = {name_key(name), full_name_key(name)}
        return owners <= full_owner

    def reference(self, invoice: Invoice, strong: bool = False) -> str:
        return parts.reference_variant(self.rng, invoice.number, strong)

    # --- recording -------------------------------------------------------------

    def add(
        self,
        payment: BankPayment,
        scenario: str,
        customer: Customer | None,
        applications: list[dict],
        expect: str | None = None,
    ) -> None:
        payment_id = payment.bank_ref or payment.end_to_end
        if expect is None:
            expect = "matched" if scenario in MATCHED_SCENARIOS else "must_not_apply"
        self.payments.append(payment)
        self.truths.append(
            Truth(
                payment_id,
                scenario,
                expect,
                customer.customer_id if customer else None,
                applications,
            )
        )

    def bank_payment(
        self, customer: Customer, amount: Decimal, text: str, **extra: object
    ) -> BankPayment:
        """A payment with the usual mix of ids: bank reference, end-to-end id."""
        roll = self.rng.random()
        bank_ref = self.new_id() if roll < 0.9 else ""
        if not bank_ref:
            end_to_end = self.new_id("E2E")
        elif roll < 0.8:
            end_to_end = f"E2E-{self.rng.randint(10**8, 10**9 - 1)}"
        else:
            end_to_end = ""
        payer = extra.pop("payer", None) or self.payer_name(customer)
        currency = extra.pop("currency", None) or customer.currency
        return BankPayment(
            bank_ref=bank_ref,
            end_to_end=str(extra.pop("end_to_end", None) or end_to_end),
            payer=str(payer),
            amount=amount,
            currency=str(currency),
            value_date=self.value_date(),
            text=text,
            **extra,
        )

    def noise(self, customer: Customer) -> str:
        return parts.noise(self.rng, customer.customer_id, self.mix["customer_noise"])

    # --- the whole corpus ------------------------------------------------------

    def build(self) -> Corpus:
        from tests.matching import corpus_scenarios as scenarios

        weights = self.mix["weights"]
        names, chances = list(weights), list(weights.values())
        attempts = 0
        while (
            len(self.payments) < self.target_payments
            and attempts < self.target_payments * 20
        ):
            attempts += 1
            scenario = self.rng.choices(names, chances)[0]
            if scenario == "advice_pdf" and self.pdf_count >= MAX_PDF_ADVICES:
                continue
            getattr(scenarios, scenario)(self)
        scenarios.label_amount_payments(self)
        return Corpus(
            self.customers,
            self.invoices,
            self.payments,
            self.truths,
            self.mix_name,
            self.seed,
        )


def _discount_ok(invoice: Invoice, paid_on: date) -> bool:
    return paid_on <= invoice.invoice_date + timedelta(days=DISCOUNT_DAYS)


def discount(invoice: Invoice, rate: Decimal) -> Decimal:
    return _money(invoice.open_amount * rate)


def application(
    invoice: Invoice,
    amount: Decimal,
    discount_: Decimal = Decimal("0.00"),
    deduction: Decimal = Decimal("0.00"),
    code: str = "",
) -> dict:
    return {
        "invoice_number": invoice.number,
        "amount": str(_money(amount)),
        "discount": str(_money(discount_)),
        "deduction": str(_money(deduction)),
        "deduction_code": code,
    }


def subset_sums(values: list[Decimal], target: Decimal, max_size: int = 4) -> int:
    """How many sets of up to four values add up to `target`.

    Counted by index pairs: a set i<j<k<l is its first pair plus its last pair.
    """
    usable = [v for v in values if 0 < v <= target]
    count = sum(1 for v in usable if v == target)
    pairs: dict[Decimal, list[tuple[int, int]]] = {}
    for i, j in combinations(range(len(usable)), 2):
        total = usable[i] + usable[j]
        if total <= target:
            pairs.setdefault(total, []).append((i, j))
    if max_size >= 2:
        count += len(pairs.get(target, []))
    if max_size >= 3:
        for k, value in enumerate(usable):
            count += sum(1 for i, _ in pairs.get(target - value, []) if i > k)
    if max_size >= 4:
        for total, firsts in pairs.items():
            seconds = pairs.get(target - total, [])
            for _, j in firsts:
                count += sum(1 for k, _ in seconds if k > j)
    return count


def write_corpus(
    corpus: Corpus, out: Path, open_items_format: str | None = None
) -> dict[str, list[str]]:
    """Write every file of `corpus` into `out`; return the file names by role."""
    out.mkdir(parents=True, exist_ok=True)
    mix = MIXES[corpus.mix]
    items_name = f"open_items.{open_items_format or mix['open_items']}"
    write_open_items(out / items_name, [_item_row(i) for i in corpus.invoices])
    camt = [p for p in corpus.payments if p.channel == "camt"]
    bai2 = [p for p in corpus.payments if p.channel == "bai2"]
    write_camt054(out / "payments.camt054.xml", camt, mix["camt_version"], TODAY)
    remittance = ["payments.camt054.xml"]
    if bai2:
        write_bai2(out / "payments.bai2", bai2, TODAY)
        remittance.append("payments.bai2")
    csv_advices = [p for p in corpus.payments if p.advice and p.advice_format == "csv"]
    if csv_advices:
        write_advice_csv(out / "advice.csv", csv_advices)
        remittance.append("advice.csv")
    for number, payment in enumerate(
        (p for p in corpus.payments if p.advice and p.advice_format == "pdf"), start=1
    ):
        name = f"advice-{number}.pdf"
        write_advice_pdf(out / name, payment)
        remittance.append(name)
    files = {"invoices": [items_name], "remittance": remittance}
    truth = {
        "seed": corpus.seed,
        "mix": corpus.mix,
        "today": TODAY.isoformat(),
        "files": files,
        "payments": [t.__dict__ for t in corpus.truths],
    }
    (out / "truth.json").write_text(
        json.dumps(truth, indent=1) + "\n", encoding="utf-8"
    )
    return files


def _item_row(invoice: Invoice) -> dict:
    return {
        "invoice_number": invoice.number,
        "customer_id": invoice.customer.customer_id,
        "customer_name": invoice.customer.name,
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "currency": invoice.customer.currency,
        "amount": invoice.amount,
        "open_amount": invoice.open_amount,
    }


def generate(seed: int, payments: int, invoices: int, mix: str = "standard") -> Corpus:
    return Generator(seed, payments, invoices, mix).build()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--invoices", type=int, default=4000)
    parser.add_argument("--mix", choices=sorted(MIXES), default="standard")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "corpus")
    args = parser.parse_args(argv)
    corpus = generate(args.seed, args.payments, args.invoices, args.mix)
    files = write_corpus(corpus, args.out)
    print(
        f"{len(corpus.payments)} payments, {len(corpus.invoices)} open items -> "
        f"{args.out} ({', '.join(files['invoices'] + files['remittance'])})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

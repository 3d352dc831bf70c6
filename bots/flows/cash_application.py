"""The cash-application bot: bank notifications and remittance advices matched to open
invoices and posted in the ERP's cash application screen.

Bank files (camt.053/054, BAI2) and advices (CSV, XLSX, PDF) are taken from a watched
folder. The ERP's open items are downloaded through its "Export to Excel", every
payment is matched, and each becomes one work item, keyed by its payment id. A
`matched` payment is posted, after checking by bank reference that it was not posted
before; every other payment goes to the exception queue with its ranked candidates,
and once an operator picks one the bot posts it and remembers the decision, so the
next payment like it matches by itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bots.adapters.erp import ErpAdapter, PaymentApplication, PaymentPosting, open_erp
from bots.adapters.erp.base import REASON_CODES
from bots.documents.bank import read_open_items, read_payments
from bots.documents.bank.model import AdviceLine, Payment
from bots.errors import BusinessError, DocumentError
from bots.matching import match_payments
from bots.matching.memory import MatchMemory
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem
from bots.runtime.kv import kv_get, kv_put

log = logging.getLogger(__name__)

MEMORY = ("cash-application", "memory")
SUFFIXES = {".xml", ".camt", ".bai", ".bai2", ".txt", ".csv", ".xlsx", ".pdf"}


def payment_to_json(payment: Payment) -> dict[str, Any]:
    data = dataclasses.asdict(payment)
    return _plain(data)


def payment_from_json(data: dict[str, Any]) -> Payment:
    fields = dict(data)
    fields["amount"] = Decimal(fields["amount"])
    if fields.get("value_date"):
        fields["value_date"] = date.fromisoformat(fields["value_date"])
    fields["advice_lines"] = [
        AdviceLine(**{k: Decimal(v) if k in ("amount_paid", "discount", "deduction")
                      else v for k, v in line.items()})
        for line in fields.get("advice_lines", [])
    ]
    return Payment(**fields)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def inbox(settings: Any) -> Path:
    folder = settings.cash.inbox_dir or settings.home / "inbox" / "bank"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class CashApplicationBot(Bot):
    name = "cash-application"
    systems = ("erp",)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.erp: ErpAdapter | None = None
        self.files: list[Path] = []

    def open(self, ctx: RunContext) -> None:
        self.erp = open_erp(self.settings, run_dir=ctx.run_dir)
        self.erp.open()

    def close(self, ctx: RunContext) -> None:
        if self.erp is not None:
            self.erp.close()
        self.erp = None

    # Finding work
    def find_work(self, ctx: RunContext) -> Iterator[NewItem]:
        assert self.erp is not None
        folder = inbox(self.settings)
        self.files = sorted(p for p in folder.iterdir()
                            if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not self.files:
            log.info("no bank files or advices in %s", folder)
            return
        payments: list[Payment] = []
        sources: dict[str, Path] = {}
        for path in self.files:
            try:
                found = read_payments(path)
            except DocumentError as exc:
                yield _bad_file(path, exc)
                continue
            for payment in found:
                sources[payment.payment_id] = path
            payments.extend(p for p in found if p.is_credit)
        open_items = self._open_items()
        memory = MatchMemory.from_dict(kv_get(self.settings, *MEMORY))
        result = match_payments(payments, open_items, memory=memory)
        log.info("%d payments matched against %d open items: %s", len(payments),
                 len(open_items), result.summary())
        for match in result.payments:
            payment = match.payment
            source = sources.get(payment.payment_id) or Path(payment.source or "file")
            files = {source.name: source.read_bytes()} if source.is_file() else {}
            yield NewItem(
                reference=f"payment:{payment.payment_id}",
                payload={"payment": payment_to_json(payment), "match": match.to_dict(),
                         "source": source.name},
                files=files,
                priority=1 if match.status == "matched" else 0)

    def _open_items(self) -> list[Any]:
        assert self.erp is not None
        with tempfile.TemporaryDirectory() as folder:
            return read_open_items(self.erp.download_open_items(Path(folder)))

    def end(self, ctx: RunContext) -> None:
        """File the bank files read in this run; their payments are all queued."""
        if ctx.dry_run:
            return
        done = inbox(self.settings) / "processed"
        for path in self.files:
            if path.exists():
                done.mkdir(exist_ok=True)
                shutil.move(str(path), done / path.name)
        self.files = []

    # Processing
    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any]:
        assert self.erp is not None
        payload = item.payload
        if payload.get("kind") == "bad_file":
            raise BusinessError(payload["code"], payload["message"], step="read bank file")
        match = payload["match"]
        chosen = payload.get("application")
        by_operator = bool(payload.get("application_chosen_by_operator") and chosen)
        if not by_operator and match["status"] != "matched":
            raise _needs_operator(match)
        customer = (chosen or match).get("customer_id")
        applications = (chosen or match)["applications"]
        payment = payment_from_json(payload["payment"])
        ctx.record_step(f"check bank reference {payment.payment_id}")
        posted = self.erp.find_payment(payment.payment_id)
        if posted is not None:
            log.info("payment %s was already posted as %s", payment.payment_id,
                     posted.document)
            return {"document": posted.document, "already_posted": True}
        posting = _posting(payment, customer, applications)
        ctx.record_step(f"post payment {payment.payment_id} for {customer}")
        document = self.erp.post_payment(posting)
        ctx.update_result(document=document)
        if by_operator:
            self._learn(payment, customer, applications)
        log.info("payment %s posted as %s (%d invoices)", payment.payment_id, document,
                 len(applications))
        return {"document": document, "customer_id": customer,
                "applied": [a["invoice_number"] for a in applications],
                "by_operator": by_operator}

    def _learn(self, payment: Payment, customer: str, applications: list[dict]) -> None:
        memory = MatchMemory.from_dict(kv_get(self.settings, *MEMORY))
        memory.learn(payment, customer, applications)
        kv_put(self.settings, *MEMORY, memory.to_dict())

    def capture_evidence(self, ctx: RunContext, item: WorkItem,
                         error: BaseException) -> None:
        if self.erp is None or isinstance(error, BusinessError) and not error.step.startswith("post"):
            return
        for path in self.erp.capture_evidence(ctx.run_dir / "evidence", f"item-{item.id}"):
            ctx.add_evidence(path.name, path.read_bytes())


def _bad_file(path: Path, error: DocumentError) -> NewItem:
    data = path.read_bytes()
    return NewItem(
        reference=f"file:{hashlib.sha256(data).hexdigest()[:32]}",
        payload={"kind": "bad_file", "file": path.name, "code": error.code,
                 "message": error.message},
        files={path.name: data})


def _needs_operator(match: dict[str, Any]) -> BusinessError:
    reasons = "; ".join(match.get("reasons") or []) or "no reason given"
    what = {"unmatched": "could not be matched to open invoices",
            "partially_matched": "could not be applied with enough certainty"}
    message = (f"payment {match['payment_id']} of {match['amount']} {match['currency']} "
               f"from '{match['payer']}' {what.get(match['status'], 'needs review')}: "
               f"{reasons}. Choose one of the proposed applications, or resolve it by hand.")
    return BusinessError(match["status"], message, step="match",
                         details={"candidates": match.get("candidates", []),
                                  "reasons": match.get("reasons", []),
                                  "unapplied": match.get("unapplied")})


def _posting(payment: Payment, customer: str | None,
             applications: list[dict[str, Any]]) -> PaymentPosting:
    if not customer:
        raise BusinessError("unknown_payer", f"payment {payment.payment_id}: no customer "
                            "chosen", step="post")
    return PaymentPosting(
        bank_ref=payment.payment_id, payer=customer, amount=payment.amount,
        currency=payment.currency, value_date=payment.value_date or date.today(),
        applications=[_application(a) for a in applications])


def _application(data: dict[str, Any]) -> PaymentApplication:
    deduction = Decimal(str(data.get("deduction") or "0"))
    code = str(data.get("deduction_code") or "").upper()
    if deduction and code not in REASON_CODES:
        code = "OTH"
    return PaymentApplication(
        invoice_number=data["invoice_number"], amount=Decimal(str(data["amount"])),
        discount=Decimal(str(data.get("discount") or "0")), deduction=deduction,
        reason_code=code or None)

"""The order-intake bot: customers' emailed purchase orders become sales orders.

Finding work: new mail in the IMAP inbox (by UID, see `bots.adapters.mail`) becomes
work items, one per PO attachment (`order_intake_mail`). Processing one item: read the
PO (`bots.documents.po`; fields an operator corrected on the item replace the
extraction and are checked again), identify the customer, map every line through the
ERP's cross-reference, compare prices, then - checking first whether the ERP already
has an order for that customer PO - enter the order and record its number at once.
Once all items of a mail are settled, the mail moves to the processed folder, or to
the exceptions folder when any of them went to the exception queue.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from bots.adapters.erp.base import Customer
from bots.adapters.mail import FetchedMail, Mailbox, MailRef, load_cursor, save_cursor
from bots.errors import BusinessError, DocumentError, TechnicalError, WorkItemError
from bots.flows import order_intake_match as match
from bots.flows.order_intake_mail import (
    MAILS_NAMESPACE,
    PO_KIND,
    filing_target,
    items_for_mail,
    mail_key,
    pending_entry,
    po_fingerprint,
)
from bots.runtime.bot import Bot, NewItem, RunContext, WorkItem

if TYPE_CHECKING:
    from bots.adapters.erp import ErpAdapter
    from bots.config import Settings
    from bots.documents.po import PurchaseOrder

log = logging.getLogger(__name__)

CUSTOMERS_NAMESPACE = "order-intake.customers"
CUSTOMER_CACHE_HOURS = 12


class OrderIntakeBot(Bot):
    """Emailed POs in, sales orders out."""

    name: ClassVar[str] = "order-intake"
    systems: ClassVar[tuple[str, ...]] = ("mail", "erp")

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._mailbox: Mailbox | None = None
        self._erp: ErpAdapter | None = None
        self._erp_used = False
        self._directory_read = False  # the customer list was read from the ERP

    # Systems -----------------------------------------------------------------

    def open(self, ctx: RunContext) -> None:
        from bots.adapters.erp import open_erp

        erp = open_erp(self.settings, run_dir=ctx.run_dir)
        erp.open()
        self._erp = erp

    def close(self, ctx: RunContext) -> None:
        erp, self._erp = self._erp, None
        if erp is not None:
            erp.close()
        self._close_mailbox()

    def _close_mailbox(self) -> None:
        mailbox, self._mailbox = self._mailbox, None
        if mailbox is not None:
            mailbox.close()

    @property
    def mailbox(self) -> Mailbox:
        if self._mailbox is None:
            self._mailbox = Mailbox.from_settings(self.settings)
            self._mailbox.open()
        return self._mailbox

    @property
    def erp(self) -> ErpAdapter:
        if self._erp is None:
            raise TechnicalError("erp_closed", "the ERP is not open", step="open")
        self._erp_used = True
        return self._erp

    # Finding work --------------------------------------------------------------

    def find_work(self, ctx: RunContext) -> Iterator[NewItem]:
        """New mail becomes work items; pending mail whose items were lost is
        offered again; mail whose items all settled is filed."""
        mailbox = self.mailbox
        mailbox.ensure_folders()
        yield from self._requeue_lost(ctx)
        cursor = load_cursor(self.settings, mailbox)
        uidvalidity = mailbox.select()
        if cursor.uidvalidity and cursor.uidvalidity != uidvalidity:
            log.warning("UIDVALIDITY of %s changed; rescanning the folder", mailbox.key)
        for fetched in mailbox.new_mail(cursor.since(uidvalidity)):
            yield from self._items_of(ctx, fetched)
            cursor.uidvalidity, cursor.last_uid = uidvalidity, fetched.ref.uid
            if not ctx.dry_run:
                save_cursor(self.settings, mailbox, cursor)
        try:
            self.file_settled_mail(ctx)
        except WorkItemError as exc:  # the items found still count; filed later
            log.warning("filing settled mail failed: %s", exc.message)
            self._close_mailbox()

    def _items_of(self, ctx: RunContext, fetched: FetchedMail) -> list[NewItem]:
        items = items_for_mail(fetched, self.settings)
        if not ctx.dry_run:
            from bots.runtime.kv import kv_put

            entry = pending_entry(self.mailbox, fetched, items)
            kv_put(
                self.settings,
                MAILS_NAMESPACE,
                mail_key(self.mailbox, fetched.ref),
                entry,
            )
        log.info(
            "mail UID %d (%s): %d work item(s)",
            fetched.ref.uid,
            fetched.ref.message_id or "no Message-ID",
            len(items),
        )
        return items

    def _requeue_lost(self, ctx: RunContext) -> Iterator[NewItem]:
        """Items of a known mail that never reached the queue (a crash between
        reading the mail and adding them) are built again from the mail."""
        for entry in self._pending().values():
            statuses = self._statuses(entry["references"])
            if all(status is not None for status in statuses.values()):
                continue
            ref = MailRef.from_dict(entry["ref"])
            fetched = self._refetch(ref)
            if fetched is None:
                continue
            log.warning(
                "mail UID %d had items missing from the queue; adding them", ref.uid
            )
            yield from items_for_mail(fetched, self.settings)

    def _refetch(self, ref: MailRef) -> FetchedMail | None:
        """The mail again, if it is still where it was (same UIDVALIDITY, UID and
        Message-ID)."""
        for fetched in self.mailbox.new_mail(ref.uid - 1):
            same = (fetched.ref.uidvalidity, fetched.ref.uid) == (
                ref.uidvalidity,
                ref.uid,
            )
            if same and fetched.ref.message_id == ref.message_id:
                return fetched
            break
        return None

    def _pending(self) -> dict[str, Any]:
        from bots.runtime.kv import kv_items

        prefix = self.mailbox.key + "#"
        return {
            k: v
            for k, v in kv_items(self.settings, MAILS_NAMESPACE).items()
            if k.startswith(prefix)
        }

    def _statuses(self, references: list[str]) -> dict[str, str | None]:
        from bots.runtime.queue import WorkQueue

        queue = WorkQueue(self.settings)
        found: dict[str, str | None] = {}
        for reference in references:
            rows = queue.list(bot=self.name, reference=reference, limit=5)
            exact = [row for row in rows if row["reference"] == reference]
            found[reference] = exact[0]["status"] if exact else None
        return found

    def file_settled_mail(self, ctx: RunContext, only: str | None = None) -> int:
        """Move every pending mail whose items have all settled; the count moved."""
        if ctx.dry_run:
            return 0
        from bots.runtime.kv import kv_delete

        moved = 0
        for key, entry in self._pending().items():
            if only is not None and key != only:
                continue
            target = filing_target(self._statuses(entry["references"]), self.settings)
            if target is None:
                continue
            self.mailbox.file(MailRef.from_dict(entry["ref"]), target)
            kv_delete(self.settings, MAILS_NAMESPACE, key)
            moved += 1
        return moved

    def after_settle(self, ctx: RunContext, item: WorkItem, status: str) -> None:
        mail = item.payload.get("mail") or {}
        if "uid" not in mail:
            return
        try:
            key = mail_key(self.mailbox, MailRef.from_dict(mail))
            self.file_settled_mail(ctx, only=key)
        except WorkItemError as exc:  # the next run files it
            log.warning("mail of item %d not filed yet: %s", item.id, exc.message)
            self._close_mailbox()

    def end(self, ctx: RunContext) -> None:
        try:
            self.file_settled_mail(ctx)
        except WorkItemError as exc:
            log.warning("filing mail at the end of the run failed: %s", exc.message)
        finally:
            self._close_mailbox()

    # Processing one item --------------------------------------------------------

    def process(self, ctx: RunContext, item: WorkItem) -> dict[str, Any] | None:
        self._erp_used = False
        payload = item.payload
        kind = payload.get("kind")
        if kind != PO_KIND:
            raise BusinessError(
                str(kind or "unreadable_mail"),
                str(payload.get("problem") or "the mail is unusable"),
                step="mail",
            )
        ctx.record_step("read_po", payload.get("attachment", {}).get("name", ""))
        po = self.purchase_order(ctx, item)
        ctx.record_step("identify_customer")
        customer, known_by = self._customer(item, po)
        ctx.record_step(
            "map_items", f"{len(po.lines)} lines for {customer.customer_no}"
        )
        lines = match.map_lines(po, customer, self.erp.find_item)
        match.check_prices(
            po, customer, lines, self.settings.intake.price_tolerance_percent
        )
        entry = match.build_entry(po, customer, lines)
        result = {
            "customer_no": customer.customer_no,
            "customer_known_by": known_by,
            "po_number": po.po_number,
            "lines": len(entry.lines),
            "total": str(po.total) if po.total is not None else None,
        }
        ctx.record_step("find_order", f"{customer.customer_no} PO {po.po_number}")
        existing = self._existing_order(entry)
        if existing is not None:
            log.info(
                "PO %s of %s is already sales order %s; recorded",
                po.po_number,
                customer.customer_no,
                existing,
            )
            ctx.update_result(order_number=existing, existing_order=True)
            return {**result, "order_number": existing, "existing_order": True}
        if ctx.dry_run:
            return {**result, "dry_run": True}
        ctx.record_step("enter_order", f"{len(entry.lines)} lines")
        so_number = self._enter(entry)
        ctx.update_result(order_number=so_number)
        log.info(
            "PO %s of %s entered as sales order %s",
            po.po_number,
            customer.customer_no,
            so_number,
        )
        return {**result, "order_number": so_number, "existing_order": False}

    def purchase_order(self, ctx: RunContext, item: WorkItem) -> PurchaseOrder:
        """The PO as extracted, or as the operator corrected it on the item (then
        checked again); BusinessError when it cannot be read or needs review."""
        from bots.documents.po import PurchaseOrder, validate

        payload = item.payload
        name = payload["attachment"]["name"]
        data = payload.get("po")
        if data is None:
            data = self._read(item, payload)
        edited = po_fingerprint(data) != payload.get("po_sha256")
        corrections = _po_fields(payload.get("corrections") or {})
        if corrections:
            data = {**data, **corrections}
        po = PurchaseOrder.from_json(data)
        if edited or corrections:
            po.warnings = validate(po)
            po.needs_review = bool(po.warnings)
            log.info("item %d: PO corrected by an operator; %d problem(s) left",
                     item.id, len(po.warnings))  # fmt: skip
        if po.needs_review:
            ctx.add_evidence("purchase-order.json", _json(po.to_json()))
            raise BusinessError(
                "needs_review",
                f"{name}: the purchase order needs review: {'; '.join(po.warnings)}. "
                "Correct the fields on the item and retry",
                step="read_po",
                details={"warnings": po.warnings},
            )
        return po

    def _read(self, item: WorkItem, payload: dict[str, Any]) -> dict[str, Any]:
        """Read the PO file again (an item made before reading, or reading failed)."""
        from bots.documents.po import read_purchase_order

        attachment = payload["attachment"]
        name = attachment["name"]
        failed = payload.get("document_error")
        if failed and failed.get("code") != "reader_failed":
            raise BusinessError(
                "unreadable_document", f"{name}: {failed['message']}",
                step="read_po", details={"document_code": failed["code"]},
            )  # fmt: skip
        path = item.files.get(attachment.get("file") or name)
        if path is None:
            raise TechnicalError(
                "input_missing", f"the input file {name} is missing", step="read_po"
            )
        try:
            po = read_purchase_order(
                Path(path), templates_dir=self.settings.intake.templates_dir
            )
        except DocumentError as exc:
            raise BusinessError(
                "unreadable_document",
                f"{name}: {exc.message.split(': ', 1)[-1]}",
                step="read_po",
                details={"document_code": exc.code},
            ) from exc
        data = po.to_json()
        payload["po_sha256"] = po_fingerprint(data)
        return data

    def _customer(self, item: WorkItem, po: PurchaseOrder) -> tuple[Any, str]:
        chosen = _chosen_customer(item.payload)
        if chosen:
            return self.erp.get_customer(chosen), "operator"
        sender = item.payload.get("sender", "")
        directory, fresh = self._customer_directory(refresh=False)
        try:
            found, known_by = match.identify_customer(directory, sender, po.buyer.name)
        except BusinessError as exc:
            if fresh or exc.code != "unknown_customer":
                raise
            # A customer added since the list was cached: read the ERP's list again.
            directory, _ = self._customer_directory(refresh=True)
            found, known_by = match.identify_customer(directory, sender, po.buyer.name)
        return self.erp.get_customer(found.customer_no), known_by

    def _customer_directory(self, refresh: bool) -> tuple[list[Customer], bool]:
        """Who the customers are (number, name, mail addresses), read from the ERP
        at most every CUSTOMER_CACHE_HOURS; True when read just now."""
        from bots.runtime.kv import kv_get, kv_put

        key = self.settings.erp.url
        cached = kv_get(self.settings, CUSTOMERS_NAMESPACE, key, default=None)
        usable = cached and (
            self._directory_read
            or (not refresh and _younger_than(cached["at"], CUSTOMER_CACHE_HOURS))
        )
        if usable:
            entries = cached["customers"]
            return [_directory_entry(e) for e in entries], self._directory_read
        customers = self.erp.list_customers()
        entries = [
            {"customer_no": c.customer_no, "name": c.name,
             "emails": sorted({*c.emails, *(k.email for k in c.contacts)})}
            for c in customers
        ]  # fmt: skip
        kv_put(
            self.settings,
            CUSTOMERS_NAMESPACE,
            key,
            {"at": datetime.now(UTC).isoformat(), "customers": entries},
        )
        self._directory_read = True
        log.info("read %d customers from the ERP", len(entries))
        return [_directory_entry(e) for e in entries], True

    def _existing_order(self, entry: Any) -> str | None:
        header = entry.header
        found = self.erp.find_order_by_po(header.customer_no, header.customer_po)
        if found is None:
            return None
        detail = self.erp.order_detail(found.so_number)
        differences = match.order_differences(entry, detail)
        if differences:
            raise BusinessError(
                "duplicate_po_different",
                f"PO {header.customer_po} is already sales order {found.so_number} "
                f"with other content: {'; '.join(differences)}. Check with the "
                "customer; resolve or discard the item",
                step="find_order",
                details={"so_number": found.so_number, "differences": differences},
            )
        return found.so_number

    def _enter(self, entry: Any) -> str:
        try:
            return self.erp.enter_order(entry)
        except BusinessError as exc:
            if exc.code != "duplicate_po":
                raise
            # Entered meanwhile (another runner, or an unseen earlier attempt).
            existing = self._existing_order(entry)
            if existing is None:
                raise
            return existing

    # Evidence ------------------------------------------------------------------

    def capture_evidence(
        self, ctx: RunContext, item: WorkItem, error: BaseException
    ) -> None:
        if self._erp is None or not self._erp_used:
            return
        captured = _evidence_paths(error)
        folder = Path(tempfile.mkdtemp(prefix="o2c-evidence-"))
        try:
            if not captured:
                captured = self._erp.capture_evidence(folder, f"item-{item.id}")
            for path in captured:
                path = Path(path)
                if path.is_file():
                    ctx.add_evidence(path.name, path.read_bytes())
        except Exception:  # evidence must never hide the failure itself
            log.warning(
                "could not capture ERP evidence for item %d", item.id, exc_info=True
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _evidence_paths(error: BaseException) -> list[Path]:
    details = getattr(error, "details", None) or {}
    evidence = details.get("evidence") or []
    if isinstance(evidence, dict):
        evidence = list(evidence.values())
    return [Path(str(p)) for p in evidence if p]


def _directory_entry(entry: dict[str, Any]) -> Customer:
    return Customer(entry["customer_no"], entry["name"], "", list(entry["emails"]))


def _younger_than(stamp: str, hours: float) -> bool:
    try:
        at = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return False
    return datetime.now(UTC) - at < timedelta(hours=hours)


def _chosen_customer(payload: dict[str, Any]) -> str:
    corrections = payload.get("corrections") or {}
    return str(payload.get("customer_no") or corrections.get("customer_no") or "")


def _po_fields(corrections: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in corrections.items() if k != "customer_no"}


def _json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False)

"""Order intake end to end: a real Dovecot inbox, the sandbox ERP, Chromium.

After `o2c run order-intake` the good POs are sales orders in the ERP (checked through
the ERP's own test endpoint, not through the bot), the mails sit in the processed or
the exceptions folder, the bad mails are exception items with their evidence, and a
second run changes nothing.
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bots.runtime.queue import WorkQueue
from bots.runtime.runner import run_bot
from sandbox import mailbuilder as mails
from tests.flows.conftest import IntakeWorld

pytestmark = [pytest.mark.imap, pytest.mark.browser, pytest.mark.slow]


def assert_entered_once(world: IntakeWorld, spec: mails.PoSpec) -> dict[str, Any]:
    """The PO is exactly one sales order, for the right customer and lines."""
    [order] = world.erp.orders_with_po(spec.po_number)
    assert order["customer_no"] == spec.customer.customer_no
    lines = sorted((l["item_no"], Decimal(l["quantity"])) for l in order["lines"])
    assert lines == sorted((l.item_no, l.quantity) for l in spec.lines)
    return order


def files_containing(folder: Path, secrets: list[str]) -> list[str]:
    """Every file under folder (and member of a zip) holding one of the secrets."""
    needles = [secret.encode() for secret in secrets]
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        blobs = {str(path): path.read_bytes()}
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs |= {f"{path}!{m}": archive.read(m) for m in archive.namelist()}
        hits += [
            name for name, blob in blobs.items() if any(n in blob for n in needles)
        ]
    return hits


def by_code(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        found.setdefault(item["error_code"] or item["status"], []).append(item)
    return found


def test_a_mixed_inbox_becomes_orders_and_filed_mail(world: IntakeWorld) -> None:
    northwind = mails.po_spec("C1001", "NW-4500017001", layout="classic")
    globex = mails.po_spec("C1002", "GX-88120", layout="us", n_lines=4)
    stark = mails.po_spec("C1005", "ST-2026-0042", layout="german", n_lines=2)
    initech_1 = mails.po_spec("C1003", "IN-771", layout="classic", n_lines=2)
    initech_2 = mails.po_spec("C1003", "IN-772", layout="us", n_lines=3, first=5)
    encoded = mails.po_spec("C1005", "ST-2026-0043", layout="german", first=3)
    sheet = mails.po_spec("C1004", "UM-XL-5", n_lines=2)
    csv = mails.po_spec("C1006", "CSV-0099", n_lines=2)
    northwind_mail = mails.po_mail(northwind)
    world.deliver(
        northwind_mail,
        mails.po_mail(globex),
        mails.po_mail(stark),
        mails.forwarded(northwind_mail),
        mails.two_po_mail(initech_1, initech_2),
        mails.po_mail(mails.po_spec("C1004", "UM-1"), pdf=mails.corrupt_pdf()),
        mails.po_mail(
            mails.po_spec("C1001", "NW-SCAN"), pdf=mails.scanned_pdf(northwind)
        ),
        mails.no_attachment_mail("purchasing@globex-supply.example"),
        mails.rfc2231_mail(encoded),
        mails.unreadable_mail(),
        mails.spreadsheet_mail(sheet, "xlsx"),
        mails.spreadsheet_mail(csv, "csv"),  # no content type, no file extension
    )

    summary = run_bot("order-intake", world.settings())

    good = (northwind, globex, stark, initech_1, initech_2, encoded, sheet, csv)
    for spec in good:
        assert_entered_once(world, spec)
    items = world.items()
    codes = by_code(items)
    assert len(codes["done"]) == 8, codes
    assert sorted(codes) == sorted(
        ["done", "unreadable_document", "no_attachment", "unreadable_mail"]
    )
    assert len(codes["unreadable_document"]) == 2  # the corrupt PDF and the scan
    assert summary.exit_code == 3  # finished, items went to the exception queue
    assert summary.counts["done"] == 8 and summary.counts["exception"] == 4
    done = {
        i["result"]["po_number"]: i["result"]["order_number"] for i in codes["done"]
    }
    for spec in good:
        [order] = world.erp.orders_with_po(spec.po_number)
        assert done[spec.po_number] == order["so_number"]

    # the bad ones wait for an operator with the mail and a clear message
    queue = WorkQueue(world.settings())
    for item in items:
        if item["status"] != "exception":
            continue
        assert item["error_kind"] == "business"
        files = {f["name"]: f for f in queue.files(item["id"])}
        assert "message.eml" in files
        assert files["message.eml"]["kind"] == "input"
    scan = next(i for i in codes["unreadable_document"] if "scan" in i["error_message"])
    assert "without a text layer" in scan["error_message"]

    # mail is filed, never deleted: 8 good mails (incl. the forward), 4 bad ones
    assert world.folder("INBOX") == []
    processed = world.folder("Processed")
    exceptions = world.folder("Exceptions")
    assert len(processed) == 8 and len(exceptions) == 4
    assert any(b"Fwd: Purchase order NW-4500017001" in m for m in processed)
    assert any(b"Please send us 10 boxes" in m for m in exceptions)

    # neither password reached a log, a trace, a screenshot or the evidence
    secrets = [world.env["O2C_IMAP__PASSWORD"], world.env["O2C_ERP__PASSWORD"]]
    assert files_containing(world.home / "artifacts", secrets) == []

    # a second run changes nothing
    orders_before = world.erp.orders()
    again = run_bot("order-intake", world.settings())
    assert again.exit_code == 0
    assert again.counts.get("added", 0) == 0
    assert world.erp.orders() == orders_before
    assert [(i["id"], i["status"]) for i in world.items()] == [
        (i["id"], i["status"]) for i in items
    ]
    assert len(world.folder("Processed")) == 8
    assert len(world.folder("Exceptions")) == 4


def small_batch(prefix: str) -> tuple[list[mails.PoSpec], list[bytes]]:
    """Five short POs of four customers in four mails (one mail carries two)."""
    specs = [
        mails.po_spec("C1001", f"{prefix}-NW-1", n_lines=2),
        mails.po_spec("C1002", f"{prefix}-GX-1", layout="us", n_lines=1),
        mails.po_spec("C1005", f"{prefix}-ST-1", layout="german", n_lines=2),
        mails.po_spec("C1003", f"{prefix}-IN-1", n_lines=1),
        mails.po_spec("C1003", f"{prefix}-IN-2", layout="us", n_lines=2, first=4),
    ]
    raw = [mails.po_mail(spec) for spec in specs[:3]]
    raw.append(mails.two_po_mail(specs[3], specs[4]))
    return specs, raw


def run_to_the_end(world: IntakeWorld, expected: int, runs: int = 6) -> list[Any]:
    """Run until the expected items exist and all are settled (retries included)."""
    summaries = []
    for _ in range(runs):
        summaries.append(run_bot("order-intake", world.settings()))
        items = world.items()
        if len(items) >= expected and all(
            i["status"] in ("done", "exception") for i in items
        ):
            break
    return summaries

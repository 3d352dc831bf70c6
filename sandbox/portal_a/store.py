"""Purchase orders and supplier communications of a sandbox customer portal.

Both sandbox portals keep their state in one SQLite file each through this store: the
customer's purchase orders with their lines, and every acknowledgment, ship notice and
delay notice a supplier posted. It validates postings the way real portals do (unknown
PO, quantity above what was ordered, an identical posting already on file). The two
portals differ in screens and seed data, not in these rules.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ACK = "acknowledgment"
SHIP = "ship_notice"
DELAY = "delay_notice"

SCHEMA = """
CREATE TABLE IF NOT EXISTS purchase_orders (
    po_number TEXT PRIMARY KEY, customer TEXT NOT NULL, po_date TEXT NOT NULL,
    requested_date TEXT NOT NULL, ship_to TEXT NOT NULL, buyer TEXT NOT NULL,
    currency TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS po_lines (
    po_number TEXT NOT NULL, line INTEGER NOT NULL, sku TEXT NOT NULL,
    description TEXT NOT NULL, quantity TEXT NOT NULL, uom TEXT NOT NULL,
    unit_price TEXT NOT NULL, PRIMARY KEY (po_number, line));
CREATE TABLE IF NOT EXISTS communications (
    id INTEGER PRIMARY KEY AUTOINCREMENT, po_number TEXT NOT NULL, type TEXT NOT NULL,
    posted_at TEXT NOT NULL, posted_by TEXT NOT NULL, fields TEXT NOT NULL);
"""

Seed = Callable[[], list[dict[str, Any]]]


class PostingError(Exception):
    """A posting or admin request the portal refuses; `message` is shown to the user."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Posted:
    """The outcome of a posting: stored now, or an identical one was already on file."""

    duplicate: bool
    communication: dict[str, Any]


def parse_decimal(raw: Any, what: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip() or "0")
    except InvalidOperation:
        raise PostingError(f"{what}: '{raw}' is not a number.") from None
    if not value.is_finite():
        raise PostingError(f"{what}: '{raw}' is not a number.")
    return value


def fmt_qty(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


class PoStore:
    """One portal's purchase orders in a SQLite file, seeded by `seed` on first use."""

    def __init__(
        self,
        path: Path,
        customer: str,
        seed: Seed,
        line_label: Callable[[int], str] = lambda n: f"Line {n}",
    ) -> None:
        self.path = path
        self.customer = customer
        self.line_label = line_label
        self._seed = seed
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)
            empty = (
                db.execute("SELECT COUNT(*) FROM purchase_orders").fetchone()[0] == 0
            )
        if empty:
            self._load_seed()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.row_factory = sqlite3.Row
            with db:
                yield db

    def reset(self) -> None:
        with self._db() as db:
            db.executescript(
                "DELETE FROM communications; DELETE FROM po_lines; "
                "DELETE FROM purchase_orders;"
            )
        self._load_seed()
        log.info("portal state %s reset to the seed", self.path.name)

    def _load_seed(self) -> None:
        for order in self._seed():
            history = order.pop("history", [])
            self.create(order)
            for kind, fields, when in history:
                self._insert(order["po_number"], kind, fields, "seed", when)

    # -- purchase orders ---------------------------------------------------------

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a PO from plain data (admin API and seed); PostingError when invalid."""
        po = str(data.get("po_number") or "").strip()
        lines = data.get("lines") or []
        if not po:
            raise PostingError("po_number is required.", 400)
        if not isinstance(lines, list) or not lines:
            raise PostingError("lines must be a non-empty list.", 400)
        header = {
            "po_number": po,
            "customer": str(data.get("customer") or self.customer),
            "po_date": _iso(data.get("po_date") or date.today().isoformat(), "po_date"),
            "requested_date": _iso(
                data.get("requested_date") or date.today().isoformat(), "requested_date"
            ),
            "ship_to": str(data.get("ship_to") or ""),
            "buyer": str(data.get("buyer") or ""),
            "currency": str(data.get("currency") or "EUR"),
        }
        rows = [_line_row(po, n, line) for n, line in enumerate(lines, start=1)]
        with self._db() as db:
            if db.execute(
                "SELECT 1 FROM purchase_orders WHERE po_number=?", (po,)
            ).fetchone():
                raise PostingError(f"Purchase order {po} already exists.", 409)
            db.execute(
                "INSERT INTO purchase_orders VALUES (:po_number, :customer, :po_date,"
                " :requested_date, :ship_to, :buyer, :currency, :created_at)",
                {**header, "created_at": _now()},
            )
            db.executemany("INSERT INTO po_lines VALUES (?,?,?,?,?,?,?)", rows)
        return self.get(po)

    def numbers(self) -> list[str]:
        with self._db() as db:
            rows = db.execute(
                "SELECT po_number FROM purchase_orders ORDER BY po_number"
            )
            return [r[0] for r in rows]

    def list(self) -> list[dict[str, Any]]:
        return [self.get(po) for po in self.numbers()]

    def find(self, po_number: str) -> dict[str, Any] | None:
        with self._db() as db:
            head = db.execute(
                "SELECT * FROM purchase_orders WHERE po_number=?", (po_number.strip(),)
            ).fetchone()
            if head is None:
                return None
            lines = db.execute(
                "SELECT * FROM po_lines WHERE po_number=? ORDER BY line", (head[0],)
            ).fetchall()
            comms = db.execute(
                "SELECT * FROM communications WHERE po_number=? ORDER BY id", (head[0],)
            ).fetchall()
        return _assemble(head, lines, comms)

    def get(self, po_number: str) -> dict[str, Any]:
        order = self.find(po_number)
        if order is None:
            raise PostingError(f"Purchase order {po_number} was not found.", 404)
        return order

    # -- postings ----------------------------------------------------------------

    def acknowledge(
        self, po: str, order_number: str, confirmed: date, by: str
    ) -> Posted:
        order = self.get(po)
        number = order_number.strip()
        if not number:
            raise PostingError("Enter your order number.")
        fields = {"order_number": number, "confirmed_date": confirmed.isoformat()}
        return self._post_once(order, ACK, fields, by)

    def ship_notice(
        self,
        po: str,
        carrier: str,
        tracking: str,
        shipped: date,
        quantities: dict[int, Decimal],
        by: str,
    ) -> Posted:
        order = self.get(po)
        if not carrier.strip():
            raise PostingError("Enter the carrier.")
        if not tracking.strip():
            raise PostingError("Enter the tracking number.")
        for comm in order["communications"]:
            if (
                comm["type"] == SHIP
                and comm["fields"]["tracking_number"] == tracking.strip()
            ):
                return Posted(True, comm)
        lines = _check_quantities(order, quantities, self.line_label)
        fields = {
            "carrier": carrier.strip(),
            "tracking_number": tracking.strip(),
            "ship_date": shipped.isoformat(),
            "lines": lines,
        }
        return Posted(False, self._insert(po, SHIP, fields, by))

    def delay_notice(
        self, po: str, new_date: date, reason: str, by: str, reason_code: str = ""
    ) -> Posted:
        order = self.get(po)
        if not reason.strip():
            raise PostingError("Enter the reason for the delay.")
        fields = {"new_date": new_date.isoformat(), "reason": reason.strip()}
        if reason_code:
            fields["reason_code"] = reason_code
        return self._post_once(order, DELAY, fields, by)

    def _post_once(
        self, order: dict[str, Any], kind: str, fields: dict[str, Any], by: str
    ) -> Posted:
        for comm in order["communications"]:
            if comm["type"] == kind and comm["fields"] == fields:
                return Posted(True, comm)
        return Posted(False, self._insert(order["po_number"], kind, fields, by))

    def _insert(
        self, po: str, kind: str, fields: dict[str, Any], by: str, when: str = ""
    ) -> dict[str, Any]:
        posted_at = when or _now()
        with self._db() as db:
            cur = db.execute(
                "INSERT INTO communications (po_number, type, posted_at, posted_by, fields)"
                " VALUES (?,?,?,?,?)",
                (po, kind, posted_at, by, json.dumps(fields, sort_keys=True)),
            )
        log.info("portal %s: %s posted on %s", self.customer, kind, po)
        return {
            "id": cur.lastrowid,
            "type": kind,
            "posted_at": posted_at,
            "by": by,
            "fields": fields,
        }


def _check_quantities(
    order: dict[str, Any], quantities: dict[int, Decimal], label: Callable[[int], str]
) -> list[dict[str, str]]:
    by_line = {line["line"]: line for line in order["lines"]}
    unknown = sorted(set(quantities) - set(by_line))
    if unknown:
        raise PostingError(
            f"{label(unknown[0])} is not on purchase order {order['po_number']}."
        )
    result = []
    for number, qty in sorted(quantities.items()):
        line = by_line[number]
        if qty < 0:
            raise PostingError(
                f"{label(number)}: the shipped quantity cannot be negative."
            )
        if qty == 0:
            continue
        ordered = Decimal(line["quantity"])
        open_qty = ordered - Decimal(line["shipped_quantity"])
        if qty > open_qty:
            raise PostingError(
                f"{label(number)} ({line['sku']}): shipped quantity {fmt_qty(qty)} exceeds "
                f"the open quantity {fmt_qty(open_qty)} {line['uom']} "
                f"(ordered {fmt_qty(ordered)})."
            )
        result.append({"line": number, "quantity": fmt_qty(qty)})
    if not result:
        raise PostingError("Enter a shipped quantity for at least one line.")
    return result


def _assemble(
    head: sqlite3.Row, lines: list[sqlite3.Row], comms: list[sqlite3.Row]
) -> dict[str, Any]:
    communications = [
        {
            "id": c["id"],
            "type": c["type"],
            "posted_at": c["posted_at"],
            "by": c["posted_by"],
            "fields": json.loads(c["fields"]),
        }
        for c in comms
    ]
    shipped: dict[int, Decimal] = {}
    for comm in communications:
        if comm["type"] == SHIP:
            for item in comm["fields"]["lines"]:
                shipped[item["line"]] = shipped.get(item["line"], Decimal(0)) + Decimal(
                    item["quantity"]
                )
    out_lines = [
        {
            "line": r["line"],
            "sku": r["sku"],
            "description": r["description"],
            "quantity": r["quantity"],
            "uom": r["uom"],
            "unit_price": r["unit_price"],
            "shipped_quantity": fmt_qty(shipped.get(r["line"], Decimal(0))),
        }
        for r in lines
    ]
    total = sum(
        (Decimal(r["quantity"]) * Decimal(r["unit_price"]) for r in lines), Decimal(0)
    )
    order = dict(head)
    order.pop("created_at", None)
    order.update(
        lines=out_lines,
        communications=communications,
        total=str(total.quantize(Decimal("0.01"))),
    )
    order["status"] = _status(out_lines, communications)
    return order


def _status(lines: list[dict[str, Any]], comms: list[dict[str, Any]]) -> str:
    shipped = [Decimal(line["shipped_quantity"]) for line in lines]
    if all(s >= Decimal(line["quantity"]) for s, line in zip(shipped, lines)):
        return "shipped"
    if any(s > 0 for s in shipped):
        return "partially_shipped"
    latest = [c["type"] for c in comms if c["type"] in (ACK, DELAY)]
    if not latest:
        return "open"
    return "delayed" if latest[-1] == DELAY else "acknowledged"


def _line_row(po: str, number: int, line: dict[str, Any]) -> tuple[Any, ...]:
    qty = parse_decimal(line.get("quantity"), f"line {number} quantity")
    price = parse_decimal(line.get("unit_price"), f"line {number} unit_price")
    if qty <= 0:
        raise PostingError(f"line {number}: quantity must be above 0.", 400)
    sku = str(line.get("sku") or "").strip()
    if not sku:
        raise PostingError(f"line {number}: sku is required.", 400)
    return (
        po,
        number,
        sku,
        str(line.get("description") or ""),
        fmt_qty(qty),
        str(line.get("uom") or "EA"),
        str(price.quantize(Decimal("0.01"))),
    )


def _iso(raw: Any, what: str) -> str:
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise PostingError(
            f"{what}: '{raw}' is not a date (YYYY-MM-DD).", 400
        ) from None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

"""The sandbox ERP's own state: one SQLite file, its schema and the seed loader.

Money is stored as decimal strings and dates as ISO strings. Every request opens its
own connection (the server is threaded); writes run inside `write()`, which takes
SQLite's write lock up front (BEGIN IMMEDIATE) so number ranges never collide.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox import seed

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE customers (customer_no TEXT PRIMARY KEY, name TEXT, currency TEXT,
  terms TEXT, discount_pct TEXT, discount_days INT, net_days INT, domain TEXT);
CREATE TABLE contacts (customer_no TEXT, name TEXT, email TEXT, role TEXT);
CREATE TABLE ship_tos (customer_no TEXT, code TEXT, address TEXT,
  PRIMARY KEY (customer_no, code));
CREATE TABLE items (item_no TEXT PRIMARY KEY, description TEXT, uom TEXT, price TEXT);
CREATE TABLE xref (customer_no TEXT, customer_part TEXT, item_no TEXT, price TEXT,
  PRIMARY KEY (customer_no, customer_part));
CREATE TABLE invoices (invoice_number TEXT PRIMARY KEY, customer_no TEXT,
  invoice_date TEXT, due_date TEXT, currency TEXT, amount TEXT, open_amount TEXT,
  dispute INT DEFAULT 0);
CREATE INDEX invoices_customer ON invoices (customer_no, invoice_date);
CREATE TABLE orders (so_number TEXT PRIMARY KEY, customer_no TEXT, customer_po TEXT,
  po_date TEXT, requested_date TEXT, ship_to TEXT, order_date TEXT, entered_at TEXT,
  entered_by TEXT, status TEXT, confirmed_date TEXT, carrier TEXT DEFAULT '',
  tracking TEXT DEFAULT '', ship_date TEXT, backorder_date TEXT,
  reason TEXT DEFAULT '', updated_at TEXT);
CREATE INDEX orders_po ON orders (customer_no, customer_po);
CREATE TABLE order_lines (so_number TEXT, line_no INT, item_no TEXT,
  customer_part TEXT, description TEXT, quantity TEXT, uom TEXT, unit_price TEXT,
  shipped_qty TEXT DEFAULT '0', PRIMARY KEY (so_number, line_no));
CREATE TABLE drafts (draft_id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT,
  username TEXT, data TEXT, created_at TEXT);
CREATE TABLE payments (document TEXT PRIMARY KEY, bank_ref TEXT, payer TEXT,
  amount TEXT, currency TEXT, value_date TEXT, on_account TEXT, posted_at TEXT,
  posted_by TEXT);
CREATE INDEX payments_ref ON payments (bank_ref);
CREATE TABLE applications (document TEXT, invoice_number TEXT, applied TEXT,
  discount TEXT, deduction TEXT, reason TEXT);
"""
TABLES = (
    "meta",
    "customers",
    "contacts",
    "ship_tos",
    "items",
    "xref",
    "invoices",
    "orders",
    "order_lines",
    "drafts",
    "payments",
    "applications",
)


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=15, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction; rolled back when the block raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_seeded(path: Path) -> bool:
    if not path.exists():
        return False
    conn = connect(path)
    try:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        return bool(row) and bool(
            conn.execute("SELECT 1 FROM meta WHERE key='seeded'").fetchone()
        )
    finally:
        conn.close()


def reset(path: Path, today: date | None = None) -> None:
    """Drop everything in the state file at `path` and load the seed again."""
    today = today or date.today()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        with write(conn):
            for table in TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            _load_seed(conn, today)
    finally:
        conn.close()
    log.info("ERP state at %s reset to the seed of %s", path, today)


def _load_seed(conn: sqlite3.Connection, today: date) -> None:
    customers = seed.customers()
    conn.executemany(
        "INSERT INTO customers VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                c.customer_no,
                c.name,
                c.currency,
                c.terms.text,
                str(c.terms.discount_pct),
                c.terms.discount_days,
                c.terms.net_days,
                c.domain,
            )
            for c in customers
        ],
    )
    conn.executemany(
        "INSERT INTO contacts VALUES (?,?,?,?)",
        [
            (c.customer_no, p.name, p.email, p.role)
            for c in customers
            for p in c.contacts
        ],
    )
    conn.executemany(
        "INSERT INTO ship_tos VALUES (?,?,?)",
        [(c.customer_no, s.code, s.address) for c in customers for s in c.ship_tos],
    )
    conn.executemany(
        "INSERT INTO items VALUES (?,?,?,?)",
        [(i.item_no, i.description, i.uom, str(i.price)) for i in seed.items()],
    )
    conn.executemany(
        "INSERT INTO xref VALUES (?,?,?,?)",
        [
            (x.customer_no, x.customer_part, x.item_no, str(x.price))
            for x in seed.cross_references()
        ],
    )
    conn.executemany(
        "INSERT INTO invoices VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                i.invoice_number,
                i.customer_no,
                i.invoice_date.isoformat(),
                i.due_date.isoformat(),
                i.currency,
                str(i.amount),
                str(i.open_amount),
                int(i.dispute),
            )
            for i in seed.open_invoices(today)
        ],
    )
    for order in seed.sales_orders(today):
        insert_order(conn, order_row(order), [line_row(x) for x in order.lines])
    conn.executemany(
        "INSERT INTO meta VALUES (?,?)",
        [
            ("seeded", now_iso()),
            ("today", today.isoformat()),
            ("payment_seq", "0"),
        ],
    )


def order_row(order: seed.SalesOrder) -> dict[str, Any]:
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    entered = datetime.combine(order.order_date, time(9, 12), UTC)
    events = [order.order_date, order.confirmed_date, order.ship_date]
    if order.backorder_date:
        events.append(order.order_date + timedelta(days=2))
    changed = datetime.combine(max(d for d in events if d), time(15, 40), UTC)
    return {
        "so_number": order.so_number,
        "customer_no": order.customer_no,
        "customer_po": order.customer_po,
        "po_date": iso(order.po_date),
        "requested_date": iso(order.requested_date),
        "ship_to": order.ship_to,
        "order_date": iso(order.order_date),
        "entered_at": entered.isoformat(),
        "entered_by": "clerk",
        "status": order.status,
        "confirmed_date": iso(order.confirmed_date),
        "carrier": order.carrier,
        "tracking": order.tracking,
        "ship_date": iso(order.ship_date),
        "backorder_date": iso(order.backorder_date),
        "reason": order.reason,
        "updated_at": changed.isoformat(),
    }


def line_row(line: seed.OrderLine) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "item_no": line.item_no,
        "customer_part": line.customer_part,
        "description": line.description,
        "quantity": str(line.quantity),
        "uom": line.uom,
        "unit_price": str(line.unit_price),
    }


def insert_order(
    conn: sqlite3.Connection, order: dict[str, Any], lines: list[dict[str, Any]]
) -> None:
    columns = ",".join(order)
    marks = ",".join("?" * len(order))
    conn.execute(
        f"INSERT INTO orders ({columns}) VALUES ({marks})", list(order.values())
    )
    conn.executemany(
        "INSERT INTO order_lines (so_number, line_no, item_no, customer_part,"
        " description, quantity, uom, unit_price) VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                order["so_number"],
                x["line_no"],
                x["item_no"],
                x["customer_part"],
                x["description"],
                x["quantity"],
                x["uom"],
                x["unit_price"],
            )
            for x in lines
        ],
    )


def next_so_number(conn: sqlite3.Connection) -> str:
    row = conn.execute(
        "SELECT MAX(CAST(substr(so_number, 4) AS INTEGER)) FROM orders"
    ).fetchone()
    return f"SO-{(row[0] or seed.FIRST_SO_NUMBER - 1) + 1}"


def next_payment_document(conn: sqlite3.Connection, year: int) -> str:
    row = conn.execute("SELECT value FROM meta WHERE key='payment_seq'").fetchone()
    number = int(row[0]) + 1
    conn.execute("UPDATE meta SET value=? WHERE key='payment_seq'", (str(number),))
    return f"PAY-{year}-{number:06d}"


# --- drafts (order entry and cash application in progress) ------------------------


def create_draft(
    conn: sqlite3.Connection, kind: str, username: str, data: dict[str, Any]
) -> int:
    with write(conn):
        cursor = conn.execute(
            "INSERT INTO drafts (kind, username, data, created_at) VALUES (?,?,?,?)",
            (kind, username, json.dumps(data), now_iso()),
        )
    return int(cursor.lastrowid or 0)


def load_draft(conn: sqlite3.Connection, draft_id: int, kind: str) -> dict | None:
    row = conn.execute(
        "SELECT data FROM drafts WHERE draft_id=? AND kind=?", (draft_id, kind)
    ).fetchone()
    return json.loads(row["data"]) if row else None


def save_draft(conn: sqlite3.Connection, draft_id: int, data: dict[str, Any]) -> None:
    with write(conn):
        conn.execute(
            "UPDATE drafts SET data=? WHERE draft_id=?", (json.dumps(data), draft_id)
        )


def delete_draft(conn: sqlite3.Connection, draft_id: int) -> None:
    conn.execute("DELETE FROM drafts WHERE draft_id=?", (draft_id,))


def money(value: str | None) -> Decimal:
    return Decimal(value or "0")

"""Master-data screens of the sandbox ERP: customers with contacts, ship-to addresses
and part-number cross-references, the customer lookup pop-up, and the item catalogue."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, render_template, request

from sandbox.erp.app import conn

log = logging.getLogger(__name__)

bp = Blueprint("master", __name__)
LOOKUP_TARGETS = ("customer_no", "payer")


def _customers(query: str) -> list[dict[str, Any]]:
    like = f"%{query}%"
    rows = (
        conn()
        .execute(
            "SELECT c.*, (SELECT group_concat(email, ', ') FROM contacts k"
            " WHERE k.customer_no=c.customer_no) AS emails FROM customers c"
            " WHERE c.customer_no LIKE ? OR c.name LIKE ? OR c.domain LIKE ?"
            " ORDER BY c.customer_no",
            (like, like, like),
        )
        .fetchall()
    )
    return [dict(r) for r in rows]


@bp.get("/customers")
def customer_list() -> str:
    query = request.args.get("q", "").strip()
    return render_template("customers.html", customers=_customers(query), query=query)


@bp.get("/customers/lookup")
def lookup() -> str:
    query = request.args.get("q", "").strip()
    target = request.args.get("target", "customer_no")
    if target not in LOOKUP_TARGETS:
        target = "customer_no"
    return render_template(
        "lookup.html", customers=_customers(query), query=query, target=target
    )


@bp.get("/customers/<customer_no>")
def customer_detail(customer_no: str) -> str:
    connection = conn()
    customer = connection.execute(
        "SELECT * FROM customers WHERE customer_no=?", (customer_no.upper(),)
    ).fetchone()
    if customer is None:
        abort(404)
    key = (customer["customer_no"],)
    contacts = connection.execute(
        "SELECT * FROM contacts WHERE customer_no=? ORDER BY rowid", key
    ).fetchall()
    ship_tos = connection.execute(
        "SELECT * FROM ship_tos WHERE customer_no=? ORDER BY code", key
    ).fetchall()
    xref = connection.execute(
        "SELECT x.*, i.description FROM xref x JOIN items i USING (item_no)"
        " WHERE x.customer_no=? ORDER BY x.customer_part",
        key,
    ).fetchall()
    return render_template(
        "customer_detail.html",
        customer=customer,
        contacts=contacts,
        ship_tos=ship_tos,
        xref=xref,
    )


@bp.get("/items")
def item_list() -> str:
    query = request.args.get("q", "").strip()
    like = f"%{query}%"
    rows = (
        conn()
        .execute(
            "SELECT * FROM items WHERE item_no LIKE ? OR description LIKE ?"
            " ORDER BY item_no",
            (like, like),
        )
        .fetchall()
    )
    return render_template("items.html", items=rows, query=query)

"""`o2c match`: match bank payments and remittance advices to open invoices.

Reads an open-items file and any number of bank notifications, statements and
remittance advices, and prints each payment's status, applications and reasons:
a table for people, or with `--json` the document the cash-application bot
stores. No server is needed; a file that cannot be read gives one line on
stderr and exit code 1.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bots.documents.bank import read_open_items, read_payments
from bots.errors import DocumentError
from bots.matching import (
    MATCHED,
    PARTIALLY_MATCHED,
    MatchMemory,
    MatchResult,
    match_payments,
)

log = logging.getLogger(__name__)

STATUS_STYLE = {MATCHED: "green", PARTIALLY_MATCHED: "yellow"}


@click.command("match")
@click.option(
    "--invoices",
    "invoices",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Open items (CSV or XLSX, or the ERP's Export to Excel).",
)
@click.option(
    "--remittance",
    "remittances",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="camt.053/054, BAI2 or remittance advice (CSV, XLSX, PDF); repeatable.",
)
@click.option(
    "--memory",
    "memory_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="JSON file with learned payer aliases and reference patterns.",
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date of the run.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def match_command(
    invoices: Path,
    remittances: tuple[Path, ...],
    memory_path: Path | None,
    today: datetime | None,
    as_json: bool,
) -> None:
    """Match payments to open invoices and show the applications with reasons."""
    open_items = read_open_items(invoices)
    payments = [p for path in remittances for p in read_payments(path)]
    memory = _memory(memory_path)
    run_date = today.date() if today is not None else date.today()
    result = match_payments(payments, open_items, memory=memory, today=run_date)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_table(result)


def _memory(path: Path | None) -> MatchMemory:
    if path is None:
        return MatchMemory()
    try:
        return MatchMemory.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise DocumentError(
            str(path), "not_found", f"cannot open ({exc.strerror})"
        ) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DocumentError(
            str(path), "memory_invalid", "not a match memory JSON"
        ) from exc


def _print_table(result: MatchResult) -> None:
    console = Console()
    table = Table(title="Cash application", show_lines=False)
    for column in (
        "payment",
        "payer",
        "amount",
        "status",
        "customer",
        "applied to",
        "why",
    ):
        table.add_column(column)
    for match in result.payments:
        payment = match.payment
        applied = (
            ", ".join(f"{a.invoice_number} {a.amount}" for a in match.applications)
            or "-"
        )
        table.add_row(
            Text(payment.payment_id),
            Text(payment.payer),
            Text(f"{payment.amount} {payment.currency}"),
            Text(match.status, style=STATUS_STYLE.get(match.status, "red")),
            Text(match.customer_id or "-"),
            Text(applied),
            Text(match.reasons[-1] if match.reasons else ""),
        )
    console.print(table)
    summary = result.summary()
    console.print(
        Text(
            f"{summary['matched']} matched, {summary['partially_matched']} partially, "
            f"{summary['unmatched']} unmatched of {summary['payments']} payments "
            f"(auto-match rate {summary['auto_match_rate']})"
        )
    )


def register(main: click.Group) -> None:
    main.add_command(match_command)

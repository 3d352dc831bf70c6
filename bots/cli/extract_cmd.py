"""`o2c extract po FILE`: read a purchase order file and print what was found.

Pure logic, no server: the same reader the order intake bot uses. Exit codes: 0 the
file was read (check `needs_review` and the warnings before trusting it); 1 the file
cannot be read as a purchase order (one line on stderr naming the file and the
problem; with `--json` also `{"error", "code"}` on stdout); 2 a template is invalid.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bots.cli import EXIT_FAILED, EXIT_USAGE
from bots.config import load_settings
from bots.documents.po import PurchaseOrder, read_purchase_order
from bots.documents.po.templates import TemplateError
from bots.errors import DocumentError

log = logging.getLogger(__name__)


@click.group("extract")
def extract_group() -> None:
    """Read documents the bots receive, without touching any system."""


@extract_group.command("po")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the PO as JSON.")
@click.option(
    "--no-templates", is_flag=True, help="Use only the generic layout reader."
)
def extract_po(file: Path, as_json: bool, no_templates: bool) -> None:
    """Read the purchase order in FILE (PDF, XLSX or CSV)."""
    templates_dir = load_settings().intake.templates_dir
    try:
        po = read_purchase_order(
            file, templates_dir=templates_dir, use_templates=not no_templates
        )
    except DocumentError as exc:
        _fail(file, exc.message, exc.code, as_json, EXIT_FAILED)
    except TemplateError as exc:
        _fail(file, str(exc), "bad_template", as_json, EXIT_USAGE)
    except Exception as exc:  # the promise: one clear line, never a traceback
        log.debug("reading %s failed", file, exc_info=True)
        message = f"{file.name}: unexpected error while reading ({type(exc).__name__})"
        _fail(file, message, "internal", as_json, EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(po.to_json(), indent=2, ensure_ascii=False))
        return
    _print_po(po)


def _fail(file: Path, message: str, code: str, as_json: bool, exit_code: int) -> None:
    one_line = " ".join(message.split())
    if not one_line.startswith(file.name):
        one_line = f"{file.name}: {one_line}"
    if as_json:
        click.echo(json.dumps({"error": one_line, "code": code}))
    click.echo(f"o2c: {one_line}", err=True)
    sys.exit(exit_code)


def _print_po(po: PurchaseOrder) -> None:
    """A readable summary; document text is shown as plain text, never as markup."""
    console = Console(highlight=False)
    data = po.to_json()
    header = Table.grid(padding=(0, 2))
    for key in ("source", "po_number", "order_date", "requested_date", "currency"):
        header.add_row(Text(key), Text(str(data[key] or "-")))
    for key in ("buyer", "ship_to"):
        party = data[key]
        address = (party["address"] or "").replace("\n", ", ")
        header.add_row(
            Text(key), Text(" / ".join(filter(None, [party["name"], address])) or "-")
        )
    console.print(header)
    console.print(_lines_table(data["lines"]))
    totals = Table.grid(padding=(0, 2))
    for key in ("subtotal", "tax", "freight", "total", "confidence", "template"):
        totals.add_row(
            Text(key), Text(str(data[key] if data[key] is not None else "-"))
        )
    totals.add_row(Text("needs_review"), Text("yes" if po.needs_review else "no"))
    console.print(totals)
    for warning in po.warnings:
        console.print(Text(f"warning: {warning}"))


COLUMNS = (
    ("line", "#"), ("customer_sku", "item"), ("description", "description"),
    ("quantity", "qty"), ("uom", "uom"), ("unit_price", "price"),
    ("discount_percent", "disc %"), ("amount", "amount"),
    ("requested_date", "req. date"),
)  # fmt: skip


def _lines_table(lines: list[dict]) -> Table:
    """Only the columns the document has; numbers never wrap."""
    shown = [(k, t) for k, t in COLUMNS if any(ln[k] is not None for ln in lines)]
    table = Table(show_lines=False)
    for key, title in shown:
        numeric = key in (
            "line",
            "quantity",
            "unit_price",
            "discount_percent",
            "amount",
        )
        table.add_column(
            title, no_wrap=key != "description", justify="right" if numeric else "left"
        )
    for line in lines:
        table.add_row(
            *(Text(str(line[k]) if line[k] is not None else "") for k, _ in shown)
        )
    return table


def register(main: click.Group) -> None:
    main.add_command(extract_group)

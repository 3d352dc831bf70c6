"""Customer templates: YAML data that says exactly where one layout keeps its fields.

A template is data only (written by an operator, no Python): `match` patterns that
must all be found on page 1, regular expressions for header fields and totals, address
blocks by their anchor, and a line table given by its header pattern, its row pattern
with named groups, its end pattern and the rows to skip. Regular expressions run over
the document's rows as text (phrases separated by two spaces). Anything a template
leaves out is taken from the generic reader. Shipped templates live beside this
module; an operator's folder (`intake.templates_dir`) is read first and wins by name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bots.documents.po.generic import conventions_of
from bots.documents.po.header import LabelHit, read_block
from bots.documents.po.layout import PageLayout, Row, all_rows
from bots.documents.po.models import OrderLine, Party, PurchaseOrder
from bots.documents.po.parsing import Conventions, parse_date, parse_number

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "templates"
FIELDS = ("po_number", "order_date", "requested_date", "currency")
TOTALS = ("subtotal", "tax", "freight", "total")
PARTIES = ("buyer", "ship_to")
LINE_FIELDS = (
    "line", "customer_sku", "description", "quantity", "uom", "unit_price",
    "discount_percent", "amount", "requested_date",
)  # fmt: skip


class TemplateError(ValueError):
    """A template file is not valid; the message names the file and the key."""


@dataclass
class TableSpec:
    start: re.Pattern[str]
    row: re.Pattern[str] | None = None
    columns: list[tuple[str, float, float]] = field(default_factory=list)
    end: re.Pattern[str] | None = None
    skip: list[re.Pattern[str]] = field(default_factory=list)
    continuation: str = "description"


@dataclass
class Template:
    name: str
    path: Path
    match: list[re.Pattern[str]]
    fields: dict[str, re.Pattern[str]]
    constants: dict[str, str]
    blocks: dict[str, dict[str, Any]]
    totals: dict[str, re.Pattern[str]]
    table: TableSpec | None
    number_format: str | None = None
    day_first: bool | None = None

    def matches(self, first_page_text: str) -> bool:
        return all(pattern.search(first_page_text) for pattern in self.match)


def load_templates(templates_dir: Path | None = None) -> list[Template]:
    """The operator's templates first, then the shipped ones not overridden by name."""
    found: dict[str, Template] = {}
    folders = [templates_dir] if templates_dir else []
    for folder in [*folders, SHIPPED_DIR]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            template = parse_template(path)
            found.setdefault(template.name, template)
    return list(found.values())


def parse_template(path: Path) -> Template:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"template {path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict) or not data.get("name") or not data.get("match"):
        raise TemplateError(f"template {path}: needs at least 'name' and 'match'")
    _check_keys(path, data)
    compile_ = _compiler(path)
    table = data.get("table")
    return Template(
        name=str(data["name"]),
        path=path,
        match=[compile_("match", p) for p in data["match"]],
        fields={k: compile_(f"fields.{k}", v) for k, v in _section(data, "fields")},
        constants={k: str(v) for k, v in _section(data, "constants")},
        blocks=dict(_section(data, "blocks")),
        totals={k: compile_(f"totals.{k}", v) for k, v in _section(data, "totals")},
        table=_table_spec(table, compile_) if table else None,
        number_format=data.get("number_format"),
        day_first=data.get("day_first"),
    )


ALLOWED = {
    "fields": FIELDS,
    "totals": TOTALS,
    "blocks": PARTIES,
    "constants": FIELDS
    + tuple(f"{p}.{a}" for p in PARTIES for a in ("name", "address")),
}
TOP_LEVEL = ("name", "description", "match", "number_format", "day_first", "table")


def _check_keys(path: Path, data: dict[str, Any]) -> None:
    """Misspelt keys are errors, not silently ignored settings."""
    for key in data:
        if key not in TOP_LEVEL and key not in ALLOWED:
            raise TemplateError(f"template {path}: unknown key '{key}'")
    for section, allowed in ALLOWED.items():
        for key in data.get(section) or {}:
            if key not in allowed:
                raise TemplateError(
                    f"template {path}: '{section}.{key}' is not one of {allowed}"
                )
    if data.get("number_format") not in (None, "us", "eu", "space", "swiss"):
        raise TemplateError(
            f"template {path}: number_format must be us, eu, space or swiss"
        )


def _section(data: dict[str, Any], key: str) -> list[tuple[str, Any]]:
    section = data.get(key) or {}
    if not isinstance(section, dict):
        raise TemplateError(f"template {data.get('name')}: '{key}' must be a mapping")
    return list(section.items())


def _compiler(path: Path):
    def compile_(key: str, pattern: Any) -> re.Pattern[str]:
        try:
            return re.compile(str(pattern), re.MULTILINE)
        except re.error as exc:
            raise TemplateError(f"template {path}: '{key}' is not a regex ({exc})")

    return compile_


def _table_spec(data: dict[str, Any], compile_) -> TableSpec:
    if "start" not in data or not ("row" in data or "columns" in data):
        raise TemplateError("template table needs 'start' and 'row' or 'columns'")
    return TableSpec(
        start=compile_("table.start", data["start"]),
        row=compile_("table.row", data["row"]) if data.get("row") else None,
        columns=[_column(c) for c in data.get("columns") or []],
        end=compile_("table.end", data["end"]) if data.get("end") else None,
        skip=[compile_("table.skip", p) for p in data.get("skip") or []],
        continuation=str(data.get("continuation") or "description"),
    )


def _column(data: Any) -> tuple[str, float, float]:
    """`{field: quantity, x0: 335, x1: 380}`: the x span (points) of one column."""
    try:
        name, x0, x1 = str(data["field"]), float(data["x0"]), float(data["x1"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"template column {data!r} needs field, x0 and x1") from exc
    if name not in LINE_FIELDS:
        raise TemplateError(
            f"template column field {name!r} is not one of {LINE_FIELDS}"
        )
    return name, x0, x1


def find_template(
    pages: list[PageLayout], templates: list[Template]
) -> Template | None:
    first_page = pages[0].text if pages else ""
    for template in templates:
        if template.matches(first_page):
            return template
    return None


def apply_template(
    template: Template, pages: list[PageLayout], po: PurchaseOrder
) -> list[str]:
    """Overwrite what the template defines on a generically read PO; its warnings."""
    rows = all_rows(pages)
    conventions = _conventions(template, rows)
    text = "\n".join(row.text for row in rows)
    warnings: list[str] = []
    for name, pattern in template.fields.items():
        raw = _first_group(pattern, text)
        value = _field_value(name, raw, conventions) if raw else None
        if value is None:
            warnings.append(f"template {template.name}: {name} was not found")
        setattr(po, name, value)
    for name, value in template.constants.items():
        _set_constant(po, name, value)
    for name, spec in template.blocks.items():
        setattr(po, name, _block(spec, rows))
    for name, pattern in template.totals.items():
        raw = _first_group(pattern, text)
        setattr(po, name, parse_number(raw, conventions.number_format) if raw else None)
    if template.table:
        po.lines = read_template_table(template.table, rows, conventions)
    po.template = template.name
    return warnings


def _conventions(template: Template, rows: list[Row]) -> Conventions:
    detected = conventions_of(rows)
    return Conventions(
        template.number_format or detected.number_format,
        detected.day_first if template.day_first is None else template.day_first,
    )


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    if not match:
        return None
    return (match.group(1) if match.groups() else match.group(0)).strip()


def _field_value(name: str, raw: str, conventions: Conventions) -> Any:
    if name in ("order_date", "requested_date"):
        return parse_date(raw, conventions.day_first)
    return raw


def _set_constant(po: PurchaseOrder, name: str, value: str) -> None:
    if "." in name:
        party, attribute = name.split(".", 1)
        setattr(getattr(po, party), attribute, value.replace("\\n", "\n"))
    else:
        setattr(po, name, value)


def _block(spec: dict[str, Any], rows: list[Row]) -> Party:
    anchor = re.compile(str(spec["anchor"]))
    for row in rows:
        for phrase in row.phrases:
            match = anchor.search(phrase.text)
            if match:
                rest = phrase.text[match.end() :].strip()
                if spec.get("include_anchor"):
                    rest = phrase.text
                hit = LabelHit("block", anchor.pattern, rest, phrase, row, 0)
                party = read_block(hit, rows)
                return _limit(party, int(spec.get("lines") or 6))
    return Party()


def _limit(party: Party, lines: int) -> Party:
    if party.address:
        party.address = (
            "\n".join(party.address.split("\n")[: max(0, lines - 1)]) or None
        )
    return party


def read_template_table(
    spec: TableSpec, rows: list[Row], conventions: Conventions
) -> list[OrderLine]:
    lines: list[OrderLine] = []
    inside = False
    previous: Row | None = None
    for row in rows:
        text = row.text
        if spec.start.search(text):
            inside, previous = True, row
            continue
        if not inside:
            continue
        if spec.end and spec.end.search(text):
            break
        if previous is not None and row.page != previous.page:
            inside = False
            continue
        if any(pattern.search(text) for pattern in spec.skip):
            previous = row
            continue
        groups = _row_groups(spec, row, conventions)
        if groups is not None:
            lines.append(_line(groups, conventions, len(lines) + 1))
            previous = row
        elif lines and previous and row.top - previous.bottom <= 1.2 * row.height:
            _continue(lines[-1], spec.continuation, text)
            previous = row
    return lines


def _row_groups(
    spec: TableSpec, row: Row, conventions: Conventions
) -> dict[str, str | None] | None:
    """The cells of an order line, by the row pattern or by the column spans."""
    if spec.row is not None:
        match = spec.row.search(row.text)
        return match.groupdict() if match else None
    cells: dict[str, list[str]] = {}
    for phrase in row.phrases:
        for text, x0, x1 in phrase.words:
            center = (x0 + x1) / 2
            for name, left, right in spec.columns:
                if left <= center <= right:
                    cells.setdefault(name, []).append(text)
    groups: dict[str, str | None] = {k: " ".join(v) for k, v in cells.items()}
    fmt = conventions.number_format
    quantity = parse_number(groups.get("quantity") or "", fmt)
    amount = parse_number(groups.get("amount") or "", fmt)
    return groups if quantity is not None and amount is not None else None


def _line(
    groups: dict[str, str | None], conventions: Conventions, number: int
) -> OrderLine:
    fmt = conventions.number_format
    values = {k: (v or "").strip() for k, v in groups.items()}
    line = OrderLine(line=int(values["line"]) if values.get("line") else number)
    for name in ("customer_sku", "description", "uom"):
        setattr(line, name, values.get(name) or None)
    for name in ("quantity", "unit_price", "discount_percent", "amount"):
        raw = values.get(name)
        setattr(line, name, parse_number(raw, fmt) if raw else None)
    raw_date = values.get("requested_date")
    line.requested_date = (
        parse_date(raw_date, conventions.day_first) if raw_date else None
    )
    return line


def _continue(line: OrderLine, field_name: str, text: str) -> None:
    joined = " ".join(text.split())
    current = getattr(line, field_name) or ""
    setattr(line, field_name, f"{current} {joined}".strip())

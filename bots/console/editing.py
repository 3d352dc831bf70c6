"""Turn an operator's corrections into an edited work item payload.

Three ways to correct an item before retrying it: the purchase order form (header
fields and lines of the payload's `po` object), choosing one of the payment
applications the cash bot proposed (`candidates` in the item's error details), or
the payload as JSON. Values keep the type they had (an integer stays an integer);
money stays a decimal string.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

SCALARS = (str, int, float, bool, type(None))
MAX_LINES = 200


class EditError(ValueError):
    """The operator's input cannot be applied; the message says what to fix."""


@dataclass
class PoForm:
    """What the PO correction form shows."""

    header: list[tuple[str, Any]]
    columns: list[str]
    lines: list[dict[str, Any]]


def po_form(payload: dict[str, Any]) -> PoForm | None:
    """The PO form for a payload with a `po` object, else None."""
    po = payload.get("po")
    if not isinstance(po, dict):
        return None
    header = [(k, v) for k, v in po.items() if isinstance(v, SCALARS)]
    lines = [line for line in po.get("lines") or [] if isinstance(line, dict)]
    columns: list[str] = []
    for line in lines:
        for key, value in line.items():
            if isinstance(value, SCALARS) and key not in columns:
                columns.append(key)
    return PoForm(header=header, columns=columns, lines=lines[:MAX_LINES])


def _coerce(original: Any, text: str) -> Any:
    text = text.strip()
    if original is None:
        return text or None
    if isinstance(original, bool):
        return text.lower() in ("1", "true", "yes", "on")
    if isinstance(original, int):
        try:
            return int(text)
        except ValueError as exc:
            raise EditError(f"'{text}' is not a whole number") from exc
    if isinstance(original, float):
        # Never introduce floats: a number the reader gave as float comes back as
        # the decimal string the operator typed.
        return text
    return text


def apply_po_form(payload: dict[str, Any], form: Any) -> dict[str, Any]:
    """A copy of the payload with the PO header and lines from the form fields
    `h.<field>`, `l.<n>.<field>`, `l.<n>.remove` and `l.new.<field>`."""
    edited = copy.deepcopy(payload)
    po = edited.get("po")
    if not isinstance(po, dict):
        raise EditError("this item has no purchase order to correct")
    for key, value in list(po.items()):
        if isinstance(value, SCALARS) and f"h.{key}" in form:
            po[key] = _coerce(value, form.get(f"h.{key}", ""))
    lines = po.get("lines")
    if isinstance(lines, list):
        po["lines"] = _edited_lines(lines, form)
    return edited


def _edited_lines(lines: list[Any], form: Any) -> list[Any]:
    kept: list[Any] = []
    columns: list[str] = []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            kept.append(line)
            continue
        columns.extend(k for k in line if k not in columns)
        if form.get(f"l.{index}.remove"):
            continue
        for key, value in list(line.items()):
            name = f"l.{index}.{key}"
            if isinstance(value, SCALARS) and name in form:
                line[key] = _coerce(value, form.get(name, ""))
        kept.append(line)
    new_line = {
        key: form.get(f"l.new.{key}", "").strip()
        for key in columns
        if form.get(f"l.new.{key}", "").strip()
    }
    if new_line:
        template = next((ln for ln in lines if isinstance(ln, dict)), {})
        kept.append({k: _coerce(template.get(k, ""), v) for k, v in new_line.items()})
    return kept


def candidates_of(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The payment applications the bot proposed for this item."""
    details = item.get("error_details") or {}
    found = details.get("candidates") if isinstance(details, dict) else None
    return [c for c in found or [] if isinstance(c, dict)]


def apply_candidate(
    payload: dict[str, Any], candidates: list[dict[str, Any]], choice: str
) -> dict[str, Any]:
    """A copy of the payload carrying the chosen application under `application`."""
    try:
        chosen = candidates[int(choice)]
    except (ValueError, IndexError) as exc:
        raise EditError("choose one of the proposed applications") from exc
    edited = copy.deepcopy(payload)
    edited["application"] = copy.deepcopy(chosen)
    edited["application_chosen_by_operator"] = True
    return edited


def parse_payload_json(text: str) -> dict[str, Any]:
    """The payload typed as JSON; EditError unless it is a JSON object."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EditError(
            f"the payload is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg})"
        ) from exc
    if not isinstance(value, dict):
        raise EditError("the payload must be a JSON object ({...})")
    return value


def candidate_label(candidate: dict[str, Any]) -> str:
    """One line describing a proposed application (the matcher's `Candidate`
    shape: customer_id, applications, unapplied, score, reasons)."""
    parts = []
    if candidate.get("customer_id"):
        parts.append(str(candidate["customer_id"]))
    applications = candidate.get("applications")
    if isinstance(applications, list) and applications:
        parts.append(", ".join(_application_text(a) for a in applications))
    for key in ("unapplied", "score"):
        if candidate.get(key) not in (None, ""):
            parts.append(f"{key} {candidate[key]}")
    reasons = candidate.get("reasons")
    if isinstance(reasons, list) and reasons:
        parts.append("; ".join(str(r) for r in reasons))
    return " · ".join(parts) or json.dumps(candidate, default=str)[:200]


def _application_text(application: Any) -> str:
    if not isinstance(application, dict):
        return str(application)
    text = f"{application.get('invoice_number', '?')} {application.get('amount', '')}"
    for key in ("discount", "deduction"):
        value = application.get(key)
        if value not in (None, "", "0.00", "0"):
            text += f" ({key} {value})"
    if application.get("deduction_code"):
        text += f" [{application['deduction_code']}]"
    return text.strip()

"""Fixtures of the purchase order reader tests: the generated corpus and its answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "corpus"
BAD = CORPUS / "bad"
INVOICES = Path(__file__).resolve().parents[2] / "realworld" / "invoices"

IMPORTANT_HEADER = ("po_number", "order_date", "currency", "total")
IMPORTANT_LINE = ("customer_sku", "quantity", "unit_price", "amount")


def corpus_documents() -> list[Path]:
    """Every good corpus document (PDF, XLSX, CSV) that has an expected JSON."""
    return sorted(
        path
        for path in CORPUS.iterdir()
        if path.suffix in (".pdf", ".xlsx", ".csv")
        and path.with_suffix(".json").exists()
    )


def bad_documents() -> list[Path]:
    return sorted(path for path in BAD.iterdir() if path.suffix != ".json")


def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def important_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The fields an order cannot be entered without, from a PO's JSON."""
    fields = {key: data[key] for key in IMPORTANT_HEADER}
    fields["lines"] = [
        {key: line[key] for key in IMPORTANT_LINE} for line in data["lines"]
    ]
    return fields


def wrong_fields(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Names of the content fields (not the verdict) in which `got` differs."""
    verdict = ("confidence", "needs_review", "warnings", "template")
    wrong = [k for k in want if k not in verdict and k != "lines" and want[k] != got[k]]
    if len(want["lines"]) != len(got["lines"]):
        return [*wrong, "lines"]
    for index, (a, b) in enumerate(zip(want["lines"], got["lines"], strict=True)):
        wrong += [f"lines[{index}].{k}" for k in a if a[k] != b[k]]
    return wrong

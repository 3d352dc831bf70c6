"""Purchase order extraction: accuracy over the corpus, and time per page.

    .venv/bin/python bench/bench_extract.py [--repeat 5] [--fuzz 40]

Prints, with templates and with the generic reader alone: field accuracy, the share
of documents fully right, how many came out touchless (needs_review false) and how
many had a wrong field yet no review flag (must be 0). Then the same for randomly
varied layouts drawn by the corpus renderer (labels, columns, rules, header
placement, number formats, page sizes: layouts no test fixes), the generic reader on
the real invoices, and the extraction time per page beside pdfplumber's own
`extract_words` on the same pages.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber
from reportlab.lib.pagesizes import A4, LETTER, landscape

from bots.documents.po import read_purchase_order
from tests.documents.po import corpus_layouts as layouts
from tests.documents.po.conftest import (
    INVOICES,
    corpus_documents,
    expected,
    wrong_fields,
)
from tests.documents.po.corpus_pdf import render_pdf
from tests.documents.po.make_corpus import build_po, expected_json
from tests.documents.po.test_realworld_invoices import score_invoice


def field_count(data: dict[str, Any]) -> int:
    """Content fields: header fields (a party is one) and every field of every line."""
    header = len(data) - 5  # not lines, confidence, needs_review, warnings, template
    return header + sum(len(line) for line in data["lines"])


def score(pairs: list[tuple[dict, dict]]) -> dict[str, Any]:
    fields = right = full = touchless = unflagged = 0
    for want, got in pairs:
        wrong = wrong_fields(want, got)
        total = field_count(want)
        fields += total
        right += total - min(total, len(wrong))
        full += not wrong
        touchless += not got["needs_review"]
        unflagged += bool(wrong) and not got["needs_review"]
    return {
        "documents": len(pairs),
        "field_accuracy": right / fields if fields else 0.0,
        "fully_right": full,
        "touchless": touchless,
        "wrong_but_not_flagged": unflagged,
    }


def corpus_scores() -> None:
    documents = corpus_documents()
    for use_templates in (True, False):
        pairs = [
            (expected(p), read_purchase_order(p, use_templates=use_templates).to_json())
            for p in documents
        ]
        _print_score(
            "corpus, templates on " if use_templates else "corpus, generic only",
            score(pairs),
        )


def fuzz_scores(count: int, seed: int) -> None:
    pairs = []
    with tempfile.TemporaryDirectory() as folder:
        for index in range(count * 3):
            if len(pairs) >= count:
                break
            spec = varied_spec(random.Random(seed + index), index)
            po = build_po(spec)
            path = Path(folder) / f"{spec.name}.pdf"
            try:
                render_pdf(spec, po, path)
            except (ValueError, KeyError):
                continue  # the random titles did not fit the columns: draw another
            want = expected_json(po, None)
            got = read_purchase_order(path, use_templates=False).to_json()
            pairs.append((want, got))
    _print_score(f"varied layouts (seed {seed})", score(pairs))


def varied_spec(rng: random.Random, index: int) -> layouts.Spec:
    spec = copy.deepcopy(rng.choice(layouts.SPECS))
    spec.name, spec.seed, spec.template = f"varied{index}", 5000 + index, None
    spec.ruled = rng.random() < 0.5
    spec.header_mode = rng.choice(["beside", "below", "box"])
    spec.line_count = rng.choice([1, 3, 8, 20, 40])
    spec.long_descriptions = rng.random() < 0.5
    spec.rows_per_page = rng.choice([10, 15, 99])
    spec.pagesize = rng.choice([A4, LETTER, landscape(A4)])
    spec.ship_to_inline = rng.random() < 0.3
    if spec.language == "en":
        spec.number_style = rng.choice(["us", "eu", "space", "swiss"])
        spec.labels = {**spec.labels, **_english_labels(rng)}
        spec.columns = [
            layouts.Column(
                c.key, rng.choice(TITLES.get(c.key, [c.title])), c.width, c.align
            )
            for c in spec.columns
        ]
    return spec


TITLES = {
    "quantity": ["Qty", "Quantity", "Qty Ordered", "QTY"],
    "unit_price": ["Unit Price", "Price", "Rate", "Unit Cost"],
    "amount": ["Amount", "Total", "Ext. Price", "Line Total", "Extension"],
    "customer_sku": ["Item", "Part No.", "SKU", "Item Code", "Part #"],
    "description": ["Description", "Item Description", "Details"],
}


PO_LABELS = [
    "PO No.", "P.O. #", "Purchase Order No.", "Order Number:", "Our reference:",
    "PO#", "P.O. Number",
]  # fmt: skip
DATE_LABELS = ["Date", "PO Date:", "Order Date", "Date issued:"]


def _english_labels(rng: random.Random) -> dict[str, str]:
    return {"po": rng.choice(PO_LABELS), "date": rng.choice(DATE_LABELS)}


def invoice_scores() -> None:
    scores = [score_invoice(pdf) for pdf in sorted(INVOICES.glob("*.pdf"))]
    right = {f: sum(s[f] for s in scores) for f in ("number", "date", "total")}
    shown = ", ".join(f"{f} {n}/{len(scores)}" for f, n in right.items())
    print(f"real invoices, generic reader: {shown}")


def timing(repeat: int) -> None:
    pdfs = [p for p in corpus_documents() if p.suffix == ".pdf"]
    pages = sum(_page_count(p) for p in pdfs)
    ours = _best_of(repeat, lambda: [read_purchase_order(p) for p in pdfs])
    generic = _best_of(
        repeat, lambda: [read_purchase_order(p, use_templates=False) for p in pdfs]
    )
    words = _best_of(repeat, lambda: [_extract_words(p) for p in pdfs])
    print(f"CPU time per page, {len(pdfs)} PDFs, {pages} pages (best of {repeat}):")
    print(f"  pdfplumber open + extract_words: {1000 * words / pages:6.1f} ms")
    print(f"  read_purchase_order (templates): {1000 * ours / pages:6.1f} ms"
          f"  = {ours / words:.2f} x extract_words")  # fmt: skip
    print(f"  read_purchase_order (generic):   {1000 * generic / pages:6.1f} ms"
          f"  = {generic / words:.2f} x extract_words")  # fmt: skip


def _extract_words(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()


def _page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def _best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()  # CPU time: fair on a shared, busy machine
        run()
        times.append(time.process_time() - start)
    return min(times)


def _print_score(name: str, s: dict[str, Any]) -> None:
    n = s["documents"]
    print(
        f"{name}: {n} documents, field accuracy {100 * s['field_accuracy']:.2f} %, "
        f"fully right {s['fully_right']}/{n}, touchless {s['touchless']}/{n}, "
        f"wrong but not flagged {s['wrong_but_not_flagged']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fuzz", type=int, default=40)
    parser.add_argument("--seed", type=int, default=5000)
    args = parser.parse_args()
    corpus_scores()
    fuzz_scores(args.fuzz, args.seed)
    invoice_scores()
    timing(args.repeat)


if __name__ == "__main__":
    main()

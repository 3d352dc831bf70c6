"""Cash-application bench: auto-match rate, wrong applications and time.

    .venv/bin/python bench/bench_match.py [--sizes 1000x10000,10000x100000] [--seed 5]

For each size a corpus is generated (tests/matching/make_corpus.py), written as
files (camt.054, BAI2, advice CSV/PDF, open items as CSV) and read back through
the real readers; then `match_payments` runs on it. Prints, per size, the time to
read the files, the wall-clock and CPU time to match (CPU per payment shows how
close to linear it grows), the auto-match rate over the payments the truth
expects to be matched, and the number of wrong automatic applications.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bots.documents.bank import read_open_items, read_payments
from bots.matching import match_payments
from tests.matching.evaluate import score
from tests.matching.make_corpus import generate, write_corpus

DEFAULT_SIZES = "1000x10000,10000x100000"


def _sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        payments, _, invoices = part.partition("x")
        sizes.append((int(payments), int(invoices)))
    return sizes


def bench(payments: int, invoices: int, seed: int, mix: str) -> dict:
    started = time.perf_counter()
    corpus = generate(seed, payments, invoices, mix)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        files = write_corpus(corpus, out, open_items_format="csv")
        generated = time.perf_counter()
        truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
        items = read_open_items(out / files["invoices"][0])
        bank = [p for name in files["remittance"] for p in read_payments(out / name)]
        read = time.perf_counter()
        cpu = time.process_time()
        result = match_payments(bank, items, today=date.fromisoformat(truth["today"]))
        matched = time.perf_counter()
        cpu = time.process_time() - cpu
    tally = score(result, truth)
    return {
        "payments": len(truth["payments"]),
        "invoices": len(items),
        "generate_s": generated - started,
        "read_s": read - generated,
        "match_s": matched - read,
        "match_cpu_s": cpu,
        "matchable": tally.matchable,
        "right": tally.right,
        "rate": tally.rate,
        "wrong": len(tally.wrong),
        "all_matched": result.summary()["matched"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--mix", default="standard")
    args = parser.parse_args(argv)
    header = (
        f"{'payments x invoices':>22} {'read s':>7} {'match s':>8} {'cpu s':>6} "
        f"{'us/payment':>10} {'auto-match':>10} {'right/matchable':>16} {'wrong':>5}"
    )
    print(header)
    for payments, invoices in _sizes(args.sizes):
        row = bench(payments, invoices, args.seed, args.mix)
        per_payment = row["match_cpu_s"] / row["payments"] * 1e6
        print(
            f"{row['payments']:>10,} x {row['invoices']:>9,} {row['read_s']:>7.2f} "
            f"{row['match_s']:>8.2f} {row['match_cpu_s']:>6.2f} "
            f"{per_payment:>10.0f} {row['rate']:>10.2%} "
            f"{row['right']:>7,}/{row['matchable']:<8,} {row['wrong']:>5}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

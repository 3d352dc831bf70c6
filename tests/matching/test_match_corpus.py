"""The matcher on generated corpora: >= 95% of matchable payments right, none wrong.

The committed corpus (seed 1, standard mix) is read through the real file readers;
corpora with other seeds and mixes are generated here - the alternate mix, a
larger standard one, and the dense mix with three times as many open invoices per
customer and bare-number references - so the result cannot be tuned to one file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bots.documents.bank import read_open_items, read_payments
from bots.matching import match_payments
from tests.matching.evaluate import score
from tests.matching.make_corpus import generate, write_corpus

CORPUS = Path(__file__).parent / "corpus"


def _run(folder: Path) -> tuple:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    items = read_open_items(folder / truth["files"]["invoices"][0])
    payments = [
        p for name in truth["files"]["remittance"] for p in read_payments(folder / name)
    ]
    result = match_payments(payments, items, today=date.fromisoformat(truth["today"]))
    return truth, result, score(result, truth)


def _check(tally, truth) -> None:
    assert tally.wrong == [], f"wrong automatic applications: {tally.wrong}"
    assert tally.matchable >= 0.6 * len(truth["payments"])
    assert tally.rate >= 0.95, (
        f"auto-match rate {tally.rate:.3f}; missed {tally.missed}"
    )


@pytest.fixture(scope="module")
def committed() -> tuple:
    return _run(CORPUS)


def test_committed_corpus_matches_at_least_95_percent_and_never_wrongly(
    committed: tuple,
) -> None:
    truth, result, tally = committed
    assert len(truth["payments"]) >= 400
    assert result.open_items >= 4000
    assert len(result.payments) == len(truth["payments"])
    _check(tally, truth)


def test_committed_corpus_mixes_every_situation() -> None:
    truth = json.loads((CORPUS / "truth.json").read_text(encoding="utf-8"))
    scenarios = {p["scenario"] for p in truth["payments"]}
    assert {
        "ref_exact", "ref_structured", "ref_multi", "ref_discount", "bai2_ref",
        "amount_single", "amount_combo", "amount_discount", "advice_deduction",
        "advice_pdf", "short_ref", "split", "overpay", "ambiguous_dup",
        "unknown_payer", "currency_mismatch", "short_noref",
    } <= scenarios  # fmt: skip
    expects = {p["expect"] for p in truth["payments"]}
    assert expects == {"matched", "review", "must_not_apply"}


def test_generator_is_deterministic_and_reproduces_the_committed_corpus(
    tmp_path: Path,
) -> None:
    write_corpus(generate(1, 400, 4000, "standard"), tmp_path, open_items_format="csv")
    for name in ("payments.camt054.xml", "payments.bai2", "advice.csv", "advice-1.pdf"):
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name
    fresh, committed = (
        json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        for folder in (tmp_path, CORPUS)
    )
    assert fresh["payments"] == committed["payments"]
    assert fresh["files"]["remittance"] == committed["files"]["remittance"]


@pytest.mark.parametrize(
    ("seed", "payments", "invoices", "mix"),
    [
        (7, 400, 4000, "alternate"),
        (23, 500, 8000, "standard"),
        (31, 400, 4000, "dense"),
    ],
)
def test_fresh_corpus_with_other_seed_and_mix(
    tmp_path: Path, seed: int, payments: int, invoices: int, mix: str
) -> None:
    corpus = generate(seed, payments, invoices, mix)
    write_corpus(corpus, tmp_path, open_items_format="csv")
    truth, _result, tally = _run(tmp_path)
    assert truth["mix"] == mix
    _check(tally, truth)


def test_unknown_payers_and_ambiguous_amounts_are_never_applied(
    committed: tuple,
) -> None:
    truth, result, _ = committed
    decided = result.by_id()
    forbidden = [p for p in truth["payments"] if p["expect"] == "must_not_apply"]
    assert len(forbidden) >= 20
    for expected in forbidden:
        match = decided[expected["payment_id"]]
        assert match.status != "matched", (expected, match.reasons)
    overpaid = [p for p in truth["payments"] if p["scenario"] == "overpay"]
    assert overpaid
    for expected in overpaid:
        match = decided[expected["payment_id"]]
        assert match.status == "partially_matched"
        assert match.unapplied > 0

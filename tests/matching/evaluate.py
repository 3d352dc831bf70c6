"""Scoring a match result against the corpus ground truth.

A payment counts as *right* when it is `matched` with exactly the true
applications; as *wrong* when it is `matched` with anything else, or matched at
all when the truth says it must not be applied. The auto-match rate is right
payments over the payments the truth expects to be matched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from bots.matching import MATCHED, MatchResult


@dataclass
class Score:
    matchable: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    by_scenario: Counter = field(default_factory=Counter)
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.matchable if self.matchable else 1.0


def _applications(items: list[dict]) -> list[tuple]:
    return sorted(
        (
            a["invoice_number"],
            Decimal(a["amount"]),
            Decimal(a["discount"]),
            Decimal(a["deduction"]),
            a["deduction_code"],
        )
        for a in items
    )


def score(result: MatchResult, truth: dict) -> Score:
    decided = {m["payment_id"]: m for m in result.to_dict()["payments"]}
    tally = Score(total=len(truth["payments"]))
    for expected in truth["payments"]:
        payment_id = expected["payment_id"]
        got = decided.get(payment_id)
        scenario, expect = expected["scenario"], expected["expect"]
        status = got["status"] if got else "missing"
        tally.by_scenario[(scenario, expect, status)] += 1
        same = got is not None and _applications(got["applications"]) == _applications(
            expected["applications"]
        )
        if expect == "matched":
            tally.matchable += 1
        if status == MATCHED:
            if expect == "must_not_apply" or not same:
                tally.wrong.append(f"{payment_id} ({scenario})")
            elif expect == "matched":
                tally.right += 1
        elif expect == "matched":
            tally.missed.append(f"{payment_id} ({scenario}): {status}")
    return tally

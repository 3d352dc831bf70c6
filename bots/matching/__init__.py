"""Cash application logic: which open invoices each payment pays, and how sure.

`match_payments(payments, open_items, memory=..., today=...)` returns a
`MatchResult` whose `to_json()` (a dict) is what `o2c match --json` prints.
`MatchMemory` holds what operators taught (payer aliases, reference patterns) and
round-trips through `to_dict()` / `from_dict()`. Pure logic, no I/O.
"""

from __future__ import annotations

from bots.matching.engine import match_payments
from bots.matching.ledger import MatchPolicy
from bots.matching.memory import MatchMemory, ReferencePattern
from bots.matching.result import (
    MATCHED,
    PARTIALLY_MATCHED,
    STATUSES,
    UNMATCHED,
    Application,
    Candidate,
    MatchResult,
    PaymentMatch,
)

__all__ = [
    "MATCHED",
    "PARTIALLY_MATCHED",
    "STATUSES",
    "UNMATCHED",
    "Application",
    "Candidate",
    "MatchMemory",
    "MatchPolicy",
    "MatchResult",
    "PaymentMatch",
    "ReferencePattern",
    "match_payments",
]

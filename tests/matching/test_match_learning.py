"""Learning from operators: after `learn`, the next payment like it matches."""

from __future__ import annotations

import json

from bots.matching import MATCHED, UNMATCHED, MatchMemory, match_payments
from tests.matching.helpers import TODAY, applied, item, payment

NORD = "Nordwind Logistik Hamburg GmbH"
LEDGER = [
    item("INV-2026-000102", "C1", NORD, "250.50"),
    item("INV-2026-000103", "C1", NORD, "410.20"),
    item("INV-2026-000104", "C1", NORD, "89.99"),
    item("INV-2026-000201", "C2", "Acme Industries Inc.", "777.77"),
    item("INV-2026-000202", "C2", "Acme Industries Inc.", "555.55"),
]


def _one(p, memory: MatchMemory | None = None):
    [match] = match_payments([p], LEDGER, memory=memory, today=TODAY).payments
    return match


def _round_trip(memory: MatchMemory) -> MatchMemory:
    return MatchMemory.from_dict(json.loads(json.dumps(memory.to_dict())))


def test_learned_payer_alias_lets_the_next_payment_match() -> None:
    first = payment("P1", "777.77", "ACME HOLDING EUROPE SERVICES", "payment")
    assert _one(first).status == UNMATCHED
    memory = MatchMemory()
    memory.learn(first, "C2", [{"invoice_number": "INV-2026-000201"}])
    memory = _round_trip(memory)
    assert _one(first, memory).status == MATCHED
    later = payment("P2", "555.55", "Acme Holding Europe Services", "payment")
    match = _one(later, memory)
    assert match.status == MATCHED
    assert applied(match)[0][0] == "INV-2026-000202"
    assert any("learned alias" in r for r in match.reasons)


def test_learned_tail_digits_pattern_finds_the_invoice() -> None:
    first = payment("P1", "200.00", NORD, "Beleg 0102")
    assert _one(first).status == UNMATCHED
    memory = MatchMemory()
    decided = _one(first)
    memory.learn(first, "C1", [{"invoice_number": "INV-2026-000102"}])
    assert decided.candidates
    memory = _round_trip(memory)
    assert memory.patterns["C1"][0].kind == "tail"
    later = _one(payment("P2", "300.00", NORD, "Beleg 0103"), memory)
    assert later.status == MATCHED
    assert applied(later) == [("INV-2026-000103", "300.00", "0.00", "0.00", "")]


def test_learned_affix_pattern_unwraps_the_invoice_number() -> None:
    first = payment("P1", "50.00", NORD, "ORDER:KX2026000104Z")
    assert _one(first).status == UNMATCHED
    memory = MatchMemory()
    memory.learn(first, "C1", [{"invoice_number": "INV-2026-000104"}])
    memory = _round_trip(memory)
    assert memory.patterns["C1"][0].kind == "affix"
    later = _one(payment("P2", "400.00", NORD, "ORDER:KX2026000103Z"), memory)
    assert later.status == MATCHED
    assert applied(later)[0][:2] == ("INV-2026-000103", "400.00")


def test_patterns_are_not_used_for_other_customers() -> None:
    memory = MatchMemory()
    memory.learn(
        payment("P1", "50.00", NORD, "Beleg 0102"),
        "C1",
        [{"invoice_number": "INV-2026-000102"}],
    )
    other = _one(payment("P2", "100.00", "Acme Industries", "Beleg 0201"), memory)
    assert other.status == UNMATCHED


def test_empty_memory_round_trips() -> None:
    assert MatchMemory.from_dict(None).to_dict() == MatchMemory().to_dict()
    assert MatchMemory.from_dict({"version": 1}).aliases == {}

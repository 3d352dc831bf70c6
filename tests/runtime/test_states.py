"""Statuses, transitions and backoff: pure logic."""

from __future__ import annotations

import random

import pytest

from bots.errors import IllegalTransition
from bots.runtime import states
from bots.runtime.states import backoff_seconds, check_transition


def test_statuses_have_exactly_the_documented_names() -> None:
    assert states.STATUSES == (
        "new", "in_progress", "retry", "exception", "done", "resolved", "discarded",
    )  # fmt: skip


@pytest.mark.parametrize("final", ["done", "resolved", "discarded"])
def test_nothing_leaves_a_final_status(final: str) -> None:
    for target in states.STATUSES:
        for action in ("leased", "done", "failed", "retry", "resolved", "discarded"):
            with pytest.raises(IllegalTransition, match="final"):
                check_transition(1, final, target, action)


def test_illegal_moves_are_refused_and_legal_ones_pass() -> None:
    check_transition(1, "new", "in_progress", "leased")
    check_transition(1, "exception", "new", "retry")
    check_transition(1, "in_progress", "retry", "failed")
    with pytest.raises(IllegalTransition, match="'new'.*cannot be done"):
        check_transition(1, "new", "done", "done")
    with pytest.raises(IllegalTransition):
        check_transition(1, "exception", "in_progress", "leased")
    with pytest.raises(IllegalTransition):
        check_transition(1, "in_progress", "resolved", "resolved")


def test_backoff_grows_with_each_attempt_up_to_the_cap() -> None:
    rng = random.Random(7)
    for attempt in range(1, 6):
        upper = [backoff_seconds(attempt, 30, 3600, rng) for _ in range(200)]
        lower_next = [backoff_seconds(attempt + 1, 30, 3600, rng) for _ in range(200)]
        assert max(upper) <= min(lower_next)
        assert (
            15 * 2 ** (attempt - 1)
            <= min(upper)
            <= max(upper)
            <= 30 * 2 ** (attempt - 1)
        )
    assert max(backoff_seconds(30, 30, 3600, rng) for _ in range(100)) <= 3600


def test_backoff_has_jitter() -> None:
    delays = {round(backoff_seconds(3, 30, 3600), 6) for _ in range(50)}
    assert len(delays) > 40
    assert all(60 <= d <= 120 for d in delays)

"""Work item statuses, the transitions between them, and retry backoff.

Pure logic, no I/O. A transition not listed in `TRANSITIONS` is refused with
`IllegalTransition`, so an operator cannot, say, retry an item that is done, and a
runner cannot settle an item it no longer holds.
"""

from __future__ import annotations

import logging
import random

from bots.errors import IllegalTransition

log = logging.getLogger(__name__)

NEW = "new"
IN_PROGRESS = "in_progress"
RETRY = "retry"
EXCEPTION = "exception"
DONE = "done"
RESOLVED = "resolved"
DISCARDED = "discarded"

STATUSES = (NEW, IN_PROGRESS, RETRY, EXCEPTION, DONE, RESOLVED, DISCARDED)
LEASABLE = (NEW, RETRY)
OPEN = (NEW, IN_PROGRESS, RETRY, EXCEPTION)
FINAL = (DONE, RESOLVED, DISCARDED)

# (from, to) -> the actions that may make that move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (NEW, IN_PROGRESS): frozenset({"leased"}),
    (RETRY, IN_PROGRESS): frozenset({"leased"}),
    (IN_PROGRESS, DONE): frozenset({"done"}),
    (IN_PROGRESS, RETRY): frozenset({"failed", "lease_expired"}),
    (IN_PROGRESS, EXCEPTION): frozenset({"failed", "lease_expired"}),
    (IN_PROGRESS, NEW): frozenset({"released"}),
    (EXCEPTION, NEW): frozenset({"retry"}),
    (RETRY, NEW): frozenset({"retry"}),
    (NEW, RESOLVED): frozenset({"resolved"}),
    (RETRY, RESOLVED): frozenset({"resolved"}),
    (EXCEPTION, RESOLVED): frozenset({"resolved"}),
    (NEW, DISCARDED): frozenset({"discarded"}),
    (RETRY, DISCARDED): frozenset({"discarded"}),
    (EXCEPTION, DISCARDED): frozenset({"discarded"}),
}


def check_transition(item_id: int, current: str, target: str, action: str) -> None:
    """Raise IllegalTransition unless `action` may move an item current -> target."""
    if action in TRANSITIONS.get((current, target), frozenset()):
        return
    allowed = sorted({to for (frm, to), acts in TRANSITIONS.items() if frm == current})
    where = ", ".join(allowed) if allowed else "nothing (it is final)"
    raise IllegalTransition(
        f"work item {item_id} is '{current}' and cannot be {action} "
        f"(to '{target}'); from '{current}' it can only go to {where}",
        item_id=item_id,
        current=current,
        target=target,
    )


def backoff_seconds(
    attempt: int,
    base: float,
    cap: float,
    rng: random.Random | None = None,
) -> float:
    """Delay before the attempt after `attempt` failed ones: exponential, capped,
    with "equal jitter" (between half and all of the exponential delay), so that
    items that failed together do not all come back in the same second."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    exponential = min(cap, base * 2 ** (attempt - 1))
    half = exponential / 2
    return half + (rng or random).uniform(0, half)

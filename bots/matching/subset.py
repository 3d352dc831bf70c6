"""Bounded subset-sum: which sets of open amounts add up to a payment, exactly.

Sets of one to four invoices are searched by meeting in the middle over pair sums,
in time quadratic in the number of a customer's open items and independent of the
amounts. The search stops after `limit` distinct solutions: the caller only needs
to know whether the answer is unique.
"""

from __future__ import annotations

import logging
from collections import defaultdict

log = logging.getLogger(__name__)

MAX_SET_SIZE = 4
MAX_ITEMS = 400


def find_subsets(
    values: list[int], target: int, *, max_size: int = MAX_SET_SIZE, limit: int = 5
) -> tuple[list[tuple[int, ...]], bool]:
    """Index sets (sorted tuples) whose values sum to `target`, and whether the
    search was complete. Values must be positive whole cents."""
    usable = sorted(
        (i for i, v in enumerate(values) if 0 < v <= target), key=values.__getitem__
    )
    if len(usable) > MAX_ITEMS:
        return [], False
    found: set[tuple[int, ...]] = set()
    for index in usable:
        if values[index] == target:
            found.add((index,))
    if max_size >= 2:
        pairs = _pair_sums(values, usable, target)
        _add_pairs(found, pairs, target)
        if max_size >= 3 and len(found) < limit:
            _add_triples(found, values, usable, pairs, target, limit)
        if max_size >= 4 and len(found) < limit:
            _add_quads(found, pairs, target, limit)
    solutions = sorted(found, key=lambda s: (len(s), s))[:limit]
    return solutions, True


def _pair_sums(
    values: list[int], usable: list[int], target: int
) -> dict[int, list[tuple[int, int]]]:
    pairs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for position, first in enumerate(usable):
        value = values[first]
        for second in usable[position + 1 :]:
            total = value + values[second]
            if total > target:
                break
            pairs[total].append((first, second) if first < second else (second, first))
    return pairs


def _add_pairs(
    found: set[tuple[int, ...]], pairs: dict[int, list[tuple[int, int]]], target: int
) -> None:
    for pair in pairs.get(target, ()):
        found.add(pair)


def _add_triples(
    found: set[tuple[int, ...]],
    values: list[int],
    usable: list[int],
    pairs: dict[int, list[tuple[int, int]]],
    target: int,
    limit: int,
) -> None:
    for index in usable:
        for first, second in pairs.get(target - values[index], ()):
            if index < first:
                found.add((index, first, second))
            elif index != first and index != second:
                found.add(tuple(sorted((index, first, second))))
                if len(found) >= limit:
                    return


def _add_quads(
    found: set[tuple[int, ...]],
    pairs: dict[int, list[tuple[int, int]]],
    target: int,
    limit: int,
) -> None:
    for total, left in pairs.items():
        rest = target - total
        if rest < total:
            continue
        right = pairs.get(rest)
        if not right:
            continue
        for a, b in left:
            for c, d in right:
                if len({a, b, c, d}) == 4:
                    found.add(tuple(sorted((a, b, c, d))))
                    if len(found) >= limit:
                        return

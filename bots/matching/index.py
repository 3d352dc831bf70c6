"""Indexes over the open items: by invoice key, by customer, by amount, by name.

Built once per match run in time linear in the number of open items, so that each
payment then costs a few dictionary look-ups instead of a scan of every invoice.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from bots.documents.bank.model import OpenItem
from bots.matching.normalise import full_name_key, invoice_key, name_key

log = logging.getLogger(__name__)

MIN_PREFIX_KEY = 8
MIN_TRUNCATED_NAME = 12


def cents(amount: Decimal) -> int:
    """Money as whole cents, for fast exact arithmetic."""
    scaled = amount * 100
    whole = int(scaled)
    if whole == scaled:
        return whole
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


def money(value: int) -> Decimal:
    """Whole cents back to a two-place `Decimal`."""
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


@dataclass
class PayerMatch:
    """Which customers a payer name may be, and how that was found."""

    customer_ids: list[str] = field(default_factory=list)
    how: str = "unknown"

    @property
    def resolved(self) -> str | None:
        return self.customer_ids[0] if len(self.customer_ids) == 1 else None


class OpenItemIndex:
    """The open items of one run and the ways to find them."""

    def __init__(self, items: list[OpenItem]) -> None:
        self.items = items
        self.keys = [invoice_key(item.invoice_number) for item in items]
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_customer: dict[str, list[int]] = defaultdict(list)
        self.by_amount: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.names: dict[str, str] = {}
        for position, item in enumerate(items):
            if self.keys[position]:
                self.by_key[self.keys[position]].append(position)
            self.by_customer[item.customer_id].append(position)
            self.by_amount[(item.currency, cents(item.open_amount))].append(position)
            self.names.setdefault(item.customer_id, item.customer_name)
        self._build_name_index()
        log.debug("indexed %d open items of %d customers", len(items), len(self.names))

    def _build_name_index(self) -> None:
        self.by_name: dict[str, set[str]] = defaultdict(set)
        compact: list[tuple[str, str]] = []
        for customer_id, name in self.names.items():
            for key in {name_key(name), full_name_key(name)}:
                if key:
                    self.by_name[key].add(customer_id)
                    compact.append((key, customer_id))
        compact.sort()
        self._sorted_names = compact
        self._sorted_keys = [key for key, _ in compact]

    def resolve_payer(self, payer: str, aliases: dict[str, str]) -> PayerMatch:
        """The customer(s) a payer name means: alias, exact name, or unique prefix."""
        key = name_key(payer)
        if not key:
            return PayerMatch()
        if key in aliases and aliases[key] in self.names:
            return PayerMatch([aliases[key]], "learned alias")
        for candidate in (key, full_name_key(payer)):
            exact = self.by_name.get(candidate)
            if exact:
                return PayerMatch(sorted(exact), "name")
        if len(payer.strip()) < MIN_TRUNCATED_NAME:
            return PayerMatch()
        return self._prefix_match(key, full_name_key(payer))

    def _prefix_match(self, *keys: str) -> PayerMatch:
        """Customers whose name starts with the payer's: banks cut long names."""
        found: set[str] = set()
        for key in keys:
            if len(key) < MIN_PREFIX_KEY:
                continue
            start = bisect.bisect_left(self._sorted_keys, key)
            for name, customer_id in self._sorted_names[start:]:
                if not name.startswith(key):
                    break
                found.add(customer_id)
        if not found:
            return PayerMatch()
        return PayerMatch(sorted(found), "truncated name")

    def customer_name(self, customer_id: str) -> str:
        return self.names.get(customer_id, "")

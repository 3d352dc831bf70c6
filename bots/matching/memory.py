"""What the matcher learns from operators: payer aliases and reference patterns.

When an operator resolves a payment (picks a candidate or enters applications),
`MatchMemory.learn` remembers that this payer name is that customer, and how the
payer wrote the invoice numbers when the usual normalisation did not find them:
wrapped in fixed text (`KD-4711/0815-X` around invoice 0815) or cut to the last
digits (`ref 4567` for invoice `INV-2024-004567`). The memory is plain data, so
the bot can keep it in the runtime's key-value store between runs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bots.documents.bank.model import Payment
from bots.matching.normalise import fold_reference, invoice_key, name_key

log = logging.getLogger(__name__)

VERSION = 1
MIN_TAIL_DIGITS = 3
MAX_PATTERNS_PER_CUSTOMER = 20


@dataclass(frozen=True)
class ReferencePattern:
    """How one customer writes invoice references.

    `affix`: the invoice key sits inside a token between `prefix` and `suffix`.
    `tail`: the payer quotes only the last `digits` characters of the key.
    """

    kind: str
    prefix: str = ""
    suffix: str = ""
    digits: int = 0

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "tail":
            return {"kind": "tail", "digits": self.digits}
        return {"kind": "affix", "prefix": self.prefix, "suffix": self.suffix}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferencePattern:
        if data.get("kind") == "tail":
            return cls("tail", digits=int(data["digits"]))
        return cls("affix", str(data.get("prefix", "")), str(data.get("suffix", "")))


@dataclass
class MatchMemory:
    """Payer aliases (name key -> customer id) and reference patterns per customer."""

    aliases: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, list[ReferencePattern]] = field(default_factory=dict)

    def learn(
        self, payment: Payment, customer_id: str, applications: Iterable[Any]
    ) -> None:
        """Remember an operator's decision for `payment`.

        `applications` are objects or dicts with an `invoice_number`.
        """
        key = name_key(payment.payer)
        if key:
            self.aliases[key] = customer_id
            log.info(
                "learned payer alias %r -> customer %s", payment.payer, customer_id
            )
        text = " ".join([payment.remittance_text, *payment.structured_references])
        for application in applications:
            number = _invoice_number(application)
            pattern = _pattern_for(text, invoice_key(number))
            if pattern:
                self._add_pattern(customer_id, pattern)

    def _add_pattern(self, customer_id: str, pattern: ReferencePattern) -> None:
        known = self.patterns.setdefault(customer_id, [])
        if pattern in known:
            return
        known.append(pattern)
        del known[:-MAX_PATTERNS_PER_CUSTOMER]
        log.info("learned reference pattern %s for customer %s", pattern, customer_id)

    def patterns_for(self, customer_id: str) -> list[ReferencePattern]:
        return self.patterns.get(customer_id, [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "aliases": dict(sorted(self.aliases.items())),
            "patterns": {
                customer: [p.to_dict() for p in patterns]
                for customer, patterns in sorted(self.patterns.items())
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> MatchMemory:
        if not data:
            return cls()
        patterns = {
            str(customer): [ReferencePattern.from_dict(p) for p in items]
            for customer, items in (data.get("patterns") or {}).items()
        }
        aliases = {str(k): str(v) for k, v in (data.get("aliases") or {}).items()}
        return cls(aliases=aliases, patterns=patterns)


def _invoice_number(application: Any) -> str:
    if isinstance(application, dict):
        return str(application.get("invoice_number", ""))
    return str(getattr(application, "invoice_number", ""))


def _pattern_for(text: str, key: str) -> ReferencePattern | None:
    """The way `key` appears in `text`, when the usual normalisation misses it."""
    if not key:
        return None
    for raw in text.split():
        token = fold_reference(raw)
        if not token or token.lstrip("0") == key or invoice_key(raw) == key:
            continue
        position = token.find(key)
        if position >= 0:
            prefix, suffix = token[:position], token[position + len(key) :]
            return ReferencePattern("affix", prefix.rstrip("0") or prefix, suffix)
        core = token.lstrip("0")
        if core.isdigit() and len(core) >= MIN_TAIL_DIGITS and key.endswith(core):
            return ReferencePattern("tail", digits=len(core))
    return None


def apply_patterns(
    text: str, patterns: list[ReferencePattern], customer_keys: dict[str, list[int]]
) -> list[int]:
    """Open items of one customer that `text` names in a learned way.

    `customer_keys` maps invoice keys of that customer's items to their positions.
    """
    found: list[int] = []
    tokens = [fold_reference(raw) for raw in text.split()]
    for pattern in patterns:
        if pattern.kind == "tail":
            found.extend(_tail_hits(tokens, pattern.digits, customer_keys))
        else:
            found.extend(_affix_hits(tokens, pattern, customer_keys))
    return sorted(set(found))


def _affix_hits(
    tokens: list[str], pattern: ReferencePattern, customer_keys: dict[str, list[int]]
) -> list[int]:
    hits: list[int] = []
    for token in tokens:
        if not (token.startswith(pattern.prefix) and token.endswith(pattern.suffix)):
            continue
        end = len(token) - len(pattern.suffix)
        core = token[len(pattern.prefix) : end].lstrip("0")
        hits.extend(customer_keys.get(core, ()))
    return hits


def _tail_hits(
    tokens: list[str], digits: int, customer_keys: dict[str, list[int]]
) -> list[int]:
    tails: dict[str, list[int]] = {}
    for key, positions in customer_keys.items():
        tails.setdefault(key[-digits:], []).extend(positions)
    hits: list[int] = []
    for token in tokens:
        core = token.lstrip("0")
        if len(core) == digits or (len(token) == digits and token.isdigit()):
            positions = tails.get(token[-digits:], [])
            if len(positions) == 1:
                hits.extend(positions)
    return hits

"""Replaying routing rules over past denials: where they would go, and what would change (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from medbill_tui.domain.routing import ACTIONS, CATEGORIES, DenialFacts, RuleSet

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class PastDenial:
    """A denial work item as posted: its facts and the routing stored on it (None before
    routing existed)."""

    facts: DenialFacts
    category: str | None
    action: str | None


@dataclass(frozen=True, slots=True)
class ReplayLine:
    """One category and action under the replayed rules.

    `changed`: items stored under another category; `unrouted`: items stored with none.
    """

    category: str
    action: str
    items: int
    amount: Decimal
    changed: int
    unrouted: int


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """Where the rules would route past denials, per category and action (CATEGORIES order)."""

    source: str
    lines: tuple[ReplayLine, ...]

    @property
    def items(self) -> int:
        return sum(line.items for line in self.lines)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def changed(self) -> int:
        return sum(line.changed for line in self.lines)

    @property
    def unrouted(self) -> int:
        return sum(line.unrouted for line in self.lines)


def replay(rules: RuleSet, denials: Iterable[PastDenial]) -> ReplayReport:
    """Route every past denial with `rules` and total them by (category, action)."""
    totals: dict[tuple[str, str], list[Decimal | int]] = {}
    for denial in denials:
        routing = rules.route(denial.facts)
        bucket = totals.setdefault((routing.category, routing.action), [0, ZERO, 0, 0])
        bucket[0] += 1
        bucket[1] += denial.facts.amount
        if denial.category is None:
            bucket[3] += 1
        elif denial.category != routing.category:
            bucket[2] += 1
    order = sorted(totals, key=lambda k: (CATEGORIES.index(k[0]), ACTIONS.index(k[1])))
    return ReplayReport(
        rules.source,
        tuple(
            ReplayLine(cat, act, int(t[0]), Decimal(t[1]), int(t[2]), int(t[3]))
            for (cat, act) in order
            for t in [totals[(cat, act)]]
        ),
    )

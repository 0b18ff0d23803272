"""Denial routing rules as data: which category and default action a denial gets (pure).

A rules file (TOML) lists `[[rule]]` tables; the first rule whose conditions all hold decides.
Conditions, each optional: `carc` and `rarc` (codes or ranges such as "1-30", "P1-P23",
"N100-N199"), `group` (CO, PR, OI, PI, CR), `payer` (payer codes), `amount_min` and
`amount_max` (inclusive). Within one condition any listed value may match; all conditions of a
rule must hold. Results: `category`, `action`, optional `appeal_days`. The last rule must have
no conditions (the catch-all). A bad file is refused with the rule number and line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from medbill_tui.domain.codefiles import CARC_RE, RARC_RE

CATEGORIES = (
    "eligibility",
    "coding",
    "missing information",
    "authorization",
    "timely filing",
    "duplicate",
    "medical necessity",
    "contractual",
    "other",
)
ACTIONS = ("resubmit", "appeal", "write off", "transfer to patient", "follow up")
GROUPS = ("CO", "PR", "OI", "PI", "CR")
CONDITION_KEYS = ("carc", "rarc", "group", "payer", "amount_min", "amount_max")
RULE_KEYS = ("name", *CONDITION_KEYS, "category", "action", "appeal_days")
DEFAULT_DUE_DAYS = 60
"""Days from the denial to its due date when the matching rule gives no appeal window."""

_PARTS = re.compile(r"^([A-Z]*)([0-9]+)$")
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")


@lru_cache(maxsize=4096)
def _parts(code: str) -> tuple[str, int] | None:
    """'P12' -> ('P', 12); '16' -> ('', 16); None when not letters then digits."""
    found = _PARTS.match(code.strip().upper())
    return (found.group(1), int(found.group(2))) if found else None


@dataclass(frozen=True, slots=True)
class CodeSpan:
    """One code ("16") or a range of codes with the same letters ("P1-P23", "N100-N199")."""

    prefix: str
    low: int
    high: int

    def matches(self, code: str) -> bool:
        return self.holds(_parts(code))

    def holds(self, parts: tuple[str, int] | None) -> bool:
        """Whether a code already split by `_parts` is in the span."""
        return parts is not None and parts[0] == self.prefix and self.low <= parts[1] <= self.high

    def __str__(self) -> str:
        low = f"{self.prefix}{self.low}"
        return low if self.low == self.high else f"{low}-{self.prefix}{self.high}"


@dataclass(frozen=True, slots=True)
class DenialFacts:
    """What a rule can look at: CAS group and CARC, the first RARC, the amount, the payer code."""

    group: str
    carc: str
    rarc: str
    amount: Decimal
    payer: str = ""


def _within(
    codes: frozenset[tuple[str, int]], ranges: tuple[CodeSpan, ...], parts: tuple[str, int] | None
) -> bool:
    if parts is None:
        return False
    if parts in codes:
        return True
    return bool(ranges) and any(span.holds(parts) for span in ranges)


@dataclass(frozen=True, slots=True)
class _Split:
    """DenialFacts normalised once per routing: codes split, group and payer upper case."""

    carc: tuple[str, int] | None
    rarc: tuple[str, int] | None
    group: str
    payer: str
    amount: Decimal

    @staticmethod
    def of(facts: DenialFacts) -> _Split:
        return _Split(
            _parts(facts.carc),
            _parts(facts.rarc),
            facts.group.strip().upper(),
            facts.payer.strip().upper(),
            facts.amount,
        )


@dataclass(frozen=True, slots=True)
class Routing:
    """Where a denial goes: its category, default action and due date window."""

    category: str
    action: str
    appeal_days: int | None
    rule: int
    """The number (1-based) of the rule that matched."""

    def due_on(self, denied_on: date) -> date:
        """The work item's due date: the appeal window, or DEFAULT_DUE_DAYS."""
        return denied_on + timedelta(days=self.appeal_days or DEFAULT_DUE_DAYS)


@dataclass(frozen=True, slots=True)
class Rule:
    """One routing rule; empty conditions always hold."""

    number: int
    line: int
    name: str
    category: str
    action: str
    appeal_days: int | None = None
    carc: tuple[CodeSpan, ...] = ()
    rarc: tuple[CodeSpan, ...] = ()
    groups: frozenset[str] = frozenset()
    payers: frozenset[str] = frozenset()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    _carc_codes: frozenset[tuple[str, int]] = field(init=False, repr=False, compare=False)
    _carc_ranges: tuple[CodeSpan, ...] = field(init=False, repr=False, compare=False)
    _rarc_codes: frozenset[tuple[str, int]] = field(init=False, repr=False, compare=False)
    _rarc_ranges: tuple[CodeSpan, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # single codes become a set lookup; only real ranges are compared one by one
        for name, spans in (("carc", self.carc), ("rarc", self.rarc)):
            codes = frozenset((s.prefix, s.low) for s in spans if s.low == s.high)
            object.__setattr__(self, f"_{name}_codes", codes)
            object.__setattr__(self, f"_{name}_ranges", tuple(s for s in spans if s.low < s.high))

    @property
    def catch_all(self) -> bool:
        """True when the rule has no conditions: it matches every denial."""
        return not (
            self.carc
            or self.rarc
            or self.groups
            or self.payers
            or self.amount_min is not None
            or self.amount_max is not None
        )

    def matches(self, facts: DenialFacts) -> bool:
        """Whether every condition of the rule holds for `facts`."""
        return self._holds(_Split.of(facts))

    def _holds(self, d: _Split) -> bool:
        if self.carc and not _within(self._carc_codes, self._carc_ranges, d.carc):
            return False
        if self.rarc and not _within(self._rarc_codes, self._rarc_ranges, d.rarc):
            return False
        if self.groups and d.group not in self.groups:
            return False
        if self.payers and d.payer not in self.payers:
            return False
        if self.amount_min is not None and d.amount < self.amount_min:
            return False
        return self.amount_max is None or d.amount <= self.amount_max


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Validated rules, in order; the last one is a catch-all."""

    rules: tuple[Rule, ...]
    source: str = field(default="")

    def route(self, facts: DenialFacts) -> Routing:
        """The routing of the first rule that matches (the catch-all if no other does)."""
        split = _Split.of(facts)
        for rule in self.rules:
            if rule._holds(split):
                return Routing(rule.category, rule.action, rule.appeal_days, rule.number)
        raise AssertionError("a validated rule set ends with a catch-all")  # pragma: no cover


class RulesInvalid(ValueError):
    """The rules file cannot be used; `problems` lists each one with its rule and line."""

    def __init__(self, source: str, problems: Iterable[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        listed = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"denial routing rules {source} are not usable:\n{listed}")


def _words(value: str) -> str:
    return " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())


class _RuleReader:
    """Builds one Rule from its TOML table, collecting problems instead of stopping."""

    def __init__(self, number: int, table: Mapping[str, Any], lines: list[str], span: range):
        self.number = number
        self.table = table
        self.lines = lines
        self.span = span
        self.problems: list[tuple[int, str]] = []

    def line_of(self, key: str | None) -> int:
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            for index in self.span:
                if pattern.match(self.lines[index]):
                    return index + 1
        return self.span.start + 1 if self.span else 0

    def bad(self, key: str | None, what: str) -> None:
        line = self.line_of(key)
        where = f"rule {self.number}" + (f" (line {line})" if line else "")
        name = self.table.get("name")
        if isinstance(name, str) and name.strip():
            where += f' "{name.strip()}"'
        self.problems.append((line, f"{where}: {what}"))

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.table.get(key)
        if value is None:
            self.bad(None, f"{key} is missing; use one of: {', '.join(allowed)}")
            return ""
        if not isinstance(value, str) or _words(value) not in allowed:
            self.bad(key, f"{key} {value!r} is not one of: {', '.join(allowed)}")
            return ""
        return _words(value)

    def texts(self, key: str) -> list[str]:
        value = self.table.get(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                self.bad(key, f"{key} values must be text or numbers, not {item!r}")
            else:
                out.append(str(item).strip().upper())
        if not out and isinstance(value, list):
            self.bad(key, f"{key} is an empty list; leave it out to match any")
        return out

    def spans(self, key: str, pattern: re.Pattern[str], kind: str) -> tuple[CodeSpan, ...]:
        spans = []
        for text in self.texts(key):
            low, _, high = text.partition("-")
            low, high = low.strip(), (high.strip() or low.strip())
            a, b = _parts(low), _parts(high)
            if not (pattern.match(low) and pattern.match(high)) or a is None or b is None:
                example = "16 or 1-30" if kind == "CARC" else "N130 or N100-N199"
                self.bad(key, f"{text!r} is not a {kind} or a range of them (e.g. {example})")
            elif a[0] != b[0] or a[1] > b[1]:
                self.bad(key, f"range {text!r} must go up and keep the same letters")
            else:
                spans.append(CodeSpan(a[0], a[1], b[1]))
        return tuple(spans)

    def amount(self, key: str) -> Decimal | None:
        value = self.table.get(key)
        if value is None:
            return None
        try:
            amount = Decimal(str(value)) if not isinstance(value, bool) else None
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            self.bad(key, f"{key} {value!r} is not an amount of money (e.g. 100 or 99.50)")
            return None
        return amount

    def read(self) -> Rule:
        for key in self.table:
            if key not in RULE_KEYS:
                self.bad(key, f"unknown key {key!r}; rules may have: {', '.join(RULE_KEYS)}")
        name = self.table.get("name", "")
        if not isinstance(name, str):
            self.bad("name", "name must be text")
            name = ""
        groups = self.texts("group")
        for group in groups:
            if group not in GROUPS:
                self.bad("group", f"group {group!r} is not one of: {', '.join(GROUPS)}")
        days = self.table.get("appeal_days")
        if days is not None and (
            isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650
        ):
            self.bad("appeal_days", f"appeal_days {days!r} must be a whole number from 1 to 3650")
            days = None
        low, high = self.amount("amount_min"), self.amount("amount_max")
        if low is not None and high is not None and low > high:
            self.bad("amount_max", f"amount_max {high} is below amount_min {low}")
        return Rule(
            number=self.number,
            line=self.line_of(None),
            name=name.strip() or f"rule {self.number}",
            category=self.choice("category", CATEGORIES),
            action=self.choice("action", ACTIONS),
            appeal_days=days,
            carc=self.spans("carc", CARC_RE, "CARC"),
            rarc=self.spans("rarc", RARC_RE, "RARC"),
            groups=frozenset(groups),
            payers=frozenset(self.texts("payer")),
            amount_min=low,
            amount_max=high,
        )


def _where(rule: Rule) -> str:
    return f"rule {rule.number}" + (f" (line {rule.line})" if rule.line else "")


def parse_rules(text: str, source: str = "rules") -> RuleSet:
    """Read and validate a rules file; raises RulesInvalid listing every problem."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RulesInvalid(source, [f"not valid TOML: {exc}"]) from None
    problems = [
        f"unknown top-level key {key!r}; the file holds [[rule]] tables"
        for key in data
        if key != "rule"
    ]
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesInvalid(source, [*problems, "rule must be a list of [[rule]] tables"])
    if not tables:
        raise RulesInvalid(source, [*problems, "the file has no [[rule]] tables"])
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _RULE_HEADER.match(line)]
    if len(starts) != len(tables):
        starts = []  # rules written another way (inline tables): no line numbers
    rules: list[Rule] = []
    conditional: list[bool] = []
    for index, table in enumerate(tables):
        span = range(starts[index], [*starts, len(lines)][index + 1]) if starts else range(0)
        reader = _RuleReader(index + 1, table, lines, span)
        rules.append(reader.read())
        problems += [text for _, text in sorted(reader.problems, key=lambda p: p[0])]
        conditional.append(any(key in table for key in CONDITION_KEYS))
    for rule, has_conditions in zip(rules[:-1], conditional, strict=False):
        if not has_conditions:
            problems.append(
                f"{_where(rule)} matches every denial, so the rules after it would never "
                "apply; give it a condition or move it to the end"
            )
    last = rules[-1]
    if conditional[-1]:
        problems.append(
            f"{_where(last)} is the last rule but has conditions; the file must end with a "
            "catch-all rule that has only a category and an action (and a name)"
        )
    if problems:
        raise RulesInvalid(source, problems)
    return RuleSet(tuple(rules), source)

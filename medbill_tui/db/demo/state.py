"""Tables the demo writes, the batch it hands to the loader, and the row-collecting emitter."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, count
from typing import TypeVar

from medbill_tui.db.demo.reference import Row

T = TypeVar("T")
Rand = Callable[[], float]
DAY_DELTAS = tuple(timedelta(days=n) for n in range(400))
"""DAY_DELTAS[n] == timedelta(days=n), without building a timedelta per use."""
_WORK_SECONDS = tuple(timedelta(seconds=28_800 + 10 * n) for n in range(3_600))


def pick(rand: Rand, seq: Sequence[T]) -> T:
    """A uniformly chosen item of `seq` (like Random.choice, but cheaper)."""
    return seq[int(rand() * len(seq))]


def between(rand: Rand, low: int, high: int) -> int:
    """A uniformly chosen integer in low..high inclusive (like Random.randint, but cheaper)."""
    return low + int(rand() * (high - low + 1))


def cumulative(weights: Sequence[int]) -> tuple[int, ...]:
    """Running totals of `weights`, for `weighted`."""
    return tuple(accumulate(weights))


def weighted(rand: Rand, seq: Sequence[T], cum: Sequence[int]) -> T:
    """An item of `seq` chosen with the cumulative weights `cum`."""
    return seq[bisect(cum, rand() * cum[-1])]


DEMO_ACTOR = "demo"
"""Who the synthetic history says did things (claim events, postings, imports)."""

TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "practice",
        (
            "id",
            "name",
            "npi",
            "tin",
            "taxonomy",
            "address1",
            "city",
            "state",
            "zip",
            "is_demo",
            "phone",
        ),
    ),
    ("provider", ("id", "npi", "first_name", "last_name", "taxonomy", "active")),
    (
        "payer",
        (
            "id",
            "name",
            "payer_code",
            "claim_filing_indicator",
            "timely_filing_days",
            "auth_required_codes",
            "appeal_days",
            "payment_timer_days",
        ),
    ),
    ("fee_schedule", ("id", "payer_id", "code", "modifier", "price")),
    ("procedure_code", ("code", "code_set", "label")),
    ("carc", ("code", "description")),
    (
        "patient",
        (
            "id",
            "account_no",
            "first_name",
            "last_name",
            "dob",
            "sex",
            "address1",
            "city",
            "state",
            "zip",
            "phone",
            "guarantor_id",
        ),
    ),
    (
        "coverage",
        (
            "id",
            "patient_id",
            "payer_id",
            "member_id",
            "group_no",
            "relationship",
            "subscriber_first_name",
            "subscriber_last_name",
            "subscriber_dob",
            "subscriber_sex",
            "priority",
            "effective_from",
            "effective_to",
        ),
    ),
    (
        "authorization",
        (
            "id",
            "coverage_id",
            "number",
            "status",
            "codes",
            "visits_allowed",
            "visits_used",
            "start_date",
            "end_date",
            "follow_up_on",
        ),
    ),
    (
        "encounter",
        (
            "id",
            "patient_id",
            "provider_id",
            "coverage_id",
            "authorization_id",
            "dos",
            "pos",
            "status",
            "created_at",
        ),
    ),
    ("encounter_diagnosis", ("id", "encounter_id", "seq", "code")),
    (
        "charge",
        (
            "id",
            "encounter_id",
            "line_no",
            "code",
            "modifier1",
            "modifier2",
            "modifier3",
            "modifier4",
            "units",
            "amount",
            "dx_pointers",
            "ndc",
        ),
    ),
    (
        "claim",
        (
            "id",
            "claim_no",
            "encounter_id",
            "patient_id",
            "coverage_id",
            "payer_id",
            "frequency",
            "original_payer_claim_no",
            "payer_claim_no",
            "status",
            "total_charge",
            "created_on",
            "submitted_on",
            "hold_reason",
        ),
    ),
    (
        "claim_line",
        (
            "id",
            "claim_id",
            "charge_id",
            "line_no",
            "code",
            "modifiers",
            "units",
            "amount",
            "dx_pointers",
        ),
    ),
    ("claim_event", ("id", "claim_id", "at", "actor", "from_status", "to_status", "detail")),
    (
        "remittance",
        (
            "id",
            "payer_id",
            "trace_no",
            "method",
            "amount",
            "paid_on",
            "raw",
            "imported_at",
            "imported_by",
        ),
    ),
    (
        "claim_payment",
        (
            "id",
            "remittance_id",
            "claim_id",
            "patient_control_no",
            "status_code",
            "charge",
            "paid",
            "patient_responsibility",
            "payer_claim_no",
        ),
    ),
    (
        "service_payment",
        ("id", "claim_payment_id", "claim_line_id", "code", "charge", "paid", "units"),
    ),
    (
        "adjustment",
        ("id", "claim_payment_id", "service_payment_id", "group_code", "carc", "amount"),
    ),
    ("remark", ("id", "claim_payment_id", "code")),
    (
        "ledger_entry",
        (
            "id",
            "patient_id",
            "encounter_id",
            "claim_id",
            "remittance_id",
            "kind",
            "responsibility",
            "amount",
            "service_date",
            "posted_at",
            "posted_by",
            "reverses_id",
            "memo",
        ),
    ),
    (
        "work_item",
        (
            "id",
            "kind",
            "status",
            "claim_id",
            "patient_id",
            "group_code",
            "carc",
            "rarc",
            "amount",
            "opened_on",
            "due_on",
            "owner",
            "lease_until",
            "closed_at",
            "detail",
            "category",
            "action",
            "source",
            "reason",
            "stc_category",
            "stc_status",
        ),
    ),
    ("note", ("id", "entity", "entity_id", "author", "at", "body")),
)
"""Every table the demo fills, in an order that respects foreign keys, with its columns."""

TABLE_NAMES: tuple[str, ...] = tuple(name for name, _ in TABLES)
ID_TABLES: tuple[str, ...] = tuple(name for name, cols in TABLES if cols[0] == "id")


@dataclass(frozen=True, slots=True)
class Batch:
    """Rows for some tables; `done` of `total` encounters have been generated so far."""

    rows: dict[str, list[Row]]
    done: int
    total: int


class Emitter:
    """Collects rows per table, allocates ids and makes timestamps anchored on `today`."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.rand = rng.random
        self.today = today
        self.rows: dict[str, list[Row]] = {name: [] for name in TABLE_NAMES}
        self.id_of: dict[str, Callable[[], int]] = {t: count(1).__next__ for t in ID_TABLES}
        """Per table, a function giving its next id (1, 2, ...); hot paths keep their own."""
        self._midnight: dict[date, datetime] = {}

    def new_id(self, table: str) -> int:
        """The next id of `table` (1, 2, ...)."""
        return self.id_of[table]()

    def take(self) -> dict[str, list[Row]]:
        """Hand over the rows collected so far and start empty lists."""
        rows = {name: got for name, got in self.rows.items() if got}
        self.rows = {name: [] for name in TABLE_NAMES}
        return rows

    def midnight(self, day: date) -> datetime:
        """00:00 UTC of `day`."""
        value = self._midnight.get(day)
        if value is None:
            value = datetime(day.year, day.month, day.day, tzinfo=UTC)
            self._midnight[day] = value
        return value

    def at(self, day: date) -> datetime:
        """A working-hours moment (08:00-18:00 UTC) on `day`."""
        return self.midnight(day) + _WORK_SECONDS[int(self.rand() * 3_600)]

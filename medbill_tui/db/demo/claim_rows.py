"""The rows every demo claim writes, with its clock: claim events, ledger entries, work items,
notes and patient payments (`ClaimRows`, the base of the claim writer), and `EncounterBill`.

Each claim keeps its own clock: timestamps start when the encounter's charges were entered and
move forward a little with each row written on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from medbill_tui.db.demo.codes import PATIENT_PAYMENT_MEMOS
from medbill_tui.db.demo.people import PatientInfo
from medbill_tui.db.demo.reference import PAYERS
from medbill_tui.db.demo.state import DAY_DELTAS, DEMO_ACTOR, Emitter, between, pick
from medbill_tui.db.shipped_data import shipped_denial_rules
from medbill_tui.domain.routing import DenialFacts

ZERO = Decimal("0.00")
ONE = Decimal("1")
STEP = timedelta(seconds=20)
PAY_AMOUNTS = tuple(Decimal(f"{n}.00") for n in (10, 20, 25, 40, 50))


class RejectionColumns(NamedTuple):
    """A rejection's facts in the order of the demo's work_item columns after `action`."""

    source: str | None = None
    reason: str | None = None
    stc_category: str | None = None
    stc_status: str | None = None


NO_FACTS = RejectionColumns()


@dataclass(slots=True)
class EncounterBill:
    """A billed encounter handed to the claim writer."""

    id: int
    patient: PatientInfo
    dos: date
    created: date
    entered_at: datetime  # when the encounter's charges were entered
    total: Decimal
    lines: list[tuple[int, int, str, str, Decimal, str]]  # charge id, no, code, mods, amt, ptrs


class ClaimRows:
    """One claim's rows at a time (state is per claim, reset by `_start`)."""

    def __init__(self, e: Emitter) -> None:
        self.e = e
        self.rand = e.rand
        self.today = e.today
        self.enc: EncounterBill
        self.cid = 0
        self.last = self._at = e.midnight(e.today)
        self.last_day = self._day = e.today
        self.line_ids: list[int] = []
        self._event_id = e.id_of["claim_event"]
        self._ledger_id = e.id_of["ledger_entry"]
        self._line_id = e.id_of["claim_line"]

    def _start(self, enc: EncounterBill, cid: int) -> None:
        """Begin writing for `enc`: its clock starts when its charges were entered."""
        self.enc, self.cid = enc, cid
        self._day, self._at = enc.dos, enc.entered_at
        self.last = enc.entered_at
        self.last_day = enc.created

    # -- small writers -------------------------------------------------------------------
    def moment(self, day: date) -> datetime:
        """A timestamp on `day`; a little after the previous one when `day` is not earlier."""
        self.last_day = max(self.last_day, day)
        if day == self._day:
            self._at += STEP
        elif day > self._day:
            self._day, self._at = day, self.e.at(day)
        else:
            return self.e.at(day)
        return self._at

    def event(self, day: date, old: str | None, new: str, detail: str | None = None) -> None:
        at = self.moment(day)
        if at <= self.last:
            at = self.last + STEP
        self.last = at
        rows = self.e.rows["claim_event"]
        rows.append((self._event_id(), self.cid, at, DEMO_ACTOR, old, new, detail))

    def ledger(
        self,
        kind: str,
        resp: str,
        amount: Decimal,
        day: date,
        rid: int | None = None,
        memo: str | None = None,
    ) -> None:
        enc = self.enc
        self.e.rows["ledger_entry"].append(
            (
                self._ledger_id(),
                enc.patient.id,
                enc.id,
                self.cid or None,
                rid,
                kind,
                resp,
                amount,
                enc.dos,
                self.moment(day),
                DEMO_ACTOR,
                None,
                memo,
            )
        )

    def patient_pays(self, owed: Decimal, day: date) -> Decimal:
        """Maybe a patient payment some days after `day`; returns the amount paid."""
        if owed <= ZERO:
            return ZERO
        rand = self.rand
        when = day + DAY_DELTAS[between(rand, 5, 45)]
        r = rand()
        if when > self.today or r >= 0.8:
            return ZERO
        amount = owed if r < 0.6 else min(owed, pick(rand, PAY_AMOUNTS))
        self.ledger("payment", "patient", -amount, when, None, pick(rand, PATIENT_PAYMENT_MEMOS))
        return amount

    def work_item(
        self,
        kind: str,
        group: str | None,
        carc: str | None,
        rarc: str | None,
        amount: Decimal,
        opened: date,
        done_on: date | None = None,
        detail: str | None = None,
        facts: RejectionColumns | None = None,
    ) -> int:
        wid = self.e.new_id("work_item")
        due = opened + timedelta(days={"denial": 60, "rejection": 7}.get(kind, 14))
        category = action = None
        if kind == "denial":  # routed by the shipped rules, as posting an 835 would
            payer = PAYERS[self.enc.patient.primary_payer].code
            route = shipped_denial_rules().route(
                DenialFacts(group or "", carc or "", rarc or "", amount, payer)
            )
            category, action, due = route.category, route.action, route.due_on(opened)
        closed = self.moment(done_on) if done_on else None
        self.e.rows["work_item"].append(
            (
                wid,
                kind,
                "done" if done_on else "open",
                self.cid,
                self.enc.patient.id,
                group,
                carc,
                rarc or None,
                amount,
                opened,
                due,
                DEMO_ACTOR if done_on else None,
                None,
                closed,
                detail,
                category,
                action,
                *(facts or NO_FACTS),
            )
        )
        return wid

    def note(self, wid: int, day: date, body: str) -> None:
        self.e.rows["note"].append(
            (self.e.new_id("note"), "work_item", wid, DEMO_ACTOR, self.moment(day), body)
        )

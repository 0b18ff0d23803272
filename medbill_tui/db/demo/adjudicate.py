"""A billed encounter's life: its claim, the claim's states, remittances and the ledger.

Everything is dated relative to `today`: a claim only gets as far as its timeline has reached.
Amounts balance exactly: per claim payment and per line, charge - adjustments = paid, and the
ledger of a closed claim sums to 0.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from medbill_tui.db.demo.codes import (
    DENIALS,
    EM_CODES,
    HOLD_REASONS,
    LINE_DENIALS,
    PATIENT_PAYMENT_MEMOS,
    PREVENTIVE,
)
from medbill_tui.db.demo.people import PatientInfo
from medbill_tui.db.demo.reference import PAYERS, Reference, money
from medbill_tui.db.demo.remits import Remits, payday
from medbill_tui.db.demo.state import (
    DAY_DELTAS,
    DEMO_ACTOR,
    Emitter,
    between,
    cumulative,
    pick,
    weighted,
)
from medbill_tui.denial_rules import default_rules
from medbill_tui.domain.routing import DenialFacts

ZERO = Decimal("0.00")
ONE = Decimal("1")
STEP = timedelta(seconds=20)
SEQUESTRATION = Decimal("0.02")
DENIAL_CUM = cumulative([d[3] for d in DENIALS])
SEND_LAGS = (0, 0, 0, 1, 1, 2)
PAY_AMOUNTS = tuple(Decimal(f"{n}.00") for n in (10, 20, 25, 40, 50))
REJECT_999 = ("IK3: subscriber loop segment error", "IK4: invalid date in DTP03")
REJECT_277 = ("A7:21 missing or invalid information", "A6:496 subscriber not found",
              "A7:453 invalid diagnosis pointer")  # fmt: skip


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


class ClaimWriter:
    """Writes one claim's rows at a time (state is per claim, reset by `bill`)."""

    def __init__(self, e: Emitter, ref: Reference, remits: Remits) -> None:
        self.e = e
        self.rand = e.rand
        self.today = e.today
        self.ref = ref
        self.remits = remits
        self.icn = 0
        self._icn_prefix: dict[date, str] = {}
        self.enc: EncounterBill
        self.cid = 0
        self.last = self._at = e.midnight(e.today)
        self.last_day = self._day = e.today
        self.line_ids: list[int] = []
        self._event_id = e.id_of["claim_event"]
        self._ledger_id = e.id_of["ledger_entry"]
        self._adjustment_id = e.id_of["adjustment"]
        self._service_id = e.id_of["service_payment"]
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

    def ledger(self, kind: str, resp: str, amount: Decimal, day: date,
               rid: int | None = None, memo: str | None = None) -> None:  # fmt: skip
        enc = self.enc
        self.e.rows["ledger_entry"].append(
            (self._ledger_id(), enc.patient.id, enc.id, self.cid or None, rid, kind,
             resp, amount, enc.dos, self.moment(day), DEMO_ACTOR, None, memo)
        )  # fmt: skip

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

    def work_item(self, kind: str, group: str | None, carc: str | None, rarc: str | None,
                  amount: Decimal, opened: date, done_on: date | None = None,
                  detail: str | None = None) -> int:  # fmt: skip
        wid = self.e.new_id("work_item")
        due = opened + timedelta(days={"denial": 60, "rejection": 7}.get(kind, 14))
        category = action = None
        if kind == "denial":  # routed by the shipped rules, as posting an 835 would
            payer = PAYERS[self.enc.patient.primary_payer].code
            route = default_rules().route(DenialFacts(group or "", carc or "", rarc or "",
                                                      amount, payer))  # fmt: skip
            category, action, due = route.category, route.action, route.due_on(opened)
        closed = self.moment(done_on) if done_on else None
        self.e.rows["work_item"].append(
            (wid, kind, "done" if done_on else "open", self.cid, self.enc.patient.id, group, carc,
             rarc or None, amount, opened, due, DEMO_ACTOR if done_on else None, None, closed,
             detail, category, action)
        )  # fmt: skip
        return wid

    def note(self, wid: int, day: date, body: str) -> None:
        self.e.rows["note"].append(
            (self.e.new_id("note"), "work_item", wid, DEMO_ACTOR, self.moment(day), body)
        )

    def worked_on(self, opened: date) -> date | None:
        """When a denial opened on `opened` was worked, or None while it is still open."""
        age = (self.today - opened).days
        chance = 0.3 if age > 45 else (0.15 if age > 20 else 0.05)
        if self.rand() >= chance:
            return None
        day = opened + DAY_DELTAS[between(self.rand, 2, 25)]
        return day if day <= self.today else None

    # -- self-pay ------------------------------------------------------------------------
    def self_pay(self, enc: EncounterBill) -> None:
        """Bill the patient directly: charge, self-pay discount, maybe payments."""
        self._start(enc, 0)
        self.ledger("charge", "patient", enc.total, enc.created)
        discount = money(enc.total * Decimal("0.30"))
        self.ledger("adjustment", "patient", -discount, enc.created, None, "Self-pay discount")
        owed = enc.total - discount
        paid = self.patient_pays(owed, enc.created)
        if paid < owed and self.rand() < 0.3:
            self.patient_pays(owed - paid, enc.created + timedelta(days=30))

    # -- claims --------------------------------------------------------------------------
    def bill(self, enc: EncounterBill) -> None:
        """Create the claim for `enc` and play its life forward to `today`."""
        e, rand = self.e, self.rand
        cid = e.new_id("claim")
        self._start(enc, cid)
        self.line_ids = []
        for charge_id, line_no, code, mods, amount, pointers in enc.lines:
            lid = self._line_id()
            self.line_ids.append(lid)
            e.rows["claim_line"].append((lid, cid, charge_id, line_no, code, mods, ONE, amount,
                                         pointers))  # fmt: skip
        self.event(enc.created, None, "ready", f"created from encounter {enc.id}")
        self.ledger("charge", "primary", enc.total, enc.created, None, f"claim C{100000 + cid}")
        status, submitted, hold, icn = self._life()
        if status in ("submitted", "accepted_999", "acknowledged_277ca") and submitted:
            waiting = (self.today - submitted).days
            if waiting > 30 and rand() < 0.7:
                self.work_item("followup", None, None, None, enc.total,
                               submitted + timedelta(days=30))  # fmt: skip
        p = enc.patient
        e.rows["claim"].append((cid, f"C{100000 + cid}", enc.id, p.id, p.primary,
                                p.primary_payer + 1, "1", None, icn, status, enc.total,
                                enc.created, submitted, hold))  # fmt: skip

    def _life(self) -> tuple[str, date | None, str | None, str | None]:
        """Walk the claim's states up to today: (status, submitted_on, hold_reason, icn)."""
        rand, today, enc = self.rand, self.today, self.enc
        if rand() < 0.015:
            reason = pick(rand, HOLD_REASONS)
            self.event(enc.created, "ready", "hold", reason)
            return "hold", None, reason, None
        sent = enc.created + DAY_DELTAS[pick(rand, SEND_LAGS)]
        if sent > today:
            return "ready", None, None, None
        self.event(sent, "ready", "submitted", "Sent in an 837P batch")
        for attempt in (0, 1):
            ack = sent + DAY_DELTAS[1]
            if ack > today:
                return "submitted", sent, None, None
            rejected = attempt == 0 and rand() < 0.015
            if not rejected:
                self.event(ack, "submitted", "accepted_999")
                ack = ack + DAY_DELTAS[between(rand, 0, 2)]
                if ack > today:
                    return "accepted_999", sent, None, None
                rejected = attempt == 0 and rand() < 0.03
                old = "accepted_999"
                new = "rejected_277ca" if rejected else "acknowledged_277ca"
                why = pick(rand, REJECT_277) if rejected else None
                self.event(ack, old, new, why)
            else:
                new = "rejected_999"
                why = pick(rand, REJECT_999)
                self.event(ack, "submitted", new, why)
            if rejected:
                fixed = ack + DAY_DELTAS[between(rand, 2, 20)]
                if fixed > today or rand() < 0.15:
                    self._rejection(ack, new, why or "")
                    return new, sent, None, None
                self.event(fixed, new, "ready", "Corrected")
                self.event(fixed, "ready", "submitted", "Resubmitted in an 837P batch")
                sent = fixed
                continue
            if rand() < 0.03:
                return "acknowledged_277ca", sent, None, None  # lost at the payer
            payer = PAYERS[enc.patient.primary_payer]
            paid_on = payday(ack + DAY_DELTAS[between(rand, payer.min_days, payer.max_days)],
                             payer.payday)  # fmt: skip
            if paid_on > today:
                return "acknowledged_277ca", sent, None, None
            status, icn = self._adjudicate(paid_on)
            return status, sent, None, icn
        raise AssertionError("unreachable")  # pragma: no cover

    def _rejection(self, day: date, status: str, why: str) -> None:
        """The open rejection work item, worded as importing the 999 or 277CA words it."""
        if status == "rejected_999":
            detail = f"999 rejected the file: {why}"
        else:
            code, _, words = why.partition(" ")
            detail = f"277CA rejected it ({code}): {words}"
        self.work_item("rejection", None, None, None, self.enc.total, day, detail=detail)

    def _new_icn(self, payer: int, day: date) -> str:
        """A payer's internal control number: year, day of year, payer, counter."""
        self.icn += 1
        prefix = self._icn_prefix.get(day)
        if prefix is None:
            prefix = self._icn_prefix[day] = f"{day:%y}{day.timetuple().tm_yday:03d}"
        return f"{prefix}{payer}{self.icn:08d}"

    def _claim_payment(self, rid: int, status: str, charge: Decimal, paid: Decimal,
                       pr: Decimal, icn: str) -> int:  # fmt: skip
        cp = self.e.new_id("claim_payment")
        self.e.rows["claim_payment"].append(
            (cp, rid, self.cid, f"C{100000 + self.cid}", status, charge, paid, pr, icn)
        )
        self.remits.add(rid, paid)
        return cp

    def _service(self, cp: int, index: int, charge: Decimal, paid: Decimal,
                 adjustments: list[tuple[str, str, Decimal]]) -> None:  # fmt: skip
        e = self.e
        sp = self._service_id()
        code = self.enc.lines[index][2]
        e.rows["service_payment"].append((sp, cp, self.line_ids[index], code, charge, paid, ONE))
        rows = e.rows["adjustment"]
        for group, carc, amount in adjustments:
            rows.append((self._adjustment_id(), cp, sp, group, carc, amount))

    def _remark(self, cp: int, code: str) -> None:
        self.e.rows["remark"].append((self.e.new_id("remark"), cp, code))

    def _adjudicate(self, paid_on: date) -> tuple[str, str]:
        rand, enc = self.rand, self.enc
        payer_i = enc.patient.primary_payer
        payer = PAYERS[payer_i]
        rid = self.remits.get(payer_i, paid_on)
        icn = self._new_icn(payer_i, paid_on)
        r = rand() * 100
        if r < payer.denial_pct:
            return self._denied(rid, icn, paid_on), icn
        denied_line = len(enc.lines) - 1 if len(enc.lines) > 1 and r < payer.denial_pct + 6 else -1
        return self._paid(rid, icn, paid_on, denied_line), icn

    def _denied(self, rid: int, icn: str, paid_on: date) -> str:
        rand, enc = self.rand, self.enc
        group, carc, rarcs, _ = weighted(rand, DENIALS, DENIAL_CUM)
        rarc = pick(rand, rarcs)
        pr = enc.total if group == "PR" else ZERO
        cp = self._claim_payment(rid, "4", enc.total, ZERO, pr, icn)
        for index, line in enumerate(enc.lines):
            self._service(cp, index, line[4], ZERO, [(group, carc, line[4])])
        if rarc:
            self._remark(cp, rarc)
        self.event(paid_on, "acknowledged_277ca", "denied", f"{group}-{carc}")
        done = self.worked_on(paid_on)
        wid = self.work_item("denial", group, carc, rarc, enc.total, paid_on, done)
        if done is None:
            return "denied"
        if group == "PR":
            self.ledger("transfer", "primary", -enc.total, done, None, f"PR-{carc}")
            self.ledger("transfer", "patient", enc.total, done, None, f"PR-{carc}")
            self.note(wid, done, "Plan does not pay this; moved the balance to the patient.")
            if self.patient_pays(enc.total, done) == enc.total:
                self.event(self.last_day, "denied", "closed", "Balance paid")
                return "closed"
            return "denied"
        self.ledger("writeoff", "primary", -enc.total, done, None, f"Denial {group}-{carc}")
        self.note(wid, done, f"Reviewed {group}-{carc}; not worth an appeal, wrote it off.")
        self.event(done, "denied", "closed", "Written off")
        return "closed"

    def _paid(self, rid: int, icn: str, paid_on: date, denied_line: int) -> str:
        rand, enc = self.rand, self.enc
        payer_i = enc.patient.primary_payer
        payer = PAYERS[payer_i]
        allowed_of = self.ref.allowed[payer_i]
        medicare = payer.key == "medicare"
        deductible = rand() < (0.3 if enc.dos.month <= 3 else 0.04)
        coinsurance = medicare or rand() < 0.25
        copay_due = payer.copay > ZERO
        cost_share = payer.key != "medicaid"
        charge_sum = paid_sum = co45 = seq_sum = ZERO
        pr_by: dict[str, Decimal] = {"1": ZERO, "2": ZERO, "3": ZERO}
        line_pr: list[tuple[Decimal, Decimal]] = []  # (pr total, deductible) per line
        line_adjs: list[tuple[int, Decimal, Decimal, list[tuple[str, str, Decimal]]]] = []
        denial = pick(rand, LINE_DENIALS) if denied_line >= 0 else None
        for index, (_, _, code, _, c, _) in enumerate(enc.lines):
            charge_sum += c
            if index == denied_line and denial is not None:
                line_adjs.append((index, c, ZERO, [(denial[0], denial[1], c)]))
                line_pr.append((ZERO, ZERO))
                continue
            allowed = allowed_of[code]
            adjs: list[tuple[str, str, Decimal]] = []
            if c > allowed:
                adjs.append(("CO", "45", c - allowed))
                co45 += c - allowed
            pr, carc = ZERO, ""
            if cost_share and code not in PREVENTIVE:
                if deductible:
                    pr, carc, deductible = allowed, "1", False
                elif copay_due and code in EM_CODES:
                    pr, carc, copay_due = min(payer.copay, allowed), "3", False
                elif coinsurance and payer.coinsurance_pct:
                    pr, carc = money(allowed * payer.coinsurance_pct / 100), "2"
            seq = money((allowed - pr) * SEQUESTRATION) if medicare else ZERO
            if seq:
                adjs.append(("CO", "253", seq))
                seq_sum += seq
            if pr:
                adjs.append(("PR", carc, pr))
                pr_by[carc] += pr
            paid = allowed - pr - seq
            paid_sum += paid
            line_adjs.append((index, c, paid, adjs))
            line_pr.append((pr, pr if carc == "1" else ZERO))
        pr_total = pr_by["1"] + pr_by["2"] + pr_by["3"]
        cp = self._claim_payment(rid, "1", charge_sum, paid_sum, pr_total, icn)
        for index, c, paid, adjs in line_adjs:
            self._service(cp, index, c, paid, adjs)
        p = enc.patient
        if denial is not None and denial[2]:
            self._remark(cp, denial[2])
        if medicare and p.secondary is not None:
            self._remark(cp, "MA18")
        elif medicare and rand() < 0.3:
            self._remark(cp, "MA01")
        status = "partial" if denial is not None else "paid"
        self.event(paid_on, "acknowledged_277ca", status)
        if paid_sum:
            self.ledger("payment", "primary", -paid_sum, paid_on, rid)
        if co45:
            self.ledger("adjustment", "primary", -co45, paid_on, rid, "CO-45")
        if seq_sum:
            self.ledger("adjustment", "primary", -seq_sum, paid_on, rid, "CO-253")
        owed_by = "secondary" if p.secondary is not None else "patient"
        for carc, amount in pr_by.items():
            if amount:
                self.ledger("transfer", "primary", -amount, paid_on, rid, f"PR-{carc}")
                self.ledger("transfer", owed_by, amount, paid_on, rid, f"PR-{carc}")
        balance = ZERO
        patient_owed, patient_from = pr_total, paid_on
        if owed_by == "secondary" and pr_total:
            patient_owed, patient_from, secondary_left = self._secondary(paid_on, line_pr)
            balance += secondary_left
        balance += patient_owed - self.patient_pays(patient_owed, patient_from)
        if denial is not None:
            c = enc.lines[denied_line][4]
            done = self.worked_on(paid_on)
            wid = self.work_item("denial", denial[0], denial[1], denial[2], c, paid_on, done)
            if done is None:
                balance += c
            else:
                self.ledger(
                    "writeoff", "primary", -c, done, None, f"Denial {denial[0]}-{denial[1]}"
                )
                self.note(wid, done, "Line denial reviewed; wrote off the denied line.")
        if balance == ZERO:
            self.event(self.last_day, status, "closed", "Balance is zero")
            return "closed"
        return status

    def _secondary(
        self, paid_on: date, line_pr: list[tuple[Decimal, Decimal]]
    ) -> tuple[Decimal, date, Decimal]:
        """Crossover to the secondary payer: (patient owes, since, still owed by secondary)."""
        rand, enc = self.rand, self.enc
        sec_i = enc.patient.secondary_payer
        sec = PAYERS[sec_i]
        pr_total = sum((pr for pr, _ in line_pr), ZERO)
        day = payday(paid_on + DAY_DELTAS[between(rand, sec.min_days, sec.max_days)], sec.payday)
        if day > self.today or rand() < 0.12:
            return ZERO, paid_on, pr_total
        full = rand() < 0.7
        rid = self.remits.get(sec_i, day)
        pays = [(i, pr, pr if full else pr - ded) for i, (pr, ded) in enumerate(line_pr) if pr]
        charge = sum((enc.lines[i][4] for i, _, _ in pays), ZERO)
        paid = sum((s for _, _, s in pays), ZERO)
        cp = self._claim_payment(rid, "2", charge, paid, pr_total - paid,
                                 self._new_icn(sec_i, day))  # fmt: skip
        for index, pr, s in pays:
            c = enc.lines[index][4]
            adjs = [("OI", "23", c - pr)] if c > pr else []
            if pr > s:
                adjs.append(("PR", "1", pr - s))
            self._service(cp, index, c, s, adjs)
        if paid:
            self.ledger("payment", "secondary", -paid, day, rid)
        left = pr_total - paid
        if left:
            self.ledger("transfer", "secondary", -left, day, rid, "PR-1")
            self.ledger("transfer", "patient", left, day, rid, "PR-1")
        return left, day, ZERO

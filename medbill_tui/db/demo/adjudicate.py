"""The demo payer's answer to a claim: its 835 claim and service payments, adjustments and
remarks, denials (and whether a biller has worked them yet), the ledger entries posting them
makes, and the crossover to a secondary payer.

Amounts balance exactly: per claim payment and per line, charge - adjustments = paid, and the
ledger of a closed claim sums to 0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from medbill_tui.db.demo.claim_rows import ONE, ZERO, ClaimRows
from medbill_tui.db.demo.codes import DENIALS, EM_CODES, LINE_DENIALS, PREVENTIVE
from medbill_tui.db.demo.reference import PAYERS, Reference, money
from medbill_tui.db.demo.remits import Remits, payday
from medbill_tui.db.demo.state import DAY_DELTAS, Emitter, between, cumulative, pick, weighted

SEQUESTRATION = Decimal("0.02")
DENIAL_CUM = cumulative([d[3] for d in DENIALS])


class Adjudicator(ClaimRows):
    """Adjudicates the current claim at its primary payer (and its secondary's crossover)."""

    def __init__(self, e: Emitter, ref: Reference, remits: Remits) -> None:
        super().__init__(e)
        self.ref = ref
        self.remits = remits
        self.icn = 0
        self._icn_prefix: dict[date, str] = {}
        self._adjustment_id = e.id_of["adjustment"]
        self._service_id = e.id_of["service_payment"]

    def worked_on(self, opened: date) -> date | None:
        """When a denial opened on `opened` was worked, or None while it is still open."""
        age = (self.today - opened).days
        chance = 0.3 if age > 45 else (0.15 if age > 20 else 0.05)
        if self.rand() >= chance:
            return None
        day = opened + DAY_DELTAS[between(self.rand, 2, 25)]
        return day if day <= self.today else None

    def _new_icn(self, payer: int, day: date) -> str:
        """A payer's internal control number: year, day of year, payer, counter."""
        self.icn += 1
        prefix = self._icn_prefix.get(day)
        if prefix is None:
            prefix = self._icn_prefix[day] = f"{day:%y}{day.timetuple().tm_yday:03d}"
        return f"{prefix}{payer}{self.icn:08d}"

    def _claim_payment(
        self, rid: int, status: str, charge: Decimal, paid: Decimal, pr: Decimal, icn: str
    ) -> int:
        cp = self.e.new_id("claim_payment")
        self.e.rows["claim_payment"].append(
            (cp, rid, self.cid, f"C{100000 + self.cid}", status, charge, paid, pr, icn)
        )
        self.remits.add(rid, paid)
        return cp

    def _service(
        self,
        cp: int,
        index: int,
        charge: Decimal,
        paid: Decimal,
        adjustments: list[tuple[str, str, Decimal]],
    ) -> None:
        e = self.e
        sp = self._service_id()
        code = self.enc.lines[index][2]
        e.rows["service_payment"].append((sp, cp, self.line_ids[index], code, charge, paid, ONE))
        rows = e.rows["adjustment"]
        for group, carc, amount in adjustments:
            rows.append((self._adjustment_id(), cp, sp, group, carc, amount))

    def _remark(self, cp: int, code: str) -> None:
        self.e.rows["remark"].append((self.e.new_id("remark"), cp, code))

    def adjudicate(self, paid_on: date) -> tuple[str, str]:
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
        cp = self._claim_payment(rid, "2", charge, paid, pr_total - paid, self._new_icn(sec_i, day))
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

"""A billed encounter's life: its claim and the claim's states up to `today` (sent, 999 and
277CA acknowledgments, rejections and resubmissions, adjudication), or self-pay billing.

Everything is dated relative to `today`: a claim only gets as far as its timeline has reached.
`ClaimWriter` is what `generate` uses; the payer's side is `adjudicate.Adjudicator`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from medbill_tui.db.demo.adjudicate import Adjudicator
from medbill_tui.db.demo.claim_rows import ONE, EncounterBill, RejectionColumns
from medbill_tui.db.demo.codes import HOLD_REASONS
from medbill_tui.db.demo.reference import PAYERS, money
from medbill_tui.db.demo.remits import payday
from medbill_tui.db.demo.state import DAY_DELTAS, between, pick

SEND_LAGS = (0, 0, 0, 1, 1, 2)
REJECT_999 = ("IK3: subscriber loop segment error", "IK4: invalid date in DTP03")
REJECT_277 = (
    "A7:21 missing or invalid information",
    "A6:496 submitter not approved for this payer",
    "A7:453 invalid procedure code modifier",
)


class ClaimWriter(Adjudicator):
    """Writes one claim's rows at a time (state is per claim, reset by `bill`)."""

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
            e.rows["claim_line"].append(
                (lid, cid, charge_id, line_no, code, mods, ONE, amount, pointers)
            )
        self.event(enc.created, None, "ready", f"created from encounter {enc.id}")
        self.ledger("charge", "primary", enc.total, enc.created, None, f"claim C{100000 + cid}")
        status, submitted, hold, icn = self._life()
        if status in ("submitted", "accepted_999", "acknowledged_277ca") and submitted:
            waiting = (self.today - submitted).days
            if waiting > 30 and rand() < 0.7:
                self.work_item(
                    "followup", None, None, None, enc.total, submitted + timedelta(days=30)
                )
        p = enc.patient
        e.rows["claim"].append(
            (
                cid,
                f"C{100000 + cid}",
                enc.id,
                p.id,
                p.primary,
                p.primary_payer + 1,
                "1",
                None,
                icn,
                status,
                enc.total,
                enc.created,
                submitted,
                hold,
            )
        )

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
            paid_on = payday(
                ack + DAY_DELTAS[between(rand, payer.min_days, payer.max_days)], payer.payday
            )
            if paid_on > today:
                return "acknowledged_277ca", sent, None, None
            status, icn = self.adjudicate(paid_on)
            return status, sent, None, icn
        raise AssertionError("unreachable")  # pragma: no cover

    def _rejection(self, day: date, status: str, why: str) -> None:
        """The open rejection work item, as importing the 999 or 277CA opens it: its facts in
        columns, its detail worded the same way."""
        if status == "rejected_999":
            facts = RejectionColumns("999", why)
            detail = f"999 rejected the file: {why}"
        else:
            code, _, words = why.partition(" ")
            category, _, stc_status = code.partition(":")
            facts = RejectionColumns("277CA", words, category, stc_status)
            detail = f"277CA rejected it ({code}): {words}"
        self.work_item(
            "rejection", None, None, None, self.enc.total, day, detail=detail, facts=facts
        )

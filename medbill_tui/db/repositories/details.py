"""Read-only detail views of an encounter, a claim and an account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import CORRECTABLE_SQL
from medbill_tui.db.repositories.errors import RecordNotFound as RecordNotFound
from medbill_tui.db.repositories.queues import QueueRepository
from medbill_tui.domain.claim_state import LABELS, ClaimStatus
from medbill_tui.domain.money import ZERO, fmt_money
from medbill_tui.edi.codelists import carc_words
from medbill_tui.records.detail import (
    AccountClaimRow,
    AccountDetail,
    AccountEncounterRow,
    ChainLink,
    ClaimDetail,
    DiagnosisLine,
    EncounterDetail,
    HistoryLine,
    LedgerLine,
    PatientHeader,
    PaymentLine,
    ServiceLine,
)


def _service_line(r: Any) -> ServiceLine:
    """A charge or claim line row (line_no, code, label, modifiers, units, amount, pointers)."""
    return ServiceLine(
        line_no=r.line_no,
        code=r.code,
        label=r.label,
        modifiers=r.modifiers,
        units=Decimal(r.units),
        amount=Decimal(r.amount),
        dx_pointers=r.dx_pointers,
    )


class DetailRepository:
    """Loads the records behind the read-only detail screens."""

    def __init__(self, conn: Connection, today: date) -> None:
        self.conn = conn
        self.today = today

    def _one(self, sql: str, **params: Any) -> Any:
        row = self.conn.execute(text(sql), params).one_or_none()
        return row

    def patient_header(self, patient_id: int) -> PatientHeader:
        r = self._one(
            "SELECT id, account_no, last_name || ', ' || first_name AS name, dob, sex "
            "FROM patient WHERE id = :id",
            id=patient_id,
        )
        if r is None:
            raise RecordNotFound(f"patient {patient_id} does not exist")
        return PatientHeader(
            patient_id=r.id, account_no=r.account_no, name=r.name, dob=r.dob, sex=r.sex
        )

    def diagnoses(self, encounter_id: int) -> tuple[DiagnosisLine, ...]:
        rows = self.conn.execute(
            text("SELECT seq, code FROM encounter_diagnosis WHERE encounter_id = :id ORDER BY seq"),
            {"id": encounter_id},
        ).all()
        return tuple(DiagnosisLine(seq=r.seq, code=r.code) for r in rows)

    def encounter(self, encounter_id: int) -> EncounterDetail:
        e = self._one(
            """SELECT e.id, e.patient_id, e.dos, e.pos, e.status,
                      pr.last_name || ', ' || pr.first_name AS provider, pr.npi,
                      py.name AS payer, cv.member_id
               FROM encounter e JOIN provider pr ON pr.id = e.provider_id
               LEFT JOIN coverage cv ON cv.id = e.coverage_id
               LEFT JOIN payer py ON py.id = cv.payer_id
               WHERE e.id = :id""",
            id=encounter_id,
        )
        if e is None:
            raise RecordNotFound(f"encounter {encounter_id} does not exist")
        lines = self.conn.execute(
            text(
                """SELECT c.line_no, c.code, coalesce(pc.label, '') AS label,
                          concat_ws(':', c.modifier1, c.modifier2, c.modifier3, c.modifier4)
                            AS modifiers,
                          c.units, c.amount, c.dx_pointers
                   FROM charge c LEFT JOIN procedure_code pc ON pc.code = c.code
                   WHERE c.encounter_id = :id ORDER BY c.line_no"""
            ),
            {"id": encounter_id},
        ).all()
        ledger = self._ledger("encounter_id", encounter_id)
        claims = self.conn.execute(
            text("SELECT id FROM claim WHERE encounter_id = :id ORDER BY id"), {"id": encounter_id}
        ).scalars()
        return EncounterDetail(
            encounter_id=e.id,
            patient=self.patient_header(e.patient_id),
            dos=e.dos,
            pos=e.pos,
            status=e.status,
            provider_name=e.provider,
            provider_npi=e.npi,
            payer_name=e.payer,
            member_id=e.member_id,
            diagnoses=self.diagnoses(encounter_id),
            lines=tuple(_service_line(r) for r in lines),
            ledger=ledger,
            claim_ids=tuple(int(c) for c in claims),
            balance=sum((line.amount for line in ledger), ZERO),
        )

    def _ledger(self, column: str, value: int) -> tuple[LedgerLine, ...]:
        rows = self.conn.execute(
            text(
                f"SELECT posted_at, kind, responsibility, amount, memo FROM ledger_entry "
                f"WHERE {column} = :v ORDER BY posted_at, id"
            ),
            {"v": value},
        ).all()
        return tuple(
            LedgerLine(
                posted_at=r.posted_at,
                kind=r.kind,
                responsibility=r.responsibility,
                amount=Decimal(r.amount),
                memo=r.memo,
            )
            for r in rows
        )

    def claim(self, claim_id: int) -> ClaimDetail:
        c = self._one(
            """SELECT c.id, c.claim_no, c.encounter_id, c.patient_id, py.name AS payer,
                      cv.member_id, c.status, c.frequency, e.dos, c.created_on, c.submitted_on,
                      c.total_charge, c.payer_claim_no,
                      (SELECT o.claim_no FROM claim o WHERE o.id = c.replaces_claim_id)
                        AS replaces
               FROM claim c JOIN payer py ON py.id = c.payer_id
               JOIN coverage cv ON cv.id = c.coverage_id
               JOIN encounter e ON e.id = c.encounter_id
               WHERE c.id = :id""",
            id=claim_id,
        )
        if c is None:
            raise RecordNotFound(f"claim {claim_id} does not exist")
        lines = self.conn.execute(
            text(
                """SELECT l.line_no, l.code, coalesce(pc.label, '') AS label, l.modifiers,
                          l.units, l.amount, l.dx_pointers
                   FROM claim_line l LEFT JOIN procedure_code pc ON pc.code = l.code
                   WHERE l.claim_id = :id ORDER BY l.line_no"""
            ),
            {"id": claim_id},
        ).all()
        ledger = self._ledger("claim_id", claim_id)
        return ClaimDetail(
            claim_id=c.id,
            claim_no=c.claim_no,
            encounter_id=c.encounter_id,
            patient=self.patient_header(c.patient_id),
            payer_name=c.payer,
            member_id=c.member_id,
            status=c.status,
            status_label=LABELS[ClaimStatus(c.status)],
            frequency=c.frequency,
            dos=c.dos,
            created_on=c.created_on,
            submitted_on=c.submitted_on,
            total_charge=Decimal(c.total_charge),
            diagnoses=self.diagnoses(c.encounter_id),
            lines=tuple(_service_line(r) for r in lines),
            payments=self._payments(claim_id),
            history=self._history(claim_id),
            open_denials=self._open_denials(claim_id),
            balance=sum((line.amount for line in ledger), ZERO),
            payer_claim_no=c.payer_claim_no,
            replaces=c.replaces or "",
            replaced_by=self._replaced_by(claim_id),
        )

    def _replaced_by(self, claim_id: int) -> tuple[ChainLink, ...]:
        rows = self.conn.execute(
            text(
                "SELECT claim_no, frequency, status FROM claim WHERE replaces_claim_id = :id "
                "ORDER BY id"
            ),
            {"id": claim_id},
        ).all()
        return tuple(
            ChainLink(r.claim_no, r.frequency, LABELS[ClaimStatus(r.status)]) for r in rows
        )

    def _payments(self, claim_id: int) -> tuple[PaymentLine, ...]:
        rows = self.conn.execute(
            text(
                """SELECT cp.id, r.paid_on, py.name AS payer, r.trace_no, cp.status_code,
                          cp.charge, cp.paid, cp.patient_responsibility,
                          coalesce((SELECT string_agg(a.group_code || '-' || a.carc || ' '
                                       || a.amount::text, '|' ORDER BY a.id)
                                    FROM adjustment a WHERE a.claim_payment_id = cp.id), '')
                            AS adjustments
                   FROM claim_payment cp JOIN remittance r ON r.id = cp.remittance_id
                   JOIN payer py ON py.id = r.payer_id
                   WHERE cp.claim_id = :id ORDER BY r.paid_on, cp.id"""
            ),
            {"id": claim_id},
        ).all()
        return tuple(
            PaymentLine(
                paid_on=r.paid_on,
                payer_name=r.payer,
                trace_no=r.trace_no,
                status_code=r.status_code,
                charge=Decimal(r.charge),
                paid=Decimal(r.paid),
                patient_responsibility=Decimal(r.patient_responsibility),
                adjustments=tuple(a for a in r.adjustments.split("|") if a),
            )
            for r in rows
        )

    def _history(self, claim_id: int) -> tuple[HistoryLine, ...]:
        rows = self.conn.execute(
            text(
                "SELECT at, actor, from_status, to_status, detail FROM claim_event "
                "WHERE claim_id = :id ORDER BY at, id"
            ),
            {"id": claim_id},
        ).all()
        out = []
        for r in rows:
            target = LABELS.get(ClaimStatus(r.to_status), r.to_status)
            words = (
                f"{r.from_status or 'new'} -> {target}" if r.from_status else f"created as {target}"
            )
            if r.detail:
                words += f": {r.detail}"
            out.append(HistoryLine(at=r.at, actor=r.actor, text=words))
        return tuple(out)

    def _open_denials(self, claim_id: int) -> tuple[str, ...]:
        rows = self.conn.execute(
            text(
                """SELECT coalesce(w.group_code, '') || '-' || coalesce(w.carc, '') AS code,
                          coalesce(w.carc, '') AS carc, ca.description AS words, w.amount
                   FROM work_item w LEFT JOIN carc ca ON ca.code = w.carc
                   WHERE w.claim_id = :id AND w.kind = 'denial' AND w.status = 'open'
                   ORDER BY w.id"""
            ),
            {"id": claim_id},
        ).all()
        return tuple(
            f"{r.code} {carc_words(r.carc, r.words)} ({fmt_money(Decimal(r.amount))})" for r in rows
        )

    def account(self, patient_id: int) -> AccountDetail:
        header = self.patient_header(patient_id)
        addr = self._one(
            "SELECT address1 || ', ' || city || ', ' || state || ' ' || zip AS a FROM patient "
            "WHERE id = :id",
            id=patient_id,
        )
        balances = QueueRepository(self.conn, self.today).account_balances(patient_id)
        rows = self.conn.execute(
            text(
                f"""SELECT encounter.id, encounter.dos, encounter.status,
                     coalesce((SELECT sum(amount) FROM charge c
                               WHERE c.encounter_id = encounter.id), 0) AS charges,
                     coalesce((SELECT sum(amount) FROM ledger_entry le
                               WHERE le.encounter_id = encounter.id), 0) AS balance,
                     encounter.status IN ('unbilled', 'hold') OR {CORRECTABLE_SQL} AS editable
                   FROM encounter WHERE encounter.patient_id = :id
                   ORDER BY encounter.dos DESC, encounter.id DESC"""
            ),
            {"id": patient_id},
        ).all()
        return AccountDetail(
            patient=header,
            address=addr.a if addr else "",
            balances=balances,
            encounters=tuple(
                AccountEncounterRow(
                    encounter_id=r.id,
                    dos=r.dos,
                    status=r.status,
                    charges=Decimal(r.charges),
                    balance=Decimal(r.balance),
                    editable=bool(r.editable),
                )
                for r in rows
            ),
            claims=self.account_claims(patient_id),
        )

    def account_claims(self, patient_id: int) -> tuple[AccountClaimRow, ...]:
        """Every claim of the patient's visits, newest first, with what is owed on each."""
        rows = self.conn.execute(
            text(
                """SELECT c.id, c.claim_no, c.encounter_id, py.name AS payer, c.status,
                     c.total_charge,
                     coalesce((SELECT sum(amount) FROM ledger_entry le
                               WHERE le.claim_id = c.id), 0) AS balance
                   FROM claim c JOIN payer py ON py.id = c.payer_id
                   WHERE c.patient_id = :id ORDER BY c.id DESC"""
            ),
            {"id": patient_id},
        ).all()
        return tuple(
            AccountClaimRow(
                claim_id=r.id,
                claim_no=r.claim_no,
                encounter_id=r.encounter_id,
                payer_name=r.payer,
                status_label=LABELS[ClaimStatus(r.status)],
                amount=Decimal(r.total_charge),
                balance=Decimal(r.balance),
            )
            for r in rows
        )

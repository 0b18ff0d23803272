"""ADT^A04/A08: the patient (PID), their guarantor (GT1) and their plans (IN1/IN2).

A guarantor the EHR names but we do not know is registered from GT1 (matched first by the
EHR's id, then by name and birth date); a known one is used as is, since GT1 is usually
thinner than the person's own registration. An A08 carrying IN1 segments is the whole list
of the patient's plans: a plan it leaves out ends the day before the message (never
deleted: claims still refer to it). An A08 without IN1 leaves the plans alone, as EHRs
send demographic updates without them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from medbill_tui.db.repositories import hl7 as repo
from medbill_tui.db.repositories import patient_duplicates as dupes
from medbill_tui.db.repositories import patients as patient_repo
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.domain.patient_rules import check_coverage, check_patient
from medbill_tui.edi.hl7_fields import Hl7Refused
from medbill_tui.edi.hl7_insured import Insurance, Person
from medbill_tui.edi.hl7_read import Registration
from medbill_tui.records.forms import CoverageForm, PatientForm
from medbill_tui.runtime.clock import Clock

if TYPE_CHECKING:
    from sqlalchemy import Connection

PID_FIELDS = {
    "first_name": "PID-5.2",
    "last_name": "PID-5.1",
    "dob": "PID-7",
    "sex": "PID-8",
    "address1": "PID-11.1",
    "city": "PID-11.3",
    "state": "PID-11.4",
    "zip": "PID-11.5",
    "phone": "PID-13",
}
GT1_FIELDS = {
    "first_name": "GT1-3.2",
    "last_name": "GT1-3.1",
    "dob": "GT1-8",
    "sex": "GT1-9",
    "address1": "GT1-5.1",
    "city": "GT1-5.3",
    "state": "GT1-5.4",
    "zip": "GT1-5.5",
    "phone": "GT1-6",
}
IN1_FIELDS = {
    "member_id": "IN1-36",
    "effective_from": "IN1-12",
    "effective_to": "IN1-13",
    "subscriber_last_name": "IN1-16",
    "subscriber_dob": "IN1-18",
    "subscriber_sex": "IN1-43",
}


class Registrar:
    """Applies one registration on `conn` for `actor`; blocking."""

    def __init__(self, conn: Connection, clock: Clock, actor: str) -> None:
        self.conn = conn
        self.clock = clock
        self.actor = actor

    def apply(self, msg: Registration) -> int:
        """The patient's id, after the patient, guarantor and plans are saved."""
        facility, data = msg.header.facility, msg.patient
        guarantor = ""
        if msg.guarantor is not None:
            guarantor = self._guarantor(msg, msg.guarantor)
        form = PatientForm(
            data.first_name,
            data.last_name,
            data.dob,
            data.sex,
            data.address1,
            data.city,
            data.state,
            data.zip,
            data.phone,
            guarantor,
        )
        pid = self._save_person(facility, data.ehr_id, form, PID_FIELDS, "PID-3")
        day = msg.header.sent_on or self.clock.today()
        kept = {self._coverage(pid, facility, ins, day) for ins in msg.insurances}
        if msg.header.message_type == "ADT^A08" and msg.insurances:
            priorities = {ins.segment_no for ins in msg.insurances}
            self._end_dropped(pid, msg, kept, priorities, day)
        return pid

    def _save_person(
        self, facility: str, ehr_id: str, form: PatientForm, fields: dict[str, str], id_field: str
    ) -> int:
        """Create or update the person the EHR's id (else name and birth date) points to."""
        checked, errors = check_patient(form, self.clock.today())
        if checked is None:
            first = errors[0]
            raise Hl7Refused("AE", fields.get(first.field, id_field[:3]), first.message)
        pid = repo.patient_for_ehr_id(self.conn, facility, ehr_id) if ehr_id else None
        link = pid is None and bool(ehr_id)
        if pid is None:  # the same name and birth date keyed before: that account, not a new one
            found = dupes.same_name_and_dob(
                self.conn, checked.last_name, checked.first_name, checked.dob, None
            )
            if len(found) > 1:
                accounts = ", ".join(d.account_no for d in found)
                who = ehr_id or f"{checked.first_name} {checked.last_name}"
                raise Hl7Refused(
                    "AE", id_field, f"{who} may be any of {accounts}: merge them first"
                )
            pid = found[0].patient_id if found else None
        if pid is not None:
            current = patient_repo.patient_form(self.conn, pid)
            form = replace(
                form, patient_id=pid, version=current.version, account_no=current.account_no
            )
        try:
            pid, _, _ = patient_repo.save_patient(self.conn, form, checked, self.actor)
        except patient_repo.PatientConflict as exc:
            raise Hl7Refused("AE", id_field[:3], str(exc)) from None
        if link:
            repo.link_patient(self.conn, facility, ehr_id, pid)
        return pid

    def _guarantor(self, msg: Registration, g: Person) -> str:
        """The guarantor's account number, registering them from GT1 when new."""
        facility, patient = msg.header.facility, msg.patient
        if g.ehr_id:
            known = repo.patient_for_ehr_id(self.conn, facility, g.ehr_id)
            if known is not None:
                return repo.account_no(self.conn, known)
        who = g.ehr_id or "the guarantor"
        if not (g.last_name and g.first_name):
            raise Hl7Refused(
                "AE", "GT1-3", f"{who} is not registered and GT1 gives no name: send it or "
                "register the guarantor first"
            )  # fmt: skip
        if not g.dob:
            raise Hl7Refused(
                "AE", "GT1-8", f"{who} is not registered and GT1 gives no birth date: send it "
                "or register the guarantor first"
            )  # fmt: skip
        # a guarantor sent without an address lives at the patient's (a parent, a spouse)
        home = g if g.address1 else patient
        form = PatientForm(
            g.first_name,
            g.last_name,
            g.dob,
            g.sex,
            home.address1,
            home.city,
            home.state,
            home.zip,
            g.phone or patient.phone,
        )
        gid = self._save_person(facility, g.ehr_id, form, GT1_FIELDS, "GT1-2")
        write_note(
            self.conn,
            "patient",
            gid,
            self.actor,
            f"Guarantor of the patient {patient.ehr_id} from {facility} "
            f"(HL7 {msg.header.message_type} {msg.header.control_id}).",
        )
        return repo.account_no(self.conn, gid)

    def _coverage(self, pid: int, facility: str, ins: Insurance, day: date) -> tuple[int, str]:
        """Save one plan unless the patient has it; its (payer id, member id)."""
        where = f"IN1 #{ins.segment_no}"
        code = repo.mapped(self.conn, facility, "payer", ins.plan_code)
        payer_id = None if code is None else repo.payer_by_code(self.conn, code)
        if payer_id is None:
            raise Hl7Refused(
                "AE",
                f"{where} IN1-2",
                f"plan {ins.plan_code} from {facility} is not mapped to a payer: add it with "
                f"`medbill hl7 map {facility} payer {ins.plan_code} PAYER_CODE`",
            )
        key = (payer_id, ins.member_id.upper())
        existing = repo.patient_coverages(self.conn, pid)
        if any((c.payer_id, c.member_id) == key for c in existing):
            return key
        form = CoverageForm(
            pid,
            payer_id,
            ins.member_id,
            ins.group_no,
            ins.relationship,
            str(ins.segment_no),
            ins.effective_from or day.strftime("%m/%d/%Y"),
            ins.effective_to,
            ins.subscriber_first_name,
            ins.subscriber_last_name,
            ins.subscriber_dob,
            ins.subscriber_sex or "U",
        )
        checked, errors = check_coverage(form)
        if checked is None:
            first = errors[0]
            raise Hl7Refused("AE", f"{where} {IN1_FIELDS.get(first.field, 'IN1')}", first.message)
        for old in existing:  # the EHR replaced the plan at this priority: the old one ends
            if old.priority == checked.priority and (
                old.effective_to is None or old.effective_to >= checked.effective_from
            ):
                if old.effective_from >= checked.effective_from:
                    raise Hl7Refused(
                        "AE",
                        f"{where} IN1-12",
                        f"coverage {old.id} at priority {old.priority} starts on or after "
                        "this plan's effective date: end it first",
                    )
                repo.end_coverage(self.conn, old.id, checked.effective_from - timedelta(days=1))
        patient_repo.save_coverage(self.conn, form, checked, self.actor)
        return key

    def _end_dropped(
        self,
        pid: int,
        msg: Registration,
        kept: set[tuple[int, str]],
        priorities: set[int],
        day: date,
    ) -> None:
        """End the plans an A08's IN1 list leaves out (a replaced priority ended above)."""
        last_day = day - timedelta(days=1)
        for old in repo.patient_coverages(self.conn, pid):
            if (old.payer_id, old.member_id) in kept or old.priority in priorities:
                continue
            if old.effective_to is not None and old.effective_to <= last_day:
                continue
            if old.effective_from > last_day:
                raise Hl7Refused(
                    "AE",
                    "IN1",
                    f"coverage {old.id} at priority {old.priority} is not in this A08 but "
                    f"starts on or after {day:%m/%d/%Y}: end it by hand, then reprocess",
                )
            repo.end_coverage(self.conn, old.id, last_day)
            detail = (
                f"ended {last_day:%m/%d/%Y}: not among the plans of HL7 ADT^A08 "
                f"{msg.header.control_id} from {msg.header.facility}"
            )
            record_audit(self.conn, self.actor, "end", "coverage", old.id, detail)

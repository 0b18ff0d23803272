"""Patients, their coverages and prior authorizations: reads and writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.domain.patient_rules import (
    CheckedAuthorization,
    CheckedCoverage,
    CheckedPatient,
)
from medbill_tui.records.forms import AuthorizationForm, CoverageForm, PatientForm, PendingAuthRow


class PatientConflict(Exception):
    """The save cannot go ahead (changed by someone else, or contradicts other rows)."""


class StaleRecord(PatientConflict):
    """Someone else saved the record after the form was loaded (its version moved on)."""


def _audit(
    conn: Connection, actor: str, action: str, entity: str, entity_id: int, detail: str = ""
) -> None:
    record_audit(conn, actor, action, entity, entity_id, detail or None)


def patient_form(conn: Connection, patient_id: int) -> PatientForm:
    p = conn.execute(
        text(
            "SELECT p.*, g.account_no AS guarantor_account FROM patient p "
            "LEFT JOIN patient g ON g.id = p.guarantor_id WHERE p.id = :id"
        ),
        {"id": patient_id},
    ).one_or_none()
    if p is None:
        raise RecordNotFound(f"patient {patient_id} does not exist")
    return PatientForm(
        first_name=p.first_name,
        last_name=p.last_name,
        dob=p.dob.strftime("%m/%d/%Y"),
        sex=p.sex,
        address1=p.address1,
        city=p.city,
        state=p.state,
        zip=p.zip,
        phone=p.phone or "",
        guarantor_account=p.guarantor_account or "",
        patient_id=p.id,
        version=p.version,
        account_no=p.account_no,
    )


def _guarantor_id(conn: Connection, account: str, patient_id: int | None) -> int | None:
    if not account.strip():
        return None
    gid = conn.execute(
        text("SELECT id FROM patient WHERE upper(account_no) = :a"), {"a": account.strip().upper()}
    ).scalar()
    if gid is None:
        raise PatientConflict(f"no account {account.strip().upper()} to be the guarantor")
    return None if gid == patient_id else int(gid)


def save_patient(
    conn: Connection, form: PatientForm, checked: CheckedPatient, actor: str
) -> tuple[int, int, str]:
    """Insert or update; returns (patient id, version, account number)."""
    values: dict[str, Any] = {
        "first": checked.first_name,
        "last": checked.last_name,
        "dob": checked.dob,
        "sex": checked.sex,
        "a1": checked.address1,
        "city": checked.city,
        "st": checked.state,
        "zip": checked.zip,
        "phone": checked.phone,
        "g": _guarantor_id(conn, form.guarantor_account, form.patient_id),
    }
    if form.patient_id is None:
        # Account numbers are the next free A-number; serialise their allocation.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('patient.account_no'))"))
        row = conn.execute(
            text("""INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1,
                                         city, state, zip, phone, guarantor_id)
                    SELECT 'A' || lpad((coalesce(max(substr(account_no, 2)::bigint)
                                          FILTER (WHERE account_no ~ '^A[0-9]+$'), 0) + 1)::text,
                                       6, '0'),
                           :first, :last, :dob, :sex, :a1, :city, :st, :zip, :phone, :g
                    FROM patient RETURNING id, version, account_no"""),
            values,
        ).one()
        _audit(conn, actor, "create", "patient", row.id)
        return int(row.id), int(row.version), str(row.account_no)
    updated = conn.execute(
        text("""UPDATE patient SET first_name = :first, last_name = :last, dob = :dob, sex = :sex,
                       address1 = :a1, city = :city, state = :st, zip = :zip, phone = :phone,
                       guarantor_id = :g, version = version + 1
                WHERE id = :id AND version = :v RETURNING id, version, account_no"""),
        {**values, "id": form.patient_id, "v": form.version},
    ).one_or_none()
    if updated is None:
        raise StaleRecord(
            "someone else changed this patient since you opened it; "
            "your entries are kept on screen — reopen to see theirs"
        )
    conn.execute(  # the patient is the subscriber of these: same sex (837P DMG03)
        text(
            "UPDATE coverage SET subscriber_sex = :sex WHERE patient_id = :id "
            "AND relationship = '18' AND subscriber_sex IS DISTINCT FROM :sex"
        ),
        {"sex": values["sex"], "id": form.patient_id},
    )
    _audit(conn, actor, "update", "patient", updated.id)
    return int(updated.id), int(updated.version), str(updated.account_no)


def coverage_form(conn: Connection, coverage_id: int) -> CoverageForm:
    c = conn.execute(
        text("SELECT * FROM coverage WHERE id = :id"), {"id": coverage_id}
    ).one_or_none()
    if c is None:
        raise RecordNotFound(f"coverage {coverage_id} does not exist")

    def fmt(d: date | None) -> str:
        return d.strftime("%m/%d/%Y") if d else ""

    return CoverageForm(
        patient_id=c.patient_id,
        payer_id=c.payer_id,
        member_id=c.member_id,
        group_no=c.group_no or "",
        relationship=c.relationship,
        priority=str(c.priority),
        effective_from=fmt(c.effective_from),
        effective_to=fmt(c.effective_to),
        subscriber_first_name=c.subscriber_first_name or "",
        subscriber_last_name=c.subscriber_last_name or "",
        subscriber_dob=fmt(c.subscriber_dob),
        subscriber_sex=(c.subscriber_sex or "") if c.relationship != "18" else "",
        coverage_id=c.id,
        version=c.version,
    )


def save_coverage(
    conn: Connection, form: CoverageForm, checked: CheckedCoverage, actor: str
) -> int:
    """Insert or update a coverage; refuses two overlapping coverages at the same priority."""
    patient_sex = conn.execute(
        text("SELECT sex FROM patient WHERE id = :p FOR UPDATE"), {"p": form.patient_id}
    ).scalar()
    clash = conn.execute(
        text("""SELECT py.name FROM coverage cv JOIN payer py ON py.id = cv.payer_id
                WHERE cv.patient_id = :p AND cv.priority = :prio
                  AND cv.id IS DISTINCT FROM :id
                  AND daterange(cv.effective_from, cv.effective_to, '[]')
                      && daterange(:from, :to, '[]') LIMIT 1"""),
        {
            "p": form.patient_id,
            "prio": checked.priority,
            "id": form.coverage_id,
            "from": checked.effective_from,
            "to": checked.effective_to,
        },
    ).scalar()
    if clash is not None:
        raise PatientConflict(
            f"the patient already has {clash} at priority {checked.priority} for those dates; "
            "end that coverage first or choose another priority"
        )
    values = {
        "p": form.patient_id,
        "payer": checked.payer_id,
        "member": checked.member_id,
        "group": checked.group_no,
        "rel": checked.relationship,
        "prio": checked.priority,
        "from": checked.effective_from,
        "to": checked.effective_to,
        "sf": checked.subscriber_first_name,
        "sl": checked.subscriber_last_name,
        "sd": checked.subscriber_dob,
        # the patient is the subscriber: their own sex (837P DMG03)
        "ss": patient_sex if checked.relationship == "18" else checked.subscriber_sex,
    }
    if form.coverage_id is None:
        cid = conn.execute(
            text("""INSERT INTO coverage (patient_id, payer_id, member_id, group_no,
                        relationship, priority, effective_from, effective_to,
                        subscriber_first_name, subscriber_last_name, subscriber_dob,
                        subscriber_sex)
                    VALUES (:p, :payer, :member, :group, :rel, :prio, :from, :to, :sf, :sl, :sd,
                            :ss)
                    RETURNING id"""),
            values,
        ).scalar_one()
        _audit(conn, actor, "create", "coverage", cid, f"patient {form.patient_id}")
        return int(cid)
    done = conn.execute(
        text("""UPDATE coverage SET payer_id = :payer, member_id = :member, group_no = :group,
                    relationship = :rel, priority = :prio, effective_from = :from,
                    effective_to = :to, subscriber_first_name = :sf,
                    subscriber_last_name = :sl, subscriber_dob = :sd, subscriber_sex = :ss,
                    version = version + 1
                WHERE id = :id AND patient_id = :p
                  AND (CAST(:v AS integer) IS NULL OR version = :v) RETURNING id"""),
        {**values, "id": form.coverage_id, "v": form.version},
    ).scalar()
    if done is None:
        mine = conn.execute(
            text("SELECT 1 FROM coverage WHERE id = :id AND patient_id = :p"),
            {"id": form.coverage_id, "p": form.patient_id},
        ).first()
        if mine is not None:
            raise StaleRecord("someone else changed this coverage since you opened it")
        raise PatientConflict("that coverage is not one of this patient's")
    _audit(conn, actor, "update", "coverage", form.coverage_id, f"patient {form.patient_id}")
    return form.coverage_id


def authorization_form(conn: Connection, auth_id: int) -> AuthorizationForm:
    """A saved authorization as its form (with its version)."""
    a = conn.execute(
        text('SELECT * FROM "authorization" WHERE id = :id'), {"id": auth_id}
    ).one_or_none()
    if a is None:
        raise RecordNotFound(f"authorization {auth_id} does not exist")

    def fmt(d: date | None) -> str:
        return d.strftime("%m/%d/%Y") if d else ""

    return AuthorizationForm(
        coverage_id=a.coverage_id,
        status=a.status,
        codes=a.codes.replace(",", " "),
        visits_allowed="" if a.visits_allowed is None else str(a.visits_allowed),
        start_date=fmt(a.start_date),
        end_date=fmt(a.end_date),
        number=a.number or "",
        follow_up_on=fmt(a.follow_up_on),
        authorization_id=a.id,
        version=a.version,
    )


def save_authorization(
    conn: Connection,
    coverage_id: int,
    auth_id: int | None,
    checked: CheckedAuthorization,
    actor: str,
    version: int | None = None,
) -> int:
    """Insert a request or record the answer (refused when `version` moved on)."""
    values = {
        "cov": coverage_id,
        "status": checked.status,
        "codes": checked.codes,
        "visits": checked.visits_allowed,
        "start": checked.start_date,
        "end": checked.end_date,
        "number": checked.number,
        "follow": checked.follow_up_on,
    }
    if auth_id is None:
        new_id = conn.execute(
            text("""INSERT INTO "authorization" (coverage_id, number, status, codes,
                        visits_allowed, start_date, end_date, follow_up_on)
                    VALUES (:cov, :number, :status, :codes, :visits, :start, :end, :follow)
                    RETURNING id"""),
            values,
        ).scalar_one()
        _audit(conn, actor, "request", "authorization", new_id, checked.status)
        return int(new_id)
    done = conn.execute(
        text("""UPDATE "authorization" SET number = :number, status = :status, codes = :codes,
                    visits_allowed = :visits, start_date = :start, end_date = :end,
                    follow_up_on = :follow, version = version + 1
                WHERE id = :id AND coverage_id = :cov
                  AND (CAST(:v AS integer) IS NULL OR version = :v) RETURNING id"""),
        {**values, "id": auth_id, "v": version},
    ).scalar()
    if done is None:
        mine = conn.execute(
            text('SELECT 1 FROM "authorization" WHERE id = :id AND coverage_id = :c'),
            {"id": auth_id, "c": coverage_id},
        ).first()
        if mine is not None:
            raise StaleRecord("someone else changed this authorization since you opened it")
        raise PatientConflict("that authorization is not on this coverage")
    _audit(conn, actor, "outcome", "authorization", auth_id, checked.status)
    return auth_id


def pending_authorizations(conn: Connection, limit: int = 500) -> tuple[PendingAuthRow, ...]:
    """Authorizations still waiting for the payer, follow-up due first."""
    rows = conn.execute(
        text("""SELECT a.id, p.id AS patient_id, p.account_no,
                       p.last_name || ', ' || p.first_name AS name, py.name AS payer, a.codes,
                       a.start_date, a.follow_up_on
                FROM "authorization" a JOIN coverage cv ON cv.id = a.coverage_id
                JOIN patient p ON p.id = cv.patient_id JOIN payer py ON py.id = cv.payer_id
                WHERE a.status = 'pending'
                ORDER BY a.follow_up_on NULLS LAST, a.id LIMIT :limit"""),
        {"limit": limit},
    ).all()
    return tuple(
        PendingAuthRow(
            r.id, r.patient_id, r.account_no, r.name, r.payer, r.codes, r.start_date, r.follow_up_on
        )
        for r in rows
    )

"""Charge entry: patient look-up, the patient's coverages, reading and saving encounters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import CORRECTABLE_SQL, status_in
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.details import DetailRepository
from medbill_tui.db.repositories.eligibility_state import eligibility_fields, eligibility_states
from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.db.repositories.queue_match import like_prefix
from medbill_tui.domain.claim_state import REJECTED
from medbill_tui.domain.encounter_form import encode_pointers, parse_date
from medbill_tui.domain.scrub_model import AuthInfo, CoverageInfo, EncounterForScrub, PatientInfo
from medbill_tui.records.forms import (
    AuthorizationOption,
    CoverageOption,
    EncounterForm,
    LineForm,
    PatientContext,
    PatientHit,
    ProviderOption,
)


class EditConflict(Exception):
    """Someone else changed or billed the record since it was opened."""


def find_patients(conn: Connection, query: str, limit: int = 20) -> tuple[PatientHit, ...]:
    """Patients by account-number prefix, "last, first" name prefixes, or date of birth."""
    q = query.strip()
    if not q:
        return ()
    params: dict[str, Any] = {"limit": limit}
    conditions = ["upper(account_no) LIKE :acct"]
    params["acct"] = like_prefix(q.upper())
    last, _, first = (part.strip() for part in q.partition(","))
    params["last"] = like_prefix(last.lower())
    name = "lower(last_name) LIKE :last"
    if first:
        params["first"] = like_prefix(first.lower())
        name += " AND lower(first_name) LIKE :first"
    conditions.append(f"({name})")
    dob = parse_date(q)
    if dob is not None:
        conditions.append("dob = :dob")
        params["dob"] = dob
    # A merged patient is found as the account it was merged into (once, however many match).
    rows = conn.execute(
        text(
            "WITH hit AS (SELECT id, merged_into_id, last_name, first_name FROM patient "
            f"WHERE {' OR '.join(conditions)} ORDER BY last_name, first_name, id LIMIT :limit) "
            "SELECT s.id, s.account_no, s.last_name || ', ' || s.first_name AS name, s.dob "
            "FROM hit JOIN patient s ON s.id = coalesce(hit.merged_into_id, hit.id) "
            "GROUP BY s.id ORDER BY min(hit.last_name), min(hit.first_name), s.id"
        ),
        params,
    ).all()
    return tuple(PatientHit(r.id, r.account_no, r.name, r.dob) for r in rows)


def providers(conn: Connection, keep: int | None = None) -> tuple[ProviderOption, ...]:
    rows = conn.execute(
        text(
            "SELECT id, last_name || ', ' || first_name AS name, npi FROM provider "
            "WHERE active OR id = :keep ORDER BY last_name, first_name, id"
        ),
        {"keep": keep},
    ).all()
    return tuple(ProviderOption(r.id, r.name, r.npi) for r in rows)


def patient_context(conn: Connection, patient_id: int, today: date) -> PatientContext:
    header = DetailRepository(conn, today).patient_header(patient_id)
    coverages = tuple(
        CoverageOption(
            r.id, r.payer_id, r.name, r.priority, r.member_id, r.effective_from, r.effective_to
        )
        for r in conn.execute(
            text(
                "SELECT cv.id, cv.payer_id, py.name, cv.priority, cv.member_id, "
                "cv.effective_from, cv.effective_to FROM coverage cv "
                "JOIN payer py ON py.id = cv.payer_id WHERE cv.patient_id = :p "
                "ORDER BY (cv.effective_to IS NOT NULL AND cv.effective_to < :today), "
                "cv.priority, cv.id"
            ),
            {"p": patient_id, "today": today},
        )
    )
    auths = tuple(
        AuthorizationOption(
            r.id,
            r.coverage_id,
            r.number,
            r.status,
            r.codes,
            r.start_date,
            r.end_date,
            r.visits_allowed,
            r.visits_used,
            r.follow_up_on,
        )
        for r in conn.execute(
            text(
                'SELECT a.* FROM "authorization" a JOIN coverage cv ON cv.id = a.coverage_id '
                "WHERE cv.patient_id = :p ORDER BY a.start_date DESC NULLS LAST, a.id"
            ),
            {"p": patient_id},
        )
    )
    return PatientContext(header, coverages, auths)


def scrub_input_for_form(
    conn: Connection,
    form: EncounterForm,
    dos: date | None,
    today: date,
    diagnoses: tuple[str, ...],
    lines: tuple[Any, ...],
) -> EncounterForScrub:
    """The scrubber's view of an unsaved form, with the patient and coverage from the database."""
    p = conn.execute(
        text("SELECT * FROM patient WHERE id = :id"), {"id": form.patient_id}
    ).one_or_none()
    if p is None:
        raise RecordNotFound(f"patient {form.patient_id} does not exist")
    coverage = None
    if form.coverage_id is not None:
        c = conn.execute(
            text(
                "SELECT cv.member_id, cv.effective_from, cv.effective_to, py.name, "
                "py.timely_filing_days, py.auth_required_codes FROM coverage cv "
                "JOIN payer py ON py.id = cv.payer_id WHERE cv.id = :id AND cv.patient_id = :p"
            ),
            {"id": form.coverage_id, "p": form.patient_id},
        ).one_or_none()
        if c is None:
            raise RecordNotFound("that coverage is not one of this patient's")
        coverage = CoverageInfo(
            c.name,
            c.member_id,
            c.effective_from,
            c.effective_to,
            c.timely_filing_days,
            frozenset(c.auth_required_codes.split()),
            **eligibility_fields(
                eligibility_states(conn, [form.coverage_id]).get(form.coverage_id)
            ),
        )
    auth = None
    if form.authorization_id is not None:
        a = conn.execute(
            text('SELECT * FROM "authorization" WHERE id = :id'), {"id": form.authorization_id}
        ).one_or_none()
        if a is not None:
            auth = AuthInfo(
                a.number,
                a.status,
                frozenset(a.codes.replace(",", " ").split()),
                a.start_date,
                a.end_date,
                a.visits_allowed,
                a.visits_used,
            )
    npi = ""
    if form.provider_id is not None:
        npi = (
            conn.execute(
                text("SELECT npi FROM provider WHERE id = :id"), {"id": form.provider_id}
            ).scalar()
            or ""
        )
    billing_npi = conn.execute(text("SELECT npi FROM practice ORDER BY id LIMIT 1")).scalar()
    same_day: tuple[tuple[str, tuple[str, ...]], ...] = ()
    same_day_units: tuple[tuple[str, Decimal], ...] = ()
    if dos is not None:
        others = conn.execute(
            text(
                "SELECT c.* FROM charge c JOIN encounter e ON e.id = c.encounter_id "
                "WHERE e.patient_id = :p AND e.dos = :d AND e.status <> 'void' "
                "AND e.id IS DISTINCT FROM :self"
            ),
            {"p": form.patient_id, "d": dos, "self": form.encounter_id},
        ).all()
        same_day = tuple(
            (r.code, tuple(m for m in (r.modifier1, r.modifier2, r.modifier3, r.modifier4) if m))
            for r in others
        )
        same_day_units = tuple((r.code, Decimal(r.units)) for r in others)
    return EncounterForScrub(
        today=today,
        dos=dos,
        pos=form.pos.strip(),
        patient=PatientInfo(
            p.first_name, p.last_name, p.dob, p.sex, p.address1, p.city, p.state, p.zip
        ),
        coverage=coverage,
        provider_npi=npi,
        billing_npi=billing_npi or "",
        authorization=auth,
        diagnoses=diagnoses,
        lines=lines,
        other_lines_same_day=same_day,
        other_units_same_day=same_day_units,
    )


def load_form(conn: Connection, encounter_id: int) -> tuple[EncounterForm, str]:
    """The saved encounter as a form, and its status."""
    e = conn.execute(
        text("SELECT * FROM encounter WHERE id = :id"), {"id": encounter_id}
    ).one_or_none()
    if e is None:
        raise RecordNotFound(f"encounter {encounter_id} does not exist")
    dx = (
        conn.execute(
            text("SELECT code FROM encounter_diagnosis WHERE encounter_id = :id ORDER BY seq"),
            {"id": encounter_id},
        )
        .scalars()
        .all()
    )
    lines = tuple(
        LineForm(
            code=r.code,
            modifiers=(r.modifier1 or "", r.modifier2 or "", r.modifier3 or "", r.modifier4 or ""),
            units=f"{r.units.normalize():f}",
            charge=f"{r.amount:.2f}",
            pointers=r.dx_pointers,
        )
        for r in conn.execute(
            text("SELECT * FROM charge WHERE encounter_id = :id ORDER BY line_no"),
            {"id": encounter_id},
        )
    )
    form = EncounterForm(
        patient_id=e.patient_id,
        provider_id=e.provider_id,
        coverage_id=e.coverage_id,
        authorization_id=e.authorization_id,
        dos=e.dos.strftime("%m/%d/%Y"),
        pos=e.pos,
        diagnoses=tuple(dx),
        lines=lines,
        encounter_id=e.id,
        version=e.version,
        referring_npi=e.referring_npi or "",
        referring_last=e.referring_last_name or "",
        referring_first=e.referring_first_name or "",
    )
    return form, e.status


def write_encounter(
    conn: Connection,
    form: EncounterForm,
    dos: date,
    diagnoses: tuple[str, ...],
    lines: tuple[Any, ...],
    actor: str,
) -> tuple[int, int]:
    """Insert or update the encounter with its diagnoses and charges; returns (id, version)."""
    values = {
        "patient": form.patient_id,
        "provider": form.provider_id,
        "coverage": form.coverage_id,
        "auth": form.authorization_id,
        "dos": dos,
        "pos": form.pos.strip(),
        "ref_npi": form.referring_npi.strip() or None,
        "ref_last": form.referring_last.strip() or None,
        "ref_first": form.referring_first.strip() or None,
    }
    row: Any
    if form.encounter_id is None:
        row = conn.execute(
            text(
                "INSERT INTO encounter (patient_id, provider_id, coverage_id, authorization_id, "
                "dos, pos, status, referring_npi, referring_last_name, referring_first_name) "
                "VALUES (:patient, :provider, :coverage, :auth, :dos, :pos, 'unbilled', "
                ":ref_npi, :ref_last, :ref_first) RETURNING id, version"
            ),
            values,
        ).one()
        action = "create"
    else:
        row = conn.execute(
            text(
                "UPDATE encounter SET patient_id = :patient, provider_id = :provider, "
                "coverage_id = :coverage, authorization_id = :auth, dos = :dos, pos = :pos, "
                "referring_npi = :ref_npi, referring_last_name = :ref_last, "
                "referring_first_name = :ref_first, version = version + 1 "
                "WHERE id = :id AND version = :version "
                f"AND (status IN ('unbilled', 'hold') OR {CORRECTABLE_SQL}) "
                "RETURNING id, version"
            ),
            {**values, "id": form.encounter_id, "version": form.version},
        ).one_or_none()
        if row is None:
            raise EditConflict(
                "someone else changed or billed this encounter since you opened it; "
                "your entries are kept on screen — reopen the encounter to see theirs"
            )
        action = "update"
        conn.execute(
            text("DELETE FROM encounter_diagnosis WHERE encounter_id = :id"), {"id": row.id}
        )
        # Lines of claims already sent keep their own copy of the charge; only the link goes.
        conn.execute(
            text(
                "UPDATE claim_line SET charge_id = NULL WHERE charge_id IN "
                "(SELECT id FROM charge WHERE encounter_id = :id)"
            ),
            {"id": row.id},
        )
        conn.execute(text("DELETE FROM charge WHERE encounter_id = :id"), {"id": row.id})
    for seq, code in enumerate(diagnoses, start=1):
        conn.execute(
            text("INSERT INTO encounter_diagnosis (encounter_id, seq, code) VALUES (:e, :s, :c)"),
            {"e": row.id, "s": seq, "c": code},
        )
    for n, line in enumerate(lines, start=1):
        mods = list(line.modifiers) + [None] * (4 - len(line.modifiers))
        conn.execute(
            text(
                "INSERT INTO charge (encounter_id, line_no, code, modifier1, modifier2, "
                "modifier3, modifier4, units, amount, dx_pointers) VALUES "
                "(:e, :n, :c, :m1, :m2, :m3, :m4, :u, :a, :p)"
            ),
            {
                "e": row.id,
                "n": n,
                "c": line.code,
                "m1": mods[0],
                "m2": mods[1],
                "m3": mods[2],
                "m4": mods[3],
                "u": line.units,
                "a": line.charge,
                "p": encode_pointers(line.pointers),
            },
        )
    record_audit(
        conn, actor, action, "encounter", row.id, f"{len(diagnoses)} diagnoses, {len(lines)} lines"
    )
    return int(row.id), int(row.version)


def correctable(conn: Connection, encounter_id: int) -> bool:
    """Whether a billed encounter can be corrected (see CORRECTABLE_SQL)."""
    return bool(
        conn.execute(
            text(f"SELECT {CORRECTABLE_SQL} FROM encounter WHERE id = :e"), {"e": encounter_id}
        ).scalar()
    )


def rejected_claim(conn: Connection, encounter_id: int) -> int | None:
    """The encounter's claim that a 999 or 277CA rejected (it may be corrected and resent)."""
    found = conn.execute(
        text(
            f"SELECT id FROM claim WHERE encounter_id = :e AND {status_in(REJECTED)} "
            "ORDER BY id DESC LIMIT 1"
        ),
        {"e": encounter_id},
    ).scalar()
    return None if found is None else int(found)


def ready_replacement(conn: Connection, encounter_id: int) -> int | None:
    """The encounter's corrected claim (or rebill) that waits to be sent, None when none does."""
    found = conn.execute(
        text(
            "SELECT id FROM claim WHERE encounter_id = :e AND status = 'ready' "
            "AND replaces_claim_id IS NOT NULL AND frequency <> '8' ORDER BY id DESC LIMIT 1"
        ),
        {"e": encounter_id},
    ).scalar()
    return None if found is None else int(found)

"""SQL of the HL7 interface: messages and their outcome, the EHR's ids, the code mapping."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.records.hl7 import Hl7LogRow, Hl7Mapping


def lock_control_id(conn: Connection, facility: str, control_id: str) -> None:
    """Serialise two deliveries of the same message (the second waits, then sees the first)."""
    conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('hl7:' || :f || '|' || :c))"),
        {"f": facility, "c": control_id},
    )


def message_by_control_id(conn: Connection, facility: str, control_id: str) -> Any:
    return conn.execute(
        text("SELECT * FROM hl7_message WHERE facility = :f AND control_id = :c FOR UPDATE"),
        {"f": facility, "c": control_id},
    ).one_or_none()


def message(conn: Connection, message_id: int) -> Any:
    return conn.execute(
        text("SELECT * FROM hl7_message WHERE id = :id FOR UPDATE"), {"id": message_id}
    ).one_or_none()


def record_message(
    conn: Connection,
    message_id: int | None,
    values: dict[str, Any],
) -> int:
    """Insert the message's row, or update it (a retry of an AE); returns its id."""
    if message_id is None:
        return int(
            conn.execute(
                text("""INSERT INTO hl7_message (facility, control_id, message_type, outcome,
                            reason, raw, processed_at, patient_id, encounter_id)
                        VALUES (:facility, :control_id, :message_type, :outcome, :reason, :raw,
                                now(), :patient_id, :encounter_id) RETURNING id"""),
                values,
            ).scalar_one()
        )
    conn.execute(
        text("""UPDATE hl7_message SET outcome = :outcome, reason = :reason, processed_at = now(),
                    attempts = attempts + 1, patient_id = :patient_id,
                    encounter_id = :encounter_id WHERE id = :id"""),
        {**values, "id": message_id},
    )
    return message_id


def mapped(conn: Connection, facility: str, kind: str, code: str) -> str | None:
    """Our value for the facility's code (an NPI, a payer code, a place of service)."""
    found = conn.execute(
        text("SELECT target FROM hl7_code_map WHERE facility = :f AND kind = :k AND code = :c"),
        {"f": facility, "k": kind, "c": code},
    ).scalar_one_or_none()
    return None if found is None else str(found)


def set_mapping(conn: Connection, mapping: Hl7Mapping) -> None:
    conn.execute(
        text("""INSERT INTO hl7_code_map (facility, kind, code, target)
                VALUES (:f, :k, :c, :t)
                ON CONFLICT (facility, kind, code) DO UPDATE SET target = excluded.target"""),
        {"f": mapping.facility, "k": mapping.kind, "c": mapping.code, "t": mapping.target},
    )


def mappings(conn: Connection) -> tuple[Hl7Mapping, ...]:
    rows = conn.execute(
        text("SELECT facility, kind, code, target FROM hl7_code_map ORDER BY 1, 2, 3")
    ).all()
    return tuple(Hl7Mapping(r.facility, r.kind, r.code, r.target) for r in rows)


def provider_by_npi(conn: Connection, npi: str) -> int | None:
    found = conn.execute(
        text("SELECT id FROM provider WHERE npi = :n AND active"), {"n": npi}
    ).scalar_one_or_none()
    return None if found is None else int(found)


def payer_by_code(conn: Connection, code: str) -> int | None:
    found = conn.execute(
        text("SELECT id FROM payer WHERE payer_code = :c"), {"c": code}
    ).scalar_one_or_none()
    return None if found is None else int(found)


def pos_exists(conn: Connection, pos: str) -> bool:
    return (
        conn.execute(text("SELECT 1 FROM pos_code WHERE code = :c"), {"c": pos}).first() is not None
    )


def patient_for_ehr_id(conn: Connection, facility: str, ehr_id: str) -> int | None:
    """Our patient for the EHR's id (the account it was merged into, when merged)."""
    found = conn.execute(
        text("""SELECT coalesce(p.merged_into_id, p.id) FROM hl7_patient h
                JOIN patient p ON p.id = h.patient_id
                WHERE h.facility = :f AND h.ehr_id = :e"""),
        {"f": facility, "e": ehr_id},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def link_patient(conn: Connection, facility: str, ehr_id: str, patient_id: int) -> None:
    conn.execute(
        text("INSERT INTO hl7_patient (facility, ehr_id, patient_id) VALUES (:f, :e, :p)"),
        {"f": facility, "e": ehr_id, "p": patient_id},
    )


def account_no(conn: Connection, patient_id: int) -> str:
    return str(
        conn.execute(
            text("SELECT account_no FROM patient WHERE id = :p"), {"p": patient_id}
        ).scalar_one()
    )


def patient_coverages(conn: Connection, patient_id: int) -> list[Any]:
    return list(
        conn.execute(
            text("""SELECT id, payer_id, upper(member_id) AS member_id, priority,
                           effective_from, effective_to
                    FROM coverage WHERE patient_id = :p ORDER BY priority, id"""),
            {"p": patient_id},
        )
    )


def end_coverage(conn: Connection, coverage_id: int, last_day: date) -> None:
    conn.execute(
        text("UPDATE coverage SET effective_to = :d, version = version + 1 WHERE id = :id"),
        {"d": last_day, "id": coverage_id},
    )


def primary_coverage_on(conn: Connection, patient_id: int, dos: date) -> int | None:
    found = conn.execute(
        text("""SELECT id FROM coverage WHERE patient_id = :p AND effective_from <= :d
                  AND (effective_to IS NULL OR effective_to >= :d)
                ORDER BY priority, id LIMIT 1"""),
        {"p": patient_id, "d": dos},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def encounter_for_visit(conn: Connection, facility: str, visit_key: str) -> int | None:
    found = conn.execute(
        text("SELECT encounter_id FROM hl7_visit WHERE facility = :f AND visit_key = :k"),
        {"f": facility, "k": visit_key},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def link_visit(conn: Connection, facility: str, visit_key: str, encounter_id: int) -> None:
    conn.execute(
        text("INSERT INTO hl7_visit (facility, visit_key, encounter_id) VALUES (:f, :k, :e)"),
        {"f": facility, "k": visit_key, "e": encounter_id},
    )


def lock_encounter(conn: Connection, encounter_id: int) -> str:
    """Lock the visit for the change; returns its status."""
    return str(
        conn.execute(
            text("SELECT status FROM encounter WHERE id = :e FOR UPDATE"), {"e": encounter_id}
        ).scalar_one()
    )


def latest_claim(conn: Connection, encounter_id: int) -> int | None:
    found = conn.execute(
        text("SELECT id FROM claim WHERE encounter_id = :e ORDER BY id DESC LIMIT 1"),
        {"e": encounter_id},
    ).scalar_one_or_none()
    return None if found is None else int(found)


def open_changed_charge_item(
    conn: Connection, claim_id: int | None, patient_id: int, today: date, detail: str
) -> int:
    """A follow-up work item "charge changed after billing" for the biller to work."""
    return int(
        conn.execute(
            text("""INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, due_on,
                        detail)
                    VALUES ('followup', :c, :p, 0, :today, :today, :w) RETURNING id"""),
            {"c": claim_id, "p": patient_id, "today": today, "w": detail[:500]},
        ).scalar_one()
    )


LOG_SQL = """SELECT m.id, m.received_at, m.facility, m.control_id, m.message_type, m.outcome,
                    m.reason, m.attempts, p.account_no, m.encounter_id
             FROM hl7_message m LEFT JOIN patient p ON p.id = m.patient_id
             {where} ORDER BY m.id DESC LIMIT :limit"""


def log(conn: Connection, limit: int, errors_only: bool) -> tuple[Hl7LogRow, ...]:
    """The latest messages, newest first (only those waiting on a fix with `errors_only`)."""
    where = "WHERE m.outcome = 'AE'" if errors_only else ""
    rows = conn.execute(text(LOG_SQL.format(where=where)), {"limit": limit}).all()
    return tuple(
        Hl7LogRow(
            r.id,
            r.received_at,
            r.facility,
            r.control_id,
            r.message_type,
            r.outcome,
            r.reason,
            r.attempts,
            r.account_no,
            r.encounter_id,
        )
        for r in rows
    )


def last_received(conn: Connection) -> datetime | None:
    found = conn.execute(text("SELECT max(received_at) FROM hl7_message")).scalar_one()
    return found if isinstance(found, datetime) else None

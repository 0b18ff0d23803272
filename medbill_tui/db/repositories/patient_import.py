"""Bringing a practice's patients in: the lookups that check a file and the bulk insert."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, text

from medbill_tui.db.patient_sql import name_key
from medbill_tui.domain.patient_import import ImportedPatient

BATCH = 2000


def payer_ids_by_code(conn: Connection) -> dict[str, int]:
    """Every payer's id by its payer id (upper case)."""
    rows = conn.execute(text("SELECT upper(payer_code), id FROM payer")).all()
    return {str(code): int(pid) for code, pid in rows}


def existing_matches(conn: Connection, patients: Sequence[ImportedPatient]) -> dict[int, str]:
    """By line: the account of an existing patient with the same name and date of birth."""
    if not patients:
        return {}
    rows = conn.execute(
        text(f"""SELECT t.line, min(p.account_no) AS account_no
                 FROM unnest(CAST(:lines AS int[]), CAST(:lasts AS text[]),
                             CAST(:firsts AS text[]), CAST(:dobs AS date[]))
                      AS t(line, last_name, first_name, dob)
                 JOIN patient p
                   ON {name_key("p.last_name")} = {name_key("t.last_name")}
                  AND {name_key("p.first_name")} = {name_key("t.first_name")}
                  AND p.dob = t.dob AND p.merged_into_id IS NULL
                 GROUP BY t.line"""),
        {
            "lines": [p.line for p in patients],
            "lasts": [p.patient.last_name for p in patients],
            "firsts": [p.patient.first_name for p in patients],
            "dobs": [p.patient.dob for p in patients],
        },
    ).all()
    return {int(r.line): str(r.account_no) for r in rows}


def taken_accounts(conn: Connection, accounts: Sequence[str]) -> set[str]:
    rows = conn.execute(
        text("SELECT upper(account_no) FROM patient WHERE upper(account_no) = ANY(:a)"),
        {"a": list(accounts)},
    ).scalars()
    return {str(a) for a in rows}


def lock_patient_numbers(conn: Connection) -> None:
    """Hold the lock new patients are added under until the caller's transaction ends."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('patient.account_no'))"))


def insert_patients(
    conn: Connection,
    patients: Sequence[ImportedPatient],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Insert the patients and their coverages (in the caller's transaction); patients with
    no account number get the next A-numbers. Returns patient id by account number."""
    lock_patient_numbers(conn)
    next_no = int(
        conn.execute(
            text("""SELECT coalesce(max(substr(account_no, 2)::bigint)
                                    FILTER (WHERE account_no ~ '^A[0-9]+$'), 0) + 1
                    FROM patient""")
        ).scalar_one()
    )
    accounts: list[str] = []
    for p in patients:
        if p.account_no is None:
            accounts.append(f"A{next_no:06d}")
            next_no += 1
        else:
            accounts.append(p.account_no)
    ids: dict[str, int] = {}
    for start in range(0, len(patients), BATCH):
        chunk = list(
            zip(accounts[start : start + BATCH], patients[start : start + BATCH], strict=True)
        )
        rows = conn.execute(
            text("""INSERT INTO patient (account_no, first_name, last_name, dob, sex, address1,
                                         city, state, zip, phone)
                    SELECT * FROM unnest(CAST(:acc AS text[]), CAST(:first AS text[]),
                        CAST(:last AS text[]), CAST(:dob AS date[]), CAST(:sex AS text[]),
                        CAST(:a1 AS text[]), CAST(:city AS text[]), CAST(:st AS text[]),
                        CAST(:zip AS text[]), CAST(:phone AS text[]))
                    RETURNING id, account_no"""),
            {
                "acc": [a for a, _ in chunk],
                "first": [p.patient.first_name for _, p in chunk],
                "last": [p.patient.last_name for _, p in chunk],
                "dob": [p.patient.dob for _, p in chunk],
                "sex": [p.patient.sex for _, p in chunk],
                "a1": [p.patient.address1 for _, p in chunk],
                "city": [p.patient.city for _, p in chunk],
                "st": [p.patient.state for _, p in chunk],
                "zip": [p.patient.zip for _, p in chunk],
                "phone": [p.patient.phone for _, p in chunk],
            },
        ).all()
        ids.update({str(r.account_no): int(r.id) for r in rows})
        _insert_coverages(conn, [(ids[a], p) for a, p in chunk])
        if progress is not None:
            progress(min(start + BATCH, len(patients)), len(patients))
    return ids


def _insert_coverages(conn: Connection, chunk: list[tuple[int, ImportedPatient]]) -> None:
    rows = [
        {
            "pid": pid,
            "payer": c.payer_id,
            "member": c.member_id,
            "grp": c.group_no,
            "rel": c.relationship,
            "sf": c.subscriber_first_name,
            "sl": c.subscriber_last_name,
            "sd": c.subscriber_dob,
            "ss": p.patient.sex if c.relationship == "18" else c.subscriber_sex,
            "prio": c.priority,
            "start": c.effective_from,
            "end": c.effective_to,
        }
        for pid, p in chunk
        for c in p.coverages
    ]
    if rows:
        conn.execute(
            text("""INSERT INTO coverage (patient_id, payer_id, member_id, group_no, relationship,
                        subscriber_first_name, subscriber_last_name, subscriber_dob,
                        subscriber_sex, priority, effective_from, effective_to)
                    VALUES (:pid, :payer, :member, :grp, :rel, :sf, :sl, :sd, :ss, :prio,
                            :start, :end)"""),
            rows,
        )

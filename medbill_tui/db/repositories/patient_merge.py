"""Merging two patient accounts: every row of the merged patient moves to the survivor in one
transaction. The merged patient is kept, marked `merged_into_id`; its ledger and dunning rows
are re-keyed (the append-only triggers allow exactly that move, migration 0020, and the balance
trigger moves their sums)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.records.patient_merge import MergeParty

PARTY_SQL = """
    SELECT p.id, p.account_no, p.last_name || ', ' || p.first_name AS name, p.dob,
           m.account_no AS merged_into
    FROM patient p LEFT JOIN patient m ON m.id = p.merged_into_id
    WHERE upper(p.account_no) = upper(btrim(:account))"""

COUNTS_SQL = """
    SELECT (SELECT count(*) FROM encounter WHERE patient_id = :p) AS visits,
           (SELECT count(*) FROM claim WHERE patient_id = :p) AS claims,
           (SELECT count(*) FROM coverage WHERE patient_id = :p) AS coverages,
           (SELECT count(*) FROM "authorization" a JOIN coverage c ON c.id = a.coverage_id
             WHERE c.patient_id = :p) AS authorizations,
           (SELECT count(*) FROM ledger_entry WHERE patient_id = :p) AS ledger,
           (SELECT count(*) FROM note WHERE entity = 'patient' AND entity_id = :p) AS notes,
           (SELECT count(*) FROM dunning_event WHERE guarantor_id = :p) AS dunning,
           (SELECT count(*) FROM work_item WHERE patient_id = :p) AS work,
           (SELECT count(*) FROM patient WHERE guarantor_id = :p) AS guaranteed,
           (SELECT count(*) FROM patient WHERE merged_into_id = :p) AS merged"""

DUNNING = "statement/dunning rows"
COUNT_WORDS = (
    ("visits", "visits"),
    ("claims", "claims"),
    ("coverages", "coverages"),
    ("authorizations", "authorizations"),
    ("ledger", "ledger entries"),
    ("notes", "notes"),
    ("dunning", DUNNING),
    ("work", "work items"),
    ("guaranteed", "patients it guarantees"),
    ("merged", "accounts merged into it before"),
)
"""Column of COUNTS_SQL and what its rows are, in words, in the order shown."""

_OF_PATIENTS = """(w.patient_id = ANY(:ids)
        OR w.claim_id IN (SELECT id FROM claim WHERE patient_id = ANY(:ids))
        OR w.encounter_id IN (SELECT id FROM encounter WHERE patient_id = ANY(:ids)))"""

HELD_SQL = f"""
    SELECT w.id, w.kind, w.owner, w.lease_until > now() AS held
    FROM work_item w
    WHERE w.status = 'open' AND {_OF_PATIENTS}
    ORDER BY w.id FOR UPDATE OF w"""
"""The patients' open work items, locked (a `work next` skips them until the merge ends)."""

DRAFTS_SQL = """
    SELECT d.owner, d.entity, d.entity_id FROM draft d
    WHERE (d.entity = 'patient' AND d.entity_id = ANY(:ids))
       OR (d.entity = 'coverage'
           AND d.entity_id IN (SELECT id FROM coverage WHERE patient_id = ANY(:ids)))
       OR (d.entity = 'authorization' AND d.entity_id IN (
           SELECT a.id FROM "authorization" a JOIN coverage c ON c.id = a.coverage_id
           WHERE c.patient_id = ANY(:ids)))
       OR (d.entity = 'encounter'
           AND (d.entity_id IN (SELECT id FROM encounter WHERE patient_id = ANY(:ids))
                OR (d.entity_id IS NULL AND d.payload -> 'form' ->> 'patient_id' = ANY(:texts))))
    ORDER BY d.owner, d.entity, d.entity_id"""

OVERLAP_SQL = """
    SELECT a.priority, pa.name AS one, pb.name AS other
    FROM coverage a JOIN coverage b ON b.priority = a.priority AND b.id > a.id
    JOIN payer pa ON pa.id = a.payer_id JOIN payer pb ON pb.id = b.payer_id
    WHERE a.patient_id = ANY(:ids) AND b.patient_id = ANY(:ids) AND a.patient_id <> b.patient_id
      AND daterange(a.effective_from, a.effective_to, '[]')
          && daterange(b.effective_from, b.effective_to, '[]')
    ORDER BY a.priority, a.id, b.id"""


def party(conn: Connection, account_no: str) -> MergeParty | None:
    """The patient with this account number (any case), or None."""
    r = conn.execute(text(PARTY_SQL), {"account": account_no}).one_or_none()
    if r is None:
        return None
    return MergeParty(r.id, r.account_no, r.name, r.dob, r.merged_into)


def lock_pair(conn: Connection, one: int, other: int) -> None:
    """Lock both patient rows, lower id first (two merges of the same pair take turns)."""
    conn.execute(
        text("SELECT id FROM patient WHERE id IN (:a, :b) ORDER BY id FOR UPDATE"),
        {"a": one, "b": other},
    )


def counts(conn: Connection, patient_id: int) -> tuple[tuple[str, int], ...]:
    """The merged patient's rows per kind, in words, in the order a preview shows them."""
    row = conn.execute(text(COUNTS_SQL), {"p": patient_id}).one()
    return tuple((words, int(getattr(row, column))) for column, words in COUNT_WORDS)


def blockers(conn: Connection, ids: tuple[int, ...], lock: bool) -> tuple[str, ...]:
    """Why the merge must wait: open work items someone holds, unsaved drafts (who, what)."""
    sql = HELD_SQL if lock else HELD_SQL.replace("FOR UPDATE OF w", "")
    found = [
        f"{r.kind} item {r.id} is held by {r.owner}"
        for r in conn.execute(text(sql), {"ids": list(ids)})
        if r.held
    ]
    drafts = conn.execute(
        text(DRAFTS_SQL), {"ids": list(ids), "texts": [str(i) for i in ids]}
    ).all()
    found += [
        f"{r.owner} has unsaved changes to "
        + (f"{r.entity} {r.entity_id}" if r.entity_id is not None else f"a new {r.entity}")
        for r in drafts
    ]
    return tuple(found)


def overlaps(conn: Connection, ids: tuple[int, ...]) -> tuple[str, ...]:
    """Coverages of the two that will overlap at one priority once merged."""
    rows = conn.execute(text(OVERLAP_SQL), {"ids": list(ids)}).all()
    return tuple(
        f"{r.one} and {r.other} will overlap at priority {r.priority}: end one of them"
        for r in rows
    )


def survivor_has_dunning(conn: Connection, patient_id: int) -> bool:
    return (
        conn.execute(
            text("SELECT 1 FROM dunning_event WHERE guarantor_id = :p LIMIT 1"), {"p": patient_id}
        ).first()
        is not None
    )


MOVES = (
    # The mark comes first: the ledger and dunning triggers allow the re-keying only from a
    # patient merged into the row's new patient.
    "UPDATE patient SET merged_into_id = :into, version = version + 1 WHERE id = :from",
    "UPDATE patient SET merged_into_id = :into WHERE merged_into_id = :from",
    "UPDATE patient SET guarantor_id = CASE WHEN id = :into THEN NULL ELSE :into END,"
    " version = version + 1 WHERE guarantor_id = :from",
    "UPDATE encounter SET patient_id = :into, version = version + 1 WHERE patient_id = :from",
    "UPDATE claim SET patient_id = :into, version = version + 1 WHERE patient_id = :from",
    "UPDATE coverage SET patient_id = :into, version = version + 1 WHERE patient_id = :from",
    "UPDATE work_item SET patient_id = :into WHERE patient_id = :from",
    "UPDATE note SET entity_id = :into WHERE entity = 'patient' AND entity_id = :from",
)


def move(conn: Connection, source: int, target: int, dunning: bool) -> None:
    """Move every row of `source` to `target` (the dunning rows only with `dunning`)."""
    params = {"from": source, "into": target}
    for statement in MOVES:
        conn.execute(text(statement), params)
    # The append-only rows move through the owner's function: no login may UPDATE them.
    conn.execute(
        text("SELECT medbill_rekey_merged_patient(:from, :into, :dunning)"),
        {**params, "dunning": dunning},
    )

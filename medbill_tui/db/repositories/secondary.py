"""Secondary claims: once the primary payer's 835 is posted, bill what is left to the secondary.

Posting moves patient responsibility (PR) to responsibility 'secondary' on the ledger when the
patient has a second coverage on the date of service. `sync_secondary_claims` then keeps one
live secondary claim per encounter in step with that balance, in the posting's transaction:

- something is owed to the secondary and there is no live secondary claim: a new claim (status
  ready, frequency 1, its own claim number, the primary claim's lines and total);
- a later primary 835 while the secondary claim is not sent yet (ready, hold, rejected): it is
  voided and replaced by a new one from the latest primary claim and payment;
- nothing is owed any more (the primary's payment was undone or reversed by CLP02 = 22): the
  unsent secondary claim is voided;
- the secondary claim was already sent: nothing is changed; a `followup` work item says what
  the primary's payment did and that a corrected claim (frequency 7) may be needed.

A secondary claim posts no charge: what it bills is the balance the primary's 835 transferred.
Only primary → secondary is automatic; a tertiary payer is billed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import status_not_in
from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audits
from medbill_tui.domain.claim_state import RETIRED, UNSENT, ClaimStatus

FOLLOW_UP_DAYS = 14


def crossover_sql(claim: str) -> str:
    """SQL that is true when claim alias `claim` is a secondary claim: another claim of its
    encounter is billed to a coverage of lower priority (its balance came by transfer)."""
    return f"""EXISTS (SELECT 1 FROM coverage x_sc, claim x_p
                       JOIN coverage x_pc ON x_pc.id = x_p.coverage_id
                       WHERE x_sc.id = {claim}.coverage_id
                         AND x_p.encounter_id = {claim}.encounter_id
                         AND x_pc.priority < x_sc.priority)"""


_TOUCHED = """
    SELECT DISTINCT le.encounter_id FROM ledger_entry le
    JOIN claim c ON c.id = le.claim_id JOIN coverage cv ON cv.id = c.coverage_id
    WHERE le.remittance_id = :r AND le.responsibility = 'secondary' AND cv.priority = 1
      AND (CAST(:only AS bigint[]) IS NULL OR le.claim_id = ANY(CAST(:only AS bigint[])))"""

_STATE = f"""
    SELECT e.id AS encounter_id, e.patient_id,
           (SELECT coalesce(sum(le.amount), 0) FROM ledger_entry le
            JOIN claim c ON c.id = le.claim_id JOIN coverage cv ON cv.id = c.coverage_id
            WHERE le.encounter_id = e.id AND le.responsibility = 'secondary'
              AND cv.priority = 1) AS owed,
           src.id AS source_id, src.claim_no AS source_no, src.total_charge,
           nc.id AS coverage_id, nc.payer_id, py.name AS payer_name,
           live.id AS live_id, live.claim_no AS live_no, live.status AS live_status,
           live.submitted_on
    FROM encounter e
    LEFT JOIN LATERAL (
        SELECT c.id, c.claim_no, c.total_charge FROM claim c
        JOIN coverage cv ON cv.id = c.coverage_id
        WHERE c.encounter_id = e.id AND cv.priority = 1
          AND EXISTS (SELECT 1 FROM claim_payment cp JOIN remittance r ON r.id = cp.remittance_id
                      WHERE cp.claim_id = c.id AND r.status = 'posted'
                        AND cp.status_code <> '22')
        ORDER BY c.id DESC LIMIT 1) src ON TRUE
    LEFT JOIN LATERAL (
        SELECT s.id, s.payer_id FROM coverage s
        WHERE s.patient_id = e.patient_id AND s.priority = 2 AND s.effective_from <= e.dos
          AND (s.effective_to IS NULL OR s.effective_to >= e.dos)
        ORDER BY s.effective_from DESC, s.id DESC LIMIT 1) nc ON TRUE
    LEFT JOIN payer py ON py.id = nc.payer_id
    LEFT JOIN LATERAL (
        SELECT c.id, c.claim_no, c.status, c.submitted_on FROM claim c
        JOIN coverage cv ON cv.id = c.coverage_id
        WHERE c.encounter_id = e.id AND cv.priority = 2
          AND {status_not_in(RETIRED, "c.status")}
          AND {crossover_sql("c")}
        ORDER BY c.id DESC LIMIT 1) live ON TRUE
    WHERE e.id = ANY(:ids) ORDER BY e.id"""


@dataclass
class _Plan:
    """What to write for the encounters a remittance touched."""

    voids: list[dict[str, Any]]
    creates: list[dict[str, Any]]
    followups: list[dict[str, Any]]


def sync_secondary_claims(
    conn: Connection,
    remit_id: int,
    trace_no: str,
    actor: str,
    today: date,
    *,
    undo: bool,
    only: Sequence[int] | None = None,
) -> list[str]:
    """Create, replace or void secondary claims after remittance `remit_id` was posted (or,
    with `undo`, undone) — for the claims it paid, or only the primary claims `only`;
    returns what was done, in words, for the biller."""
    encounters = [
        int(r[0])
        for r in conn.execute(
            text(f"SELECT id FROM encounter WHERE id IN ({_TOUCHED}) ORDER BY id FOR UPDATE"),
            {"r": remit_id, "only": list(only) if only is not None else None},
        )
    ]
    if not encounters:
        return []
    rows = [dict(r._mapping) for r in conn.execute(text(_STATE), {"ids": encounters})]
    live = [r["live_id"] for r in rows if r["live_id"] is not None]
    if live:  # lock them against a concurrent send and read their status again
        locked = conn.execute(
            text("SELECT id, status FROM claim WHERE id = ANY(:ids) ORDER BY id FOR UPDATE"),
            {"ids": live},
        )
        status = {int(r.id): str(r.status) for r in locked}
        for r in rows:
            if r["live_id"] is not None:
                r["live_status"] = status[r["live_id"]]
    plan = _plan(rows, trace_no, today, undo)
    notes = _void(conn, plan.voids, actor)
    notes += _create(conn, plan.creates, trace_no, actor, today)
    if plan.followups:
        conn.execute(
            text("""INSERT INTO work_item (kind, claim_id, patient_id, amount, opened_on, due_on,
                        detail) VALUES ('followup', :c, :p, :amt, :d, :due, :detail)"""),
            plan.followups,
        )
        notes += [f["detail"] for f in plan.followups]
    return notes


def _plan(rows: list[dict[str, Any]], trace_no: str, today: date, undo: bool) -> _Plan:
    plan = _Plan([], [], [])
    what = f"undoing the primary's 835 {trace_no}" if undo else f"the primary's 835 {trace_no}"
    for r in rows:
        owed = Decimal(r["owed"])
        can_bill = owed > 0 and r["source_id"] is not None and r["coverage_id"] is not None
        if r["live_id"] is None:
            if can_bill and not undo:
                plan.creates.append(r)
            continue
        void = {"id": r["live_id"], "old": r["live_status"], "no": r["live_no"]}
        if r["live_status"] in UNSENT:
            if not can_bill:
                plan.voids.append(
                    {**void, "why": f"void: after {what} nothing is left for the secondary payer"}
                )
            elif not undo:
                plan.voids.append({**void, "why": f"void: replaced after {what}"})
                plan.creates.append(r)
            continue
        sent = f" on {r['submitted_on']:%m/%d/%Y}" if r["submitted_on"] else ""
        plan.followups.append(
            {
                "c": r["live_id"],
                "p": r["patient_id"],
                "amt": max(owed, Decimal("0.00")),
                "d": today,
                "due": today + timedelta(days=FOLLOW_UP_DAYS),
                "detail": f"secondary claim {r['live_no']} was already sent{sent}; after {what} "
                f"the secondary payer's share is {owed:.2f}: send a corrected claim "
                "(frequency 7) or a void if it changed",
            }
        )
    return plan


def _void(conn: Connection, voids: list[dict[str, Any]], actor: str) -> list[str]:
    if not voids:
        return []
    claim_status.move(  # locked and read just now: every one of them moves
        conn,
        [v["id"] for v in voids],
        ClaimStatus.VOID,
        actor,
        [v["why"] for v in voids],
        as_read=[ClaimStatus(v["old"]) for v in voids],
    )
    params = [{**v, "a": actor} for v in voids]
    conn.execute(
        text(
            "UPDATE work_item SET status = 'void', closed_at = now(), owner = NULL, "
            "lease_until = NULL WHERE claim_id = :id "
            "AND kind = 'rejection' AND status = 'open'"
        ),
        params,
    )
    record_audits(conn, actor, "void", "claim", [(v["id"], v["why"]) for v in voids])
    return [f"secondary claim {v['no']} {v['why']}" for v in voids]


def _create(
    conn: Connection, rows: list[dict[str, Any]], trace_no: str, actor: str, today: date
) -> list[str]:
    """New ready secondary claims (claim number, lines, history, audit) in fixed statements."""
    if not rows:
        return []
    created = conn.execute(
        text("""INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id,
                    frequency, status, total_charge, created_on)
                SELECT 'C' || nextval('claim_no_seq'), n.encounter_id, n.patient_id,
                       n.coverage_id, n.payer_id, '1', 'ready', n.total, :today
                FROM unnest(CAST(:e AS bigint[]), CAST(:p AS bigint[]), CAST(:cv AS bigint[]),
                            CAST(:py AS bigint[]), CAST(:t AS numeric[]))
                     AS n(encounter_id, patient_id, coverage_id, payer_id, total)
                ORDER BY n.encounter_id
                RETURNING id, claim_no, encounter_id"""),
        {
            "e": [r["encounter_id"] for r in rows],
            "p": [r["patient_id"] for r in rows],
            "cv": [r["coverage_id"] for r in rows],
            "py": [r["payer_id"] for r in rows],
            "t": [r["total_charge"] for r in rows],
            "today": today,
        },
    ).all()
    by_encounter = {r["encounter_id"]: r for r in rows}
    pairs = [(c, by_encounter[c.encounter_id]) for c in created]
    conn.execute(
        text("""INSERT INTO claim_line (claim_id, charge_id, line_no, code, modifiers, units,
                    amount, dx_pointers)
                SELECT n.claim_id, l.charge_id, l.line_no, l.code, l.modifiers, l.units,
                       l.amount, l.dx_pointers
                FROM unnest(CAST(:c AS bigint[]), CAST(:s AS bigint[])) AS n(claim_id, source)
                JOIN claim_line l ON l.claim_id = n.source"""),
        {"c": [c.id for c, _ in pairs], "s": [r["source_id"] for _, r in pairs]},
    )
    events = [
        {
            "c": c.id,
            "a": actor,
            "d": f"secondary claim created from the primary's 835 {trace_no} (claim "
            f"{r['source_no']}): {r['payer_name']} is billed for {Decimal(r['owed']):.2f}",
        }
        for c, r in pairs
    ]
    conn.execute(
        text(
            "INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, detail) "
            "VALUES (:c, now(), :a, NULL, 'ready', :d)"
        ),
        events,
    )
    record_audits(conn, actor, "create", "claim", [(e["c"], e["d"]) for e in events])
    return [f"{c.claim_no}: {e['d']}" for (c, _), e in zip(pairs, events, strict=True)]

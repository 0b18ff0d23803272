"""Creating claims from unbilled encounters, and holds, as set-based SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, TextClause, bindparam, text

from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.claim_status import ClaimMoveRefused
from medbill_tui.db.repositories.notes import write_note
from medbill_tui.db.repositories.secondary import crossover_sql
from medbill_tui.domain.claim_state import REJECTED, ClaimStatus
from medbill_tui.domain.scrub_model import Finding, Severity
from medbill_tui.records.claims import ClaimVersion, PayerBatch, SkippedEncounter

from .scrubbing import SELF_PAY_REASON as SELF_PAY_REASON
from .scrubbing import scrub_encounters as scrub_encounters


class ClaimConflict(Exception):
    """The record changed or is in a state that does not allow this (message in words)."""


def _ids(sql: str) -> TextClause:
    return text(sql).bindparams(bindparam("ids", expanding=True))


def lock_unbilled(conn: Connection, encounter_ids: Sequence[int] | None) -> list[int]:
    """Lock the unbilled encounters to bill (all of them when `encounter_ids` is None)."""
    if encounter_ids is None:
        rows = conn.execute(
            text("SELECT id FROM encounter WHERE status = 'unbilled' ORDER BY dos, id FOR UPDATE")
        )
    elif not encounter_ids:
        return []
    else:
        rows = conn.execute(
            _ids(
                "SELECT id FROM encounter WHERE status = 'unbilled' AND id IN :ids "
                "ORDER BY dos, id FOR UPDATE"
            ),
            {"ids": list(encounter_ids)},
        )
    return [int(r[0]) for r in rows]


_NOT_UNBILLED = {
    "hold": "it is on hold (release it first)",
    "void": "it was voided",
}


def not_billable(conn: Connection, encounter_ids: Sequence[int]) -> dict[int, str]:
    """Why each of `encounter_ids` that is not an unbilled encounter cannot be billed."""
    if not encounter_ids:
        return {}
    rows = conn.execute(
        text(
            "SELECT i.id, e.status, (SELECT string_agg(c.claim_no, ', ' ORDER BY c.id) "
            "FROM claim c WHERE c.encounter_id = e.id) AS claims "
            "FROM unnest(CAST(:ids AS bigint[])) AS i(id) "
            "LEFT JOIN encounter e ON e.id = i.id "
            "WHERE e.status IS DISTINCT FROM 'unbilled'"
        ),
        {"ids": list(encounter_ids)},
    )
    reasons: dict[int, str] = {}
    for r in rows:
        if r.status is None:
            reasons[r.id] = "there is no such encounter"
        elif r.status == "billed":
            reasons[r.id] = f"it is already billed ({r.claims})" if r.claims else "it is billed"
        else:
            reasons[r.id] = _NOT_UNBILLED.get(r.status, f"it is {r.status}, not unbilled")
    return reasons


def split_clean(
    conn: Connection, findings: dict[int, tuple[Finding, ...]]
) -> tuple[list[int], tuple[SkippedEncounter, ...]]:
    """Encounters with no errors, and the skipped ones with their error messages."""
    clean = [
        eid for eid, fs in findings.items() if not any(f.severity == Severity.ERROR for f in fs)
    ]
    blocked = [eid for eid in findings if eid not in set(clean)]
    skipped: list[SkippedEncounter] = []
    if blocked:
        rows = conn.execute(
            _ids(
                "SELECT e.id, p.last_name || ', ' || p.first_name AS name, e.dos "
                "FROM encounter e JOIN patient p ON p.id = e.patient_id WHERE e.id IN :ids "
                "ORDER BY e.dos, e.id"
            ),
            {"ids": blocked},
        ).all()
        for r in rows:
            reasons = tuple(f.message for f in findings[r.id] if f.severity == Severity.ERROR)
            skipped.append(SkippedEncounter(r.id, r.name, r.dos, reasons))
    return clean, tuple(skipped)


def batches_for(conn: Connection, encounter_ids: Sequence[int]) -> tuple[PayerBatch, ...]:
    """Claims per payer (count and charges) the encounters would produce."""
    if not encounter_ids:
        return ()
    rows = conn.execute(
        _ids(
            """SELECT py.name, count(DISTINCT e.id) AS n, coalesce(sum(c.amount), 0) AS amount
               FROM encounter e JOIN coverage cv ON cv.id = e.coverage_id
               JOIN payer py ON py.id = cv.payer_id
               LEFT JOIN charge c ON c.encounter_id = e.id
               WHERE e.id IN :ids GROUP BY py.name ORDER BY py.name"""
        ),
        {"ids": list(encounter_ids)},
    ).all()
    return tuple(PayerBatch(r.name, int(r.n), Decimal(r.amount)) for r in rows)


def insert_claims(
    conn: Connection, encounter_ids: Sequence[int], actor: str, today: date
) -> list[int]:
    """Create `ready` claims with lines, history, the ledger charge and the auth visit."""
    if not encounter_ids:
        return []
    params = {"ids": list(encounter_ids), "actor": actor, "today": today}
    claim_ids = [
        int(r[0])
        for r in conn.execute(
            _ids(
                """INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id,
                                      status, total_charge, created_on)
                   SELECT 'C' || nextval('claim_no_seq'), e.id, e.patient_id, e.coverage_id,
                          cv.payer_id, 'ready',
                          (SELECT coalesce(sum(amount), 0) FROM charge WHERE encounter_id = e.id),
                          :today
                   FROM encounter e JOIN coverage cv ON cv.id = e.coverage_id
                   WHERE e.id IN :ids ORDER BY e.dos, e.id
                   RETURNING id"""
            ),
            params,
        )
    ]
    new = {"cids": claim_ids, "actor": actor, "today": today}
    claims_sql = "SELECT * FROM claim WHERE id = ANY(:cids)"
    conn.execute(
        text(
            f"""INSERT INTO claim_line (claim_id, charge_id, line_no, code, modifiers, units,
                                        amount, dx_pointers)
                SELECT cl.id, c.id, c.line_no, c.code,
                       concat_ws(':', c.modifier1, c.modifier2, c.modifier3, c.modifier4),
                       c.units, c.amount, c.dx_pointers
                FROM ({claims_sql}) cl JOIN charge c ON c.encounter_id = cl.encounter_id"""
        ),
        new,
    )
    conn.execute(
        text(
            f"""INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, detail)
                SELECT cl.id, now(), :actor, NULL, 'ready',
                       'created from encounter ' || cl.encounter_id
                FROM ({claims_sql}) cl"""
        ),
        new,
    )
    conn.execute(
        text(
            f"""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                                          amount, service_date, posted_by, memo)
                SELECT cl.patient_id, cl.encounter_id, cl.id, 'charge',
                       CASE cv.priority WHEN 1 THEN 'primary' WHEN 2 THEN 'secondary'
                            ELSE 'tertiary' END,
                       cl.total_charge, e.dos, :actor, 'claim ' || cl.claim_no
                FROM ({claims_sql}) cl JOIN encounter e ON e.id = cl.encounter_id
                JOIN coverage cv ON cv.id = cl.coverage_id"""
        ),
        new,
    )
    conn.execute(
        _ids("UPDATE encounter SET status = 'billed', version = version + 1 WHERE id IN :ids"),
        params,
    )
    conn.execute(
        _ids(
            """UPDATE "authorization" a SET visits_used = visits_used + n.visits
               FROM (SELECT authorization_id, count(*) AS visits FROM encounter
                     WHERE id IN :ids AND authorization_id IS NOT NULL
                     GROUP BY authorization_id) n
               WHERE a.id = n.authorization_id"""
        ),
        params,
    )
    conn.execute(
        text(
            """INSERT INTO audit_event (actor, action, entity, entity_id, detail)
               SELECT :actor, 'create', 'claim', id, 'claim ' || claim_no
               FROM claim WHERE id = ANY(:cids)"""
        ),
        new,
    )
    return claim_ids


def set_claim_hold(conn: Connection, claim_id: int, hold: bool, reason: str, actor: str) -> None:
    """Put a claim on hold with a reason, or release it back to `ready`."""
    row = conn.execute(
        text("SELECT status FROM claim WHERE id = :id FOR UPDATE"), {"id": claim_id}
    ).one_or_none()
    if row is None:
        raise ClaimConflict(f"claim {claim_id} does not exist")
    if not hold and row.status != ClaimStatus.HOLD:
        raise ClaimConflict("this claim is not on hold")
    try:
        claim_status.move(
            conn,
            [claim_id],
            ClaimStatus.HOLD if hold else ClaimStatus.READY,
            actor,
            reason or ("released" if not hold else None),
            columns={"hold_reason": reason if hold else None},
        )
    except ClaimMoveRefused as exc:
        raise ClaimConflict(str(exc)) from None
    record_audit(conn, actor, "hold" if hold else "release", "claim", claim_id, reason or None)


def _hold_note(hold: bool, reason: str) -> str:
    if hold:
        return f"hold: {reason}"
    return f"released: {reason}" if reason else "released"


def set_encounter_hold(
    conn: Connection, encounter_id: int, hold: bool, reason: str, actor: str
) -> None:
    """Hold an unbilled encounter back from billing with a reason, or release it."""
    current, target = ("unbilled", "hold") if hold else ("hold", "unbilled")
    done = conn.execute(
        text(
            "UPDATE encounter SET status = :t, version = version + 1 "
            "WHERE id = :id AND status = :c RETURNING id"
        ),
        {"t": target, "c": current, "id": encounter_id},
    ).one_or_none()
    if done is None:
        raise ClaimConflict(
            "only an unbilled encounter can be put on hold"
            if hold
            else "this encounter is not on hold"
        )
    write_note(conn, "encounter", encounter_id, actor, _hold_note(hold, reason))
    record_audit(conn, actor, "hold" if hold else "release", "encounter", encounter_id, reason)


def refresh_rejected_claim(conn: Connection, claim_id: int, actor: str) -> None:
    """After the encounter was corrected: the rejected claim takes the new lines and total,
    its charge on the ledger is reversed and posted again, and it is ready to send again.
    A void (frequency 8) keeps the voided claim's lines and charges nothing."""
    void = conn.execute(
        text("SELECT frequency = '8' FROM claim WHERE id = :c"), {"c": claim_id}
    ).scalar_one()
    if not void:
        _rebill_lines(conn, claim_id, actor)
    (moved,) = claim_status.move(
        conn,
        [claim_id],
        ClaimStatus.READY,
        actor,
        "corrected after rejection; send again",
        expected_from=REJECTED,
    )
    if not void:
        _charge_again(conn, claim_id, actor)
    record_audit(
        conn, actor, "resend", "claim", claim_id, f"corrected after {moved.from_status.value}"
    )
    conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, detail = coalesce(detail || '; ', '') || 'corrected by ' || :a "
            "WHERE claim_id = :c AND kind = 'rejection' AND status = 'open'"
        ),
        {"c": claim_id, "a": actor},
    )


def refresh_ready_replacement(conn: Connection, claim_id: int, actor: str) -> None:
    """After the visit was corrected: the corrected claim waiting to be sent takes the new
    lines and total; its charge on the ledger is reversed and posted again."""
    _rebill_lines(conn, claim_id, actor)
    _charge_again(conn, claim_id, actor)
    record_audit(conn, actor, "update", "claim", claim_id, "lines from the corrected visit")


def _rebill_lines(conn: Connection, claim_id: int, actor: str) -> None:
    """The claim's lines become the encounter's charges; its live charge entries reversed."""
    conn.execute(text("DELETE FROM claim_line WHERE claim_id = :c"), {"c": claim_id})
    conn.execute(
        text("""INSERT INTO claim_line (claim_id, charge_id, line_no, code, modifiers, units,
                    amount, dx_pointers)
                SELECT :c, ch.id, ch.line_no, ch.code,
                       concat_ws(':', ch.modifier1, ch.modifier2, ch.modifier3, ch.modifier4),
                       ch.units, ch.amount, ch.dx_pointers
                FROM charge ch JOIN claim cl ON cl.encounter_id = ch.encounter_id
                WHERE cl.id = :c"""),
        {"c": claim_id},
    )
    conn.execute(
        text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                    amount, service_date, posted_by, reverses_id, memo)
                SELECT le.patient_id, le.encounter_id, le.claim_id, 'reversal', le.responsibility,
                       -le.amount, le.service_date, :a, le.id, 'corrected after rejection'
                FROM ledger_entry le WHERE le.claim_id = :c AND le.kind = 'charge'
                  AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses_id = le.id)"""),
        {"c": claim_id, "a": actor},
    )


def _charge_again(conn: Connection, claim_id: int, actor: str) -> None:
    """The claim's total from its lines, charged again (not on a secondary claim)."""
    conn.execute(
        text("""UPDATE claim SET total_charge = (SELECT coalesce(sum(amount), 0) FROM claim_line
                                                 WHERE claim_id = :c)
                WHERE id = :c"""),
        {"c": claim_id},
    )
    conn.execute(
        text(
            """INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind, responsibility,
                    amount, service_date, posted_by, memo)
                SELECT c.patient_id, c.encounter_id, c.id, 'charge',
                       CASE cv.priority WHEN 1 THEN 'primary' WHEN 2 THEN 'secondary'
                            ELSE 'tertiary' END, c.total_charge, e.dos, :a,
                       'claim ' || c.claim_no || ' corrected'
                FROM claim c JOIN encounter e ON e.id = c.encounter_id
                JOIN coverage cv ON cv.id = c.coverage_id WHERE c.id = :c
                  AND NOT """
            + crossover_sql("c")
        ),
        {"c": claim_id, "a": actor},
    )


def lock_claim_status(conn: Connection, claim_id: int) -> str | None:
    """Lock the claim's row (FOR UPDATE) and return its status (None: no such claim)."""
    status = conn.execute(
        text("SELECT status FROM claim WHERE id = :c FOR UPDATE"), {"c": claim_id}
    ).scalar()
    return None if status is None else str(status)


def lock_claim_version(conn: Connection, claim_id: int) -> ClaimVersion | None:
    """Lock the claim's row (FOR UPDATE) and return its number, status and version (None: no
    such claim)."""
    row = conn.execute(
        text("SELECT claim_no, status, version FROM claim WHERE id = :c FOR UPDATE"),
        {"c": claim_id},
    ).one_or_none()
    return None if row is None else ClaimVersion(row.claim_no, row.status, row.version)

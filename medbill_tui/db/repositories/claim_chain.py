"""The one place a claim is replaced: a corrected claim (7), a void (8) or a rebill (1).

The replaced claim's row is locked first, so two billers (or two denial items of one claim)
take turns and the second is told which replacement exists; the partial unique index
`ux_claim_one_live_replacement` (migration 0015) keeps one live replacement per claim even
without the lock. Every open work item of the replaced claim closes with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import status_in
from medbill_tui.db.repositories import claim_status
from medbill_tui.db.repositories.audit import record_audit, record_audits
from medbill_tui.db.repositories.claim_status import ClaimMoveRefused
from medbill_tui.domain.claim_chain import IN_FLIGHT, VERBS, ChainAction, frequency, refusal
from medbill_tui.domain.claim_state import LABELS, RETIRED, ClaimStatus


class ChainRefused(Exception):
    """The claim cannot be replaced as asked; nothing changed (message in words)."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """The claim made, and the one it took the place of."""

    claim_id: int
    claim_no: str
    frequency: str
    replaced_id: int
    replaced_no: str
    closed_items: int


@dataclass(frozen=True, slots=True)
class _Locked:
    id: int
    claim_no: str
    status: ClaimStatus
    payer_claim_no: str | None
    patient_id: int
    encounter_id: int
    dos: date
    responsibility: str
    total_charge: Decimal


def claim_id_of(conn: Connection, claim_no: str) -> int:
    """The id of claim `claim_no` (ChainRefused when there is none)."""
    found = conn.execute(
        text("SELECT id FROM claim WHERE claim_no = :n"), {"n": claim_no.strip()}
    ).scalar_one_or_none()
    if found is None:
        raise ChainRefused(f"there is no claim {claim_no.strip()}")
    return int(found)


def live_replacement(conn: Connection, claim_id: int) -> tuple[str, ClaimStatus] | None:
    """The newest claim that replaces `claim_id` (number and status), None when none does."""
    row = conn.execute(
        text(
            "SELECT claim_no, status FROM claim WHERE replaces_claim_id = :c "
            "ORDER BY id DESC LIMIT 1"
        ),
        {"c": claim_id},
    ).one_or_none()
    return None if row is None else (str(row.claim_no), ClaimStatus(row.status))


def replaced_words(claim_no: str, replacement: tuple[str, ClaimStatus]) -> str:
    """`claim C1 was already replaced by C2 (status ready)`."""
    number, status = replacement
    return f"claim {claim_no} was already replaced by {number} (status {LABELS[status]})"


def lock_unreplaced(conn: Connection, claim_id: int) -> ClaimStatus:
    """Lock the claim row; refuse (naming the replacement) when it was replaced or voided.
    Returns its status. Every path that replaces or resends a claim starts here."""
    status = conn.execute(
        text("SELECT status FROM claim WHERE id = :c FOR UPDATE"), {"c": claim_id}
    ).scalar_one_or_none()
    if status is None:
        raise ChainRefused(f"there is no claim {claim_id}")
    replacement = live_replacement(conn, claim_id)
    if replacement is not None and (
        replacement[1] not in RETIRED or ClaimStatus(status) in RETIRED
    ):
        number = conn.execute(
            text("SELECT claim_no FROM claim WHERE id = :c"), {"c": claim_id}
        ).scalar_one()
        raise ChainRefused(replaced_words(str(number), replacement))
    return ClaimStatus(status)


def _lock(conn: Connection, claim_id: int) -> _Locked:
    lock_unreplaced(conn, claim_id)
    row = conn.execute(
        text("""SELECT c.id, c.claim_no, c.status, c.payer_claim_no, c.patient_id,
                       c.encounter_id, e.dos, c.total_charge,
                       CASE cv.priority WHEN 1 THEN 'primary' WHEN 2 THEN 'secondary'
                            ELSE 'tertiary' END AS resp
                FROM claim c JOIN encounter e ON e.id = c.encounter_id
                JOIN coverage cv ON cv.id = c.coverage_id WHERE c.id = :c"""),
        {"c": claim_id},
    ).one()
    return _Locked(
        int(row.id),
        str(row.claim_no),
        ClaimStatus(row.status),
        row.payer_claim_no,
        int(row.patient_id),
        int(row.encounter_id),
        row.dos,
        str(row.resp),
        Decimal(row.total_charge),
    )


def replace_claim(
    conn: Connection,
    claim_id: int,
    action: ChainAction,
    actor: str,
    today: date,
    reason: str = "",
) -> Replacement:
    """Make the claim that takes the place of `claim_id` (ready to send), retire the old one,
    move the charge (corrected, rebill) and close every open work item of the old claim."""
    old = _lock(conn, claim_id)
    why = refusal(action, old.claim_no, old.status, old.payer_claim_no)
    if why is not None:
        raise ChainRefused(why)
    freq = frequency(action, old.payer_claim_no)
    new = _insert_claim(conn, old, action, freq, today)
    if action is not ChainAction.VOID:
        _move_charge(conn, old, new, actor)
    verb = VERBS[action]
    because = f": {reason.strip()}" if reason.strip() else ""
    try:
        claim_status.move(
            conn, [old.id], ClaimStatus.REPLACED, actor, f"{verb} as {new[1]}{because}"
        )
    except ClaimMoveRefused as exc:
        raise ChainRefused(str(exc)) from None
    kind = {
        ChainAction.CORRECT: "corrected claim",
        ChainAction.VOID: "void",
        ChainAction.REBILL: "rebill",
    }[action]
    conn.execute(
        text(
            "INSERT INTO claim_event (claim_id, at, actor, from_status, to_status, detail) "
            "VALUES (:new, now(), :a, NULL, 'ready', :d)"
        ),
        {"new": new[0], "a": actor, "d": f"{kind} replacing {old.claim_no}{because}"},
    )
    record_audit(conn, actor, "create", "claim", new[0], f"{action.value}s claim {old.claim_no}")
    record_audit(conn, actor, action.value, "claim", old.id, f"{verb} as {new[1]}")
    closed = close_open_items(conn, old.id, f"{verb} as {new[1]} by {actor}", actor)
    return Replacement(new[0], new[1], freq, old.id, old.claim_no, closed)


def close_open_items(conn: Connection, claim_id: int, outcome: str, actor: str) -> int:
    """Close every open work item of the claim (denials, rejections, follow-ups) with
    `outcome` in its detail, each audited; returns how many closed."""
    rows = conn.execute(
        text(
            "UPDATE work_item SET status = 'done', closed_at = now(), owner = NULL, "
            "lease_until = NULL, detail = coalesce(detail || '; ', '') || :o "
            "WHERE claim_id = :c AND status = 'open' RETURNING id"
        ),
        {"c": claim_id, "o": outcome},
    ).all()
    record_audits(conn, actor, "work", "work_item", [(int(r.id), outcome) for r in rows])
    return len(rows)


def _insert_claim(
    conn: Connection, old: _Locked, action: ChainAction, freq: str, today: date
) -> tuple[int, str]:
    """The new claim and its lines: a void copies the old claim; the others bill the visit's
    charges as they stand now."""
    total = (
        ":old_total"
        if action is ChainAction.VOID
        else "(SELECT coalesce(sum(amount), 0) FROM charge WHERE encounter_id = c.encounter_id)"
    )
    new = conn.execute(
        text(f"""INSERT INTO claim (claim_no, encounter_id, patient_id, coverage_id, payer_id,
                    frequency, original_payer_claim_no, status, total_charge, created_on,
                    replaces_claim_id)
                SELECT 'C' || nextval('claim_no_seq'), c.encounter_id, c.patient_id,
                       c.coverage_id, c.payer_id, :freq, :orig, 'ready', {total}, :today, c.id
                FROM claim c WHERE c.id = :old RETURNING id, claim_no"""),
        {
            "freq": freq,
            "orig": old.payer_claim_no if freq in ("7", "8") else None,
            "today": today,
            "old": old.id,
            "old_total": old.total_charge,
        },
    ).one()
    if action is ChainAction.VOID:
        lines = """SELECT :new, charge_id, line_no, code, modifiers, units, amount, dx_pointers
                   FROM claim_line WHERE claim_id = :old"""
    else:
        lines = """SELECT :new, id, line_no, code,
                          concat_ws(':', modifier1, modifier2, modifier3, modifier4), units,
                          amount, dx_pointers
                   FROM charge WHERE encounter_id = :e"""
    conn.execute(
        text(
            "INSERT INTO claim_line (claim_id, charge_id, line_no, code, modifiers, units, "
            f"amount, dx_pointers) {lines}"
        ),
        {"new": new.id, "old": old.id, "e": old.encounter_id},
    )
    return int(new.id), str(new.claim_no)


def _move_charge(conn: Connection, old: _Locked, new: tuple[int, str], actor: str) -> None:
    """The new claim carries the charge from now on: the old claim's live charge entries are
    reversed and the new total charged (a secondary claim has no charge of its own: its
    balance came by transfer, so nothing moves)."""
    reversed_ = conn.execute(
        text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                    responsibility, amount, service_date, posted_by, reverses_id, memo)
                SELECT le.patient_id, le.encounter_id, le.claim_id, 'reversal',
                       le.responsibility, -le.amount, le.service_date, :a, le.id, :m
                FROM ledger_entry le WHERE le.claim_id = :c AND le.kind = 'charge'
                  AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses_id = le.id)
                RETURNING id"""),
        {"c": old.id, "a": actor, "m": f"replaced by claim {new[1]}"},
    ).all()
    if not reversed_:
        return
    conn.execute(
        text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                    responsibility, amount, service_date, posted_by, memo)
                SELECT :p, :e, c.id, 'charge', :r, c.total_charge, :d, :a, 'claim ' || c.claim_no
                FROM claim c WHERE c.id = :c"""),
        {
            "p": old.patient_id,
            "e": old.encounter_id,
            "c": new[0],
            "r": old.responsibility,
            "d": old.dos,
            "a": actor,
        },
    )


def settle_confirmed_voids(conn: Connection, remit_id: int, actor: str) -> int:
    """The payer confirmed a void by taking back its payment (CLP02 = 22 on the voided claim
    in payment `remit_id`): the voided claim's charge is reversed (it bills nothing any more)
    and the void claim is closed. Returns how many voids were settled."""
    voids = conn.execute(
        text(f"""SELECT v.id, v.claim_no, v.replaces_claim_id AS old
                 FROM claim v
                 WHERE v.frequency = '8' AND {status_in(IN_FLIGHT, "v.status")}
                   AND EXISTS (SELECT 1 FROM claim_payment cp
                               WHERE cp.remittance_id = :r AND cp.status_code = '22'
                                 AND cp.claim_id = v.replaces_claim_id)
                 ORDER BY v.id FOR UPDATE OF v"""),
        {"r": remit_id},
    ).all()
    if not voids:
        return 0
    conn.execute(
        text("""INSERT INTO ledger_entry (patient_id, encounter_id, claim_id, kind,
                    responsibility, amount, service_date, posted_by, reverses_id, memo)
                SELECT le.patient_id, le.encounter_id, le.claim_id, 'reversal',
                       le.responsibility, -le.amount, le.service_date, :a, le.id,
                       'voided: the payer took its payment back'
                FROM ledger_entry le WHERE le.claim_id = ANY(:old) AND le.kind = 'charge'
                  AND NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses_id = le.id)
                ORDER BY le.id"""),
        {"old": [int(v.old) for v in voids], "a": actor},
    )
    moved = claim_status.move(
        conn,
        [int(v.id) for v in voids],
        ClaimStatus.CLOSED,
        actor,
        "void confirmed: the payer took its payment back",
        skip_illegal=True,
    )
    return len(moved)

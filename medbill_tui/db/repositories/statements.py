"""Patient statements: guarantor balances with their dunning state, visit lines, and the
record of runs, statements sent, referrals to collections and holds.

Balances are sums of `ledger_entry` rows with responsibility `patient` posted before the day
after the as-of date (UTC days, as the reports read them), summed per guarantor: a patient's
guarantor is `patient.guarantor_id`, or the patient when it is null (one level).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.domain.report_period import day_start
from medbill_tui.records.statements import (
    CycleState,
    PracticeInfo,
    StatementAccount,
    Step,
    VisitLine,
)

_ACCOUNTS_SQL = """
    WITH owed AS (
        SELECT coalesce(p.guarantor_id, p.id) AS gid, sum(le.amount) AS balance
        FROM ledger_entry le JOIN patient p ON p.id = le.patient_id
        WHERE le.responsibility = 'patient' AND le.posted_at < :cutoff
        GROUP BY 1
    ), held AS (
        SELECT coalesce(p.guarantor_id, p.id) AS gid,
               string_agg(p.account_no || coalesce(' (' || nullif(p.statement_hold_reason, '')
                          || ')', ''), '; ' ORDER BY p.account_no) AS why
        FROM patient p WHERE p.statement_hold
        GROUP BY 1
    )
    SELECT g.id, g.account_no, g.first_name, g.last_name, g.address1, g.city, g.state, g.zip,
           o.balance, h.why AS hold_reason, ev.cycle_no, ev.step, ev.as_of
    FROM owed o
    JOIN patient g ON g.id = o.gid
    LEFT JOIN held h ON h.gid = o.gid
    LEFT JOIN LATERAL (
        SELECT d.cycle_no, d.step, d.as_of FROM dunning_event d
        WHERE d.guarantor_id = o.gid ORDER BY d.id DESC LIMIT 1
    ) ev ON true
    WHERE o.balance <> 0 OR ev.step IN ('first', 'reminder', 'final', 'collections')
    ORDER BY g.account_no"""

_EFFECTIVE_KIND = """CASE WHEN le.kind <> 'reversal' THEN le.kind
    WHEN orig.kind <> 'reversal' THEN orig.kind ELSE coalesce(orig2.kind, 'reversal') END"""
"""What a row does for the statement's columns: a reversal counts as the kind it takes back
(a reversal of a reversal as the entry that counts again)."""

_VISITS_SQL = f"""
    SELECT coalesce(p.guarantor_id, p.id) AS gid, p.id AS patient_id, p.account_no,
           p.first_name || ' ' || p.last_name AS patient_name, e.id AS encounter_id, e.dos,
           left(pr.first_name, 1) || '. ' || pr.last_name AS provider,
           coalesce(sum(le.amount) FILTER (WHERE {_EFFECTIVE_KIND} IN ('charge', 'opening')), 0)
                    AS charges,
           -coalesce(sum(le.amount) FILTER (WHERE {_EFFECTIVE_KIND} = 'payment'
                                            AND le.responsibility <> 'patient'), 0) AS ins_paid,
           -coalesce(sum(le.amount) FILTER (WHERE {_EFFECTIVE_KIND} IN ('adjustment', 'writeoff')),
                     0) AS adjusted,
           -coalesce(sum(le.amount) FILTER (WHERE {_EFFECTIVE_KIND} = 'payment'
                                            AND le.responsibility = 'patient'), 0) AS pt_paid,
           coalesce(sum(le.amount) FILTER (WHERE le.responsibility <> 'patient'), 0) AS pending,
           coalesce(sum(le.amount) FILTER (WHERE le.responsibility = 'patient'), 0) AS due,
           bool_and(le.claim_id IS NULL) AS direct
    FROM unnest(CAST(:gids AS integer[])) AS chosen(id)
    JOIN patient p ON coalesce(p.guarantor_id, p.id) = chosen.id
    JOIN ledger_entry le ON le.patient_id = p.id AND le.posted_at < :cutoff
    LEFT JOIN ledger_entry orig ON orig.id = le.reverses_id
    LEFT JOIN ledger_entry orig2 ON orig2.id = orig.reverses_id
    JOIN encounter e ON e.id = le.encounter_id
    JOIN provider pr ON pr.id = e.provider_id
    GROUP BY p.id, e.id, pr.id
    HAVING coalesce(sum(le.amount) FILTER (WHERE le.responsibility = 'patient'), 0) <> 0
    ORDER BY p.account_no, e.dos, e.id"""


class UnknownAccount(Exception):
    """No patient has that account number (the message names it)."""


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A patient account and the guarantor whose statements cover it."""

    patient_id: int
    account_no: str
    guarantor_id: int
    guarantor_account: str


def cutoff(as_of: date) -> object:
    """Rows posted before this instant count for a statement as of `as_of`."""
    return day_start(as_of + timedelta(days=1))


def practice_info(conn: Connection) -> PracticeInfo:
    """The practice that sends the statements (a plain placeholder if none is set up)."""
    row = conn.execute(
        text("SELECT name, address1, city, state, zip, phone FROM practice ORDER BY id LIMIT 1")
    ).first()
    if row is None:
        return PracticeInfo("Billing office", "", "", "", "")
    return PracticeInfo(row.name, row.address1, row.city, row.state, row.zip, row.phone)


def accounts(conn: Connection, as_of: date) -> list[StatementAccount]:
    """Guarantors that owe (or are owed) money as of `as_of`, or whose cycle is running."""
    rows = conn.execute(text(_ACCOUNTS_SQL), {"cutoff": cutoff(as_of)})
    return [
        StatementAccount(
            guarantor_id=r.id,
            account_no=r.account_no,
            name=f"{r.first_name} {r.last_name}",
            address1=r.address1,
            city=r.city,
            state=r.state,
            zip=r.zip,
            balance=Decimal(r.balance),
            hold_reason=r.hold_reason,
            cycle=CycleState(r.cycle_no or 0, Step(r.step) if r.step else None, r.as_of),
        )
        for r in rows
    ]


def visits(
    conn: Connection, guarantor_ids: Sequence[int], as_of: date
) -> dict[int, list[VisitLine]]:
    """The visits with a patient balance of each guarantor's patients (one query)."""
    result: dict[int, list[VisitLine]] = defaultdict(list)
    if not guarantor_ids:
        return result
    rows = conn.execute(text(_VISITS_SQL), {"gids": list(guarantor_ids), "cutoff": cutoff(as_of)})
    for r in rows:
        result[r.gid].append(
            VisitLine(
                r.patient_id,
                r.account_no,
                r.patient_name,
                r.encounter_id,
                r.dos,
                r.provider,
                r.charges,
                r.ins_paid,
                r.adjusted,
                r.pt_paid,
                r.pending,
                r.due,
                bool(r.direct),
            )
        )
    return result


def latest_run_as_of(conn: Connection) -> date | None:
    """The as-of date of the latest recorded run (runs never go back before it)."""
    value = conn.execute(text("SELECT max(as_of) FROM statement_run")).scalar()
    return value if isinstance(value, date) else None


def lock_dunning(conn: Connection) -> None:
    """One statement run or collections confirmation at a time (released at commit);
    a second one waits, then reads what the first recorded."""
    conn.execute(text("LOCK TABLE dunning_event IN SHARE ROW EXCLUSIVE MODE"))


def next_run_id(conn: Connection) -> int:
    return int(
        conn.execute(text("SELECT nextval(pg_get_serial_sequence('statement_run', 'id'))")).one()[0]
    )


def insert_run(
    conn: Connection,
    run_id: int,
    as_of: date,
    statements: int,
    amount: Decimal,
    folder: str,
    actor: str,
) -> None:
    conn.execute(
        text(
            "INSERT INTO statement_run (id, as_of, statements, amount, folder, created_by) "
            "VALUES (:id, :as_of, :n, :amount, :folder, :actor)"
        ),
        {
            "id": run_id,
            "as_of": as_of,
            "n": statements,
            "amount": amount,
            "folder": folder,
            "actor": actor,
        },
    )


@dataclass(frozen=True, slots=True)
class NewEvent:
    """A dunning_event row to insert."""

    guarantor_id: int
    cycle_no: int
    step: Step
    as_of: date
    amount: Decimal
    run_id: int | None = None
    file_name: str | None = None
    content: str | None = None


def insert_events(conn: Connection, events: Sequence[NewEvent], actor: str) -> None:
    """Record dunning steps (one statement for any number of rows)."""
    if not events:
        return
    conn.execute(
        text(
            "INSERT INTO dunning_event (guarantor_id, cycle_no, step, as_of, amount, run_id, "
            "file_name, content, created_by) VALUES (:g, :c, :s, :a, :amt, :r, :f, :t, :u)"
        ),
        [
            {
                "g": e.guarantor_id,
                "c": e.cycle_no,
                "s": e.step.value,
                "a": e.as_of,
                "amt": e.amount,
                "r": e.run_id,
                "f": e.file_name,
                "t": e.content,
                "u": actor,
            }
            for e in events
        ],
    )


def find_account(conn: Connection, account_no: str) -> AccountRef:
    """The patient with this account number (any case) and their guarantor."""
    row = conn.execute(
        text(
            "SELECT p.id, p.account_no, g.id AS gid, g.account_no AS gacc FROM patient p "
            "JOIN patient g ON g.id = coalesce(p.guarantor_id, p.id) "
            "WHERE upper(p.account_no) = :a"
        ),
        {"a": account_no.strip().upper()},
    ).first()
    if row is None:
        raise UnknownAccount(f"no account {account_no.strip().upper()!r}")
    return AccountRef(row.id, row.account_no, row.gid, row.gacc)


def set_hold(conn: Connection, patient_id: int, hold: bool, reason: str) -> bool:
    """Put an account on statement hold (or release it); False when it already was so."""
    result = conn.execute(
        text(
            "UPDATE patient SET statement_hold = :h, statement_hold_reason = :r, "
            "version = version + 1 WHERE id = :id AND statement_hold IS DISTINCT FROM :h"
        ),
        {"h": hold, "r": reason if hold else None, "id": patient_id},
    )
    return bool(result.rowcount)


def statement_text(conn: Connection, guarantor_id: int, step: Step, cycle_no: int) -> str | None:
    """The recorded text of a statement sent (None if there is none)."""
    value = conn.execute(
        text(
            "SELECT content FROM dunning_event WHERE guarantor_id = :g AND step = :s "
            "AND cycle_no = :c"
        ),
        {"g": guarantor_id, "s": step.value, "c": cycle_no},
    ).scalar()
    return value if isinstance(value, str) else None

"""A small practice for statement tests: guarantors, dependents and ledger rows posted on
chosen days (so as-of dates see exactly what a test means them to see)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from medbill_tui.records.statements import DunningPolicy
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.statements import StatementService
from tests.factories import Builder, insert

POLICY = DunningPolicy(reminder_days=30, final_days=30, collections_days=30)
Patient = tuple[int, int]


def posted(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def visit(
    b: Builder,
    patient: Patient,
    dos: date,
    on: date,
    share: str,
    *,
    charge: str = "150.00",
    paid: str = "90.00",
    pt_paid: str = "0.00",
) -> int:
    """A billed visit the payer paid on `on`: charge, payment, write-off, the patient's share
    moved to them (and, optionally, part of it paid by the patient the same day)."""
    eid = b.encounter(patient, dos, status="billed", charges=(charge,))
    adjusted = Decimal(charge) - Decimal(paid) - Decimal(share)
    rows = [
        ("charge", "primary", Decimal(charge)),
        ("payment", "primary", -Decimal(paid)),
        ("adjustment", "primary", -adjusted),
        ("transfer", "primary", -Decimal(share)),
        ("transfer", "patient", Decimal(share)),
    ]
    if Decimal(pt_paid):
        rows.append(("payment", "patient", -Decimal(pt_paid)))
    for kind, resp, amount in rows:
        if amount:
            insert(
                b.conn,
                "ledger_entry",
                patient_id=patient[0],
                encounter_id=eid,
                kind=kind,
                responsibility=resp,
                amount=amount,
                service_date=dos,
                posted_at=posted(on),
                posted_by="test",
            )
    return eid  # fmt: skip


def pay(conn: Connection, patient: Patient, eid: int, amount: str, on: date) -> None:
    """The patient pays `amount` on `on` toward visit `eid`."""
    dos = conn.execute(text("SELECT dos FROM encounter WHERE id = :e"), {"e": eid}).scalar_one()
    insert(conn, "ledger_entry", patient_id=patient[0], encounter_id=eid, kind="payment",
           responsibility="patient", amount=-Decimal(amount), service_date=dos,
           posted_at=posted(on), posted_by="test")  # fmt: skip


def guarantee(conn: Connection, guarantor: Patient, *dependents: Patient) -> None:
    conn.execute(text("UPDATE patient SET guarantor_id = :g WHERE id = ANY(:ids)"),
                 {"g": guarantor[0], "ids": [d[0] for d in dependents]})  # fmt: skip


def builder(conn: Connection) -> Builder:
    """A Builder on a database where one already made the provider and payers."""
    b = Builder.__new__(Builder)
    b.conn = conn
    b.provider = int(conn.execute(text("SELECT min(id) FROM provider")).scalar_one())
    b.payers = [int(i) for i in conn.execute(text("SELECT id FROM payer ORDER BY id")).scalars()]
    return b


def account_no(conn: Connection, patient: Patient) -> str:
    return str(
        conn.execute(
            text("SELECT account_no FROM patient WHERE id = :id"), {"id": patient[0]}
        ).scalar_one()
    )


def service(
    engine: Engine, today: date, out: Path, policy: DunningPolicy = POLICY
) -> StatementService:
    # a supervisor: the tests confirm referrals to collections too
    return StatementService(engine, Clock(pinned=today), "biller1", out, policy, role="supervisor")


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """(statement runs, dunning events, audit events, patient versions summed)."""
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT (SELECT count(*) FROM statement_run), (SELECT count(*) FROM dunning_event), "
            "(SELECT count(*) FROM audit_event), (SELECT coalesce(sum(version), 0) FROM patient)"
        )).one()  # fmt: skip
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def files(out: Path) -> list[str]:
    """Every file and folder under `out`, relative, hidden ones included."""
    if not out.exists():
        return []
    return sorted(str(p.relative_to(out)) for p in out.rglob("*"))

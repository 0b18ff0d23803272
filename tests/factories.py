"""Small hand-made data for repository tests (inserted with plain SQL in the test's database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy import Connection, text

_ids = count(1)


def insert(conn: Connection, table: str, **values: Any) -> int:
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return int(
        conn.execute(
            text(f'INSERT INTO "{table}" ({cols}) VALUES ({params}) RETURNING id'), values
        ).scalar_one()
    )


class Builder:
    """Creates a minimal practice and lets a test add patients, encounters, claims, ledger rows."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.provider = insert(
            conn,
            "provider",
            npi="1234567893",
            first_name="Ann",
            last_name="Lee",
            taxonomy="207Q00000X",
        )
        self.payers = [
            insert(conn, "payer", name=name, payer_code=code, claim_filing_indicator="CI")
            for name, code in (("Acme Health", "P1"), ("Blue Plan", "P2"))
        ]

    def patient(
        self, last: str, first: str = "Pat", account: str | None = None, payer: int | None = None
    ) -> tuple[int, int]:
        n = next(_ids)
        pid = insert(
            self.conn,
            "patient",
            account_no=account or f"A{n:06d}",
            first_name=first,
            last_name=last,
            dob=date(1970, 1, 1),
            sex="F",
            address1="1 Main St",
            city="Town",
            state="NY",
            zip="10001",
        )
        cov = insert(
            self.conn,
            "coverage",
            patient_id=pid,
            payer_id=payer or self.payers[0],
            member_id=f"M{n}",
            priority=1,
            effective_from=date(2020, 1, 1),
            subscriber_sex="F",
        )
        return pid, cov

    def encounter(
        self,
        patient: tuple[int, int],
        dos: date,
        status: str = "unbilled",
        charges: tuple[str, ...] = ("100.00",),
    ) -> int:
        eid = insert(
            self.conn,
            "encounter",
            patient_id=patient[0],
            provider_id=self.provider,
            coverage_id=patient[1],
            dos=dos,
            pos="11",
            status=status,
        )
        for line_no, amount in enumerate(charges, start=1):
            insert(
                self.conn,
                "charge",
                encounter_id=eid,
                line_no=line_no,
                code="99213",
                units=Decimal(1),
                amount=Decimal(amount),
            )
        return eid

    def claim(
        self,
        patient: tuple[int, int],
        dos: date,
        status: str,
        created: date,
        submitted: date | None = None,
        amount: str = "100.00",
        payer: int | None = None,
    ) -> int:
        eid = self.encounter(patient, dos, status="billed", charges=(amount,))
        if payer is None:
            payer = int(
                self.conn.execute(
                    text("SELECT payer_id FROM coverage WHERE id = :id"), {"id": patient[1]}
                ).scalar_one()
            )
        return insert(
            self.conn,
            "claim",
            claim_no=f"C{next(_ids):07d}",
            encounter_id=eid,
            patient_id=patient[0],
            coverage_id=patient[1],
            payer_id=payer,
            status=status,
            total_charge=Decimal(amount),
            created_on=created,
            submitted_on=submitted,
        )

    def ledger(
        self,
        patient: tuple[int, int],
        encounter_id: int,
        amount: str,
        dos: date,
        responsibility: str = "primary",
        kind: str = "charge",
        claim_id: int | None = None,
    ) -> int:
        return insert(
            self.conn,
            "ledger_entry",
            patient_id=patient[0],
            encounter_id=encounter_id,
            claim_id=claim_id,
            kind=kind,
            responsibility=responsibility,
            amount=Decimal(amount),
            service_date=dos,
            posted_by="test",
        )

    def rejection(
        self, claim_id: int, patient_id: int, opened: date, detail: str, **facts: Any
    ) -> int:
        """An open rejection work item as the 999/277CA import writes it: `facts` are its
        columns (source, reason, stc_category …), `detail` its words."""
        return insert(
            self.conn,
            "work_item",
            kind="rejection",
            claim_id=claim_id,
            patient_id=patient_id,
            amount=Decimal("70.00"),
            opened_on=opened,
            detail=detail,
            **facts,
        )

    def denial(
        self, claim_id: int, patient_id: int, opened: date, carc: str = "16", amount: str = "100.00"
    ) -> int:
        return insert(
            self.conn,
            "work_item",
            kind="denial",
            claim_id=claim_id,
            patient_id=patient_id,
            group_code="CO",
            carc=carc,
            amount=Decimal(amount),
            opened_on=opened,
        )

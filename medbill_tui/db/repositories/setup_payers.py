"""The payers list of the setup screens: read, add, correct, deactivate (never delete)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from medbill_tui.db.claim_sql import PENDING_CLAIM_SQL
from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.db.repositories.setup_lists import SetupRefusal, StaleSetupRow, deactivate_row
from medbill_tui.domain.setup_forms import CheckedPayer
from medbill_tui.records.setup import Choice, PayerForm, SetupRow


def payer_rows(conn: Connection) -> tuple[SetupRow, ...]:
    rows = conn.execute(
        text("""SELECT id, name, payer_code, claim_filing_indicator, paper, active
                FROM payer ORDER BY NOT active, name, id""")
    ).all()
    return tuple(
        SetupRow(
            r.id,
            (r.name, r.payer_code, r.claim_filing_indicator, "paper" if r.paper else "837P"),
            r.active,
        )
        for r in rows
    )


def payer_form(conn: Connection, payer_id: int) -> PayerForm:
    r = conn.execute(text("SELECT * FROM payer WHERE id = :id"), {"id": payer_id}).one_or_none()
    if r is None:
        raise RecordNotFound(f"payer {payer_id} does not exist")
    zip_code = r.zip if len(r.zip) != 9 else f"{r.zip[:5]}-{r.zip[5:]}"
    return PayerForm(
        payer_code=r.payer_code,
        name=r.name,
        claim_filing_indicator=r.claim_filing_indicator,
        address_line1=r.address_line1,
        address_line2=r.address_line2,
        city=r.city,
        state=r.state,
        zip=zip_code,
        paper="yes" if r.paper else "no",
        secondary_electronic="yes" if r.secondary_electronic else "no",
        clearinghouse="" if r.clearinghouse_id is None else str(r.clearinghouse_id),
        timely_filing_days=str(r.timely_filing_days),
        appeal_days=str(r.appeal_days),
        payment_timer_days="" if r.payment_timer_days is None else str(r.payment_timer_days),
        payer_id=r.id,
        version=r.version,
    )


def clearinghouse_choices(conn: Connection) -> tuple[Choice, ...]:
    rows = conn.execute(text("SELECT id, name FROM clearinghouse ORDER BY name, id")).all()
    return (Choice("The default one", ""), *(Choice(r.name, str(r.id)) for r in rows))


def _values(checked: CheckedPayer) -> dict[str, Any]:
    return {
        "code": checked.payer_code,
        "name": checked.name,
        "cfi": checked.claim_filing_indicator,
        "l1": checked.address_line1,
        "l2": checked.address_line2,
        "city": checked.city,
        "state": checked.state,
        "zip": checked.zip,
        "paper": checked.paper,
        "sec": checked.secondary_electronic,
        "ch": checked.clearinghouse_id,
        "tf": checked.timely_filing_days,
        "appeal": checked.appeal_days,
        "timer": checked.payment_timer_days,
    }


def save_payer(conn: Connection, form: PayerForm, checked: CheckedPayer, actor: str) -> int:
    taken = conn.execute(
        text("""SELECT name FROM payer WHERE upper(payer_code) = upper(:c)
                AND id IS DISTINCT FROM :id LIMIT 1"""),
        {"c": checked.payer_code, "id": form.payer_id},
    ).scalar()
    if taken is not None:
        raise SetupRefusal(f"payer id {checked.payer_code} is {taken}'s already")
    if checked.clearinghouse_id is not None:
        known = conn.execute(
            text("SELECT 1 FROM clearinghouse WHERE id = :c"), {"c": checked.clearinghouse_id}
        ).first()
        if known is None:
            raise SetupRefusal("that clearinghouse does not exist; choose one from the list")
    values = _values(checked)
    detail = f"payer id {checked.payer_code}"
    if form.payer_id is None:
        new_id = conn.execute(
            text("""INSERT INTO payer (payer_code, name, claim_filing_indicator, address_line1,
                        address_line2, city, state, zip, paper, secondary_electronic,
                        clearinghouse_id, timely_filing_days, appeal_days, payment_timer_days)
                    VALUES (:code, :name, :cfi, :l1, :l2, :city, :state, :zip, :paper, :sec,
                            :ch, :tf, :appeal, :timer) RETURNING id"""),
            values,
        ).scalar_one()
        record_audit(conn, actor, "create", "payer", new_id, detail)
        return int(new_id)
    done = conn.execute(
        text("""UPDATE payer SET payer_code = :code, name = :name, claim_filing_indicator = :cfi,
                    address_line1 = :l1, address_line2 = :l2, city = :city, state = :state,
                    zip = :zip, paper = :paper, secondary_electronic = :sec,
                    clearinghouse_id = :ch, timely_filing_days = :tf, appeal_days = :appeal,
                    payment_timer_days = :timer, version = version + 1
                WHERE id = :id AND (CAST(:v AS integer) IS NULL OR version = :v) RETURNING id"""),
        {**values, "id": form.payer_id, "v": form.version},
    ).scalar()
    if done is None:
        payer_form(conn, form.payer_id)
        raise StaleSetupRow("someone else changed this payer since you opened it")
    record_audit(conn, actor, "update", "payer", form.payer_id, detail)
    return form.payer_id


def open_claims(conn: Connection, payer_id: int) -> int:
    """How many of the payer's claims are still open (ready to send … waiting to be paid)."""
    return int(
        conn.execute(
            text(f"SELECT count(*) FROM claim WHERE payer_id = :p AND {PENDING_CLAIM_SQL}"),
            {"p": payer_id},
        ).scalar_one()
    )


def deactivate_payer(conn: Connection, payer_id: int, actor: str, open_count: int) -> None:
    deactivate_row(conn, "payer", payer_id, "payer")
    detail = f"{open_count} open claim(s) left with it" if open_count else None
    record_audit(conn, actor, "deactivate", "payer", payer_id, detail)

"""Reference rows several use cases read as they are: the practice, the payers, CARC texts."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.records.queues import PayerOption
from medbill_tui.records.statements import PracticeInfo


def practice_name(conn: Connection) -> str | None:
    """The practice's name (the first practice row; None when none is set up)."""
    name = conn.execute(text("SELECT name FROM practice ORDER BY id LIMIT 1")).scalar()
    return None if name is None else str(name)


def practice_address(conn: Connection) -> PracticeInfo:
    """The practice's name and address (the first practice row); raises NoResultFound when
    none is set up."""
    row = conn.execute(
        text("SELECT name, address1, city, state, zip, phone FROM practice ORDER BY id LIMIT 1")
    ).one()
    return PracticeInfo(row.name, row.address1, row.city, row.state, row.zip, row.phone)


def payer_options(
    conn: Connection, *, in_use: bool = False, keep: int | None = None
) -> tuple[PayerOption, ...]:
    """Every payer for a picker, by name; `in_use`: only those not deactivated (and `keep`,
    the payer already chosen on the record being corrected)."""
    rows = conn.execute(
        text(
            "SELECT id, name FROM payer WHERE active OR NOT :in_use OR id = :keep ORDER BY name, id"
        ),
        {"in_use": in_use, "keep": keep},
    ).all()
    return tuple(PayerOption(id=r.id, name=r.name) for r in rows)


def carc_description(conn: Connection, code: str) -> str | None:
    """A CARC's words from the loaded official list (None when the code is not there)."""
    found = conn.execute(text("SELECT description FROM carc WHERE code = :c"), {"c": code}).scalar()
    return None if found is None else str(found)

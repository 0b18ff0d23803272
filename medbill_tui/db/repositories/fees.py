"""Fee schedule reads and writes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, text

from medbill_tui.domain.fees import FeeChange, FeeKey


class UnknownPayer(LookupError):
    """No payer has that payer code."""


def payer_id_for_code(conn: Connection, payer_code: str) -> int:
    found = conn.execute(
        text("SELECT id FROM payer WHERE payer_code = :c"), {"c": payer_code}
    ).scalar_one_or_none()
    if found is None:
        raise UnknownPayer(f"no payer has the payer id {payer_code!r}")
    return int(found)


def payer_id_for_coverage(conn: Connection, coverage_id: int) -> int | None:
    """The payer of a coverage, whose fee schedule prices its charges (None: no such coverage)."""
    found = conn.execute(
        text("SELECT payer_id FROM coverage WHERE id = :id"), {"id": coverage_id}
    ).scalar()
    return None if found is None else int(found)


def current_fees(
    conn: Connection, payer_id: int | None, *, lock: bool = False
) -> dict[FeeKey, Decimal]:
    """The schedule of one payer (None: the default schedule); `lock` holds its rows until
    the caller's transaction ends."""
    rows = conn.execute(
        text(
            "SELECT code, modifier, price FROM fee_schedule "
            "WHERE payer_id IS NOT DISTINCT FROM :p AND active" + (" FOR UPDATE" if lock else "")
        ),
        {"p": payer_id},
    ).all()
    return {(r.code, r.modifier): Decimal(r.price) for r in rows}


def apply_fee_changes(conn: Connection, payer_id: int | None, changes: list[FeeChange]) -> None:
    """Insert new prices and update changed ones (in the caller's transaction)."""
    for change in changes:
        conn.execute(
            text(
                "INSERT INTO fee_schedule (payer_id, code, modifier, price) "
                "VALUES (:p, :c, :m, :price) "
                "ON CONFLICT (payer_id, code, modifier) DO UPDATE SET price = EXCLUDED.price, "
                "active = true, version = fee_schedule.version + 1"
            ),
            {"p": payer_id, "c": change.code, "m": change.modifier, "price": change.new},
        )


def fee_for(conn: Connection, code: str, modifier: str, payer_id: int | None) -> Decimal | None:
    """The price of a code: the payer's own, else the default; with the modifier, else without."""
    row = conn.execute(
        text(
            "SELECT price FROM fee_schedule WHERE code = :c AND modifier IN (:m, '') "
            "AND (payer_id = :p OR payer_id IS NULL) AND active "
            "ORDER BY payer_id IS NULL, modifier = '' LIMIT 1"
        ),
        {"c": code, "m": modifier, "p": payer_id},
    ).scalar_one_or_none()
    return None if row is None else Decimal(row)

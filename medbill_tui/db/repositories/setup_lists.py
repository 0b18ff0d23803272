"""The setup lists' rows: rendering providers and fee schedule prices (payers are in
setup_payers.py). Saves check the version the form was read at; nothing is deleted."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.db.repositories.audit import record_audit
from medbill_tui.db.repositories.errors import RecordNotFound
from medbill_tui.domain.money import fmt_money
from medbill_tui.domain.setup_forms import CheckedFee, CheckedProvider
from medbill_tui.records.setup import Choice, FeeForm, ProviderForm, SetupRow


class SetupRefusal(Exception):
    """The change contradicts other rows (an id already used, deactivated already)."""


class StaleSetupRow(Exception):
    """Someone else saved the row after the form was read (its version moved on)."""


def deactivate_row(conn: Connection, table: str, row_id: int, noun: str) -> None:
    """Mark a row as no longer used; refused if it is so already."""
    active = conn.execute(
        text(f"SELECT active FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id}
    ).scalar()
    if active is None:
        raise RecordNotFound(f"{noun} {row_id} does not exist")
    if not active:
        raise SetupRefusal(f"this {noun} is deactivated already; nothing was changed")
    conn.execute(
        text(f"UPDATE {table} SET active = false, version = version + 1 WHERE id = :id"),
        {"id": row_id},
    )


SETUP_TABLES = {"provider": "provider", "payer": "payer", "price": "fee_schedule"}
"""The table behind each setup list, by what its rows are called."""


def reactivate_row(conn: Connection, noun: str, row_id: int, actor: str) -> None:
    """Put a deactivated row back in use (audited); refused if it is in use already."""
    table = SETUP_TABLES[noun]
    active = conn.execute(
        text(f"SELECT active FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id}
    ).scalar()
    if active is None:
        raise RecordNotFound(f"{noun} {row_id} does not exist")
    if active:
        raise SetupRefusal(f"this {noun} is in use already; nothing was changed")
    conn.execute(
        text(f"UPDATE {table} SET active = true, version = version + 1 WHERE id = :id"),
        {"id": row_id},
    )
    record_audit(conn, actor, "reactivate", table, row_id, None)


# providers --------------------------------------------------------------------------


def provider_rows(conn: Connection) -> tuple[SetupRow, ...]:
    rows = conn.execute(
        text("""SELECT id, last_name || ', ' || first_name AS name, npi, taxonomy, active
                FROM provider ORDER BY NOT active, last_name, first_name, id""")
    ).all()
    return tuple(SetupRow(r.id, (r.name, r.npi, r.taxonomy), r.active) for r in rows)


def provider_form(conn: Connection, provider_id: int) -> ProviderForm:
    r = conn.execute(
        text("SELECT * FROM provider WHERE id = :id"), {"id": provider_id}
    ).one_or_none()
    if r is None:
        raise RecordNotFound(f"provider {provider_id} does not exist")
    return ProviderForm(r.npi, r.first_name, r.last_name, r.taxonomy, r.id, r.version)


def save_provider(
    conn: Connection, form: ProviderForm, checked: CheckedProvider, actor: str
) -> int:
    taken = conn.execute(
        text("SELECT 1 FROM provider WHERE npi = :n AND id IS DISTINCT FROM :id"),
        {"n": checked.npi, "id": form.provider_id},
    ).first()
    if taken is not None:
        raise SetupRefusal(f"NPI {checked.npi} is another provider's already")
    values = {
        "npi": checked.npi,
        "first": checked.first_name,
        "last": checked.last_name,
        "taxonomy": checked.taxonomy,
    }
    if form.provider_id is None:
        new_id = conn.execute(
            text("""INSERT INTO provider (npi, first_name, last_name, taxonomy)
                    VALUES (:npi, :first, :last, :taxonomy) RETURNING id"""),
            values,
        ).scalar_one()
        record_audit(conn, actor, "create", "provider", new_id, f"NPI {checked.npi}")
        return int(new_id)
    done = conn.execute(
        text("""UPDATE provider SET npi = :npi, first_name = :first, last_name = :last,
                    taxonomy = :taxonomy, version = version + 1
                WHERE id = :id AND (CAST(:v AS integer) IS NULL OR version = :v) RETURNING id"""),
        {**values, "id": form.provider_id, "v": form.version},
    ).scalar()
    if done is None:
        provider_form(conn, form.provider_id)  # RecordNotFound when it is gone
        raise StaleSetupRow("someone else changed this provider since you opened it")
    record_audit(conn, actor, "update", "provider", form.provider_id, f"NPI {checked.npi}")
    return form.provider_id


def deactivate_provider(conn: Connection, provider_id: int, actor: str) -> None:
    deactivate_row(conn, "provider", provider_id, "provider")
    record_audit(conn, actor, "deactivate", "provider", provider_id, None)


# fee schedule -----------------------------------------------------------------------


def fee_rows(conn: Connection) -> tuple[SetupRow, ...]:
    """Every price, the default schedule first, then by payer, code and modifier."""
    rows = conn.execute(
        text("""SELECT f.id, coalesce(py.name, 'Default (all payers)') AS schedule, f.code,
                       f.modifier, f.price, f.active
                FROM fee_schedule f LEFT JOIN payer py ON py.id = f.payer_id
                ORDER BY NOT f.active, f.payer_id IS NOT NULL, py.name, f.code, f.modifier,
                         f.id""")
    ).all()
    return tuple(
        SetupRow(r.id, (r.schedule, r.code, r.modifier, fmt_money(r.price)), r.active) for r in rows
    )


def fee_form(conn: Connection, fee_id: int) -> FeeForm:
    r = conn.execute(
        text("SELECT * FROM fee_schedule WHERE id = :id"), {"id": fee_id}
    ).one_or_none()
    if r is None:
        raise RecordNotFound(f"fee schedule row {fee_id} does not exist")
    payer = "" if r.payer_id is None else str(r.payer_id)
    return FeeForm(payer, r.code, r.modifier, f"{r.price:.2f}", r.id, r.version)


def save_fee(conn: Connection, form: FeeForm, checked: CheckedFee, actor: str) -> int:
    if checked.payer_id is not None:
        known = conn.execute(text("SELECT 1 FROM payer WHERE id = :p"), {"p": checked.payer_id})
        if known.first() is None:
            raise SetupRefusal("that payer does not exist; choose one from the list")
    taken = conn.execute(
        text("""SELECT 1 FROM fee_schedule WHERE payer_id IS NOT DISTINCT FROM :p
                AND code = :c AND modifier = :m AND id IS DISTINCT FROM :id"""),
        {"p": checked.payer_id, "c": checked.code, "m": checked.modifier, "id": form.fee_id},
    ).first()
    if taken is not None:
        raise SetupRefusal(
            f"{checked.code} {checked.modifier or '(no modifier)'} has a price in that schedule "
            "already; correct that row instead"
        )
    values = {
        "p": checked.payer_id,
        "c": checked.code,
        "m": checked.modifier,
        "price": checked.price,
    }
    detail = f"{checked.code} {checked.modifier} {checked.price}".replace("  ", " ")
    if form.fee_id is None:
        new_id = conn.execute(
            text("""INSERT INTO fee_schedule (payer_id, code, modifier, price)
                    VALUES (:p, :c, :m, :price) RETURNING id"""),
            values,
        ).scalar_one()
        record_audit(conn, actor, "create", "fee_schedule", new_id, detail)
        return int(new_id)
    done = conn.execute(
        text("""UPDATE fee_schedule SET payer_id = :p, code = :c, modifier = :m, price = :price,
                    version = version + 1
                WHERE id = :id AND (CAST(:v AS integer) IS NULL OR version = :v) RETURNING id"""),
        {**values, "id": form.fee_id, "v": form.version},
    ).scalar()
    if done is None:
        fee_form(conn, form.fee_id)
        raise StaleSetupRow("someone else changed this price since you opened it")
    record_audit(conn, actor, "update", "fee_schedule", form.fee_id, detail)
    return form.fee_id


def deactivate_fee(conn: Connection, fee_id: int, actor: str) -> None:
    deactivate_row(conn, "fee_schedule", fee_id, "price")
    record_audit(conn, actor, "deactivate", "fee_schedule", fee_id, None)


def schedule_choices(conn: Connection, keep: int | None = None) -> tuple[Choice, ...]:
    """The schedules a price may belong to: the default, then each payer in use (and `keep`,
    the payer of the price being corrected, even if deactivated)."""
    rows = conn.execute(
        text("SELECT id, name FROM payer WHERE active OR id = :keep ORDER BY name, id"),
        {"keep": keep},
    ).all()
    return (Choice("Default (all payers)", ""), *(Choice(r.name, str(r.id)) for r in rows))

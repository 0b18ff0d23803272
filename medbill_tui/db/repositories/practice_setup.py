"""The practice's setup rows: billing provider, rendering providers, clearinghouses, payers."""

from __future__ import annotations

from sqlalchemy import Connection, text

from medbill_tui.domain.practice_setup import (
    BillingProviderSetup,
    ClearinghouseSetup,
    PayerSetup,
    PracticeSetup,
    RenderingProviderSetup,
)


def practice_name(conn: Connection) -> str | None:
    """The name of the practice this database bills for (None: none set up yet)."""
    name = conn.execute(text("SELECT name FROM practice ORDER BY id LIMIT 1")).scalar()
    return None if name is None else str(name)


def is_empty(conn: Connection) -> bool:
    """No practice, no provider and no payer yet."""
    return not conn.execute(
        text("""SELECT EXISTS (SELECT 1 FROM practice) OR EXISTS (SELECT 1 FROM provider)
                       OR EXISTS (SELECT 1 FROM payer)""")
    ).scalar_one()


def taken_ids(conn: Connection, setup: PracticeSetup) -> list[str]:
    """Payer ids and NPIs of `setup` another row of the database holds already."""
    payers = conn.execute(
        text("SELECT payer_code FROM payer WHERE upper(payer_code) = ANY(:c) ORDER BY 1"),
        {"c": [p.payer_id.upper() for p in setup.payers]},
    ).scalars()
    npis = conn.execute(
        text("SELECT npi FROM provider WHERE npi = ANY(:n) ORDER BY 1"),
        {"n": [p.npi for p in setup.providers]},
    ).scalars()
    return [f"payer id {c} is already used" for c in payers] + [
        f"provider NPI {n} is already used" for n in npis
    ]


def write_setup(conn: Connection, setup: PracticeSetup) -> None:
    """Insert every row of `setup` (in the caller's transaction)."""
    p = setup.practice
    conn.execute(
        text("""INSERT INTO practice (name, npi, tin, taxonomy, address1, city, state, zip, phone)
                VALUES (:name, :npi, :tin, :taxonomy, :address1, :city, :state, :zip, :phone)"""),
        {
            "name": p.name,
            "npi": p.npi,
            "tin": p.tin,
            "taxonomy": p.taxonomy,
            "address1": p.address1,
            "city": p.city,
            "state": p.state,
            "zip": p.zip,
            "phone": p.phone,
        },
    )
    conn.execute(
        text("""INSERT INTO provider (npi, first_name, last_name, taxonomy, active)
                VALUES (:npi, :first, :last, :taxonomy, :active)"""),
        [
            {
                "npi": r.npi,
                "first": r.first_name,
                "last": r.last_name,
                "taxonomy": r.taxonomy,
                "active": r.active,
            }
            for r in setup.providers
        ],
    )
    house_ids: dict[str, int] = {}
    for c in setup.clearinghouses:
        house_ids[c.name] = conn.execute(
            text("""INSERT INTO clearinghouse (name, receiver_id, submitter_id, submitter_name,
                        contact_name, contact_phone, usage, is_default)
                    VALUES (:name, :receiver, :submitter, :sname, :contact, :phone, :usage,
                            :is_default) RETURNING id"""),
            {
                "name": c.name,
                "receiver": c.receiver_id,
                "submitter": c.submitter_id,
                "sname": c.submitter_name,
                "contact": c.contact_name,
                "phone": c.contact_phone,
                "usage": c.usage,
                "is_default": c.is_default,
            },
        ).scalar_one()
    conn.execute(
        text("""INSERT INTO payer (name, payer_code, claim_filing_indicator, timely_filing_days,
                    appeal_days, payment_timer_days, auth_required_codes, clearinghouse_id,
                    address_line1, address_line2, city, state, zip, paper, secondary_electronic)
                VALUES (:name, :code, :cfi, :tf, :appeal, :timer, :auth, :ch, :l1, :l2, :city,
                        :state, :zip, :paper, :sec)"""),
        [
            {
                "name": py.name,
                "code": py.payer_id,
                "cfi": py.claim_filing_indicator,
                "tf": py.timely_filing_days,
                "appeal": py.appeal_days,
                "timer": py.payment_timer_days,
                "auth": py.auth_required_codes,
                "ch": house_ids.get(py.clearinghouse) if py.clearinghouse else None,
                "l1": py.address[0],
                "l2": py.address[1],
                "city": py.address[2],
                "state": py.address[3],
                "zip": py.address[4],
                "paper": py.paper,
                "sec": py.secondary_electronic,
            }
            for py in setup.payers
        ],
    )


def read_setup(conn: Connection) -> PracticeSetup | None:
    """The setup as the database holds it (None: no practice yet)."""
    p = conn.execute(text("SELECT * FROM practice ORDER BY id LIMIT 1")).one_or_none()
    if p is None:
        return None
    practice = BillingProviderSetup(
        p.name, p.npi, p.tin, p.taxonomy, p.address1, p.city, p.state, p.zip, p.phone
    )
    providers = tuple(
        RenderingProviderSetup(r.npi, r.first_name, r.last_name, r.taxonomy, r.active)
        for r in conn.execute(text("SELECT * FROM provider ORDER BY id"))
    )
    houses = tuple(
        ClearinghouseSetup(
            c.name,
            c.receiver_id,
            c.submitter_id,
            c.submitter_name,
            c.contact_name,
            c.contact_phone,
            c.usage,
            c.is_default,
        )
        for c in conn.execute(text("SELECT * FROM clearinghouse ORDER BY id"))
    )
    payers = tuple(
        PayerSetup(
            py.payer_code,
            py.name,
            py.claim_filing_indicator,
            py.clearinghouse,
            py.timely_filing_days,
            py.appeal_days,
            py.payment_timer_days,
            py.auth_required_codes,
            (py.address_line1, py.address_line2, py.city, py.state, py.zip),
            py.paper,
            py.secondary_electronic,
        )
        for py in conn.execute(
            text("""SELECT py.*, ch.name AS clearinghouse FROM payer py
                    LEFT JOIN clearinghouse ch ON ch.id = py.clearinghouse_id ORDER BY py.id""")
        )
    )
    return PracticeSetup(practice, providers, houses, payers)

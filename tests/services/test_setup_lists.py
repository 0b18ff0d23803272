"""The setup lists' service: providers, payers and prices added, corrected and deactivated
(audited, never deleted); each refusal changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from medbill_tui.db.repositories.fees import fee_for
from medbill_tui.records.setup import FeeForm, PayerForm, ProviderForm
from medbill_tui.runtime.clock import Clock
from medbill_tui.services.encounters import EncounterService
from medbill_tui.services.patients import FormInvalid, PatientService
from medbill_tui.services.setup_lists import (
    OpenClaimsLeft,
    SetupChanged,
    SetupListsService,
    SetupRefused,
)
from medbill_tui.services.users import RoleRefused
from tests.factories import Builder

TODAY = date(2026, 3, 2)
NEW_PROVIDER = ProviderForm("1123456786", "Anna", "Lopez", "207q00000x")
NEW_PAYER = PayerForm(
    payer_code="04412",
    name="Medicare Part B",
    claim_filing_indicator="mb",
    address_line1="PO Box 100",
    address_line2="",
    city="Springfield",
    state="il",
    zip="62701-1234",
    paper="yes",
    secondary_electronic="no",
    clearinghouse="",
    timely_filing_days="365",
    appeal_days="120",
    payment_timer_days="",
)


def built(engine: Engine) -> Builder:
    with engine.begin() as conn:
        return Builder(conn)


def audits(engine: Engine, entity: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT action FROM audit_event WHERE entity = :e ORDER BY id"), {"e": entity}
            ).scalars()
        )


def test_providers_are_added_corrected_and_deactivated(engine: Engine) -> None:
    built(engine)
    setup = SetupListsService(engine, "sue", "supervisor")
    with pytest.raises(FormInvalid) as bad:
        setup.save_provider(replace(NEW_PROVIDER, npi="1123456787", taxonomy="207Q"))
    assert {e.field for e in bad.value.errors} == {"npi", "taxonomy"}
    with pytest.raises(FormInvalid, match="a person's"):  # an organization's NPI
        setup.save_provider(replace(NEW_PROVIDER, npi="2123456784"))
    with pytest.raises(SetupRefused, match="another provider's"):
        setup.save_provider(replace(NEW_PROVIDER, npi="1234567893"))  # the Builder's
    assert len(setup.providers()) == 1

    new_id = setup.save_provider(NEW_PROVIDER)
    loaded = setup.load_provider(new_id)
    assert (loaded.taxonomy, loaded.version) == ("207Q00000X", 1)
    setup.save_provider(replace(loaded, last_name="Lopez-Ruiz"))
    with pytest.raises(SetupChanged) as stale:  # saved over a version someone else moved on
        setup.save_provider(replace(loaded, first_name="Ann"), loaded)
    changes = stale.value.conflict.changes
    assert [(c.field, c.theirs, c.yours) for c in changes] == [("last_name", "Lopez-Ruiz", "Lopez")]
    assert stale.value.conflict.saved_by == "sue"

    setup.deactivate_provider(new_id)
    with pytest.raises(SetupRefused, match="deactivated already"):
        setup.deactivate_provider(new_id)
    encounters = EncounterService(engine, Clock(pinned=TODAY), "sue")
    assert new_id not in {p.id for p in encounters.providers()}
    assert new_id in {p.id for p in encounters.providers(keep=new_id)}  # a visit naming them
    assert [r.active for r in setup.providers()] == [True, False]
    assert audits(engine, "provider") == ["create", "update", "deactivate"]


def test_a_biller_may_not_change_the_setup(engine: Engine) -> None:
    built(engine)
    setup = SetupListsService(engine, "bill", "biller")
    with pytest.raises(RoleRefused, match="supervisor or an admin"):
        setup.save_provider(NEW_PROVIDER)
    with pytest.raises(RoleRefused):
        setup.payers()
    with pytest.raises(RoleRefused):
        setup.deactivate_fee(1)
    assert audits(engine, "provider") == []


def test_payers_carry_address_and_paper_and_ask_before_leaving_open_claims(
    engine: Engine,
) -> None:
    b = built(engine)
    setup = SetupListsService(engine, "sue", "supervisor")
    with pytest.raises(FormInvalid) as bad:
        setup.save_payer(replace(NEW_PAYER, zip="6270", state="XX", appeal_days="0"))
    assert {e.field for e in bad.value.errors} == {"zip", "state", "appeal_days"}
    with pytest.raises(SetupRefused, match="payer id p1 is Acme Health's already"):
        setup.save_payer(replace(NEW_PAYER, payer_code="p1"))

    payer_id = setup.save_payer(NEW_PAYER)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM payer WHERE id = :id"), {"id": payer_id}).one()
    assert (row.state, row.zip, row.paper, row.secondary_electronic) == (
        "IL",
        "627011234",
        True,
        False,
    )
    assert setup.load_payer(payer_id).zip == "62701-1234"

    with engine.begin() as conn:
        b.conn = conn
        b.claim(b.patient("Open"), date(2026, 2, 1), "submitted", date(2026, 2, 2))
    acme = b.payers[0]
    with pytest.raises(OpenClaimsLeft, match="1 open claim"):
        setup.deactivate_payer(acme)
    assert all(r.active for r in setup.payers())
    setup.deactivate_payer(acme, despite_open_claims=True)
    patients = PatientService(engine, Clock(pinned=TODAY), "sue")
    assert acme not in {p.id for p in patients.payers()}
    assert acme in {p.id for p in patients.payers(keep=acme)}  # a coverage naming it
    with pytest.raises(SetupRefused, match="deactivated already"):
        setup.deactivate_payer(acme, despite_open_claims=True)
    assert audits(engine, "payer") == ["create", "deactivate"]


def test_a_deactivated_price_is_no_longer_used(engine: Engine) -> None:
    b = built(engine)
    setup = SetupListsService(engine, "sue", "admin")
    default = setup.save_fee(FeeForm("", "99213", "", "120"))
    own = setup.save_fee(FeeForm(str(b.payers[0]), "99213", "", "$95.50"))
    with pytest.raises(SetupRefused, match="has a price in that schedule already"):
        setup.save_fee(FeeForm(str(b.payers[0]), "99213", "", "90"))
    with pytest.raises(FormInvalid) as bad:
        setup.save_fee(FeeForm("", "9921", "X", "-1"))
    assert {e.field for e in bad.value.errors} == {"code", "modifier", "price"}
    with engine.connect() as conn:
        assert fee_for(conn, "99213", "", b.payers[0]) == Decimal("95.50")
    setup.deactivate_fee(own)
    with engine.connect() as conn:
        assert fee_for(conn, "99213", "", b.payers[0]) == Decimal("120.00")
    assert [r.active for r in setup.fees()] == [True, False]
    assert setup.load_fee(default).price == "120.00"
    assert audits(engine, "fee_schedule") == ["create", "create", "deactivate"]
    # put back in use: priced again, audited; twice is refused and changes nothing
    setup.reactivate("price", own)
    with engine.connect() as conn:
        assert fee_for(conn, "99213", "", b.payers[0]) == Decimal("95.50")
    with pytest.raises(SetupRefused, match="in use already"):
        setup.reactivate("price", own)
    assert audits(engine, "fee_schedule") == ["create", "create", "deactivate", "reactivate"]
    with pytest.raises(RoleRefused):
        SetupListsService(engine, "bo", "biller").reactivate("price", own)

"""Fee imports: a preview writes nothing; applying re-checks the prices it was shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from medbill_tui.services.fees import FeeImportRefused, FeeService
from medbill_tui.services.users import RoleRefused

PRICES = {("99213", ""): Decimal("95.00"), ("20610", "RT"): Decimal("120.00")}


def _fees(engine: Engine) -> dict[tuple[str, str], Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, modifier, price FROM fee_schedule WHERE payer_id IS NULL")
        ).all()
    return {(r.code, r.modifier): Decimal(r.price) for r in rows}


def _audit_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM audit_event WHERE entity = 'fee_schedule'")
            ).scalar_one()
        )


def test_preview_writes_nothing_and_apply_writes_it_once(engine: Engine) -> None:
    service = FeeService(engine, "ann", "admin")
    preview = service.preview(PRICES, None)
    assert preview.schedule == "the default schedule" and len(preview.changes) == 2
    assert _fees(engine) == {} and _audit_count(engine) == 0
    assert service.apply(preview, "fees.csv") == 2
    assert _fees(engine) == PRICES and _audit_count(engine) == 1
    assert service.preview(PRICES, None).changes == ()


def test_a_price_changed_after_the_preview_refuses_and_changes_nothing(engine: Engine) -> None:
    service = FeeService(engine, "ann", "admin")
    service.apply(service.preview({("99213", ""): Decimal("90.00")}, None), "first.csv")
    preview = service.preview(PRICES, None)
    with engine.begin() as conn:  # someone else changes a previewed price meanwhile
        conn.execute(text("UPDATE fee_schedule SET price = 91.00 WHERE code = '99213'"))
    with pytest.raises(FeeImportRefused, match="changed since the preview"):
        service.apply(preview, "fees.csv")
    assert _fees(engine) == {("99213", ""): Decimal("91.00")} and _audit_count(engine) == 1


def test_unknown_payer_and_biller_are_refused(engine: Engine) -> None:
    with pytest.raises(FeeImportRefused, match="no payer has the payer id 'NOPE'"):
        FeeService(engine, "ann", "admin").preview(PRICES, "NOPE")
    biller = FeeService(engine, "bob", "biller")
    with pytest.raises(RoleRefused):
        biller.apply(biller.preview(PRICES, None), "fees.csv")
    assert _fees(engine) == {}
